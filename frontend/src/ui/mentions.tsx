// X7's mentions inbox: every message that mentions me, newest first, with its room, who and
// when, whether it is still unread, and a link into the room at it. New mentions arrive live;
// older ones load a page at a time.
import { useEffect, useState } from "react";
import { api, errorMessage } from "../api/client";
import type { Message, Room } from "../api/types";
import { store, useAppState } from "../state/store";
import { Empty, ErrorNote, Loading, Panel } from "./common";
import { MessageRow } from "./messageRow";

/** Unread: the room is unread for me from a message at or before this one. */
function isUnread(m: Message, room: Room | undefined): boolean {
  return !!room?.unread && room.unread_from !== null && m.id >= room.unread_from;
}

export function MentionsScreen() {
  const mentions = useAppState((s) => s.mentions);
  const rooms = useAppState((s) => s.rooms);
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
                <MessageRow
                  key={m.id}
                  message={m}
                  className={unread ? "mention--unread" : ""}
                  badge={unread ? <span className="count count--mention">unread</span> : null}
                />
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
