// The app's state and the one pure function that changes it. Live events,
// HTTP answers and optimistic sends all go through `reduce`, so the rules
// (idempotency by seq, pending → confirmed → failed, unread) live in one place
// and are tested without a browser.
import type { Account, Bookmark, Boost, Bootstrap, Features, Involvement, LiveEvent, Message, Room, RoomInfo, ServerFrame, User } from "../api/types";
import { applyPage, emptyWindow, mapMessage, mergeMessages, removeMessage, upsertMessage, type PageMode, type RoomWindow } from "./messages";

export type PendingStatus = "pending" | "failed";

export type PendingMessage = {
  clientMessageId: string;
  roomId: number;
  /** The text shown while it is pending (the HTML stays with the sender). */
  bodyText: string;
  createdAt: string;
  status: PendingStatus;
  error?: string;
};

export type ConnectionStatus = "idle" | "connecting" | "open" | "reconnecting";

export type AppState = {
  /** The seq of the last event applied (0 before bootstrap). */
  lastSeq: number;
  setupRequired: boolean;
  me: User | null;
  account: Account | null;
  features: Features;
  users: Record<number, User>;
  rooms: Record<number, Room>;
  roomsLoaded: boolean;
  windows: Record<number, RoomWindow>;
  pending: Record<number, PendingMessage[]>;
  presence: Record<number, number[]>;
  typing: Record<number, number[]>;
  /** The room this browser is looking at right now (any tab), or null. */
  focusedRoomId: number | null;
  connection: ConnectionStatus;
  /** Signed out from elsewhere (another device, an administrator): the sign-in page says so. */
  sessionEnded: boolean;
  /** X7: my saved messages, newest saved first; null until first asked for. */
  bookmarks: Bookmark[] | null;
  /** X7: messages that mention me, newest first, as far as loaded (`more`: older ones exist). */
  mentions: { messages: Message[]; more: boolean } | null;
  /**
   * X7: the threads opened here, by their first message's id: that message and its replies, as
   * a window (`hasAfter`: later replies are not loaded yet).
   */
  threads: Record<number, RoomWindow>;
};

export const defaultFeatures: Features = {
  files: false,
  avatars: false,
  opengraph: false,
  search: false,
  push: false,
  bots: true,
  max_file_size: 0,
};

export const initialState: AppState = {
  lastSeq: 0,
  setupRequired: false,
  me: null,
  account: null,
  features: defaultFeatures,
  users: {},
  rooms: {},
  roomsLoaded: false,
  windows: {},
  pending: {},
  presence: {},
  typing: {},
  focusedRoomId: null,
  connection: "idle",
  sessionEnded: false,
  bookmarks: null,
  mentions: null,
  threads: {},
};

export type Action =
  | { type: "bootstrap"; data: Bootstrap }
  /** A full (re)load over HTTP: bootstrap + rooms + users, consistent with the smaller seq. */
  | { type: "loaded"; data: Bootstrap; rooms: Room[]; roomsSeq: number; users: User[] }
  | { type: "signedIn"; me: User }
  | { type: "signedOut"; ended?: boolean }
  | { type: "frame"; frame: ServerFrame }
  | { type: "users"; users: User[] }
  | { type: "userUpsert"; user: User }
  | { type: "roomUpsert"; room: Room }
  | { type: "roomRemoved"; roomId: number }
  | { type: "accountUpdated"; account: Account }
  | { type: "messagesLoaded"; roomId: number; mode: PageMode; messages: Message[]; has_before: boolean; has_after: boolean }
  | { type: "sendStarted"; roomId: number; clientMessageId: string; bodyText: string; createdAt: string }
  | { type: "sendConfirmed"; message: Message }
  | { type: "sendFailed"; roomId: number; clientMessageId: string; error: string }
  | { type: "sendRetried"; roomId: number; clientMessageId: string }
  | { type: "sendDiscarded"; roomId: number; clientMessageId: string }
  | { type: "messageUpdated"; message: Message }
  | { type: "messageRemoved"; roomId: number; messageId: number }
  | { type: "boostAdded"; roomId: number; boost: Boost }
  | { type: "boostRemoved"; roomId: number; messageId: number; boostId: number }
  | { type: "markRead"; roomId: number }
  | { type: "markedUnread"; roomId: number; messageId: number }
  | { type: "bookmarksLoaded"; bookmarks: Bookmark[] }
  | { type: "threadLoaded"; rootId: number; root: Message; replies: Message[]; more: boolean }
  | { type: "mentionsLoaded"; messages: Message[]; more: boolean; older: boolean }
  | { type: "bookmarkSet"; message: Message; saved: boolean; savedAt: string }
  | { type: "involvementSet"; roomId: number; involvement: Involvement }
  | { type: "focus"; roomId: number | null }
  | { type: "connection"; status: ConnectionStatus };

