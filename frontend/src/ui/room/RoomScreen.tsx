// A room: header, messages, who is here and typing, and the composer.
import { coarsePointer } from "../../lib/pointer";
import { lazy, Suspense, useEffect, useRef, useState } from "react";
import { Link, useParams, useSearchParams } from "react-router";
import { api } from "../../api/client";
import type { Involvement, Message, Room } from "../../api/types";
import { isKeptUnread, markRoomRead, setCurrentRoom } from "../../app/controller";
import { roomTitle } from "../../lib/format";
import { enablePush, pushSent, pushSupported, type PushStatus } from "../../lib/push";
import { INVOLVEMENT_SHORT, INVOLVEMENT_TEXT, nextInvolvement } from "../../state/involvement";
import { store, useAppState } from "../../state/store";
import { Loading } from "../common";
import { NotFound, rememberRoom } from "../Shell";
import { MenuButton } from "../menu";
import { BellEverythingIcon, BellInvisibleIcon, BellMentionsIcon, BellNothingIcon, CloseIcon, LockIcon, MoreIcon } from "../icons";
import { MessageList } from "./MessageList";
import type { ComposerHandle } from "./Composer";
import { HereNow } from "./HereNow";
import { ThreadPanel } from "./ThreadPanel";
import { usePageTitle } from "../pageTitle";

// The composer brings the editor (tiptap and ProseMirror): it loads while the messages show (on a
// touch screen, when first touched: see RoomView).
const Composer = lazy(() => import("./Composer").then((m) => ({ default: m.Composer })));

export function RoomScreen() {
  const { id, permalink } = useParams();
  const roomId = Number(id);
  const room = useAppState((s) => (Number.isFinite(roomId) ? s.rooms[roomId] : undefined));
  const [missing, setMissing] = useState(false);

  // A room that is not in my list may still be reachable (just created, or an
  // open room that arrived after load): ask the server once.
  useEffect(() => {
    setMissing(false);
    if (!Number.isFinite(roomId) || roomId <= 0) {
      setMissing(true);
      return;
    }
    if (store.getState().rooms[roomId]) return;
    let live = true;
    api
      .room(roomId)
      .then((r) => live && store.dispatch({ type: "roomUpsert", room: r.room }))
      .catch(() => live && setMissing(true));
    return () => {
      live = false;
    };
  }, [roomId]);

  // The room went away while open (deleted, or I was removed from it).
  const hadRoom = useRef<number | null>(null);
  useEffect(() => {
    if (room) hadRoom.current = room.id;
    else if (hadRoom.current === roomId) setMissing(true);
  }, [room, roomId]);

  const anchor = permalink && /^@\d+$/.test(permalink) ? Number(permalink.slice(1)) : null;
  if (permalink && anchor === null) return <NotFound />;
  if (room) return <RoomView key={room.id} room={room} anchor={anchor} />;
  if (missing) return <NotFound what="room" />;
  return <Loading label="Opening the room…" />;
}

