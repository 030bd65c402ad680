// One message in a list outside its room (search results, saved messages, the mentions inbox):
// who said it, where and when, and its text linking to it in the room (a thread reply's link
// opens its thread). The lists add their own badge, text and actions.
import type { ReactNode } from "react";
import { Link } from "react-router";
import type { Message } from "../api/types";
import { formatDateTime, roomTitle } from "../lib/format";
import { useAppState } from "../state/store";
import { Avatar } from "./common";

type Props = {
  message: Message;
  className?: string;
  /** Shown after the time (the inbox's "unread"). */
  badge?: ReactNode;
  /** The linked text; the message's plain text (or its file's name) when not given. */
  text?: ReactNode;
  /** Below the text (saved messages' Remove). */
  children?: ReactNode;
};

export function MessageRow({ message: m, className = "", badge, text, children }: Props) {
  const author = useAppState((s) => s.users[m.author_id]);
  const room = useAppState((s) => s.rooms[m.room_id]);
  const users = useAppState((s) => s.users);
  const me = useAppState((s) => s.me);
  return (
    <li className={`search-result ${className}`}>
      <Avatar user={author} size={28} />
      <div>
        <div className="search-result__meta">
          <strong>{author?.name ?? "Someone"}</strong>
          <span className="muted">
            in {room ? roomTitle(room, users, me?.id) : "a room"}
            {m.thread_id !== null ? ", in a thread" : ""}
          </span>
          <time dateTime={m.created_at} className="muted">
            {formatDateTime(new Date(m.created_at))}
          </time>
          {badge}
        </div>
        <Link to={m.url} className={`search-result__text ${text === undefined ? "saved__text" : ""}`} dir="auto">
          {text ?? (m.body_plain || m.attachment?.name || "(a file)")}
        </Link>
        {children}
      </div>
    </li>
  );
}