export function reduce(state: AppState, action: Action): AppState {
  switch (action.type) {
    case "bootstrap": {
      const d = action.data;
      return {
        ...state,
        setupRequired: d.setup_required,
        account: d.account,
        features: d.features ?? defaultFeatures,
        me: d.me,
        users: d.me ? { ...state.users, [d.me.id]: d.me } : state.users,
      };
    }
    case "loaded": {
      const d = action.data;
      const users: Record<number, User> = {};
      for (const u of action.users) users[u.id] = u;
      if (d.me) users[d.me.id] = d.me;
      const rooms: Record<number, Room> = {};
      for (const r of action.rooms) rooms[r.id] = r;
      // Keep windows only of rooms that still exist; the caller reloads the open one.
      const windows: Record<number, RoomWindow> = {};
      // Keep unsent messages: they are retried or discarded by the person.
      const pending: Record<number, PendingMessage[]> = {};
      for (const [id, p] of Object.entries(state.pending)) if (rooms[Number(id)]) pending[Number(id)] = p;
      return {
        ...state,
        setupRequired: d.setup_required,
        account: d.account,
        features: d.features ?? defaultFeatures,
        me: d.me,
        users,
        rooms,
        roomsLoaded: true,
        windows,
        pending,
        presence: {},
        typing: {},
        // Saved messages and mentions are asked for again when next shown (a reset may have
        // missed changes).
        bookmarks: null,
        mentions: null,
        threads: {},
        // Replaying from the older of the two is safe: events apply idempotently.
        lastSeq: Math.min(d.seq, action.roomsSeq),
      };
    }
    case "signedIn":
      return { ...state, me: action.me, setupRequired: false, users: { ...state.users, [action.me.id]: action.me } };
    case "signedOut":
      return { ...initialState, features: state.features, account: state.account, sessionEnded: !!action.ended };
    case "frame":
      return applyFrame(state, action.frame);
    case "users": {
      const users = { ...state.users };
      for (const u of action.users) users[u.id] = u;
      return { ...state, users };
    }
    case "userUpsert":
      return upsertUser(state, action.user);
    case "roomUpsert":
      return upsertRoom(state, action.room);
    case "roomRemoved":
      return removeRoom(state, action.roomId);
    case "accountUpdated":
      return { ...state, account: action.account };
    case "messagesLoaded": {
      const w = state.windows[action.roomId] ?? emptyWindow;
      const next = applyPage(w, action.mode, action);
      let s = { ...state, windows: { ...state.windows, [action.roomId]: next } };
      // Pending messages that the server already has are confirmed by the page.
      for (const m of action.messages) s = dropPendingFor(s, m);
      return s;
    }
    case "sendStarted": {
      const list = state.pending[action.roomId] ?? [];
      if (list.some((p) => p.clientMessageId === action.clientMessageId)) return state;
      const p: PendingMessage = {
        clientMessageId: action.clientMessageId,
        roomId: action.roomId,
        bodyText: action.bodyText,
        createdAt: action.createdAt,
        status: "pending",
      };
      return { ...state, pending: { ...state.pending, [action.roomId]: [...list, p] } };
    }
    case "sendConfirmed":
      return confirmMessage(state, action.message);
    case "sendFailed":
      return mapPending(state, action.roomId, action.clientMessageId, (p) => ({ ...p, status: "failed", error: action.error }));
    case "sendRetried":
      return mapPending(state, action.roomId, action.clientMessageId, (p) => ({ ...p, status: "pending", error: undefined }));
    case "sendDiscarded": {
      const list = state.pending[action.roomId];
      if (!list) return state;
      return { ...state, pending: { ...state.pending, [action.roomId]: list.filter((p) => p.clientMessageId !== action.clientMessageId) } };
    }
    case "messageUpdated":
      return withMessage(state, action.message, (w) => upsertMessage(w, action.message));
    case "messageRemoved":
      return withAnyWindow(state, action.roomId, (w) => removeMessage(w, action.messageId));
    case "boostAdded":
      return withAnyWindow(state, action.roomId, (w) => addBoost(w, action.boost));
    case "boostRemoved":
      return withAnyWindow(state, action.roomId, (w) => dropBoost(w, action.messageId, action.boostId));
    case "threadLoaded": {
      const known = state.threads[action.rootId];
      const page = mergeMessages([action.root], action.replies);
      const thread: RoomWindow = {
        // Replies that arrived live while the page loaded stay.
        messages: known ? mergeMessages(known.messages, page) : page,
        hasBefore: false,
        hasAfter: action.more,
        loaded: true,
      };
      return { ...state, threads: { ...state.threads, [action.rootId]: thread } };
    }
    case "markRead":
      return setRoom(state, action.roomId, readRoom);
    case "markedUnread":
      return markedUnread(state, action.roomId, action.messageId);
    case "bookmarksLoaded":
      return { ...state, bookmarks: action.bookmarks };
    case "mentionsLoaded": {
      const before = action.older ? (state.mentions?.messages ?? []) : [];
      const known = new Set(before.map((m) => m.id));
      return { ...state, mentions: { messages: [...before, ...action.messages.filter((m) => !known.has(m.id))], more: action.more } };
    }
    case "bookmarkSet":
      return action.saved ? addBookmark(state, action.message, action.savedAt) : dropBookmark(state, action.message.id);
    case "involvementSet":
      return setRoom(state, action.roomId, (r) => ({
        ...r,
        involvement: action.involvement,
        unread: action.involvement === "invisible" ? false : r.unread,
      }));
    case "focus":
      return state.focusedRoomId === action.roomId ? state : { ...state, focusedRoomId: action.roomId };
    case "connection":
      if (state.connection === action.status) return state;
      // Who is here and who is typing is only known while connected: without the socket, the
      // avatars would stay however long the server is away (R5). They come back on reconnect.
      if (action.status !== "open") return { ...state, connection: action.status, presence: {}, typing: {} };
      return { ...state, connection: action.status };
  }
}