function RoomView({ room, anchor }: { room: Room; anchor: number | null }) {
  const users = useAppState((s) => s.users);
  const me = useAppState((s) => s.me);
  const title = roomTitle(room, users, me?.id);
  usePageTitle(title);
  const composer = useRef<ComposerHandle>(null);
  const [editing, setEditing] = useState<number | null>(null);

  // X7: where "new since your last visit" goes, as it was when I came in (reading clears it), or
  // where I marked the room unread since.
  const [newSince, setNewSince] = useState<{ roomId: number; from: number | null }>({ roomId: room.id, from: null });
  useEffect(() => {
    setNewSince({ roomId: room.id, from: store.getState().rooms[room.id]?.unread_from ?? null });
    setCurrentRoom(room.id);
    rememberRoom(room.id);
    markRoomRead(room.id);
    return () => setCurrentRoom(null);
  }, [room.id]);
  useEffect(() => {
    if (room.unread_from !== null && isKeptUnread(room.id)) setNewSince({ roomId: room.id, from: room.unread_from });
  }, [room.unread_from, room.id]);

  // Unread arriving while I look (another device said so) clears again.
  useEffect(() => {
    if (room.unread && document.visibilityState === "visible") markRoomRead(room.id);
  }, [room.unread, room.id]);

  const editLast = (): boolean => {
    const w = store.getState().windows[room.id];
    const mine = w?.messages.filter((m) => m.author_id === me?.id && !m.play);
    const last = mine?.[mine.length - 1];
    if (!last) return false;
    setEditing(last.id);
    return true;
  };

  // On a touch screen the editor's code (the largest part of the app) loads when the composer is
  // first touched, not with the room: reading comes first, and a phone's CPU is slow. What asks
  // for the composer before it is there (Reply, a dropped file) waits for it.
  const [startsWithEditor] = useState(() => !coarsePointer());
  const [editorWanted, setEditorWanted] = useState(startsWithEditor);
  const waiting = useRef<((c: ComposerHandle) => void)[]>([]);
  const attachComposer = (handle: ComposerHandle | null) => {
    composer.current = handle;
    if (handle) for (const action of waiting.current.splice(0)) action(handle);
  };
  const withComposer = (action: (c: ComposerHandle) => void) => {
    if (composer.current) action(composer.current);
    else {
      waiting.current.push(action);
      setEditorWanted(true);
    }
  };
  const reply = (m: Message) => withComposer((c) => c.reply(m));
  // X7: the open thread is in the address (?thread=), so Back closes it and a link opens it.
  const [params, setParams] = useSearchParams();
  const threadId = Number(params.get("thread")) || null;
  const openThread = (m: Message) => setParams({ thread: String(m.thread_id ?? m.id) });
  const closeThread = () =>
    setParams((p) => {
      p.delete("thread");
      return p;
    });
  // Files dragged over the room drop into the composer (M9).
  const [dropping, setDropping] = useState(false);
  const carriesFiles = (e: React.DragEvent) => [...e.dataTransfer.types].includes("Files");

  return (
    <section
      className={`room ${dropping ? "room--dropping" : ""} ${threadId ? "room--thread" : ""}`}
      aria-labelledby="room-title"
      onDragOver={(e) => {
        if (!carriesFiles(e)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = "copy";
        setDropping(true);
      }}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDropping(false);
      }}
      onDrop={(e) => {
        setDropping(false);
        if (!carriesFiles(e)) return;
        e.preventDefault();
        const files = [...e.dataTransfer.files];
        if (files.length) withComposer((c) => c.attach(files));
      }}
    >
      {dropping ? (
        <div className="room__drop" aria-hidden="true">
          Drop to attach
        </div>
      ) : null}
      <RoomHeader room={room} title={title} />
      <MessageList
        room={room}
        anchor={anchor}
        newSince={newSince.roomId === room.id ? newSince.from : null}
        editing={editing}
        onEditDone={() => {
          setEditing(null);
          composer.current?.focus();
        }}
        onEdit={(id) => setEditing(id)}
        onReply={reply}
        onThread={openThread}
      />
      <HereNow roomId={room.id} />
      {/* Shift+Tab from the composer reaches this: back to the messages without passing each one. */}
      <a
        className="skip-link skip-link--messages"
        href="#messages"
        onClick={(e) => {
          e.preventDefault();
          document.getElementById("messages")?.focus();
        }}
      >
        Skip to the messages
      </a>
      {editorWanted ? (
        <Suspense fallback={<div className="composer composer--loading" aria-busy="true" />}>
          <Composer ref={attachComposer} room={room} title={title} onEditLast={editLast} focusNow={!startsWithEditor} />
        </Suspense>
      ) : (
        <ComposerStandIn title={title} onActivate={() => setEditorWanted(true)} />
      )}
      {threadId ? <ThreadPanel key={threadId} room={room} title={title} rootId={threadId} onClose={closeThread} /> : null}
    </section>
  );
}

export function BellIcon({ involvement, size }: { involvement: Involvement; size?: number }) {
  switch (involvement) {
    case "everything":
      return <BellEverythingIcon size={size} />;
    case "mentions":
      return <BellMentionsIcon size={size} />;
    case "nothing":
      return <BellNothingIcon size={size} />;
    case "invisible":
      return <BellInvisibleIcon size={size} />;
  }
}

const PUSH_HINTS: Partial<Record<PushStatus, string>> = {
  denied: "This browser blocks notifications from Campfire; allow them in its site settings.",
  failed: "This browser couldn't subscribe to push notifications.",
};

