// Small shared pieces: avatars, fields, switches, dialogs, link sharing, QR codes.
import { useCallback, useEffect, useId, useRef, useState, type ReactNode, type InputHTMLAttributes, type TextareaHTMLAttributes } from "react";
import { usePageTitle } from "./pageTitle";
import { readableOn } from "../lib/colour";
import { useNavigate } from "react-router";
import type { User } from "../api/types";
import { BackIcon, BotIcon, CopyIcon, QrIcon, ShareIcon } from "./icons";
import { MenuButton } from "./menu";

// ---------------------------------------------------------------------------
// Avatars (A10): initials on the user's colour, a rounded square.

export function Avatar({ user, size = 32, label }: { user: User | undefined; size?: number; label?: string }) {
  const background = user?.color ?? "#8a8178";
  const style = { "--avatar-size": `${size}px`, "--avatar-color": background, color: readableOn(background) } as React.CSSProperties;
  const a11y = label ? { role: "img", "aria-label": label } : { "aria-hidden": true };
  if (user?.avatar_url) {
    return (
      <span className="avatar" style={style} {...a11y}>
        <img src={user.avatar_url} alt="" width={size} height={size} loading="lazy" />
      </span>
    );
  }
  if (user?.role === "bot") {
    return (
      <span className="avatar avatar--bot" style={style} {...a11y}>
        <BotIcon size={Math.round(size * 0.62)} />
      </span>
    );
  }
  return (
    <span className={`avatar${user && !user.active ? " avatar--gone" : ""}`} style={style} {...a11y}>
      <span className="avatar__initials">{user?.initials ?? "?"}</span>
    </span>
  );
}

export function Spinner({ label = "Loading…" }: { label?: string }) {
  return (
    <span className="spinner" role="status">
      <span className="spinner__dot" aria-hidden="true" />
      <span className="visually-hidden">{label}</span>
    </span>
  );
}

export function Loading({ label = "Loading…" }: { label?: string }) {
  return (
    <div className="loading" role="status" aria-live="polite">
      <span className="spinner__dot" aria-hidden="true" />
      <span>{label}</span>
    </div>
  );
}

export function ErrorNote({ children }: { children: ReactNode }) {
  if (!children) return null;
  return (
    <p className="error-note" role="alert">
      {children}
    </p>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <p className="empty__title">{title}</p>
      {children ? <div className="empty__body">{children}</div> : null}
    </div>
  );
}

// ---------------------------------------------------------------------------
// Form fields: every input has a visible label.

type FieldProps = InputHTMLAttributes<HTMLInputElement> & { label: string; hint?: ReactNode };
export function Field({ label, hint, id, ...input }: FieldProps) {
  const auto = useId();
  const fid = id ?? auto;
  const hid = hint ? `${fid}-hint` : undefined;
  return (
    <div className="field">
      <label htmlFor={fid}>{label}</label>
      <input id={fid} aria-describedby={hid} {...input} />
      {hint ? (
        <p className="field__hint" id={hid}>
          {hint}
        </p>
      ) : null}
    </div>
  );
}

type AreaProps = TextareaHTMLAttributes<HTMLTextAreaElement> & { label: string; hint?: ReactNode };
export function TextArea({ label, hint, id, ...area }: AreaProps) {
  const auto = useId();
  const fid = id ?? auto;
  const hid = hint ? `${fid}-hint` : undefined;
  return (
    <div className="field">
      <label htmlFor={fid}>{label}</label>
      <textarea id={fid} aria-describedby={hid} {...area} />
      {hint ? (
        <p className="field__hint" id={hid}>
          {hint}
        </p>
      ) : null}
    </div>
  );
}

/** An on/off switch: a checkbox with role="switch" and a visible label. */
export function Switch({
  label,
  checked,
  onChange,
  disabled,
  description,
  children,
}: {
  label: string;
  checked: boolean;
  onChange: (v: boolean) => void;
  disabled?: boolean;
  description?: string;
  children?: ReactNode;
}) {
  const id = useId();
  return (
    <div className="switch-row">
      <input
        id={id}
        type="checkbox"
        role="switch"
        className="switch"
        checked={checked}
        disabled={disabled}
        aria-describedby={description ? `${id}-d` : undefined}
        onChange={(e) => onChange(e.target.checked)}
      />
      <label htmlFor={id} className="switch-row__label">
        {children}
        <span>{label}</span>
      </label>
      {description ? (
        <span className="switch-row__desc" id={`${id}-d`}>
          {description}
        </span>
      ) : null}
    </div>
  );
}