// ---------------------------------------------------------------------------
// Live frames

export function applyFrame(state: AppState, frame: ServerFrame): AppState {
  switch (frame.type) {
    case "presence":
      return { ...state, presence: { ...state.presence, [frame.room_id]: frame.user_ids } };
    case "typing": {
      const me = state.me?.id;
      return { ...state, typing: { ...state.typing, [frame.room_id]: frame.user_ids.filter((id) => id !== me) } };
    }
    case "event": {
      // Idempotent: an event at or below the last applied seq was seen already.
      if (frame.seq <= state.lastSeq) return state;
      const next = applyEvent(state, frame.event);
      return { ...next, lastSeq: frame.seq };
    }
  }
  return state;
}

export function applyEvent(state: AppState, e: LiveEvent): AppState {
  const me = state.me?.id;
  switch (e.kind) {
    case "message_created": {
      if (!e.message) return state;
      const m = e.message;
      let s = confirmMessage(state, m);
      s = setRoom(s, e.room_id, (r) => {
        const unread = r.unread || marksUnread(r, m, me, s.focusedRoomId);
        const last_active_at = m.created_at > r.last_active_at ? m.created_at : r.last_active_at;
        // X7: counted once, whether it arrives live or again in a replay.
        const counts = unread && m.author_id !== me && m.id > (r.counted_through ?? 0);
        if (!counts) return unread === r.unread && last_active_at === r.last_active_at ? r : { ...r, unread, last_active_at };
        return {
          ...r,
          unread,
          last_active_at,
          unread_from: r.unread_from ?? m.id,
          unread_count: r.unread_count + 1,
          mention_count: r.mention_count + (me !== undefined && m.mentions.includes(me) ? 1 : 0),
          counted_through: m.id,
        };
      });
      if (me !== undefined && m.mentions.includes(me) && s.mentions && !s.mentions.messages.some((x) => x.id === m.id)) {
        s = { ...s, mentions: { ...s.mentions, messages: [m, ...s.mentions.messages] } };
      }
      // Whoever posts stops typing.
      const t = s.typing[e.room_id];
      if (t && t.includes(m.author_id)) s = { ...s, typing: { ...s.typing, [e.room_id]: t.filter((id) => id !== m.author_id) } };
      return s;
    }
    case "message_edited": {
      const m = e.message;
      if (!m) return state;
      let s = withMessage(state, m, (w) => upsertMessage(w, m));
      if (s.bookmarks?.some((b) => b.message.id === m.id)) {
        s = { ...s, bookmarks: s.bookmarks.map((b) => (b.message.id === m.id ? { ...b, message: m } : b)) };
      }
      if (s.mentions?.messages.some((x) => x.id === m.id)) {
        // An edit can take the mention away, or keep it with new words.
        const mentioned = me !== undefined && m.mentions.includes(me);
        const messages = mentioned ? s.mentions.messages.map((x) => (x.id === m.id ? m : x)) : s.mentions.messages.filter((x) => x.id !== m.id);
        s = { ...s, mentions: { ...s.mentions, messages } };
      }
      return s;
    }
    case "message_deleted":
      return dropMention(
        dropBookmark(
          withAnyWindow(state, e.room_id, (w) => removeMessage(w, e.message_id)),
          e.message_id,
        ),
        e.message_id,
      );
    case "bookmark_added":
      if (e.user_id !== me || !e.message) return state;
      return addBookmark(state, e.message, e.saved_at);
    case "bookmark_removed":
      if (e.user_id !== me) return state;
      return dropBookmark(state, e.message_id);
    case "boost_added":
      if (!e.boost) return state;
      return withAnyWindow(state, e.room_id, (w) => addBoost(w, e.boost as Boost));
    case "boost_removed":
      return withAnyWindow(state, e.room_id, (w) => dropBoost(w, e.message_id, e.boost_id));
    case "room_created":
    case "room_renamed":
    case "room_converted":
      if (!e.room) return state;
      return upsertRoomInfo(state, e.room);
    case "room_deleted":
      return removeRoom(state, e.room_id);
    case "membership_added":
      // For me, the room itself arrives by an HTTP fetch (see live effects).
      return setRoom(state, e.room_id, (r) => (r.member_ids.includes(e.user_id) ? r : { ...r, member_ids: [...r.member_ids, e.user_id] }));
    case "membership_removed":
      if (e.user_id === me) return removeRoom(state, e.room_id);
      return setRoom(state, e.room_id, (r) => (r.member_ids.includes(e.user_id) ? { ...r, member_ids: r.member_ids.filter((id) => id !== e.user_id) } : r));
    case "involvement_changed": {
      const involvement = e.involvement;
      if (e.user_id !== me || !involvement) return state;
      return setRoom(state, e.room_id, (r) => ({ ...r, involvement, unread: involvement === "invisible" ? false : r.unread }));
    }
    case "room_read":
      if (e.user_id !== me) return state;
      return setRoom(state, e.room_id, readRoom);
    case "room_marked_unread":
      if (e.user_id !== me) return state;
      return markedUnread(state, e.room_id, e.message_id);
    case "user_joined":
    case "user_updated":
      return e.user ? upsertUser(state, e.user) : state;
    case "user_deactivated": {
      const u = e.user ?? (state.users[e.user_id] ? { ...state.users[e.user_id], active: false } : null);
      return u ? upsertUser(state, { ...u, active: false }) : state;
    }
    case "account_updated":
      return e.account ? { ...state, account: e.account } : state;
  }
  return state;
}

