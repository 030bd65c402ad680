// Wire types. Most come from wire.ts, which is generated from the Rust wire types
// (campfire-http/src/wire.rs) and checked for drift there; the rest follow docs/api.md.
import type {
  AccountJson,
  BookmarkJson,
  BoostJson,
  ClientFrame as WireClientFrame,
  EventJson,
  Features as WireFeatures,
  Involvement as WireInvolvement,
  MessageJson,
  PlayJson,
  RecentSearchesJson,
  RoomInfoJson,
  RoomJson,
  SearchResultJson,
  SearchResultsJson,
  ServerFrame as WireServerFrame,
  SessionJson,
  UserJson,
} from "./wire";

export type User = UserJson;
export type Role = User["role"];
export type Account = AccountJson;
export type Features = WireFeatures;
export type Involvement = WireInvolvement;
/**
 * A room as I see it: with my involvement, unread flag and counts. `countsStale` (this app's own)
 * says the counts wait for the room to be fetched again (X7: marked unread from a message that
 * is not loaded here).
 */
export type Room = RoomJson & { countsStale?: boolean };
/** A room as room events describe it: without anyone's involvement or unread flag. */
export type RoomInfo = RoomInfoJson;
export type RoomKind = Room["kind"];
export type Boost = BoostJson;
export type Play = PlayJson;
export type Message = MessageJson;
export type Bookmark = BookmarkJson;
export type Session = SessionJson;
export type SearchResult = SearchResultJson;
export type SearchResults = SearchResultsJson;
export type RecentSearches = RecentSearchesJson;
export type LiveEvent = EventJson;
export type ServerFrame = WireServerFrame;
export type EventFrame = Extract<ServerFrame, { type: "event" }>;
export type PresenceFrame = Extract<ServerFrame, { type: "presence" }>;
export type TypingFrame = Extract<ServerFrame, { type: "typing" }>;
export type ClientFrame = WireClientFrame;

export type Bootstrap = {
  setup_required: boolean;
  account: Account | null;
  features: Features;
  me: User | null;
  seq: number;
};

export type MessagesPage = { messages: Message[]; has_before: boolean; has_after: boolean };
/** X7: a thread's first message and a page of its replies, oldest first. */
export type ThreadPage = { root: Message; replies: Message[]; more: boolean };

export type BotDeliveries = {
  delivered: number;
  pending: number;
  failed: number;
  last_attempt_at: string | null;
  last_error: string | null;
  circuit: "closed" | "open" | "half-open";
};
export type Bot = { user: User; key: string; webhook_url: string | null; deliveries?: BotDeliveries };