// ---------------------------------------------------------------------------
// Dialogs

/** A modal dialog on the native <dialog> element (focus trap, Esc to close). */
export function Dialog({
  open,
  onClose,
  title,
  children,
  className,
}: {
  open: boolean;
  onClose: () => void;
  title: string;
  children: ReactNode;
  className?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) {
      if (typeof d.showModal === "function") d.showModal();
      else d.setAttribute("open", "");
    } else if (!open && d.open) {
      if (typeof d.close === "function") d.close();
      else d.removeAttribute("open");
    }
  }, [open]);
  return (
    <dialog
      ref={ref}
      className={`dialog ${className ?? ""}`}
      aria-labelledby={titleId}
      // The native close event comes a task after close(): a dialog opened again meanwhile
      // (Ctrl+K twice in a row) must not be closed by the earlier one's event.
      onClose={() => {
        if (!ref.current?.open) onClose();
      }}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      onClick={(e) => {
        if (e.target === ref.current) onClose();
      }}
    >
      {open ? (
        <div className="dialog__body">
          <h2 id={titleId} className="dialog__title">
            {title}
          </h2>
          {children}
        </div>
      ) : null}
    </dialog>
  );
}

type ConfirmState = { title: string; body: ReactNode; confirm: string; danger?: boolean; resolve: (ok: boolean) => void } | null;

/** `const [confirm, dialog] = useConfirm()`; `if (await confirm({...})) …`; render `dialog`. */
export function useConfirm(): [(o: { title: string; body: ReactNode; confirm: string; danger?: boolean }) => Promise<boolean>, ReactNode] {
  const [state, setState] = useState<ConfirmState>(null);
  const ask = useCallback(
    (o: { title: string; body: ReactNode; confirm: string; danger?: boolean }) => new Promise<boolean>((resolve) => setState({ ...o, resolve })),
    [],
  );
  const close = (ok: boolean) => {
    state?.resolve(ok);
    setState(null);
  };
  const node = (
    <Dialog open={!!state} onClose={() => close(false)} title={state?.title ?? ""}>
      <div className="dialog__text">{state?.body}</div>
      <div className="dialog__actions">
        <button type="button" className="btn" onClick={() => close(false)}>
          Cancel
        </button>
        <button type="button" className={`btn ${state?.danger ? "btn--danger" : "btn--primary"}`} onClick={() => close(true)} autoFocus>
          {state?.confirm}
        </button>
      </div>
    </Dialog>
  );
  return [ask, node];
}

// ---------------------------------------------------------------------------
// Sharing a link: copy, share, QR code.

export function absoluteUrl(pathOrUrl: string): string {
  try {
    return new URL(pathOrUrl, location.origin).toString();
  } catch {
    return pathOrUrl;
  }
}

export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // Older browsers or no permission: fall back to a selection copy.
    const ta = document.createElement("textarea");
    ta.value = text;
    ta.setAttribute("readonly", "");
    ta.style.position = "fixed";
    ta.style.opacity = "0";
    document.body.appendChild(ta);
    ta.select();
    let ok = false;
    try {
      ok = document.execCommand("copy");
    } catch {
      ok = false;
    }
    ta.remove();
    return ok;
  }
}

export function CopyButton({ text, label = "Copy", copiedLabel = "Copied" }: { text: string; label?: string; copiedLabel?: string }) {
  const [done, setDone] = useState(false);
  useEffect(() => {
    if (!done) return;
    const t = setTimeout(() => setDone(false), 1800);
    return () => clearTimeout(t);
  }, [done]);
  return (
    <button
      type="button"
      className="btn btn--small"
      onClick={async () => {
        if (await copyText(text)) setDone(true);
      }}
    >
      <CopyIcon size={16} />
      <span aria-live="polite">{done ? copiedLabel : label}</span>
    </button>
  );
}

