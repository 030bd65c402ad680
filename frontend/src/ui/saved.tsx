// X7: saved messages ("save for later"), newest saved first: where each was said, by whom and
// when, a link to it in its room, and Remove. Changes from other devices arrive live.
import { useEffect, useState } from "react";
import { Link } from "react-router";
import { errorMessage } from "../api/client";
import { ensureBookmarks, setBookmark } from "../app/controller";
import { formatDateTime, roomTitle } from "../lib/format";
import { useAppState } from "../state/store";
import { Avatar, Empty, ErrorNote, Loading, Panel } from "./common";

export function SavedScreen() {
  const bookmarks = useAppState((s) => s.bookmarks);
  const rooms = useAppState((s) => s.rooms);
  const users = useAppState((s) => s.users);
  const me = useAppState((s) => s.me);
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
            <li key={m.id} className="search-result">
              <Avatar user={users[m.author_id]} size={28} />
              <div>
                <div className="search-result__meta">
                  <strong>{users[m.author_id]?.name ?? "Someone"}</strong>
                  <span className="muted">in {rooms[m.room_id] ? roomTitle(rooms[m.room_id], users, me?.id) : "a room"}</span>
                  <time dateTime={m.created_at} className="muted">
                    {formatDateTime(new Date(m.created_at))}
                  </time>
                </div>
                <Link to={m.url} className="search-result__text saved__text" dir="auto">
                  {m.body_plain || m.attachment?.name || "(a file)"}
                </Link>
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
              </div>
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}
