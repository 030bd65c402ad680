// An in-memory stand-in for the Rust server, written from docs/api.md, so the
// browser app and its end-to-end test can run before the real server exists.
// It is NOT the server: no persistence, no security beyond the basics.
//
//   node e2e/mock-server.mjs [--port 3100] [--dist dist]
//
// Serves dist/ with index.html for unknown GETs, the JSON API, and the live WebSocket.
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import crypto from "node:crypto";
import { WebSocketServer } from "ws";

const args = process.argv.slice(2);
const arg = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
const PORT = Number(arg("port", process.env.PORT ?? 3100));
const STATE = arg("state", null); // a JSON file kept across restarts (optional)
const DIST = path.resolve(arg("dist", new URL("../dist", import.meta.url).pathname));
const FEATURES = { files: false, avatars: false, opengraph: false, search: false, push: false, bots: true, max_file_size: 0 };
const COLORS = [
  "#AF2E1B",
  "#CC6324",
  "#3B4B59",
  "#BFA07A",
  "#ED8008",
  "#ED3F1C",
  "#BF1B1B",
  "#736B1E",
  "#D07B53",
  "#736356",
  "#AD1D1D",
  "#BF7C2A",
  "#C09C6F",
  "#698F9C",
  "#7C956B",
  "#5D618F",
  "#3B3633",
  "#67695E",
];
const SOUNDS = new Map(
  "56k:P ballmer:developers! bell:🔔 crickets:hears_crickets_chirping tada:plays_a_fanfare_🎏 trombone:plays_a_sad_trombone yay:P yeah:P nyan:P rimshot:plays_a_rimshot honk:HONK"
    .split(" ")
    .map((s) => s.split(":"))
    .map(([n, t]) => [n, t === "P" ? null : t.replaceAll("_", " ")]),
);

// ---------------------------------------------------------------------------
// State

const db = {
  account: null, // { name, custom_css, only_admins_create_rooms }
  joinCode: null,
  users: new Map(), // id → { id, name, email, password, role, active, bio }
  sessions: new Map(), // token → { id, user_id, user_agent, ip, created_at, last_active_at }
  rooms: new Map(), // id → { id, kind, name, creator_id, created_at, last_active_at }
  members: new Map(), // roomId → Map(userId → { involvement, unread })
  messages: new Map(), // id → message (without boosts)
  boosts: new Map(), // id → boost
  events: [], // { seq, visible(userId) → event | null }
  transfers: new Map(),
  ids: 0,
  seq: 0,
};
const nextId = () => ++db.ids;
const botKeys = new Map(); // bot id → key

const MAPS = ["users", "sessions", "rooms", "messages", "boosts", "transfers"];
function saveState() {
  if (!STATE) return;
  const out = { ...db, members: [...db.members].map(([rid, m]) => [rid, [...m]]), botKeys: [...botKeys] };
  for (const k of MAPS) out[k] = [...db[k]];
  fs.writeFileSync(STATE, JSON.stringify(out));
}
function loadState() {
  if (!STATE || !fs.existsSync(STATE)) return;
  const data = JSON.parse(fs.readFileSync(STATE, "utf8"));
  Object.assign(db, data);
  for (const k of MAPS) db[k] = new Map(data[k]);
  db.members = new Map(data.members.map(([rid, m]) => [rid, new Map(m)]));
  for (const [k, v] of data.botKeys) botKeys.set(k, v);
}
loadState();
const now = () => new Date().toISOString();

function initials(name) {
  return name
    .trim()
    .split(/\s+/)
    .map((w) => w[0] ?? "")
    .join("")
    .slice(0, 3)
    .toUpperCase();
}
function userJson(u, viewer) {
  const j = {
    id: u.id,
    name: u.name,
    role: u.role,
    active: u.active,
    bio: u.bio,
    initials: initials(u.name),
    color: COLORS[u.id % COLORS.length],
    avatar_url: null,
  };
  if (viewer && (viewer.id === u.id || viewer.role === "administrator") && u.role !== "bot") j.email = u.email;
  return j;
}
function memberIds(room) {
  return [...(db.members.get(room.id)?.keys() ?? [])];
}
function roomJson(room, viewerId) {
  const m = db.members.get(room.id)?.get(viewerId);
  return {
    id: room.id,
    kind: room.kind,
    name: room.kind === "direct" ? null : room.name,
    creator_id: room.creator_id,
    member_ids: memberIds(room),
    involvement: m?.involvement ?? "mentions",
    unread: m?.unread ?? false,
    last_active_at: room.last_active_at,
    created_at: room.created_at,
  };
}
/** Rooms in room events: no one's involvement or unread flag (RoomInfoJson). */
function roomInfo(room) {
  const { involvement: _i, unread: _u, ...info } = roomJson(room, 0);
  return info;
}
function messageJson(m) {
  return { ...m, boosts: [...db.boosts.values()].filter((b) => b.message_id === m.id) };
}
const isMember = (roomId, userId) => !!db.members.get(roomId)?.has(userId);

