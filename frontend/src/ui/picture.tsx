// Choosing a picture (A10, A11): pick an image, place it in a square (drag to move, the slider
// or the wheel to zoom, arrow keys too), and save. The app crops it to 512 pixels square
// before uploading; the server makes any upload square again and small.
import { useEffect, useRef, useState, type ReactNode } from "react";
import { errorMessage } from "../api/client";
import { Dialog, ErrorNote } from "./common";

const VIEW = 280;
const OUT = 512;

type Placement = { zoom: number; x: number; y: number };

export function PictureEditor({
  label,
  preview,
  hasPicture,
  round = true,
  onSave,
  onRemove,
}: {
  label: string;
  preview: ReactNode;
  hasPicture: boolean;
  round?: boolean;
  onSave: (picture: Blob) => Promise<void>;
  onRemove: () => Promise<void>;
}) {
  const input = useRef<HTMLInputElement>(null);
  const [source, setSource] = useState<{ url: string; name: string } | null>(null);
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  useEffect(() => () => (source ? URL.revokeObjectURL(source.url) : undefined), [source]);

  return (
    <div className="picture-editor">
      <div className="picture-editor__preview">{preview}</div>
      <div className="picture-editor__actions">
        <button type="button" className="btn btn--small" onClick={() => input.current?.click()} disabled={busy}>
          {hasPicture ? `Change ${label.toLowerCase()}` : `Upload ${label.toLowerCase()}`}
        </button>
        {hasPicture ? (
          <button
            type="button"
            className="btn btn--small"
            disabled={busy}
            onClick={async () => {
              setError("");
              setBusy(true);
              try {
                await onRemove();
              } catch (e) {
                setError(errorMessage(e));
              } finally {
                setBusy(false);
              }
            }}
          >
            Remove
          </button>
        ) : null}
        <input
          ref={input}
          type="file"
          accept="image/png,image/jpeg,image/gif,image/webp"
          hidden
          aria-label={`Choose a ${label.toLowerCase()}`}
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = "";
            if (!file) return;
            if (!file.type.startsWith("image/")) {
              setError("Choose a picture: a PNG, JPEG, GIF or WebP image.");
              return;
            }
            setError("");
            setSource({ url: URL.createObjectURL(file), name: file.name });
          }}
        />
      </div>
      <ErrorNote>{error}</ErrorNote>
      {source ? (
        <CropDialog
          label={label}
          url={source.url}
          round={round}
          onCancel={() => setSource(null)}
          onSave={async (blob) => {
            await onSave(blob);
            setSource(null);
          }}
        />
      ) : null}
    </div>
  );
}

function CropDialog({
  label,
  url,
  round,
  onCancel,
  onSave,
}: {
  label: string;
  url: string;
  round: boolean;
  onCancel: () => void;
  onSave: (b: Blob) => Promise<void>;
}) {
  const img = useRef<HTMLImageElement>(null);
  const [natural, setNatural] = useState<{ w: number; h: number } | null>(null);
  const [place, setPlace] = useState<Placement>({ zoom: 1, x: 0, y: 0 });
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const drag = useRef<{ px: number; py: number; x: number; y: number } | null>(null);

  // The image covers the square at zoom 1; its offset keeps it covering.
  const scale = natural ? (VIEW / Math.min(natural.w, natural.h)) * place.zoom : 1;
  const clamp = (p: Placement): Placement => {
    if (!natural) return p;
    const s = (VIEW / Math.min(natural.w, natural.h)) * p.zoom;
    const minX = VIEW - natural.w * s;
    const minY = VIEW - natural.h * s;
    return { zoom: p.zoom, x: Math.min(0, Math.max(minX, p.x)), y: Math.min(0, Math.max(minY, p.y)) };
  };
  const zoomTo = (zoom: number) =>
    setPlace((p) => {
      const z = Math.min(4, Math.max(1, zoom));
      // Zoom about the middle of the square.
      const k = z / p.zoom;
      return clamp({ zoom: z, x: VIEW / 2 - (VIEW / 2 - p.x) * k, y: VIEW / 2 - (VIEW / 2 - p.y) * k });
    });

  const save = async () => {
    if (!natural || !img.current) return;
    setBusy(true);
    setError("");
    try {
      const side = VIEW / scale;
      const out = Math.min(OUT, Math.round(side));
      const canvas = document.createElement("canvas");
      canvas.width = out;
      canvas.height = out;
      canvas.getContext("2d")?.drawImage(img.current, -place.x / scale, -place.y / scale, side, side, 0, 0, out, out);
      const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, "image/png"));
      if (!blob) throw new Error("This browser could not prepare the picture.");
      await onSave(blob);
    } catch (e) {
      setError(errorMessage(e));
      setBusy(false);
    }
  };

  return (
    <Dialog open onClose={onCancel} title={`Place your ${label.toLowerCase()}`} className="crop-dialog">
      <div
        className={`crop ${round ? "crop--round" : ""}`}
        style={{ width: VIEW, height: VIEW }}
        tabIndex={0}
        role="group"
        aria-label="Drag to move the picture; arrow keys move it, + and - zoom"
        onPointerDown={(e) => {
          (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId);
          drag.current = { px: e.clientX, py: e.clientY, x: place.x, y: place.y };
        }}
        onPointerMove={(e) => {
          const d = drag.current;
          if (!d) return;
          setPlace((p) => clamp({ ...p, x: d.x + e.clientX - d.px, y: d.y + e.clientY - d.py }));
        }}
        onPointerUp={() => (drag.current = null)}
        onWheel={(e) => zoomTo(place.zoom * (e.deltaY < 0 ? 1.1 : 1 / 1.1))}
        onKeyDown={(e) => {
          const step = 10;
          const moves: Record<string, [number, number]> = { ArrowLeft: [step, 0], ArrowRight: [-step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
          if (moves[e.key]) {
            e.preventDefault();
            const [dx, dy] = moves[e.key];
            setPlace((p) => clamp({ ...p, x: p.x + dx, y: p.y + dy }));
          } else if (e.key === "+" || e.key === "=") zoomTo(place.zoom * 1.1);
          else if (e.key === "-") zoomTo(place.zoom / 1.1);
        }}
      >
        <img
          ref={img}
          src={url}
          alt=""
          draggable={false}
          onLoad={(e) => {
            const el = e.currentTarget;
            const n = { w: el.naturalWidth, h: el.naturalHeight };
            setNatural(n);
            const s = VIEW / Math.min(n.w, n.h);
            setPlace({ zoom: 1, x: (VIEW - n.w * s) / 2, y: (VIEW - n.h * s) / 2 });
          }}
          onError={() => setError("This file could not be read as a picture.")}
          style={
            natural ? { width: natural.w * scale, height: natural.h * scale, transform: `translate(${place.x}px, ${place.y}px)` } : { visibility: "hidden" }
          }
        />
      </div>
      <label className="crop__zoom">
        Zoom
        <input type="range" min={1} max={4} step={0.01} value={place.zoom} onChange={(e) => zoomTo(Number(e.target.value))} />
      </label>
      <ErrorNote>{error}</ErrorNote>
      <div className="dialog__actions">
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
        <button type="button" className="btn btn--primary" onClick={save} disabled={!natural || busy}>
          {busy ? "Saving…" : "Save"}
        </button>
      </div>
    </Dialog>
  );
}