export function BellButton({ room }: { room: Room }) {
  const [error, setError] = useState("");
  const [firstVisit] = useState(() => {
    try {
      const key = `campfire:bell-seen:${room.id}`;
      const seen = localStorage.getItem(key);
      localStorage.setItem(key, "1");
      return !seen;
    } catch {
      return false;
    }
  });
  const pushEnabled = useAppState((s) => s.features.push);
  const [hint, setHint] = useState("");
  // The note goes by itself after a while; Dismiss takes it at once.
  useEffect(() => {
    if (!hint && !error) return;
    const t = setTimeout(() => {
      setHint("");
      setError("");
    }, 12000);
    return () => clearTimeout(t);
  }, [hint, error]);
  const cycle = async () => {
    if (pushEnabled && pushSupported() && Notification.permission === "denied") {
      // Blocked before (here or in the site settings): asking again would do nothing, so say how.
      setHint(PUSH_HINTS.denied ?? "");
    } else if (pushEnabled && pushSupported() && !pushSent()) {
      // N1: the bell is where Campfire asks to notify (once); then this browser subscribes.
      const status = await enablePush().catch(() => "failed" as const);
      setHint(PUSH_HINTS[status] ?? "");
    }
    const before = room.involvement;
    const next = nextInvolvement(room.kind, before);
    setError("");
    store.dispatch({ type: "involvementSet", roomId: room.id, involvement: next });
    try {
      const r = await api.setInvolvement(room.id, next);
      store.dispatch({ type: "involvementSet", roomId: room.id, involvement: r.room.involvement });
    } catch {
      store.dispatch({ type: "involvementSet", roomId: room.id, involvement: before });
      setError("Couldn't change notifications. Try again.");
    }
  };
  const text = INVOLVEMENT_TEXT[room.involvement];
  return (
    <>
      <button
        type="button"
        className={`icon-btn bell bell--${room.involvement} ${firstVisit ? "bell--pulse" : ""}`}
        aria-label={`Notifications: ${text}. Change`}
        title={`${text}. Click to change.`}
        onClick={cycle}
      >
        <BellIcon involvement={room.involvement} size={22} />
        <span className="bell__label" aria-hidden="true">
          {INVOLVEMENT_SHORT[room.involvement]}
        </span>
      </button>
      {error || hint ? (
        // A line under the header, not beside the bell: the header keeps its height (R3, N1).
        <div className={`header-note ${error ? "header-note--error" : ""}`} role={error ? "alert" : "status"}>
          <span>{error || hint}</span>
          <button
            type="button"
            className="icon-btn icon-btn--small"
            aria-label="Dismiss"
            onClick={() => {
              setError("");
              setHint("");
            }}
          >
            <CloseIcon size={14} />
          </button>
        </div>
      ) : null}
    </>
  );
}

/** What the composer looks like before its editor has loaded; touching it loads the editor. */
function ComposerStandIn({ title, onActivate }: { title: string; onActivate: () => void }) {
  return (
    <div className="composer">
      <div className="composer__row">
        <div
          className="composer__box composer__input composer__standin"
          role="textbox"
          tabIndex={0}
          aria-label={`Message ${title}`}
          aria-multiline="true"
          onFocus={onActivate}
          onPointerDown={onActivate}
        >
          <span className="composer__placeholder">Message {title}</span>
        </div>
      </div>
    </div>
  );
}

function RoomHeader({ room, title }: { room: Room; title: string }) {
  return (
    <header className="room-header">
      <div className="room-header__name">
        <h1 id="room-title" className="room-pill" title={title}>
          {room.kind === "closed" ? <LockIcon size={15} aria-hidden="true" /> : null}
          <span className="room-pill__text">{title}</span>
        </h1>
        <Link to={`/rooms/${room.id}/edit`} className="icon-btn icon-btn--small" aria-label="Room settings" title="Room settings">
          <MoreIcon />
        </Link>
        {room.topic ? (
          <p className="room-header__topic" title={room.topic} dir="auto">
            {room.topic}
          </p>
        ) : null}
      </div>
      <div className="room-header__actions">
        <BellButton room={room} />
        <MenuButton />
      </div>
    </header>
  );
}
