// A link's card (M10): the page's site, title, description and picture (served by our server,
// so the page's site never sees who reads). The author may remove it.
import { useState } from "react";
import type { PreviewJson } from "../../api/wire";
import { errorMessage } from "../../api/client";
import { removePreview } from "../../app/messaging";
import type { Message } from "../../api/types";
import { CloseIcon } from "../icons";

export function PreviewCard({ message, preview, mayRemove }: { message: Message; preview: PreviewJson; mayRemove: boolean }) {
  const [error, setError] = useState("");
  return (
    <div className="link-card">
      <a className="link-card__link" href={preview.url} target="_blank" rel="noopener noreferrer">
        {preview.image_url ? <img className="link-card__image" src={preview.image_url} alt="" loading="lazy" /> : null}
        <span className="link-card__text">
          {preview.site ? <span className="link-card__site">{preview.site}</span> : null}
          <span className="link-card__title" dir="auto">
            {preview.title}
          </span>
          {preview.description ? (
            <span className="link-card__description" dir="auto">
              {preview.description}
            </span>
          ) : null}
        </span>
      </a>
      {mayRemove ? (
        <button
          type="button"
          className="icon-btn icon-btn--small link-card__remove"
          aria-label="Remove the preview"
          title="Remove the preview"
          onClick={async () => {
            setError("");
            try {
              await removePreview(message);
            } catch (e) {
              setError(errorMessage(e));
            }
          }}
        >
          <CloseIcon size={14} />
        </button>
      ) : null}
      {error ? (
        <p className="error-note" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
