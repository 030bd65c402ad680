// A small fetch wrapper for the JSON API: same-origin cookies, JSON bodies and
// the API's error shape turned into an ApiError whose message a person can read.
import type { Account, Bookmark, Bootstrap, Boost, Bot, Involvement, Message, MessagesPage, Room, Session, ThreadPage, User } from "./types";

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
  }
}

/** Called when any request answers 401 for a signed-in user (session ended elsewhere). */
let onUnauthorized: (() => void) | null = null;
export function setUnauthorizedHandler(handler: (() => void) | null) {
  onUnauthorized = handler;
}

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export async function request<T>(method: Method, path: string, body?: unknown, opts: { quiet401?: boolean } = {}): Promise<T> {
  const init: RequestInit = { method, credentials: "same-origin", headers: { Accept: "application/json" } };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    (init.headers as Record<string, string>)["Content-Type"] = "application/json";
  }
  let res: Response;
  try {
    res = await fetch(path, init);
  } catch {
    throw new ApiError(0, "network", "Can't reach the server. Check your connection and try again.");
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let data: unknown = undefined;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = undefined;
    }
  }
  if (!res.ok) {
    const err = (data as { error?: { code?: string; message?: string } } | undefined)?.error;
    const apiError = new ApiError(res.status, err?.code ?? statusCode(res.status), err?.message ?? fallbackMessage(res.status));
    if (res.status === 401 && !opts.quiet401 && onUnauthorized) onUnauthorized();
    throw apiError;
  }
  return data as T;
}

function statusCode(status: number): string {
  switch (status) {
    case 400:
      return "bad_request";
    case 401:
      return "unauthorized";
    case 403:
      return "forbidden";
    case 404:
      return "not_found";
    case 409:
      return "conflict";
    case 413:
      return "payload_too_large";
    case 422:
      return "unprocessable";
    case 429:
      return "too_many_requests";
    default:
      return "internal";
  }
}

function fallbackMessage(status: number): string {
  switch (status) {
    case 401:
      return "Please sign in again.";
    case 403:
      return "You're not allowed to do that.";
    case 404:
      return "That doesn't exist, or you can't see it.";
    case 413:
      return "That's too big to send.";
    case 429:
      return "Too many attempts. Wait a few minutes and try again.";
    default:
      return "Something went wrong on the server. Try again in a moment.";
  }
}

export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  if (e instanceof Error) return e.message;
  return "Something went wrong.";
}

const enc = encodeURIComponent;

/** A10, A11: a picture (already cropped square by the app) as a multipart form's `picture`. */
async function putPicture<T>(path: string, picture: Blob): Promise<T> {
  const form = new FormData();
  form.append("picture", picture, "picture.png");
  let res: Response;
  try {
    res = await fetch(path, { method: "PUT", body: form, credentials: "same-origin", headers: { Accept: "application/json" } });
  } catch {
    throw new ApiError(0, "network", "Can't reach the server. Check your connection and try again.");
  }
  const data = (await res.json().catch(() => undefined)) as { error?: { code?: string; message?: string } } | undefined;
  if (!res.ok) throw new ApiError(res.status, data?.error?.code ?? statusCode(res.status), data?.error?.message ?? fallbackMessage(res.status));
  return data as T;
}

