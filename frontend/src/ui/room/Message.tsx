// One message (M2, M4, M6, M7, M8): avatar and name once per group, local time
// linking to the permalink, the sanitised body, boosts, and its actions.
import { Component, lazy, memo, Suspense, useEffect, useLayoutEffect, useRef, useState, type ReactNode } from "react";
import { Link } from "react-router";
import type { Boost, Message, User } from "../../api/types";
import { errorMessage } from "../../api/client";
import { ensureBookmarks, markRoomUnread, setBookmark } from "../../app/controller";
import { addBoost, deleteMessage, discardMessage, removeBoost, retryMessage } from "../../app/messaging";
import { formatDay, formatFull, formatTime } from "../../lib/format";
import { rememberBoost } from "../../lib/recentBoosts";
import { pictureUrl, playSound } from "../../lib/sounds";
import { isEmojiOnly } from "../../state/messages";
import type { PendingMessage } from "../../state/reducer";
import { useAppState } from "../../state/store";
import { Avatar, copyText, Dialog, Loading, useConfirm } from "../common";
import { BookmarkIcon, BoostIcon, DeleteIcon, EditIcon, LinkIcon, MarkUnreadIcon, MoreIcon, PlayIcon, PlusIcon, ReplyIcon, ThreadIcon } from "../icons";
import { Attachment } from "./Attachment";
import { PreviewCard } from "./PreviewCard";

// The editor (tiptap and ProseMirror) loads when first needed, not before a room shows.
const BoostPicker = lazy(() => import("./BoostPicker"));
const MessageEditor = lazy(() => import("./MessageEditor").then((m) => ({ default: m.MessageEditor })));

export const QUICK_BOOSTS = ["👍", "👏", "👋", "💪", "❤️", "😂", "🎉", "🔥"];

// ---------------------------------------------------------------------------

export class MessageErrorBoundary extends Component<{ children: ReactNode; dataKey: string }, { failed: boolean }> {
  state = { failed: false };
  static getDerivedStateFromError() {
    return { failed: true };
  }
  render() {
    if (this.state.failed) {
      return (
        <li className="msg msg--broken" data-key={this.props.dataKey}>
          <span className="msg__gutter" />
          <span className="msg__broken">could not load this message</span>
        </li>
      );
    }
    return this.props.children;
  }
}

type ItemProps = {
  dataKey: string;
  message: Message;
  header: boolean;
  highlighted: boolean;
  editing: boolean;
  onEdit: (id: number) => void;
  onEditDone: () => void;
  onReply: (m: Message) => void;
  /** X7: opens the message's thread; absent inside a thread, where a reply joins it anyway. */
  onThread?: (m: Message) => void;
};

