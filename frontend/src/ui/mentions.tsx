// X7's mentions inbox: every message that mentions me, newest first, with its room, who and
// when, whether it is still unread, and a link into the room at it. New mentions arrive live;
// older ones load a page at a time.
import { useEffect, useState } from "react";
import { Link } from "react-router";
import { api, errorMessage } from "../api/client";
import type { Message, Room } from "../api/types";
import { formatDateTime, roomTitle } from "../lib/format";
import { store, useAppState } from "../state/store";
import { Avatar, Empty, ErrorNote, Loading, Panel } from "./common";

/** Unread: the room is unread for me from a message at or before this one. */
function isUnread(m: Message, room: Room | undefined): boolean {
  return !!room?.unread && room.unread_from !== null && m.id >= room.unread_from;
}

export function MentionsScreen() {
  const mentions = useAppState((s) => s.mentions);
  const rooms = useAppState((s) => s.rooms);
  const users = useAppState((s) => s.users);
  const me = useAppState((s) => s.me);
  const [error, setError] = useState("");
  const [loading, setLoading] = useState(false);

  const load = async (older: boolean) => {
    setError("");
    setLoading(true);
    try {
      const last = store.getState().mentions?.messages.at(-1);
      const page = await api.mentions(older ? last?.id : undefined);
      store.dispatch({ type: "mentionsLoaded", messages: page.messages, more: page.more, older });
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setLoading(false);
    }
  };

  useEffect(() => {
    if (mentions === null) void load(false);
  }, [mentions]);

  return (
    <Panel title="Mentions">
      <ErrorNote>{error}</ErrorNote>
      {mentions === null ? (
        error ? (
          <button type="button" className="btn" onClick={() => void load(false)}>
            Try again
          </button>
        ) : (
          <Loading label="Loading mentions…" />
        )
      ) : mentions.messages.length === 0 ? (
        <Empty title="No mentions yet">
          <p>When someone mentions you with @, the message shows up here.</p>
        </Empty>
      ) : (
        <>
          <ul className="search-results">
            {mentions.messages.map((m) => {
              const unread = isUnread(m, rooms[m.room_id]);
              return (
                <li key={m.id} className={`search-result ${unread ? "mention--unread" : ""}`}>
                  <Avatar user={users[m.author_id]} size={28} />
                  <div>
                    <div className="search-result__meta">
                      <strong>{users[m.author_id]?.name ?? "Someone"}</strong>
                      <span className="muted">in {rooms[m.room_id] ? roomTitle(rooms[m.room_id], users, me?.id) : "a room"}</span>
                      <time dateTime={m.created_at} className="muted">
                        {formatDateTime(new Date(m.created_at))}
                      </time>
                      {unread ? <span className="count count--mention">unread</span> : null}
                    </div>
                    <Link to={m.url} className="search-result__text saved__text" dir="auto">
                      {m.body_plain || m.attachment?.name || "(a file)"}
                    </Link>
                  </div>
                </li>
              );
            })}
          </ul>
          {mentions.more ? (
            <button type="button" className="btn" disabled={loading} onClick={() => void load(true)}>
              {loading ? "Loading…" : "Show older mentions"}
            </button>
          ) : null}
        </>
      )}
    </Panel>
  );
}