/**
 * R4: a new message makes its room unread for me unless I wrote it, I am looking
 * at the room right now, or the room is invisible to me.
 */
export function marksUnread(room: Room, m: Message, me: number | undefined, focusedRoomId: number | null): boolean {
  if (m.author_id === me) return false;
  if (room.involvement === "invisible") return false;
  if (focusedRoomId === room.id) return false;
  return true;
}

/** X7: a message saved (once; a replay or this device's own answer adds nothing), newest first. */
function addBookmark(state: AppState, message: Message, savedAt: string): AppState {
  if (!state.bookmarks || state.bookmarks.some((b) => b.message.id === message.id)) return state;
  return { ...state, bookmarks: [{ saved_at: savedAt, message }, ...state.bookmarks] };
}

function dropBookmark(state: AppState, messageId: number): AppState {
  if (!state.bookmarks?.some((b) => b.message.id === messageId)) return state;
  return { ...state, bookmarks: state.bookmarks.filter((b) => b.message.id !== messageId) };
}

function dropMention(state: AppState, messageId: number): AppState {
  if (!state.mentions?.messages.some((m) => m.id === messageId)) return state;
  return { ...state, mentions: { ...state.mentions, messages: state.mentions.messages.filter((m) => m.id !== messageId) } };
}

/** A room read up: nothing unread, nothing counted (what was counted stays counted). */
function readRoom(r: Room): Room {
  return r.unread || r.unread_from !== null || r.unread_count || r.mention_count
    ? { ...r, unread: false, unread_from: null, unread_count: 0, mention_count: 0 }
    : r;
}