export const MessageItem = memo(function MessageItem({ dataKey, message: m, header, highlighted, editing, onEdit, onEditDone, onReply, onThread }: ItemProps) {
  const author = useAppState((s) => s.users[m.author_id]);
  const me = useAppState((s) => s.me);
  const mine = m.author_id === me?.id;
  const mentionsMe = !!me && m.mentions.includes(me.id);
  const mayChange = mine || me?.role === "administrator";
  const created = new Date(m.created_at);
  const name = author?.name ?? "Someone";
  const [menuOpen, setMenuOpen] = useState(false);

  const cls = [
    "msg",
    header ? "msg--first" : "msg--grouped",
    mine ? "msg--mine" : "",
    mentionsMe ? "msg--mention" : "",
    highlighted ? "msg--highlight" : "",
    menuOpen ? "msg--menu-open" : "",
    author?.role === "bot" ? "msg--bot" : "",
  ]
    .filter(Boolean)
    .join(" ");

  return (
    <li className={cls} data-key={dataKey} data-message-id={m.id} id={`message_${m.id}`} aria-label={header ? undefined : `${name}, ${formatTime(created)}`}>
      <div className="msg__gutter">
        {header ? (
          <Link to={`/users/${m.author_id}`} className="msg__avatar" tabIndex={-1} aria-hidden="true">
            <Avatar user={author} size={36} />
          </Link>
        ) : (
          <Link to={m.url} className="msg__time msg__time--gutter" title={formatFull(created)}>
            <time dateTime={m.created_at}>{formatTime(created)}</time>
          </Link>
        )}
      </div>
      <div className="msg__main">
        {header ? (
          <div className="msg__meta">
            <Link to={`/users/${m.author_id}`} className="msg__author" title={author?.bio || undefined}>
              {name}
            </Link>
            <Link to={m.url} className="msg__time" title={formatFull(created)}>
              <time dateTime={m.created_at}>{formatTime(created)}</time>
            </Link>
          </div>
        ) : null}
        {editing ? (
          <Suspense fallback={<MessageBody message={m} meId={me?.id} authorName={name} />}>
            <MessageEditor message={m} onDone={onEditDone} />
          </Suspense>
        ) : (
          <MessageBody message={m} meId={me?.id} authorName={name} />
        )}
        {m.preview && !editing ? <PreviewCard message={m} preview={m.preview} mayRemove={mayChange} /> : null}
        {m.edited_at && !editing ? (
          <span className="msg__edited" title={`Edited ${formatFull(new Date(m.edited_at))}`}>
            (edited)
          </span>
        ) : null}
        <Boosts message={m} />
        {onThread && m.reply_count > 0 ? <ThreadSummary message={m} onOpen={() => onThread(m)} /> : null}
      </div>
      {!editing ? (
        <MessageActions
          message={m}
          authorName={name}
          mayChange={mayChange}
          onEdit={() => onEdit(m.id)}
          onReply={() => onReply(m)}
          onThread={onThread ? () => onThread(m) : undefined}
          open={menuOpen}
          setOpen={setMenuOpen}
        />
      ) : null}
    </li>
  );
});

// ---------------------------------------------------------------------------
// Body

function MessageBody({ message: m, meId, authorName }: { message: Message; meId: number | undefined; authorName: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const emoji = !m.play && isEmojiOnly(m.body_plain);

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    // Links open in a new tab, without giving the new page a handle on this one.
    for (const a of el.querySelectorAll("a[href]")) {
      const href = a.getAttribute("href") ?? "";
      let external = true;
      try {
        external = new URL(href, location.href).origin !== location.origin;
      } catch {
        external = true;
      }
      if (external) {
        a.setAttribute("target", "_blank");
        a.setAttribute("rel", "noopener noreferrer");
      }
    }
    for (const chip of el.querySelectorAll<HTMLElement>("span[data-mention-id]")) {
      chip.classList.add("mention");
      chip.classList.toggle("mention--me", chip.dataset.mentionId === String(meId));
    }
    // The highlighter loads only when some message has a code block.
    if (el.querySelector("pre")) {
      void import("../../lib/highlight").then((h) => {
        if (el.isConnected) h.highlightCodeBlocks(el);
      });
    }
  }, [m.body_html, meId]);

  if (m.play) {
    const play = m.play;
    return (
      <div className="msg__play">
        <button type="button" className="play-btn" aria-label={`Play the ${play.sound} sound`} title="Play" onClick={() => playSound(play.sound)}>
          <PlayIcon size={16} />
        </button>
        {play.picture ? (
          <img className="msg__play-picture" src={pictureUrl(play.sound)} alt={play.sound} loading="lazy" height={120} />
        ) : (
          // "Ada plays a sad trombone": the name first, as in the original, also in a group.
          <span className="msg__play-text" dir="auto">
            <span className="msg__play-who">{authorName}</span> {play.text ?? `plays ${play.sound}`}
          </span>
        )}
      </div>
    );
  }
  // body_html is sanitised by the server with an allowlist: the one place we render HTML.
  const body = <div ref={ref} className={`msg__body ${emoji ? "msg__body--emoji" : ""}`} dir="auto" dangerouslySetInnerHTML={{ __html: m.body_html }} />;
  if (!m.attachment) return body;
  // A file without a caption has no HTML: its name is on the card.
  return (
    <>
      {m.body_html ? body : null}
      <Attachment file={m.attachment} />
    </>
  );
}

// ---------------------------------------------------------------------------
// X7: a thread under its first message: how many replies, who replied last, and when.

