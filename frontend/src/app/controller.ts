// Glue between the store, the HTTP API and the live connection: loading state,
// applying live frames with their side effects, and the debug hook.
import { api } from "../api/client";
import type { Bootstrap, ClientFrame, Message, ServerFrame } from "../api/types";
import { ChannelElection, LockElection, realTimers, type ChannelLike, type Election, type LocksLike } from "../live/election";
import { LiveClient, type LiveRole } from "../live/client";
import { playSound } from "../lib/sounds";
import { store } from "../state/store";

/** Loads everything a signed-in app needs over HTTP and replaces the state with it. */
export async function loadAll(): Promise<Bootstrap> {
  const data = await api.bootstrap();
  if (!data.me || data.setup_required) {
    store.dispatch({ type: "bootstrap", data });
    return data;
  }
  const [rooms, users] = await Promise.all([api.rooms(), api.users()]);
  store.dispatch({ type: "loaded", data, rooms: rooms.rooms, roomsSeq: rooms.seq, users: users.users });
  return data;
}

let live: LiveClient | null = null;
let role: LiveRole = "idle";
let signedOutHandler: (() => void) | null = null;

export function onSignedOut(handler: () => void) {
  signedOutHandler = handler;
}

/** Signed out: by me on this device, or `ended` elsewhere (another device, an admin, expiry),
 * which the sign-in page then says (`sessionEnded` in the state). */
export function signedOut(ended = false) {
  live?.announceSignedOut();
  stopLive();
  store.dispatch({ type: "signedOut", ended });
  signedOutHandler?.();
}

function browserChannel(name: string): ChannelLike | null {
  if (typeof BroadcastChannel === "undefined") return null;
  const ch = new BroadcastChannel(name);
  return ch as unknown as ChannelLike;
}

/** Elected at once: for browsers without BroadcastChannel (every tab is alone). */
class SoloElection implements Election {
  start(onElected: () => void) {
    queueMicrotask(onElected);
  }
  stop() {}
}

function makeElection(tabId: string): Election {
  if (typeof BroadcastChannel === "undefined") return new SoloElection();
  const locks = (navigator as Navigator & { locks?: LocksLike }).locks;
  if (locks && typeof locks.request === "function") return new LockElection(locks);
  const ch = browserChannel("campfire-election");
  return ch ? new ChannelElection(ch, tabId, realTimers) : new SoloElection();
}

function wsUrl(since: number): string {
  const proto = location.protocol === "https:" ? "wss:" : "ws:";
  return `${proto}//${location.host}/api/live?since=${since}`;
}

export function startLive() {
  if (live) return;
  const tabId = Math.random().toString(36).slice(2, 10) + Date.now().toString(36);
  live = new LiveClient({
    tabId,
    url: wsUrl,
    getSince: () => store.getState().lastSeq,
    onFrame: applyIncoming,
    onStatus: (status) => store.dispatch({ type: "connection", status }),
    onReset: async () => {
      await loadAll();
    },
    onUnauthorized: () => signedOut(true),
    onRemoteFocus: (roomId) => store.dispatch({ type: "focus", roomId }),
    onRoleChange: (r) => {
      role = r;
    },
    checkSession: async () => {
      const b = await api.bootstrap();
      return !!b.me;
    },
    createSocket: (url) => new WebSocket(url) as unknown as import("../live/client").SocketLike,
    createChannel: browserChannel,
    election: makeElection(tabId),
  });
  live.start();
  installVisibilityHandlers();
}

export function stopLive() {
  live?.stop();
  live = null;
  role = "idle";
}

export function sendLive(frame: ClientFrame) {
  live?.send(frame);
}

// ---------------------------------------------------------------------------
// Focus: which room this browser is looking at (presence, and no unread there).

let currentRoomId: number | null = null;

function visible(): boolean {
  return typeof document === "undefined" || document.visibilityState !== "hidden";
}

function pushFocus() {
  const roomId = visible() ? currentRoomId : null;
  store.dispatch({ type: "focus", roomId });
  sendLive({ type: "focus", room_id: roomId });
}

export function setCurrentRoom(roomId: number | null) {
  if (currentRoomId === roomId) return;
  currentRoomId = roomId;
  if (keptUnread !== roomId) keptUnread = null;
  pushFocus();
}

let visibilityInstalled = false;
function installVisibilityHandlers() {
  if (visibilityInstalled || typeof document === "undefined") return;
  visibilityInstalled = true;
  document.addEventListener("visibilitychange", () => {
    pushFocus();
    if (visible() && currentRoomId !== null) markRoomRead(currentRoomId);
  });
  window.addEventListener("focus", () => {
    if (currentRoomId !== null) pushFocus();
  });
}

// ---------------------------------------------------------------------------
// Typing: at most one frame every 3 seconds per room.

const lastTyping = new Map<number, number>();
export function sendTyping(roomId: number) {
  const now = Date.now();
  if (now - (lastTyping.get(roomId) ?? 0) < 3000) return;
  lastTyping.set(roomId, now);
  sendLive({ type: "typing", room_id: roomId });
}