/**
 * X7: the room is unread again from `messageId`. Its counts come from the loaded messages when
 * they reach from there to the newest; otherwise `countsStale` asks for the room again.
 */
function markedUnread(state: AppState, roomId: number, messageId: number): AppState {
  const me = state.me?.id;
  const w = state.windows[roomId];
  const known = w && !w.hasAfter && w.messages.length > 0 && w.messages[0].id <= messageId;
  return setRoom(state, roomId, (r) => {
    if (!known) return { ...r, unread: r.involvement !== "invisible", unread_from: messageId, countsStale: true };
    const counted = w.messages.filter((m) => m.id >= messageId && m.author_id !== me);
    return {
      ...r,
      unread: r.involvement !== "invisible",
      unread_from: messageId,
      unread_count: counted.length,
      mention_count: counted.filter((m) => me !== undefined && m.mentions.includes(me)).length,
      counted_through: Math.max(r.counted_through ?? 0, w.messages[w.messages.length - 1].id),
      countsStale: false,
    };
  });
}

/** Rooms shown in the sidebar that are unread (invisible rooms never count). */
export function unreadCount(state: AppState): number {
  let n = 0;
  for (const r of Object.values(state.rooms)) if (r.unread && r.involvement !== "invisible") n++;
  return n;
}

// ---------------------------------------------------------------------------
// Helpers

function confirmMessage(state: AppState, m: Message): AppState {
  const s = dropPendingFor(state, m);
  return withMessage(s, m, (w) => upsertMessage(w, m));
}

function dropPendingFor(state: AppState, m: Message): AppState {
  if (m.author_id !== state.me?.id) return state;
  const list = state.pending[m.room_id];
  if (!list || !list.some((p) => p.clientMessageId === m.client_message_id)) return state;
  return { ...state, pending: { ...state.pending, [m.room_id]: list.filter((p) => p.clientMessageId !== m.client_message_id) } };
}

function mapPending(state: AppState, roomId: number, cid: string, f: (p: PendingMessage) => PendingMessage): AppState {
  const list = state.pending[roomId];
  if (!list) return state;
  const i = list.findIndex((p) => p.clientMessageId === cid);
  if (i < 0) return state;
  const next = list.slice();
  next[i] = f(next[i]);
  return { ...state, pending: { ...state.pending, [roomId]: next } };
}