// ---------------------------------------------------------------------------
// Events and live connections

const conns = new Set(); // { ws, userId, sessionToken, focus }

function emit(visible) {
  const seq = ++db.seq;
  // Who sees what is decided now (membership at the time of the event).
  const per = {};
  for (const uid of db.users.keys()) {
    const e = visible(uid);
    if (e) per[uid] = e;
  }
  db.events.push({ seq, per });
  for (const c of conns) {
    if (c.replaying) continue;
    const e = per[c.userId];
    if (e) send(c, { type: "event", seq, event: e });
  }
}
const toMembers = (roomId, make) => {
  const snapshot = new Set(memberIds({ id: roomId }));
  return (uid) => (snapshot.has(uid) ? make(uid) : null);
};
function send(c, frame) {
  if (c.ws.readyState === 1) c.ws.send(JSON.stringify(frame));
}
function presenceOf(roomId) {
  return [...new Set([...conns].filter((c) => c.focus === roomId).map((c) => c.userId))];
}
function broadcastPresence(roomId) {
  if (roomId == null) return;
  const frame = { type: "presence", room_id: roomId, user_ids: presenceOf(roomId) };
  for (const c of conns) if (isMember(roomId, c.userId)) send(c, frame);
}
const typing = new Map(); // roomId → Map(userId → expiry)
function broadcastTyping(roomId) {
  const t = typing.get(roomId) ?? new Map();
  const nowMs = Date.now();
  for (const [u, exp] of t) if (exp < nowMs) t.delete(u);
  const frame = { type: "typing", room_id: roomId, user_ids: [...t.keys()] };
  for (const c of conns) if (isMember(roomId, c.userId)) send(c, frame);
}

// ---------------------------------------------------------------------------
// HTTP helpers

class HttpError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}
const bad = (m) => new HttpError(400, "bad_request", m);
const unauthorized = () => new HttpError(401, "unauthorized", "Please sign in.");
const forbidden = (m = "You're not allowed to do that.") => new HttpError(403, "forbidden", m);
const notFound = () => new HttpError(404, "not_found", "Not found.");
const conflict = (m) => new HttpError(409, "conflict", m);
const unprocessable = (m) => new HttpError(422, "unprocessable", m);

