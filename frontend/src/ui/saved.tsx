// X7: saved messages ("save for later"), newest saved first: where each was said, by whom and
// when, a link to it in its room, and Remove. Changes from other devices arrive live.
import { useEffect, useState } from "react";
import { errorMessage } from "../api/client";
import { ensureBookmarks, setBookmark } from "../app/controller";
import { formatDateTime } from "../lib/format";
import { useAppState } from "../state/store";
import { Empty, ErrorNote, Loading, Panel } from "./common";
import { MessageRow } from "./messageRow";

export function SavedScreen() {
  const bookmarks = useAppState((s) => s.bookmarks);
  const users = useAppState((s) => s.users);
  const [error, setError] = useState("");

  useEffect(() => {
    if (bookmarks === null) ensureBookmarks().catch((e) => setError(errorMessage(e)));
  }, [bookmarks]);

  return (
    <Panel title="Saved messages">
      {error ? <ErrorNote>{error}</ErrorNote> : null}
      {bookmarks === null ? (
        error ? null : (
          <Loading label="Loading saved messages…" />
        )
      ) : bookmarks.length === 0 ? (
        <Empty title="Nothing saved yet">
          <p>To keep a message here, choose “Save for later” in its menu (the ⋯ beside it).</p>
        </Empty>
      ) : (
        <ul className="search-results">
          {bookmarks.map(({ message: m, saved_at }) => (
            <MessageRow key={m.id} message={m}>
              <div className="saved__actions">
                <span className="muted">Saved {formatDateTime(new Date(saved_at))}</span>
                <button
                  type="button"
                  className="btn btn--small"
                  aria-label={`Remove ${users[m.author_id]?.name ?? "someone"}'s message from saved`}
                  onClick={() => setBookmark(m, false).catch((e) => setError(errorMessage(e)))}
                >
                  Remove
                </button>
              </div>
            </MessageRow>
          ))}
        </ul>
      )}
    </Panel>
  );
}