function withWindow(state: AppState, roomId: number, f: (w: RoomWindow) => RoomWindow): AppState {
  const w = state.windows[roomId];
  if (!w) return state;
  const next = f(w);
  return next === w ? state : { ...state, windows: { ...state.windows, [roomId]: next } };
}

/**
 * X7: applies `f` to each loaded list message `m` belongs in: a room message to its room's
 * window and to its own thread (as the first message); a reply to its thread only (replies are
 * not in the room's history).
 */
function withMessage(state: AppState, m: Message, f: (w: RoomWindow) => RoomWindow): AppState {
  const s = m.thread_id === null ? withWindow(state, m.room_id, f) : state;
  return withThread(s, m.thread_id ?? m.id, f);
}

function withThread(state: AppState, rootId: number, f: (w: RoomWindow) => RoomWindow): AppState {
  const w = state.threads[rootId];
  if (!w) return state;
  const next = f(w);
  return next === w ? state : { ...state, threads: { ...state.threads, [rootId]: next } };
}

/** For events that name a message only by id: its room's window and every opened thread of the room. */
function withAnyWindow(state: AppState, roomId: number, f: (w: RoomWindow) => RoomWindow): AppState {
  let s = withWindow(state, roomId, f);
  for (const [id, w] of Object.entries(state.threads)) if (w.messages[0]?.room_id === roomId) s = withThread(s, Number(id), f);
  return s;
}

function setRoom(state: AppState, roomId: number, f: (r: Room) => Room): AppState {
  const r = state.rooms[roomId];
  if (!r) return state;
  const next = f(r);
  return next === r ? state : { ...state, rooms: { ...state.rooms, [roomId]: next } };
}

/** A room as I see it (from an HTTP answer): replaces what we had. */
function upsertRoom(state: AppState, room: Room): AppState {
  return { ...state, rooms: { ...state.rooms, [room.id]: room } };
}

/**
 * A room from a room event carries no involvement or unread flag (those are mine,
 * and come from my own events): keep them for a known room, default them for a new one.
 */
function upsertRoomInfo(state: AppState, info: RoomInfo): AppState {
  const existing = state.rooms[info.id];
  if (!existing && state.me && info.kind !== "open" && !info.member_ids.includes(state.me.id)) return state;
  const next: Room = {
    ...info,
    involvement: existing?.involvement ?? defaultInvolvement(info.kind),
    unread: existing?.unread ?? false,
    unread_from: existing?.unread_from ?? null,
    unread_count: existing?.unread_count ?? 0,
    mention_count: existing?.mention_count ?? 0,
    counted_through: existing?.counted_through ?? null,
  };
  return { ...state, rooms: { ...state.rooms, [info.id]: next } };
}

/** R3: direct rooms start at everything, shared rooms at mentions. */
export function defaultInvolvement(kind: Room["kind"]): Involvement {
  return kind === "direct" ? "everything" : "mentions";
}

function removeRoom(state: AppState, roomId: number): AppState {
  if (!state.rooms[roomId] && !state.windows[roomId]) return state;
  const rooms = { ...state.rooms };
  delete rooms[roomId];
  const windows = { ...state.windows };
  delete windows[roomId];
  const pending = { ...state.pending };
  delete pending[roomId];
  const threads = Object.fromEntries(Object.entries(state.threads).filter(([, w]) => w.messages[0]?.room_id !== roomId));
  return { ...state, rooms, windows, pending, threads };
}

function upsertUser(state: AppState, user: User): AppState {
  const me = state.me && state.me.id === user.id ? { ...state.me, ...user } : state.me;
  return { ...state, me, users: { ...state.users, [user.id]: user } };
}

function addBoost(w: RoomWindow, boost: Boost): RoomWindow {
  return mapMessage(w, boost.message_id, (m) => (m.boosts.some((b) => b.id === boost.id) ? m : { ...m, boosts: [...m.boosts, boost] }));
}

function dropBoost(w: RoomWindow, messageId: number, boostId: number): RoomWindow {
  return mapMessage(w, messageId, (m) => (m.boosts.some((b) => b.id === boostId) ? { ...m, boosts: m.boosts.filter((b) => b.id !== boostId) } : m));
}
