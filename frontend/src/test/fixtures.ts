// Builders for wire objects used across tests.
import type { Bootstrap, Message, Room, User } from "../api/types";

export function user(id: number, name = `User ${id}`, extra: Partial<User> = {}): User {
  return {
    id,
    name,
    role: "member",
    active: true,
    banned: false,
    bio: "",
    initials: name
      .split(/\s+/)
      .map((w) => w[0])
      .join("")
      .toUpperCase(),
    color: "#AF2E1B",
    avatar_url: null,
    ...extra,
  };
}

export function room(id: number, extra: Partial<Room> = {}): Room {
  return {
    id,
    kind: "open",
    name: `Room ${id}`,
    topic: null,
    creator_id: 1,
    member_ids: [1, 2],
    involvement: "mentions",
    unread: false,
    unread_from: null,
    unread_count: 0,
    mention_count: 0,
    counted_through: null,
    last_active_at: "2026-11-25T10:00:00.000Z",
    created_at: "2026-11-01T10:00:00.000Z",
    ...extra,
  };
}

export function message(id: number, extra: Partial<Message> = {}): Message {
  const room_id = extra.room_id ?? 10;
  return {
    id,
    room_id,
    author_id: 2,
    client_message_id: `cid-${id}`,
    body_html: `<p>message ${id}</p>`,
    body_plain: `message ${id}`,
    mentions: [],
    play: null,
    boosts: [],
    attachment: null,
    preview: null,
    thread_id: null,
    reply_count: 0,
    last_reply_at: null,
    replier_ids: [],
    created_at: new Date(Date.UTC(2026, 10, 25, 10, 0, id)).toISOString(),
    edited_at: null,
    url: `/rooms/${room_id}/@${id}`,
    ...extra,
  };
}

export function bootstrap(seq: number, me: User | null = user(1, "Ada Lovelace")): Bootstrap {
  return {
    setup_required: false,
    account: { name: "Campfire", custom_css: "", only_admins_create_rooms: false, logo_url: null },
    features: { files: false, avatars: false, opengraph: false, search: false, push: false, bots: true, max_file_size: 0 },
    me,
    seq,
  };
}