function cookieToken(req) {
  const m = /(?:^|;\s*)campfire_session=([^;]+)/.exec(req.headers.cookie ?? "");
  return m ? m[1] : null;
}
function currentUser(req) {
  const token = cookieToken(req);
  const s = token && db.sessions.get(token);
  if (!s) return null;
  const u = db.users.get(s.user_id);
  if (!u || !u.active) return null;
  s.last_active_at = now();
  return u;
}
function signIn(res, req, user) {
  const token = crypto.randomBytes(24).toString("hex");
  db.sessions.set(token, {
    id: nextId(),
    user_id: user.id,
    user_agent: req.headers["user-agent"] ?? "",
    ip: "127.0.0.1",
    created_at: now(),
    last_active_at: now(),
    token,
  });
  res.setHeader("Set-Cookie", `campfire_session=${token}; HttpOnly; SameSite=Lax; Path=/`);
}
function validatePerson({ name, email, password }) {
  if (!name || !String(name).trim() || String(name).length > 100) throw unprocessable("Names need 1 to 100 characters.");
  if (!email || !/^[^@\s]+@[^@\s]+$/.test(email)) throw unprocessable("That doesn't look like an email address.");
  if (!password || String(password).length < 8) throw unprocessable("Passwords need at least 8 characters.");
  for (const u of db.users.values()) if (u.active && u.email === email) throw conflict("That email address is already in use.");
}
function createUser({ name, email, password }, role = "member") {
  const u = { id: nextId(), name: String(name).trim(), email, password, role, active: true, bio: "" };
  db.users.set(u.id, u);
  return u;
}
function addMember(roomId, userId, involvement) {
  if (!db.members.has(roomId)) db.members.set(roomId, new Map());
  db.members.get(roomId).set(userId, { involvement, unread: false });
}
function newJoinCode() {
  const part = () =>
    crypto
      .randomBytes(4)
      .toString("base64url")
      .replace(/[^A-Za-z0-9]/g, "x")
      .slice(0, 4);
  return `${part()}-${part()}-${part()}`;
}
function plain(html) {
  return String(html)
    .replace(/<br\s*\/?>/g, "\n")
    .replace(/<\/p>\s*<p>/g, "\n")
    .replace(/<[^>]+>/g, "")
    .replace(/&amp;/g, "&")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&nbsp;/g, " ")
    .trim();
}
function sanitize(html) {
  // A crude allowlist for the mock: strip scripts, event handlers and unknown attributes.
  return String(html)
    .replace(/<\s*(script|style|iframe)[\s\S]*?<\s*\/\s*\1\s*>/gi, "")
    .replace(/\son\w+\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/gi, "")
    .replace(/\s(class|style|target|rel|data-type|data-id|data-label)\s*=\s*("[^"]*"|'[^']*')/gi, "")
    .replace(/href\s*=\s*"\s*javascript:[^"]*"/gi, 'href="#"');
}
function visibleRoom(id, user) {
  const room = db.rooms.get(id);
  if (!room || !isMember(id, user.id)) throw notFound();
  return room;
}
function mayManageRoom(room, user) {
  return user.role === "administrator" || room.creator_id === user.id;
}

function postMessage(room, author, clientId, html) {
  const existing = [...db.messages.values()].find((m) => m.author_id === author.id && m.client_message_id === clientId);
  if (existing) return { message: existing, created: false };
  const body_html = sanitize(html);
  const body_plain = plain(body_html);
  if (!body_plain && !/data-mention-id/.test(body_html)) throw unprocessable("Message can't be blank.");
  const mentions = [...body_html.matchAll(/data-mention-id="(\d+)"/g)].map((m) => Number(m[1]));
  const playMatch = /^\/play (\S+)$/.exec(body_plain);
  const play =
    playMatch && SOUNDS.has(playMatch[1]) ? { sound: playMatch[1], text: SOUNDS.get(playMatch[1]), picture: SOUNDS.get(playMatch[1]) === null } : null;
  const id = nextId();
  const m = {
    id,
    room_id: room.id,
    author_id: author.id,
    client_message_id: clientId,
    body_html,
    body_plain,
    mentions,
    play,
    created_at: now(),
    edited_at: null,
    url: `/rooms/${room.id}/@${id}`,
  };
  db.messages.set(id, m);
  room.last_active_at = m.created_at;
  for (const [uid, mem] of db.members.get(room.id)) {
    if (uid === author.id || mem.involvement === "invisible") continue;
    const looking = [...conns].some((c) => c.userId === uid && c.focus === room.id);
    if (!looking) mem.unread = true;
  }
  emit(toMembers(room.id, () => ({ kind: "message_created", room_id: room.id, message_id: id, message: messageJson(m) })));
  const t = typing.get(room.id);
  if (t?.delete(author.id)) broadcastTyping(room.id);
  return { message: m, created: true };
}

function page(list, query) {
  const sorted = list.sort((a, b) => a.id - b.id);
  let slice;
  if (query.before) {
    const older = sorted.filter((m) => m.id < Number(query.before));
    slice = older.slice(-40);
    return { messages: slice, has_before: older.length > 40, has_after: true };
  }
  if (query.after) {
    const newer = sorted.filter((m) => m.id > Number(query.after));
    slice = newer.slice(0, 40);
    return { messages: slice, has_before: true, has_after: newer.length > 40 };
  }
  if (query.around) {
    const i = sorted.findIndex((m) => m.id >= Number(query.around));
    const at = i < 0 ? sorted.length : i;
    const start = Math.max(0, at - 20);
    slice = sorted.slice(start, start + 40);
    return { messages: slice, has_before: start > 0, has_after: start + 40 < sorted.length };
  }
  slice = sorted.slice(-40);
  return { messages: slice, has_before: sorted.length > 40, has_after: false };
}

// ---------------------------------------------------------------------------
// Routes

const routes = [];
const route = (method, pattern, handler, opts = {}) => {
  const keys = [];
  const re = new RegExp(`^${pattern.replace(/\{(\w+)\}/g, (_, k) => (keys.push(k), "([^/]+)"))}$`);
  routes.push({ method, re, keys, handler, ...opts });
};

route("GET", "/up", () => ({ raw: "OK" }), { public: true });
route(
  "GET",
  "/api/bootstrap",
  ({ user }) => ({ setup_required: !db.account, account: db.account, features: FEATURES, me: user ? userJson(user, user) : null, seq: db.seq }),
  { public: true, optionalUser: true },
);

route(
  "POST",
  "/api/first_run",
  ({ body, req, res }) => {
    if (db.account) throw conflict("Campfire is already set up.");
    validatePerson(body);
    db.account = { name: "Campfire", custom_css: "", only_admins_create_rooms: false };
    db.joinCode = newJoinCode();
    const u = createUser(body, "administrator");
    const room = { id: nextId(), kind: "open", name: "All Talk", creator_id: u.id, created_at: now(), last_active_at: now() };
    db.rooms.set(room.id, room);
    addMember(room.id, u.id, "mentions");
    signIn(res, req, u);
    return [201, { me: userJson(u, u) }];
  },
  { public: true },
);

route(
  "GET",
  "/api/join/{code}",
  ({ p }) => {
    if (!db.account || p.code !== db.joinCode) throw notFound();
    return { account_name: db.account.name };
  },
  { public: true },
);

route(
  "POST",
  "/api/join/{code}",
  ({ p, body, req, res }) => {
    if (!db.account || p.code !== db.joinCode) throw notFound();
    validatePerson(body);
    const u = createUser(body);
    emit(() => ({ kind: "user_joined", user_id: u.id, user: userJson(u) }));
    for (const room of db.rooms.values()) {
      if (room.kind !== "open") continue;
      addMember(room.id, u.id, "mentions");
      emit(toMembers(room.id, () => ({ kind: "membership_added", room_id: room.id, user_id: u.id })));
    }
    signIn(res, req, u);
    return [201, { me: userJson(u, u) }];
  },
  { public: true },
);

route(
  "POST",
  "/api/session",
  ({ body, req, res }) => {
    const u = [...db.users.values()].find((x) => x.active && x.email === body.email && x.password === body.password && x.role !== "bot");
    if (!u) throw new HttpError(401, "unauthorized", "That email and password didn't work.");
    signIn(res, req, u);
    return { me: userJson(u, u) };
  },
  { public: true },
);

route("DELETE", "/api/session", ({ req, res }) => {
  const token = cookieToken(req);
  db.sessions.delete(token);
  for (const c of conns) if (c.token === token) c.ws.close(4001);
  res.setHeader("Set-Cookie", "campfire_session=; Max-Age=0; Path=/");
  return [204];
});
route("GET", "/api/sessions", ({ user, req }) => ({
  sessions: [...db.sessions.values()]
    .filter((s) => s.user_id === user.id)
    .reverse()
    .map(({ token, user_id: _owner, ...s }) => ({ ...s, current: token === cookieToken(req) })),
}));
route("DELETE", "/api/sessions/{id}", ({ user, p }) => {
  for (const [token, s] of db.sessions) {
    if (s.id === Number(p.id) && s.user_id === user.id) {
      db.sessions.delete(token);
      for (const c of conns) if (c.token === token) c.ws.close(4001);
      return [204];
    }
  }
  throw notFound();
});
route("POST", "/api/transfer_link", ({ user, body, req }) => {
  const target = body.user_id ? db.users.get(body.user_id) : user;
  if (!target || (target.id !== user.id && user.role !== "administrator")) throw forbidden();
  const token = crypto.randomBytes(16).toString("hex");
  db.transfers.set(token, target.id);
  return [201, { url: `http://${req.headers.host}/transfer/${token}`, expires_at: new Date(Date.now() + 4 * 3600e3).toISOString() }];
});
route(
  "POST",
  "/api/transfer/{token}",
  ({ p, req, res }) => {
    const uid = db.transfers.get(p.token);
    if (!uid) throw notFound();
    db.transfers.delete(p.token);
    const u = db.users.get(uid);
    signIn(res, req, u);
    return { me: userJson(u, u) };
  },
  { public: true },
);

route("GET", "/api/users", ({ user }) => ({ users: [...db.users.values()].filter((u) => u.active).map((u) => userJson(u, user)) }));
route("GET", "/api/users/{id}", ({ user, p }) => {
  const u = db.users.get(Number(p.id));
  if (!u) throw notFound();
  const out = { user: userJson(u, user) };
  if (u.id === user.id) out.rooms = [...db.members].filter(([, m]) => m.has(u.id)).map(([rid, m]) => ({ room_id: rid, involvement: m.get(u.id).involvement }));
  return out;
});
route("PATCH", "/api/me", ({ user, body }) => {
  if ((body.email || body.password) && body.current_password !== user.password) throw unprocessable("Your current password isn't right.");
  if (body.name !== undefined) user.name = String(body.name).trim() || user.name;
  if (body.bio !== undefined) {
    if ([...body.bio].length > 200) throw unprocessable("Bios can be at most 200 characters.");
    user.bio = body.bio;
  }
  if (body.email) user.email = body.email;
  if (body.password) user.password = body.password;
  emit(() => ({ kind: "user_updated", user_id: user.id, user: userJson(user) }));
  return { me: userJson(user, user) };
});
const admin = (user) => {
  if (user.role !== "administrator") throw forbidden();
};
route("PATCH", "/api/users/{id}", ({ user, p, body }) => {
  admin(user);
  const u = db.users.get(Number(p.id));
  if (!u) throw notFound();
  u.role = body.role;
  emit(() => ({ kind: "user_updated", user_id: u.id, user: userJson(u) }));
  return { user: userJson(u, user) };
});
function deactivate(u) {
  u.active = false;
  for (const [token, s] of db.sessions) if (s.user_id === u.id) db.sessions.delete(token);
  for (const c of conns) if (c.userId === u.id) c.ws.close(4001);
  for (const [rid, m] of db.members) {
    const room = db.rooms.get(rid);
    if (room.kind !== "direct" && m.delete(u.id)) emit((uid) => (isMember(rid, uid) ? { kind: "membership_removed", room_id: rid, user_id: u.id } : null));
  }
  emit(() => ({ kind: "user_deactivated", user_id: u.id, user: userJson(u) }));
}
route("POST", "/api/users/{id}/deactivate", ({ user, p }) => {
  admin(user);
  deactivate(
    db.users.get(Number(p.id)) ??
      (() => {
        throw notFound();
      })(),
  );
  return [204];
});
route("POST", "/api/users/{id}/ban", ({ user, p }) => {
  admin(user);
  const u = db.users.get(Number(p.id));
  if (!u) throw notFound();
  deactivate(u);
  for (const m of [...db.messages.values()]) {
    if (m.author_id !== u.id) continue;
    db.messages.delete(m.id);
    emit(toMembers(m.room_id, () => ({ kind: "message_deleted", room_id: m.room_id, message_id: m.id })));
  }
  return [204];
});
route("POST", "/api/users/{id}/unban", ({ user, p }) => {
  admin(user);
  const u = db.users.get(Number(p.id));
  if (!u) throw notFound();
  u.active = true;
  return [204];
});

route("GET", "/api/account", ({ user }) => (admin(user), { account: db.account, join_path: `/join/${db.joinCode}` }));
route("PATCH", "/api/account", ({ user, body }) => {
  admin(user);
  for (const k of ["name", "custom_css", "only_admins_create_rooms"]) if (body[k] !== undefined) db.account[k] = body[k];
  emit(() => ({ kind: "account_updated", account: db.account }));
  return { account: db.account };
});
route("POST", "/api/account/join_code", ({ user }) => (admin(user), (db.joinCode = newJoinCode()), { join_path: `/join/${db.joinCode}` }));

const botJson = (u) => ({ user: userJson(u), key: botKeys.get(u.id), webhook_url: u.webhook_url ?? null });
const newKey = (id) =>
  `${id}-${crypto
    .randomBytes(9)
    .toString("base64url")
    .replace(/[^A-Za-z0-9]/g, "x")
    .slice(0, 12)}`;
route("GET", "/api/bots", ({ user }) => (admin(user), { bots: [...db.users.values()].filter((u) => u.role === "bot" && u.active).map(botJson) }));
route("POST", "/api/bots", ({ user, body }) => {
  admin(user);
  const u = {
    id: nextId(),
    name: String(body.name ?? "").trim(),
    email: "",
    password: crypto.randomUUID(),
    role: "bot",
    active: true,
    bio: "",
    webhook_url: body.webhook_url ?? null,
  };
  if (!u.name) throw unprocessable("Bots need a name.");
  db.users.set(u.id, u);
  botKeys.set(u.id, newKey(u.id));
  emit(() => ({ kind: "user_joined", user_id: u.id, user: userJson(u) }));
  for (const room of db.rooms.values())
    if (room.kind === "open") {
      addMember(room.id, u.id, "mentions");
      emit(toMembers(room.id, () => ({ kind: "membership_added", room_id: room.id, user_id: u.id })));
    }
  return [201, { bot: botJson(u) }];
});
route("PATCH", "/api/bots/{id}", ({ user, p, body }) => {
  admin(user);
  const u = db.users.get(Number(p.id));
  if (!u || u.role !== "bot") throw notFound();
  if (body.name) u.name = body.name;
  if (body.webhook_url !== undefined) u.webhook_url = body.webhook_url || null;
  return { bot: botJson(u) };
});
route(
  "POST",
  "/api/bots/{id}/key",
  ({ user, p }) => (admin(user), botKeys.set(Number(p.id), newKey(Number(p.id))), { bot: botJson(db.users.get(Number(p.id))) }),
);
route("DELETE", "/api/bots/{id}", ({ user, p }) => (admin(user), deactivate(db.users.get(Number(p.id))), [204]));

route("GET", "/api/rooms", ({ user }) => ({
  rooms: [...db.rooms.values()].filter((r) => isMember(r.id, user.id)).map((r) => roomJson(r, user.id)),
  seq: db.seq,
}));
route("POST", "/api/rooms", ({ user, body }) => {
  if (db.account.only_admins_create_rooms && user.role !== "administrator") throw forbidden("Only administrators can create rooms.");
  const name = String(body.name ?? "").trim();
  if (!name) throw unprocessable("Rooms need a name.");
  const room = { id: nextId(), kind: body.kind === "closed" ? "closed" : "open", name, creator_id: user.id, created_at: now(), last_active_at: now() };
  db.rooms.set(room.id, room);
  const ids = room.kind === "open" ? [...db.users.values()].filter((u) => u.active).map((u) => u.id) : [...new Set([user.id, ...(body.member_ids ?? [])])];
  for (const id of ids) addMember(room.id, id, "mentions");
  emit(toMembers(room.id, () => ({ kind: "room_created", room_id: room.id, room: roomInfo(room) })));
  for (const id of ids) emit(toMembers(room.id, () => ({ kind: "membership_added", room_id: room.id, user_id: id })));
  return [201, { room: roomJson(room, user.id) }];
});
route("POST", "/api/rooms/direct", ({ user, body }) => {
  const ids = [...new Set([user.id, ...(body.user_ids ?? []).map(Number)])].sort((a, b) => a - b);
  for (const room of db.rooms.values()) {
    if (
      room.kind === "direct" &&
      memberIds(room)
        .sort((a, b) => a - b)
        .join() === ids.join()
    )
      return { room: roomJson(room, user.id) };
  }
  const room = { id: nextId(), kind: "direct", name: null, creator_id: user.id, created_at: now(), last_active_at: now() };
  db.rooms.set(room.id, room);
  for (const id of ids) addMember(room.id, id, "everything");
  emit(toMembers(room.id, () => ({ kind: "room_created", room_id: room.id, room: roomInfo(room) })));
  for (const id of ids) emit(toMembers(room.id, () => ({ kind: "membership_added", room_id: room.id, user_id: id })));
  return [201, { room: roomJson(room, user.id) }];
});
route("GET", "/api/rooms/{id}", ({ user, p }) => ({ room: roomJson(visibleRoom(Number(p.id), user), user.id) }));
route("PATCH", "/api/rooms/{id}", ({ user, p, body }) => {
  const room = visibleRoom(Number(p.id), user);
  if (room.kind === "direct") throw conflict("Direct rooms can't be changed.");
  if (!mayManageRoom(room, user)) throw forbidden();
  if (body.name) {
    room.name = String(body.name).trim();
    emit(toMembers(room.id, () => ({ kind: "room_renamed", room_id: room.id, room: roomInfo(room) })));
  }
  const kind = body.kind ?? room.kind;
  const want =
    kind === "open" ? [...db.users.values()].filter((u) => u.active).map((u) => u.id) : body.member_ids ? body.member_ids.map(Number) : memberIds(room);
  const have = memberIds(room);
  for (const id of have)
    if (!want.includes(id)) {
      emit(toMembers(room.id, () => ({ kind: "membership_removed", room_id: room.id, user_id: id })));
      db.members.get(room.id).delete(id);
    }
  for (const id of want)
    if (!have.includes(id)) {
      addMember(room.id, id, "mentions");
      emit(toMembers(room.id, () => ({ kind: "membership_added", room_id: room.id, user_id: id })));
    }
  if (kind !== room.kind) {
    room.kind = kind;
    emit(toMembers(room.id, () => ({ kind: "room_converted", room_id: room.id, room: roomInfo(room) })));
  }
  return { room: roomJson(room, user.id) };
});
route("DELETE", "/api/rooms/{id}", ({ user, p }) => {
  const room = visibleRoom(Number(p.id), user);
  if (room.kind !== "direct" && !mayManageRoom(room, user)) throw forbidden();
  emit(toMembers(room.id, () => ({ kind: "room_deleted", room_id: room.id })));
  db.rooms.delete(room.id);
  db.members.delete(room.id);
  return [204];
});
route("PUT", "/api/rooms/{id}/involvement", ({ user, p, body }) => {
  const room = visibleRoom(Number(p.id), user);
  const m = db.members.get(room.id).get(user.id);
  m.involvement = body.involvement;
  if (m.involvement === "invisible") m.unread = false;
  emit((uid) => (uid === user.id ? { kind: "involvement_changed", room_id: room.id, user_id: user.id, involvement: m.involvement } : null));
  return { room: roomJson(room, user.id) };
});
route("POST", "/api/rooms/{id}/read", ({ user, p }) => {
  const room = visibleRoom(Number(p.id), user);
  db.members.get(room.id).get(user.id).unread = false;
  emit((uid) => (uid === user.id ? { kind: "room_read", room_id: room.id, user_id: user.id } : null));
  return [204];
});
route("GET", "/api/rooms/{id}/autocomplete", ({ user, p, query }) => {
  const room = visibleRoom(Number(p.id), user);
  const q = String(query.q ?? "").toLowerCase();
  return {
    users: memberIds(room)
      .map((id) => db.users.get(id))
      .filter(
        (u) =>
          u.active &&
          u.name
            .toLowerCase()
            .split(/\s+/)
            .some((w) => w.startsWith(q)),
      )
      .map((u) => userJson(u, user)),
  };
});

route("GET", "/api/rooms/{id}/messages", ({ user, p, query }) => {
  const room = visibleRoom(Number(p.id), user);
  const r = page(
    [...db.messages.values()].filter((m) => m.room_id === room.id),
    query,
  );
  return { ...r, messages: r.messages.map(messageJson) };
});
route("POST", "/api/rooms/{id}/messages", ({ user, p, body }) => {
  const room = visibleRoom(Number(p.id), user);
  if (!body.client_message_id) throw bad("client_message_id is missing.");
  const { message, created } = postMessage(room, user, body.client_message_id, body.body_html ?? "");
  return [created ? 201 : 200, { message: messageJson(message) }];
});
function ownMessage(user, id) {
  const m = db.messages.get(Number(id));
  if (!m || !isMember(m.room_id, user.id)) throw notFound();
  if (m.author_id !== user.id && user.role !== "administrator") throw forbidden();
  return m;
}
route("PATCH", "/api/messages/{id}", ({ user, p, body }) => {
  const m = ownMessage(user, p.id);
  m.body_html = sanitize(body.body_html ?? "");
  m.body_plain = plain(m.body_html);
  if (!m.body_plain) throw unprocessable("Message can't be blank.");
  m.mentions = [...m.body_html.matchAll(/data-mention-id="(\d+)"/g)].map((x) => Number(x[1]));
  m.edited_at = now();
  emit(toMembers(m.room_id, () => ({ kind: "message_edited", room_id: m.room_id, message_id: m.id, message: messageJson(m) })));
  return { message: messageJson(m) };
});
route("DELETE", "/api/messages/{id}", ({ user, p }) => {
  const m = ownMessage(user, p.id);
  db.messages.delete(m.id);
  emit(toMembers(m.room_id, () => ({ kind: "message_deleted", room_id: m.room_id, message_id: m.id })));
  return [204];
});
route("POST", "/api/messages/{id}/boosts", ({ user, p, body }) => {
  const m = db.messages.get(Number(p.id));
  if (!m || !isMember(m.room_id, user.id)) throw notFound();
  const content = String(body.content ?? "").trim();
  if (!content || [...content].length > 16) throw unprocessable("Boosts need 1 to 16 characters.");
  const b = { id: nextId(), message_id: m.id, booster_id: user.id, content, created_at: now() };
  db.boosts.set(b.id, b);
  emit(toMembers(m.room_id, () => ({ kind: "boost_added", room_id: m.room_id, message_id: m.id, boost: b })));
  return [201, { boost: b }];
});
route("DELETE", "/api/boosts/{id}", ({ user, p }) => {
  const b = db.boosts.get(Number(p.id));
  if (!b) throw notFound();
  if (b.booster_id !== user.id) throw forbidden();
  db.boosts.delete(b.id);
  const m = db.messages.get(b.message_id);
  emit(toMembers(m.room_id, () => ({ kind: "boost_removed", room_id: m.room_id, message_id: m.id, boost_id: b.id })));
  return [204];
});

// Bot API (subset)
route(
  "POST",
  "/rooms/{room}/{key}/messages",
  ({ p, raw }) => {
    const botId = Number(p.key.split("-")[0]);
    if (botKeys.get(botId) !== p.key) throw notFound();
    const room = db.rooms.get(Number(p.room));
    if (!room || !isMember(room.id, botId)) throw notFound();
    const text = raw.trim();
    const html = /<[a-z]/i.test(text) ? text : `<p>${text.replace(/&/g, "&amp;").replace(/</g, "&lt;")}</p>`;
    const { message } = postMessage(room, db.users.get(botId), crypto.randomUUID(), html);
    return [201, { id: message.id, url: message.url }];
  },
  { public: true, bot: true },
);

// ---------------------------------------------------------------------------
// Server

const MIME = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".css": "text/css",
  ".svg": "image/svg+xml",
  ".map": "application/json",
  ".png": "image/png",
  ".json": "application/json",
  ".mp3": "audio/mpeg",
};