// ---------------------------------------------------------------------------
// Reading

export function markRoomRead(roomId: number) {
  if (keptUnread === roomId) return;
  const room = store.getState().rooms[roomId];
  store.dispatch({ type: "markRead", roomId });
  if (room) api.markRead(roomId).catch(() => {});
}

// X7: a room I marked unread stays unread while I am still in it; leaving it ends that.
let keptUnread: number | null = null;

/** Whether `roomId` was marked unread by me since I opened it (it is not read again meanwhile). */
export function isKeptUnread(roomId: number): boolean {
  return keptUnread === roomId;
}

/** X7: the room becomes unread from `messageId` on, on every device of mine. */
export async function markRoomUnread(roomId: number, messageId: number): Promise<void> {
  await api.markUnread(roomId, messageId);
  keptUnread = roomId;
  store.dispatch({ type: "markedUnread", roomId, messageId });
  if (store.getState().rooms[roomId]?.countsStale) refetchRoom(roomId);
}

// X7: saved messages, fetched the first time something needs them.
let bookmarksLoading: Promise<void> | null = null;
export function ensureBookmarks(): Promise<void> {
  if (store.getState().bookmarks) return Promise.resolve();
  bookmarksLoading ??= api
    .bookmarks()
    .then((r) => store.dispatch({ type: "bookmarksLoaded", bookmarks: r.bookmarks }))
    .finally(() => (bookmarksLoading = null));
  return bookmarksLoading;
}

/** X7: saves `message` for later, or stops keeping it, on every device of mine. */
export async function setBookmark(message: Message, saved: boolean): Promise<void> {
  if (saved) await api.bookmark(message.id);
  else await api.unbookmark(message.id);
  store.dispatch({ type: "bookmarkSet", message, saved, savedAt: new Date().toISOString() });
}

function refetchRoom(roomId: number) {
  api
    .room(roomId)
    .then((r) => store.dispatch({ type: "roomUpsert", room: r.room }))
    .catch(() => {});
}

// ---------------------------------------------------------------------------
// Applying frames, with their side effects

const fetchingUsers = new Set<number>();
export function ensureUser(id: number) {
  if (store.getState().users[id] || fetchingUsers.has(id)) return;
  fetchingUsers.add(id);
  api
    .user(id)
    .then((r) => store.dispatch({ type: "userUpsert", user: r.user }))
    .catch(() => {})
    .finally(() => fetchingUsers.delete(id));
}

function applyIncoming(frame: ServerFrame, source: "socket" | "relay") {
  const before = store.getState();
  const fresh = frame.type === "event" && frame.seq > before.lastSeq;
  store.dispatch({ type: "frame", frame }, { later: true });
  if (!fresh || frame.type !== "event") return;
  const e = frame.event;
  const me = before.me?.id;
  switch (e.kind) {
    case "membership_added":
      if (e.user_id === me) {
        api
          .room(e.room_id)
          .then((r) => store.dispatch({ type: "roomUpsert", room: r.room }))
          .catch(() => {});
      } else {
        ensureUser(e.user_id);
      }
      break;
    case "room_marked_unread":
      if (e.user_id === me && store.getState().rooms[e.room_id]?.countsStale) refetchRoom(e.room_id);
      break;
    case "message_created": {
      const m = e.message;
      if (!m) break;
      ensureUser(m.author_id);
      // The room I am looking at stays read, on every device.
      const after = store.getState();
      if (after.focusedRoomId === m.room_id && m.author_id !== me && currentRoomId === m.room_id && visible()) {
        scheduleRead(m.room_id);
      }
      // Sounds play once per browser: only the tab that holds the socket plays them,
      // and only for messages that are new (not a replay after a long absence).
      if (m.play && source === "socket" && role === "leader") {
        const age = Date.now() - Date.parse(m.created_at);
        if (!(age > 120_000)) playSound(m.play.sound);
      }
      break;
    }
    default:
      break;
  }
}

const readTimers = new Map<number, ReturnType<typeof setTimeout>>();
function scheduleRead(roomId: number) {
  if (readTimers.has(roomId)) return;
  readTimers.set(
    roomId,
    setTimeout(() => {
      readTimers.delete(roomId);
      const r = store.getState().rooms[roomId];
      if (r?.unread) markRoomRead(roomId);
    }, 1000),
  );
}

// ---------------------------------------------------------------------------
// Debug hook for end-to-end tests and curious people.

declare global {
  interface Window {
    __campfire?: { readonly role: LiveRole; readonly lastSeq: number; readonly connection: string; readonly tabId: string | null };
  }
}

if (typeof window !== "undefined") {
  window.__campfire = {
    get role() {
      return role;
    },
    get lastSeq() {
      return store.getState().lastSeq;
    },
    get connection() {
      return store.getState().connection;
    },
    get tabId() {
      return live?.tabId ?? null;
    },
  };
}