function ThreadSummary({ message: m, onOpen }: { message: Message; onOpen: () => void }) {
  const users = useAppState((s) => s.users);
  const names = m.replier_ids.map((id) => users[id]?.name ?? "Someone");
  const count = m.reply_count === 1 ? "1 reply" : `${m.reply_count} replies`;
  const last = m.last_reply_at ? new Date(m.last_reply_at) : null;
  const when = last ? `${formatDay(last) === "Today" ? "" : `${formatDay(last)}, `}${formatTime(last)}` : "";
  return (
    <button type="button" className="thread-summary" onClick={onOpen} aria-label={`${count} from ${names.join(", ")}. Open the thread`}>
      <span className="thread-summary__avatars" aria-hidden="true">
        {m.replier_ids.map((id) => (
          <Avatar key={id} user={users[id]} size={20} />
        ))}
      </span>
      <span className="thread-summary__count">{count}</span>
      {when ? <span className="thread-summary__when">Last reply {when}</span> : null}
    </button>
  );
}

// ---------------------------------------------------------------------------
// Boosts (M6): chips under the message, identical ones grouped with a count.

export function groupBoosts(boosts: Boost[]): { content: string; boosts: Boost[] }[] {
  const groups = new Map<string, Boost[]>();
  for (const b of boosts) {
    const list = groups.get(b.content);
    if (list) list.push(b);
    else groups.set(b.content, [b]);
  }
  return [...groups.entries()].map(([content, list]) => ({ content, boosts: list }));
}

function Boosts({ message: m }: { message: Message }) {
  const users = useAppState((s) => s.users);
  const me = useAppState((s) => s.me);
  const [error, setError] = useState("");
  if (!m.boosts.length) return null;
  const groups = groupBoosts(m.boosts);
  return (
    <div className="boosts">
      {groups.map((g) => {
        const mineBoost = g.boosts.find((b) => b.booster_id === me?.id);
        const names = g.boosts.map((b) => users[b.booster_id]?.name ?? "Someone");
        return (
          <button
            key={g.content}
            type="button"
            className={`boost ${mineBoost ? "boost--mine" : ""}`}
            aria-pressed={!!mineBoost}
            aria-label={`${g.content} from ${names.join(", ")}${mineBoost ? ". Remove yours" : `. Boost with ${g.content} too`}`}
            title={names.join(", ")}
            onClick={async () => {
              setError("");
              try {
                if (mineBoost) await removeBoost(m, mineBoost.id);
                else await addBoost(m, g.content);
              } catch (e) {
                setError(errorMessage(e));
              }
            }}
          >
            <span className="boost__avatars" aria-hidden="true">
              {g.boosts.slice(0, 2).map((b) => (
                <Avatar key={b.id} user={users[b.booster_id]} size={16} />
              ))}
            </span>
            <span className="boost__content" dir="auto">
              {g.content}
            </span>
            {g.boosts.length > 1 ? <span className="boost__count">{g.boosts.length}</span> : null}
          </button>
        );
      })}
      {error ? (
        <span className="boosts__error" role="alert">
          {error}
        </span>
      ) : null}
    </div>
  );
}

// ---------------------------------------------------------------------------
// Actions: a small toolbar on hover, and a menu for keyboard and touch.

