// The message history (M2, M3): 40 at a time either way, a bounded window,
// day separators and author groups, "Jump to newest", auto-scroll only at the
// bottom, and permalinks centred and highlighted.
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { useNavigate } from "react-router";
import { api, errorMessage } from "../../api/client";
import type { Message, Room } from "../../api/types";
import { ensureUser } from "../../app/controller";
import { formatDay, roomTitle } from "../../lib/format";
import { buildItems, type PageMode } from "../../state/messages";
import type { PendingMessage } from "../../state/reducer";
import { store, useAppState } from "../../state/store";
import { ArrowDownIcon, ArrowUpIcon } from "../icons";
import { MessageErrorBoundary, MessageItem, PendingItem } from "./Message";
import { WelcomeBlock } from "./WelcomeBlock";

const EMPTY_PENDING: PendingMessage[] = [];
const EDGE_PX = 480;
const BOTTOM_PX = 48;

type Row = { author_id: number; created_at: string; message?: Message; pending?: PendingMessage };

type Props = {
  room: Room;
  anchor: number | null;
  /** X7: the first message that was new when I came in; the line goes above it. */
  newSince: number | null;
  editing: number | null;
  onEdit: (id: number) => void;
  onEditDone: () => void;
  onReply: (m: Message) => void;
  /** X7: opens a message's thread. */
  onThread: (m: Message) => void;
};