function serveStatic(req, res, pathname) {
  let file = path.join(DIST, decodeURIComponent(pathname));
  if (!file.startsWith(DIST) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) file = path.join(DIST, "index.html");
  if (!fs.existsSync(file)) {
    res.writeHead(503, { "Content-Type": "text/plain" });
    res.end("Build the front end first: npm run build");
    return;
  }
  res.writeHead(200, { "Content-Type": MIME[path.extname(file)] ?? "application/octet-stream" });
  fs.createReadStream(file).pipe(res);
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, `http://${req.headers.host}`);
  const match = routes.map((r) => ({ r, m: r.method === req.method && r.re.exec(url.pathname) })).find((x) => x.m);
  if (!match) {
    if (url.pathname.startsWith("/api/")) return json(res, 404, { error: { code: "not_found", message: "No such route." } });
    if (req.method === "GET") return serveStatic(req, res, url.pathname);
    return json(res, 404, { error: { code: "not_found", message: "Not found." } });
  }
  const chunks = [];
  for await (const c of req) chunks.push(c);
  const raw = Buffer.concat(chunks).toString("utf8");
  try {
    const { r, m } = match;
    if (!r.bot && req.method !== "GET" && url.pathname.startsWith("/api/")) {
      const origin = req.headers.origin;
      if (origin && origin !== `http://${req.headers.host}`) throw forbidden("Cross-site requests are refused.");
    }
    const user = currentUser(req);
    if (!r.public && !user) throw unauthorized();
    let body = {};
    if (raw && !r.bot) {
      try {
        body = JSON.parse(raw);
      } catch {
        throw bad("Malformed JSON.");
      }
    }
    const p = Object.fromEntries(r.keys.map((k, i) => [k, decodeURIComponent(m[i + 1])]));
    const out = await r.handler({ req, res, user, body, raw, p, query: Object.fromEntries(url.searchParams) });
    if (out && out.raw !== undefined) {
      res.writeHead(200, { "Content-Type": "text/plain" });
      return res.end(out.raw);
    }
    const [status, payload] = Array.isArray(out) ? out : [200, out];
    if (status === 204) {
      res.writeHead(204);
      return res.end();
    }
    return json(res, status, payload);
  } catch (e) {
    if (e instanceof HttpError) return json(res, e.status, { error: { code: e.code, message: e.message } });
    console.error(e);
    return json(res, 500, { error: { code: "internal", message: "Something went wrong." } });
  }
});

