// A message's file (M9): an image's thumbnail opening a lightbox, video and audio that play
// in place, anything else a download card with its name, type and size.
import { useState } from "react";
import type { AttachmentJson } from "../../api/wire";
import { formatBytes } from "../../lib/format";
import { Dialog } from "../common";

/** What kind of document a type is, in words, for the download card. */
export function describeType(contentType: string, name: string): string {
  const known: Record<string, string> = {
    "application/pdf": "PDF document",
    "application/zip": "ZIP archive",
    "application/gzip": "Compressed file",
    "text/plain": "Text file",
    "text/csv": "Spreadsheet (CSV)",
    "text/markdown": "Markdown text",
    "application/json": "JSON file",
    "image/svg+xml": "SVG drawing",
    "text/html": "Web page",
  };
  if (known[contentType]) return known[contentType];
  if (contentType.includes("wordprocessingml") || contentType === "application/msword") return "Word document";
  if (contentType.includes("spreadsheetml") || contentType === "application/vnd.ms-excel") return "Spreadsheet";
  if (contentType.includes("presentationml")) return "Presentation";
  const ext = name.includes(".") ? name.split(".").pop()?.toUpperCase() : "";
  return ext ? `${ext} file` : "File";
}

export function Attachment({ file }: { file: AttachmentJson }) {
  const [open, setOpen] = useState(false);
  switch (file.kind) {
    case "image": {
      // An animated GIF plays from the original; other images show their thumbnail.
      const src = file.content_type === "image/gif" ? file.url : (file.thumbnail_url ?? file.url);
      return (
        <div className="attachment attachment--image">
          <button type="button" className="attachment__thumb" onClick={() => setOpen(true)} aria-label={`Open ${file.name}`}>
            <img src={src} alt={file.name} width={file.width ?? undefined} height={file.height ?? undefined} loading="lazy" decoding="async" />
          </button>
          <Dialog open={open} onClose={() => setOpen(false)} title={file.name} className="lightbox">
            <img className="lightbox__image" src={file.url} alt={file.name} />
            <div className="dialog__actions">
              <a className="btn" href={file.download_url} download={file.name}>
                Download ({formatBytes(file.byte_size)})
              </a>
              <button type="button" className="btn btn--primary" onClick={() => setOpen(false)} autoFocus>
                Close
              </button>
            </div>
          </Dialog>
        </div>
      );
    }
    case "video":
      return (
        <div className="attachment attachment--video">
          <video className="attachment__video" src={file.url} controls preload="metadata" playsInline aria-label={file.name} />
          <FileCard file={file} compact />
        </div>
      );
    case "audio":
      return (
        <div className="attachment attachment--audio">
          <audio src={file.url} controls preload="metadata" aria-label={file.name} />
          <FileCard file={file} compact />
        </div>
      );
    default:
      return <FileCard file={file} />;
  }
}

function FileCard({ file, compact = false }: { file: AttachmentJson; compact?: boolean }) {
  return (
    <a className={`file-card ${compact ? "file-card--compact" : ""}`} href={file.download_url} download={file.name}>
      {compact ? null : (
        <span className="file-card__icon" aria-hidden="true">
          {(file.name.includes(".") ? (file.name.split(".").pop() ?? "") : "").slice(0, 4).toUpperCase() || "FILE"}
        </span>
      )}
      <span className="file-card__text">
        <span className="file-card__name" dir="auto">
          {file.name}
        </span>
        <span className="file-card__meta">
          {compact ? "Download" : describeType(file.content_type, file.name)} · {formatBytes(file.byte_size)}
        </span>
      </span>
    </a>
  );
}