export const api = {
  bootstrap: () => request<Bootstrap>("GET", "/api/bootstrap"),
  firstRun: (body: { name: string; email: string; password: string }) => request<{ me: User }>("POST", "/api/first_run", body),
  joinInfo: (code: string) => request<{ account_name: string }>("GET", `/api/join/${enc(code)}`),
  join: (code: string, body: { name: string; email: string; password: string }) => request<{ me: User }>("POST", `/api/join/${enc(code)}`, body),
  signIn: (body: { email: string; password: string }) => request<{ me: User }>("POST", "/api/session", body, { quiet401: true }),
  signOut: async () => {
    // This browser stops receiving pushes (N1); the server drops the subscription with the session.
    await import("../lib/push").then((push) => push.forgetPush()).catch(() => undefined);
    return request<void>("DELETE", "/api/session");
  },
  sessions: () => request<{ sessions: Session[] }>("GET", "/api/sessions"),
  endSession: (id: number) => request<void>("DELETE", `/api/sessions/${id}`),
  transferLink: (userId?: number) =>
    request<{ url: string; expires_at: string }>("POST", "/api/transfer_link", userId === undefined ? {} : { user_id: userId }),
  transfer: (token: string) => request<{ me: User }>("POST", `/api/transfer/${enc(token)}`, undefined, { quiet401: true }),

  users: () => request<{ users: User[] }>("GET", "/api/users"),
  user: (id: number) => request<{ user: User; rooms?: { room_id: number; involvement: Involvement }[] }>("GET", `/api/users/${id}`),
  updateMe: (body: { name?: string; bio?: string; email?: string; password?: string; current_password?: string }) =>
    request<{ me: User }>("PATCH", "/api/me", body),
  removePreview: (id: number) => request<{ message: Message }>("DELETE", `/api/messages/${id}/preview`),
  setMyAvatar: (picture: Blob) => putPicture<{ me: User }>("/api/me/avatar", picture),
  removeMyAvatar: () => request<{ me: User }>("DELETE", "/api/me/avatar"),
  setBotAvatar: (id: number, picture: Blob) => putPicture<{ user: User }>(`/api/bots/${id}/avatar`, picture),
  removeBotAvatar: (id: number) => request<{ user: User }>("DELETE", `/api/bots/${id}/avatar`),
  setLogo: (picture: Blob) => putPicture<{ account: Account }>("/api/account/logo", picture),
  removeLogo: () => request<{ account: Account }>("DELETE", "/api/account/logo"),
  setRole: (id: number, role: "member" | "administrator") => request<{ user: User }>("PATCH", `/api/users/${id}`, { role }),
  deactivate: (id: number) => request<void>("POST", `/api/users/${id}/deactivate`),
  ban: (id: number) => request<void>("POST", `/api/users/${id}/ban`),
  unban: (id: number) => request<void>("POST", `/api/users/${id}/unban`),
  joinLink: () => request<{ join_path: string }>("GET", "/api/join_link"),
  bannedUsers: () => request<{ users: User[] }>("GET", "/api/banned_users"),

  account: () => request<{ account: Account; join_path: string }>("GET", "/api/account"),
  updateAccount: (body: Partial<Account>) => request<{ account: Account }>("PATCH", "/api/account", body),
  rotateJoinCode: () => request<{ join_path: string }>("POST", "/api/account/join_code"),
  bots: () => request<{ bots: Bot[] }>("GET", "/api/bots"),
  createBot: (body: { name: string; webhook_url?: string }) => request<{ bot: Bot }>("POST", "/api/bots", body),
  updateBot: (id: number, body: { name?: string; webhook_url?: string }) => request<{ bot: Bot }>("PATCH", `/api/bots/${id}`, body),
  rotateBotKey: (id: number) => request<{ bot: Bot }>("POST", `/api/bots/${id}/key`),
  deleteBot: (id: number) => request<void>("DELETE", `/api/bots/${id}`),

  rooms: () => request<{ rooms: Room[]; seq: number }>("GET", "/api/rooms"),
  createRoom: (body: { name: string; kind: "open" | "closed"; member_ids?: number[] }) => request<{ room: Room }>("POST", "/api/rooms", body),
  directRoom: (userIds: number[]) => request<{ room: Room }>("POST", "/api/rooms/direct", { user_ids: userIds }),
  room: (id: number) => request<{ room: Room }>("GET", `/api/rooms/${id}`),
  updateRoom: (id: number, body: { name?: string; kind?: "open" | "closed"; member_ids?: number[] }) =>
    request<{ room: Room }>("PATCH", `/api/rooms/${id}`, body),
  deleteRoom: (id: number) => request<void>("DELETE", `/api/rooms/${id}`),
  setInvolvement: (id: number, involvement: Involvement) => request<{ room: Room }>("PUT", `/api/rooms/${id}/involvement`, { involvement }),
  markRead: (id: number) => request<void>("POST", `/api/rooms/${id}/read`),
  setTopic: (id: number, topic: string) => request<{ room: Room }>("PUT", `/api/rooms/${id}/topic`, { topic }),
  leaveRoom: (id: number) => request<void>("DELETE", `/api/rooms/${id}/membership`),
  directory: () => request<{ rooms: Room[] }>("GET", "/api/directory"),
  mentions: (before?: number) => request<{ messages: Message[]; more: boolean }>("GET", `/api/mentions${before ? `?before=${before}` : ""}`),
  bookmarks: () => request<{ bookmarks: Bookmark[] }>("GET", "/api/bookmarks"),
  bookmark: (messageId: number) => request<void>("PUT", `/api/messages/${messageId}/bookmark`),
  unbookmark: (messageId: number) => request<void>("DELETE", `/api/messages/${messageId}/bookmark`),
  markUnread: (id: number, messageId: number) => request<void>("POST", `/api/rooms/${id}/unread`, { message_id: messageId }),
  autocomplete: (id: number, q: string) => request<{ users: User[] }>("GET", `/api/rooms/${id}/autocomplete?q=${enc(q)}`),

  messages: (roomId: number, query: { before?: number; after?: number; around?: number } = {}) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
    const qs = params.toString();
    return request<MessagesPage>("GET", `/api/rooms/${roomId}/messages${qs ? `?${qs}` : ""}`);
  },
  postMessage: (roomId: number, body: { client_message_id: string; body_html: string }) =>
    request<{ message: Message }>("POST", `/api/rooms/${roomId}/messages`, body),
  thread: (id: number, after?: number) => request<ThreadPage>("GET", `/api/messages/${id}/thread${after ? `?after=${after}` : ""}`),
  reply: (id: number, body: { client_message_id: string; body_html: string }) => request<{ message: Message }>("POST", `/api/messages/${id}/replies`, body),
  editMessage: (id: number, bodyHtml: string) => request<{ message: Message }>("PATCH", `/api/messages/${id}`, { body_html: bodyHtml }),
  deleteMessage: (id: number) => request<void>("DELETE", `/api/messages/${id}`),
  boost: (messageId: number, content: string) => request<{ boost: Boost }>("POST", `/api/messages/${messageId}/boosts`, { content }),
  unboost: (boostId: number) => request<void>("DELETE", `/api/boosts/${boostId}`),
};