function json(res, status, payload) {
  res.writeHead(status, { "Content-Type": "application/json" });
  res.end(JSON.stringify(payload));
}

const wss = new WebSocketServer({ noServer: true });
server.on("upgrade", (req, socket, head) => {
  const url = new URL(req.url, `http://${req.headers.host}`);
  if (url.pathname !== "/api/live") return socket.destroy();
  const user = currentUser(req);
  if (!user) {
    socket.write("HTTP/1.1 401 Unauthorized\r\n\r\n");
    return socket.destroy();
  }
  wss.handleUpgrade(req, socket, head, (ws) => {
    const c = { ws, userId: user.id, token: cookieToken(req), focus: null, replaying: true, last: Date.now() };
    conns.add(c);
    const since = Number(url.searchParams.get("since") ?? 0);
    for (const e of db.events) {
      if (e.seq <= since) continue;
      const ev = e.per[c.userId];
      if (ev) send(c, { type: "event", seq: e.seq, event: ev });
    }
    c.replaying = false;
    ws.on("message", (data) => {
      c.last = Date.now();
      let f;
      try {
        f = JSON.parse(String(data));
      } catch {
        return ws.close(1007);
      }
      if (f.type === "focus") {
        const before = c.focus;
        c.focus = f.room_id != null && isMember(f.room_id, c.userId) ? f.room_id : null;
        if (before !== c.focus) {
          broadcastPresence(before);
          broadcastPresence(c.focus);
        }
      } else if (f.type === "typing" && isMember(f.room_id, c.userId)) {
        if (!typing.has(f.room_id)) typing.set(f.room_id, new Map());
        typing.get(f.room_id).set(c.userId, Date.now() + 5000);
        broadcastTyping(f.room_id);
        setTimeout(() => broadcastTyping(f.room_id), 5200);
      }
    });
    ws.on("close", () => {
      conns.delete(c);
      broadcastPresence(c.focus);
    });
  });
});

server.listen(PORT, "127.0.0.1", () => {
  console.log(`mock Campfire on http://127.0.0.1:${PORT} (serving ${DIST})`);
});

const stop = () => {
  saveState();
  for (const c of conns) c.ws.close(1001);
  server.close();
  setTimeout(() => process.exit(0), 100);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
