// Wire types, as documented in docs/api.md (the contract with the server).

export type Role = "member" | "administrator" | "bot";

export type User = {
  id: number;
  name: string;
  role: Role;
  active: boolean;
  bio: string;
  initials: string;
  color: string;
  avatar_url: string | null;
  email?: string;
};

export type Account = { name: string; custom_css: string; only_admins_create_rooms: boolean };

export type Features = {
  files: boolean;
  avatars: boolean;
  opengraph: boolean;
  search: boolean;
  push: boolean;
  bots: boolean;
  max_file_size: number;
};

export type Involvement = "everything" | "mentions" | "nothing" | "invisible";

export type RoomKind = "open" | "closed" | "direct";

export type Room = {
  id: number;
  kind: RoomKind;
  name: string | null;
  creator_id: number;
  member_ids: number[];
  involvement: Involvement;
  unread: boolean;
  last_active_at: string;
  created_at: string;
};

export type Boost = {
  id: number;
  message_id: number;
  booster_id: number;
  content: string;
  created_at: string;
};

export type Play = { sound: string; text: string | null; picture: boolean };

export type Message = {
  id: number;
  room_id: number;
  author_id: number;
  client_message_id: string;
  body_html: string;
  body_plain: string;
  mentions: number[];
  play: Play | null;
  boosts: Boost[];
  created_at: string;
  edited_at: string | null;
  url: string;
};

export type Session = {
  id: number;
  user_agent: string;
  ip: string;
  created_at: string;
  last_active_at: string;
  current: boolean;
};

export type Bootstrap = {
  setup_required: boolean;
  account: Account | null;
  features: Features;
  me: User | null;
  seq: number;
};

export type MessagesPage = { messages: Message[]; has_before: boolean; has_after: boolean };

export type Bot = { user: User; key: string; webhook_url: string | null };

export type LiveEvent =
  | { kind: "message_created" | "message_edited"; room_id: number; message_id: number; message: Message | null }
  | { kind: "message_deleted"; room_id: number; message_id: number }
  | { kind: "boost_added"; room_id: number; message_id: number; boost: Boost | null }
  | { kind: "boost_removed"; room_id: number; message_id: number; boost_id: number }
  | { kind: "room_created" | "room_renamed" | "room_converted"; room_id: number; room: Room | null }
  | { kind: "room_deleted"; room_id: number }
  | { kind: "membership_added" | "membership_removed"; room_id: number; user_id: number }
  | { kind: "involvement_changed"; room_id: number; user_id: number; involvement: Involvement }
  | { kind: "room_read"; room_id: number; user_id: number }
  | { kind: "user_joined" | "user_updated" | "user_deactivated"; user_id: number; user: User | null }
  | { kind: "account_updated"; account: Account };

export type EventFrame = { type: "event"; seq: number; event: LiveEvent };
export type PresenceFrame = { type: "presence"; room_id: number; user_ids: number[] };
export type TypingFrame = { type: "typing"; room_id: number; user_ids: number[] };
export type ServerFrame = EventFrame | PresenceFrame | TypingFrame;

export type ClientFrame =
  | { type: "heartbeat" }
  | { type: "focus"; room_id: number | null }
  | { type: "typing"; room_id: number };