function MessageActions({
  message: m,
  authorName,
  mayChange,
  onEdit,
  onReply,
  onThread,
  open,
  setOpen,
}: {
  message: Message;
  authorName: string;
  mayChange: boolean;
  onEdit: () => void;
  onReply: () => void;
  onThread?: () => void;
  open: boolean;
  setOpen: (v: boolean) => void;
}) {
  const [confirm, confirmDialog] = useConfirm();
  const [custom, setCustom] = useState("");
  const [error, setError] = useState("");
  const [copied, setCopied] = useState(false);
  const menuRef = useRef<HTMLDivElement>(null);
  const triggerRef = useRef<HTMLButtonElement>(null);
  const me = useAppState((s) => s.me);

  // Near the bottom of the list the menu opens upward, as far as there is room (M6): every
  // action stays visible, and the list does not grow under it.
  const [up, setUp] = useState(false);
  useLayoutEffect(() => {
    const menu = menuRef.current;
    if (!open || !menu) return;
    const list = menu.closest(".messages") ?? document.documentElement;
    const bounds = list.getBoundingClientRect();
    const trigger = triggerRef.current?.getBoundingClientRect();
    const height = menu.offsetHeight;
    if (!trigger) return;
    const below = Math.min(bounds.bottom, window.innerHeight) - trigger.bottom;
    const above = trigger.top - Math.max(bounds.top, 0);
    setUp(below < height + 8 && above > below);
  }, [open]);

  useEffect(() => {
    if (!open) return;
    menuRef.current?.querySelector<HTMLElement>("button")?.focus();
    const onDown = (e: MouseEvent) => {
      if (!menuRef.current?.contains(e.target as Node) && !triggerRef.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener("mousedown", onDown);
    return () => document.removeEventListener("mousedown", onDown);
  }, [open, setOpen]);

  const close = (refocus = true) => {
    setOpen(false);
    setError("");
    if (refocus) triggerRef.current?.focus();
  };

  const boost = async (content: string) => {
    const c = content.trim();
    if (!c) return;
    if ([...c].length > 16) {
      setError("Boosts can be at most 16 characters.");
      return;
    }
    const existing = m.boosts.find((b) => b.booster_id === me?.id && b.content === c);
    try {
      if (existing) await removeBoost(m, existing.id);
      else {
        await addBoost(m, c);
        rememberBoost(c);
      }
      setCustom("");
      close();
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  const copyLink = async () => {
    if (await copyText(new URL(m.url, location.origin).toString())) {
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    }
  };

  const saved = useAppState((s) => s.bookmarks?.some((b) => b.message.id === m.id) ?? false);
  useEffect(() => {
    if (open) ensureBookmarks().catch(() => {});
  }, [open]);
  const toggleSaved = async () => {
    setError("");
    try {
      await setBookmark(m, !saved);
      close(false);
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  const [picking, setPicking] = useState(false);

  const markUnread = async () => {
    setError("");
    try {
      await markRoomUnread(m.room_id, m.id);
      close(false);
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  const remove = async () => {
    close(false);
    const ok = await confirm({
      title: "Delete this message?",
      body: "It disappears for everyone. This can't be undone.",
      confirm: "Delete message",
      danger: true,
    });
    if (!ok) return;
    try {
      await deleteMessage(m);
    } catch (e) {
      window.alert(errorMessage(e));
    }
  };

  const time = formatTime(new Date(m.created_at));

  return (
    <>
      <div className="msg__hover" aria-hidden={open ? undefined : undefined}>
        <button
          type="button"
          className="icon-btn icon-btn--small"
          tabIndex={-1}
          aria-label="Boost with 👍"
          title="Boost with 👍"
          onClick={() => void boost("👍")}
        >
          <BoostIcon size={17} />
        </button>
        <button type="button" className="icon-btn icon-btn--small" tabIndex={-1} aria-label="Reply" title="Reply" onClick={onReply}>
          <ReplyIcon size={17} />
        </button>
        {onThread ? (
          <button type="button" className="icon-btn icon-btn--small" tabIndex={-1} aria-label="Reply in thread" title="Reply in thread" onClick={onThread}>
            <ThreadIcon size={17} />
          </button>
        ) : null}
        <button
          ref={triggerRef}
          type="button"
          className="icon-btn icon-btn--small msg__menu-btn"
          aria-label={`Actions for ${authorName}'s message at ${time}`}
          aria-haspopup="true"
          aria-expanded={open}
          title="More"
          onClick={() => (open ? close() : setOpen(true))}
        >
          <MoreIcon size={17} />
        </button>
      </div>
      {open ? (
        <div
          ref={menuRef}
          className={`msg-menu ${up ? "msg-menu--up" : ""}`}
          role="group"
          aria-label={`Actions for ${authorName}'s message`}
          onKeyDown={(e) => {
            if (e.key === "Escape") {
              e.stopPropagation();
              close();
            }
          }}
        >
          <div className="msg-menu__boosts" role="group" aria-label="Quick boosts">
            {QUICK_BOOSTS.map((b) => (
              <button key={b} type="button" className="msg-menu__emoji" aria-label={`Boost with ${b}`} onClick={() => void boost(b)}>
                {b}
              </button>
            ))}
            <button
              type="button"
              className="msg-menu__emoji msg-menu__more"
              aria-label="Boost with another emoji"
              title="More emoji"
              onClick={() => setPicking(true)}
            >
              <PlusIcon size={16} />
            </button>
          </div>
          <form
            className="msg-menu__custom"
            onSubmit={(e) => {
              e.preventDefault();
              void boost(custom);
            }}
          >
            <label htmlFor={`custom-boost-${m.id}`}>Custom boost</label>
            <div className="msg-menu__custom-row">
              <input
                id={`custom-boost-${m.id}`}
                value={custom}
                maxLength={32}
                onChange={(e) => setCustom(e.target.value)}
                placeholder="Up to 16 characters"
                autoComplete="off"
              />
              <button type="submit" className="btn btn--small" disabled={!custom.trim()}>
                Boost
              </button>
            </div>
          </form>
          <div className="msg-menu__items">
            <button
              type="button"
              className="msg-menu__item"
              onClick={() => {
                close(false);
                onReply();
              }}
            >
              <ReplyIcon size={16} /> Reply
            </button>
            {onThread ? (
              <button
                type="button"
                className="msg-menu__item"
                onClick={() => {
                  close(false);
                  onThread();
                }}
              >
                <ThreadIcon size={16} /> Reply in thread
              </button>
            ) : null}
            <button type="button" className="msg-menu__item" onClick={copyLink}>
              <LinkIcon size={16} /> <span aria-live="polite">{copied ? "Link copied" : "Copy link"}</span>
            </button>
            <button type="button" className="msg-menu__item" onClick={() => void toggleSaved()}>
              <BookmarkIcon size={16} /> {saved ? "Remove from saved" : "Save for later"}
            </button>
            <button type="button" className="msg-menu__item" onClick={() => void markUnread()}>
              <MarkUnreadIcon size={16} /> Mark unread from here
            </button>
            {mayChange && !m.play && !(m.attachment && !m.body_html) ? (
              <button
                type="button"
                className="msg-menu__item"
                onClick={() => {
                  close(false);
                  onEdit();
                }}
              >
                <EditIcon size={16} /> Edit
              </button>
            ) : null}
            {mayChange ? (
              <button type="button" className="msg-menu__item msg-menu__item--danger" onClick={remove}>
                <DeleteIcon size={16} /> Delete
              </button>
            ) : null}
          </div>
          {error ? (
            <p className="error-note" role="alert">
              {error}
            </p>
          ) : null}
        </div>
      ) : null}
      <Dialog open={picking} onClose={() => setPicking(false)} title="Boost with any emoji" className="boost-dialog">
        <Suspense fallback={<Loading label="Loading emoji…" />}>
          <BoostPicker
            onPick={(emoji) => {
              setPicking(false);
              void boost(emoji);
            }}
          />
        </Suspense>
      </Dialog>
      {confirmDialog}
    </>
  );
}

// ---------------------------------------------------------------------------
// Pending and failed messages (M1)

export function PendingItem({ dataKey, pending: p, header }: { dataKey: string; pending: PendingMessage; header: boolean }) {
  const me = useAppState((s) => s.me) as User;
  const failed = p.status === "failed";
  return (
    <li className={`msg msg--mine ${header ? "msg--first" : "msg--grouped"} ${failed ? "msg--failed" : "msg--pending"}`} data-key={dataKey}>
      <div className="msg__gutter">{header ? <Avatar user={me} size={36} /> : null}</div>
      <div className="msg__main">
        {header ? (
          <div className="msg__meta">
            <span className="msg__author">{me?.name}</span>
            <span className="msg__time">{failed ? "Not sent" : "Sending…"}</span>
          </div>
        ) : null}
        <div className="msg__body msg__body--plain" dir="auto">
          {p.bodyText}
        </div>
        {failed ? (
          <div className="msg__failed" role="alert">
            <span>{p.error ? `Couldn't send: ${p.error}` : "Couldn't send this message."}</span>
            <button type="button" className="btn btn--small btn--primary" onClick={() => retryMessage(p.roomId, p.clientMessageId)}>
              Retry
            </button>
            <button type="button" className="btn btn--small" onClick={() => discardMessage(p.roomId, p.clientMessageId)}>
              Discard
            </button>
          </div>
        ) : (
          <span className="visually-hidden" role="status">
            Sending
          </span>
        )}
      </div>
    </li>
  );
}