/** The system's share sheet; only where there is one (a phone), since Copy is beside it. */
export function ShareButton({ url, title }: { url: string; title: string }) {
  const nav = navigator as Navigator & { share?: (d: ShareData) => Promise<void> };
  if (typeof nav.share !== "function") return null;
  return (
    <button
      type="button"
      className="btn btn--small"
      onClick={async () => {
        try {
          await nav.share?.({ title, url });
        } catch {
          // Cancelled.
        }
      }}
    >
      <ShareIcon size={16} />
      <span>Share</span>
    </button>
  );
}

/**
 * A QR code drawn as SVG from the code's module matrix: dark on white (what
 * scanners read best), no data: URL, so it works under a strict CSP. Made for a
 * phone's camera pointed at a screen: level L error correction (a screen is not
 * torn or smudged, and L needs the fewest modules for a long link), at least
 * 4 px per module, and the 4-module quiet zone the standard asks for.
 */
const QR_QUIET = 4;
export function QrCode({ text, label }: { text: string; label: string }) {
  const [qr, setQr] = useState<{ n: number; d: string } | null>(null);
  useEffect(() => {
    let live = true;
    import("qrcode")
      .then((QRCode) => {
        const m = QRCode.create(text, { errorCorrectionLevel: "L" }).modules;
        let d = "";
        for (let y = 0; y < m.size; y++) for (let x = 0; x < m.size; x++) if (m.get(y, x)) d += `M${x} ${y}h1v1h-1z`;
        if (live) setQr({ n: m.size, d });
      })
      .catch(() => live && setQr(null));
    return () => {
      live = false;
    };
  }, [text]);
  const side = qr ? qr.n + 2 * QR_QUIET : 0;
  const size = Math.max(200, side * 4);
  if (!qr) return <div className="qr qr--empty" style={{ width: 200, height: 200 }} aria-hidden="true" />;
  return (
    <svg
      className="qr"
      role="img"
      aria-label={label}
      width={size}
      height={size}
      viewBox={`${-QR_QUIET} ${-QR_QUIET} ${side} ${side}`}
      shapeRendering="crispEdges"
    >
      <rect x={-QR_QUIET} y={-QR_QUIET} width={side} height={side} fill="#ffffff" />
      <path d={qr.d} fill="#221c17" />
    </svg>
  );
}

/** A link with copy, share and a QR code that opens on demand. */
export function LinkShare({ url: pathOrUrl, title, qrLabel }: { url: string; title: string; qrLabel: string }) {
  // Whatever the server gave (a path or a URL), what leaves this device is absolute (A2, A5).
  const url = absoluteUrl(pathOrUrl);
  const [showQr, setShowQr] = useState(false);
  const id = useId();
  return (
    <div className="link-share">
      <div className="field">
        <label htmlFor={id}>{title}</label>
        <input id={id} className="link-share__url" readOnly value={url} onFocus={(e) => e.currentTarget.select()} />
      </div>
      <div className="link-share__actions">
        <CopyButton text={url} label="Copy link" />
        <ShareButton url={url} title={title} />
        <button type="button" className="btn btn--small" aria-expanded={showQr} onClick={() => setShowQr((v) => !v)}>
          <QrIcon size={16} />
          <span>{showQr ? "Hide QR code" : "Show QR code"}</span>
        </button>
      </div>
      {showQr ? <QrCode text={url} label={qrLabel} /> : null}
    </div>
  );
}

// ---------------------------------------------------------------------------
// Page chrome for the centred panel screens.

export function BackButton({ fallback = "/" }: { fallback?: string }) {
  const navigate = useNavigate();
  return (
    <button
      type="button"
      className="icon-btn back-btn"
      aria-label="Back"
      onClick={() => {
        if (window.history.length > 1 && window.history.state?.idx > 0) navigate(-1);
        else navigate(fallback);
      }}
    >
      <BackIcon />
    </button>
  );
}

export function Panel({
  title,
  children,
  back,
  wide,
  actions,
}: {
  title: string;
  children: ReactNode;
  back?: string | false;
  wide?: boolean;
  actions?: ReactNode;
}) {
  usePageTitle(title);
  return (
    <div className={`panel ${wide ? "panel--wide" : ""}`}>
      <header className="panel__header">
        {back !== false ? <BackButton fallback={back ?? "/"} /> : null}
        <h1 className="panel__title">{title}</h1>
        {actions ? <div className="panel__actions">{actions}</div> : null}
        <MenuButton />
      </header>
      <div className="panel__body">{children}</div>
    </div>
  );
}