export function MessageList({ room, anchor, newSince, editing, onEdit, onEditDone, onReply, onThread }: Props) {
  const navigate = useNavigate();
  const w = useAppState((s) => s.windows[room.id]);
  const pending = useAppState((s) => s.pending[room.id] ?? EMPTY_PENDING);
  const me = useAppState((s) => s.me);
  const users = useAppState((s) => s.users);
  const scroller = useRef<HTMLDivElement>(null);
  const list = useRef<HTMLOListElement>(null);
  const loadingRef = useRef<PageMode | null>(null);
  const [loading, setLoading] = useState<PageMode | null>(null);
  const [error, setError] = useState("");
  const [atBottom, setAtBottom] = useState(true);
  const [highlight, setHighlight] = useState<number | null>(anchor);
  const [tick, setTick] = useState(0);
  const stick = useRef(anchor === null);
  const pendingScroll = useRef<"bottom" | { center: number } | null>(anchor === null ? "bottom" : { center: anchor });
  const scrollAnchor = useRef<{ key: string; offset: number } | null>(null);

  const [notice, setNotice] = useState("");
  const load = useCallback(
    async (mode: PageMode, ref?: number) => {
      if (loadingRef.current) return;
      loadingRef.current = mode;
      setLoading(mode);
      setError("");
      let gone = false;
      try {
        const query = mode === "latest" ? {} : { [mode]: ref };
        const page = await api.messages(room.id, query);
        if (mode === "latest") {
          pendingScroll.current = "bottom";
          stick.current = true;
        }
        // A permalink to a message that is not (or no longer) here: say so, then show the
        // newest messages rather than some page in the middle (M3).
        gone = mode === "around" && !page.messages.some((m) => m.id === ref);
        if (mode === "around" && !gone && ref !== undefined) pendingScroll.current = { center: ref };
        if (!gone) store.dispatch({ type: "messagesLoaded", roomId: room.id, mode, ...page });
      } catch (e) {
        setError(errorMessage(e));
      } finally {
        loadingRef.current = null;
        setLoading(null);
      }
      if (gone && ref !== undefined) {
        // X7: a permalink to a thread reply (not in the room's history) opens its thread, at
        // the thread's first message.
        const root = await api.thread(ref).then(
          (t) => t.root.id,
          () => null,
        );
        if (root !== null && root !== ref) {
          navigate(`/rooms/${room.id}/@${root}?thread=${root}`, { replace: true });
          return;
        }
      }
      if (gone) {
        setNotice("That message isn't here any more. These are the newest messages.");
        setHighlight(null);
        void load("latest");
      }
    },
    [room.id, navigate],
  );

  // First load, reloads after a reset (the window disappears), and permalinks.
  useEffect(() => {
    const cur = store.getState().windows[room.id];
    if (anchor !== null) {
      setHighlight(anchor);
      stick.current = false;
      if (cur?.loaded && cur.messages.some((m) => m.id === anchor)) {
        pendingScroll.current = { center: anchor };
        // Run the layout pass that scrolls to it.
        setTick((t) => t + 1);
      } else {
        void load("around", anchor);
      }
      return;
    }
    if (!cur || !cur.loaded || cur.hasAfter) void load("latest");
    else pendingScroll.current = "bottom";
  }, [room.id, anchor, load]);

  useEffect(() => {
    if (!w && !loadingRef.current) void load(anchor !== null ? "around" : "latest", anchor ?? undefined);
  }, [w, anchor, load]);

  // A room that failed to load tries again by itself once the connection is back.
  const connection = useAppState((s) => s.connection);
  useEffect(() => {
    if (connection !== "open" || !error) return;
    void load(w?.loaded ? "latest" : anchor !== null ? "around" : "latest", anchor ?? undefined);
    // Only the connection coming back starts a retry.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [connection]);

  // Authors we don't know yet (people who left, bots added since load).
  useEffect(() => {
    if (!w) return;
    for (const m of w.messages) if (!users[m.author_id]) ensureUser(m.author_id);
  }, [w, users]);

  // Sending a message brings the view to the newest end.
  const pendingCount = useRef(pending.length);
  useEffect(() => {
    const grew = pending.length > pendingCount.current;
    pendingCount.current = pending.length;
    if (!grew) return;
    setHighlight(null);
    stick.current = true;
    if (store.getState().windows[room.id]?.hasAfter) void load("latest");
    else {
      pendingScroll.current = "bottom";
      setTick((t) => t + 1);
    }
  }, [pending.length, room.id, load]);

  const rows = useMemo<Row[]>(() => {
    const out: Row[] = (w?.messages ?? []).map((m) => ({ author_id: m.author_id, created_at: m.created_at, message: m }));
    if (w && !w.hasAfter && me) {
      for (const p of pending) out.push({ author_id: me.id, created_at: p.createdAt, pending: p });
    }
    return out;
  }, [w, pending, me]);

  const items = useMemo(() => buildItems(rows, (r) => (r.message ? `m${r.message.id}` : `p${r.pending?.clientMessageId}`)), [rows]);

  // X7: the "new since your last visit" line sits above the first message from `newSince` on,
  // when that message is loaded (with older ones not loaded, the first new one may be further up).
  const newSinceKey = useMemo(() => {
    if (newSince === null || !w) return null;
    const first = w.messages.find((m) => m.id >= newSince);
    if (!first || (first === w.messages[0] && w.hasBefore && first.id !== newSince)) return null;
    return `m${first.id}`;
  }, [newSince, w]);
  const [lineAbove, setLineAbove] = useState(false);
  const checkLine = useCallback(() => {
    const el = scroller.current;
    if (!el || newSince === null) return setLineAbove(false);
    const line = el.querySelector<HTMLElement>(".new-since");
    setLineAbove(!line || line.getBoundingClientRect().bottom < el.getBoundingClientRect().top);
  }, [newSince]);
  const jumpToFirstNew = () => {
    const line = scroller.current?.querySelector<HTMLElement>(".new-since");
    if (line) {
      stick.current = false;
      line.scrollIntoView({ block: "start", behavior: "smooth" });
    } else if (newSince !== null) {
      stick.current = false;
      void load("around", newSince);
    }
  };

  // The anchor is a message, never a day separator: a separator moves to the top of each page
  // of older messages, and anchoring to it would jump the view a whole page (M3).
  const recordAnchor = useCallback(() => {
    const el = scroller.current;
    if (!el) return;
    const top = el.getBoundingClientRect().top;
    for (const child of el.querySelectorAll<HTMLElement>(".msg[data-key]")) {
      const r = child.getBoundingClientRect();
      if (r.bottom > top) {
        scrollAnchor.current = { key: child.dataset.key as string, offset: r.top - top };
        return;
      }
    }
  }, []);

  // After every change of the list: keep the reader where they were.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const ps = pendingScroll.current;
    if (ps === "bottom") {
      el.scrollTop = el.scrollHeight;
      pendingScroll.current = null;
    } else if (ps && typeof ps === "object") {
      const target = el.querySelector<HTMLElement>(`[data-message-id="${ps.center}"]`);
      if (target) {
        const offset = target.offsetTop - el.clientHeight / 2 + target.offsetHeight / 2;
        el.scrollTop = Math.max(0, offset);
        pendingScroll.current = null;
      }
    } else if (stick.current) {
      el.scrollTop = el.scrollHeight;
    } else if (scrollAnchor.current) {
      const a = el.querySelector<HTMLElement>(`[data-key="${CSS.escape(scrollAnchor.current.key)}"]`);
      if (a) {
        const delta = a.getBoundingClientRect().top - el.getBoundingClientRect().top - scrollAnchor.current.offset;
        if (Math.abs(delta) > 0.5) el.scrollTop += delta;
      }
    }
    recordAnchor();
    checkLine();
    // Not enough to fill the view, or still near the top after older messages came in (a fast
    // flick reaches the top before the page arrives, and no scroll event follows): fetch more.
    if (w?.loaded && !loadingRef.current && !pendingScroll.current) {
      if (el.scrollHeight <= el.clientHeight + 4) {
        if (w.hasBefore && w.messages[0]) void load("before", w.messages[0].id);
        else if (w.hasAfter && w.messages.length) void load("after", w.messages[w.messages.length - 1].id);
      } else if (!stick.current && el.scrollTop < EDGE_PX && w.hasBefore && w.messages[0]) {
        void load("before", w.messages[0].id);
      }
    }
  }, [items, w, load, recordAnchor, checkLine, tick]);

  // Late-loading images and fonts change heights: stay at the bottom if we were.
  useEffect(() => {
    const el = scroller.current;
    const inner = list.current;
    if (!el || !inner || typeof ResizeObserver === "undefined") return;
    const ro = new ResizeObserver(() => {
      if (stick.current) el.scrollTop = el.scrollHeight;
    });
    ro.observe(inner);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const onScroll = () => {
    const el = scroller.current;
    if (!el || !w) return;
    const dist = el.scrollHeight - el.scrollTop - el.clientHeight;
    const bottom = dist < BOTTOM_PX;
    stick.current = bottom && !w.hasAfter;
    setAtBottom(bottom);
    recordAnchor();
    checkLine();
    if (loadingRef.current || pendingScroll.current) return;
    if (el.scrollTop < EDGE_PX && w.hasBefore && w.messages[0]) void load("before", w.messages[0].id);
    else if (dist < EDGE_PX && w.hasAfter && w.messages.length) void load("after", w.messages[w.messages.length - 1].id);
  };

  const jumpToNewest = () => {
    const el = scroller.current;
    if (!el) return;
    if (w?.hasAfter) {
      setHighlight(null);
      stick.current = true;
      // Drop the old window so the newest page replaces it.
      void load("latest");
    } else {
      stick.current = true;
      el.scrollTo({ top: el.scrollHeight, behavior: "smooth" });
    }
  };

  // Announce new messages from others to screen readers.
  const last = w?.messages[w.messages.length - 1];
  const [announcement, setAnnouncement] = useState("");
  const lastAnnounced = useRef<number | null>(null);
  useEffect(() => {
    if (!last || w?.hasAfter) return;
    if (lastAnnounced.current === null) {
      lastAnnounced.current = last.id;
      return;
    }
    if (last.id <= lastAnnounced.current) return;
    lastAnnounced.current = last.id;
    if (last.author_id !== me?.id) setAnnouncement(`${users[last.author_id]?.name ?? "Someone"}: ${last.body_plain.slice(0, 200)}`);
  }, [last, me, users, w?.hasAfter]);

  const title = roomTitle(room, users, me?.id);
  const isAllTalk = room.kind === "open" && room.name === "All Talk";
  const showWelcome = isAllTalk && w?.loaded && !w.hasBefore && w.messages.length < 20;

  return (
    <div className="messages-wrap">
      <div id="messages" className="messages" ref={scroller} onScroll={onScroll} tabIndex={0} aria-label={`Messages in ${title}`} role="region">
        {w?.loaded && !w.hasBefore ? (
          <div className="room-start">
            {showWelcome ? <WelcomeBlock /> : null}
            <p className="room-start__text">This is the very beginning of {room.kind === "direct" ? `your Ping with ${title}` : title}.</p>
          </div>
        ) : null}
        {loading === "before" ? <div className="messages__loading">Loading earlier messages…</div> : null}
        {!w?.loaded && loading ? <div className="messages__loading messages__loading--first">Loading messages…</div> : null}
        {error ? (
          <div className="messages__error" role="alert">
            {error}{" "}
            <button
              type="button"
              className="btn btn--small"
              onClick={() => void load(w?.loaded ? "latest" : anchor !== null ? "around" : "latest", anchor ?? undefined)}
            >
              Try again
            </button>
          </div>
        ) : null}
        {w?.loaded && rows.length === 0 ? <p className="messages__empty">No messages yet. Say hello!</p> : null}
        <ol className="messages__list" ref={list}>
          {items.map((item) => {
            if (item.kind === "day") {
              return (
                <li key={item.key} className="day-sep" data-key={item.key}>
                  <span>{formatDay(item.date)}</span>
                </li>
              );
            }
            const row = item.message;
            const line =
              item.key === newSinceKey ? (
                <li key="new-since" className="new-since" data-key="new-since">
                  <span>New since your last visit</span>
                </li>
              ) : null;
            if (row.pending) {
              return <PendingItem key={item.key} dataKey={item.key} pending={row.pending} header={item.header} />;
            }
            const m = row.message as Message;
            const message = (
              <MessageErrorBoundary key={item.key} dataKey={item.key}>
                <MessageItem
                  dataKey={item.key}
                  message={m}
                  header={item.header}
                  highlighted={highlight === m.id}
                  editing={editing === m.id}
                  onEdit={onEdit}
                  onEditDone={onEditDone}
                  onReply={onReply}
                  onThread={onThread}
                />
              </MessageErrorBoundary>
            );
            return line ? [line, message] : message;
          })}
        </ol>
        {loading === "after" ? <div className="messages__loading">Loading newer messages…</div> : null}
      </div>
      {newSince !== null && lineAbove ? (
        <div className="new-since-bar">
          <button type="button" className="new-since-bar__jump" onClick={jumpToFirstNew}>
            <ArrowUpIcon size={16} />
            Jump to the first new message
          </button>
        </div>
      ) : null}
      {notice ? (
        <div className="messages__notice" role="status">
          {notice}{" "}
          <button type="button" className="btn btn--small" onClick={() => setNotice("")}>
            OK
          </button>
        </div>
      ) : null}
      {!atBottom || w?.hasAfter ? (
        <button type="button" className="jump-newest" onClick={jumpToNewest}>
          <ArrowDownIcon size={16} />
          Jump to newest
        </button>
      ) : null}
      <div className="visually-hidden" aria-live="polite">
        {announcement}
      </div>
    </div>
  );
}
