// Generated from campfire-http/src/wire.rs by `UPDATE_SNAPSHOTS=1 cargo test -p campfire-http --test typescript`.
// Do not edit: a test fails when this file and the Rust wire types drift apart.

export type Involvement = "everything" | "mentions" | "nothing" | "invisible";

export type UserJson = { id: number, name: string, role: "member" | "administrator" | "bot", active: boolean, 
/**
 * Banned (A8): told to administrators only (the profile's Unban), false for others.
 */
banned: boolean, bio: string, initials: string, color: string, avatar_url: string | null, email?: string, };

export type AccountJson = { name: string, custom_css: string, only_admins_create_rooms: boolean, 
/**
 * The uploaded logo (A11), 512 pixels square; `null` for Campfire's own icon.
 */
logo_url: string | null, };

export type Features = { 
/**
 * File attachments (M9).
 */
files: boolean, 
/**
 * Uploaded avatars (A10).
 */
avatars: boolean, 
/**
 * Link previews (M10).
 */
opengraph: boolean, 
/**
 * Search (S1).
 */
search: boolean, 
/**
 * Web Push (N1).
 */
push: boolean, 
/**
 * The bot API and webhooks (B1–B3).
 */
bots: boolean, 
/**
 * The largest attachment, in bytes.
 */
max_file_size: number, };

export type RoomInfoJson = { id: number, kind: "open" | "closed" | "direct", name: string | null, 
/**
 * X7: what the room is for.
 */
topic: string | null, creator_id: number, member_ids: Array<number>, last_active_at: string, created_at: string, };

export type RoomJson = { involvement: Involvement, unread: boolean, 
/**
 * X7: the first message I have not read (where "new since your last visit" goes).
 */
unread_from: number | null, 
/**
 * X7: messages from others since then, and those that mention me.
 */
unread_count: number, mention_count: number, 
/**
 * The newest message those counts include: a client adds only later ones.
 */
counted_through: number | null, id: number, kind: "open" | "closed" | "direct", name: string | null, 
/**
 * X7: what the room is for.
 */
topic: string | null, creator_id: number, member_ids: Array<number>, last_active_at: string, created_at: string, };

export type BoostJson = { id: number, message_id: number, booster_id: number, content: string, created_at: string, };

export type PlayJson = { sound: string, text: string | null, picture: boolean, };

export type FileKindJson = "image" | "video" | "audio" | "file";

export type AttachmentJson = { name: string, content_type: string, byte_size: number, 
/**
 * How the app shows it.
 */
kind: FileKindJson, 
/**
 * An image's upright size in pixels.
 */
width: number | null, height: number | null, 
/**
 * The file: shown inline where its type allows (images, video, audio).
 */
url: string, 
/**
 * The file as a download, whatever its type.
 */
download_url: string, 
/**
 * An image's thumbnail (fits 1200×800).
 */
thumbnail_url: string | null, };

export type PreviewJson = { url: string, title: string, description: string, site: string, image_url: string | null, };

export type MessageJson = { id: number, room_id: number, author_id: number, client_message_id: string, body_html: string, body_plain: string, mentions: Array<number>, play: PlayJson | null, boosts: Array<BoostJson>, created_at: string, edited_at: string | null, url: string, 
/**
 * Its file (M9); the body is then the caption, or empty HTML with the name as plain text.
 */
attachment: AttachmentJson | null, 
/**
 * The card of the page it links to (M10), once fetched.
 */
preview: PreviewJson | null, 
/**
 * X7: for a thread reply, the room message it replies to.
 */
thread_id: number | null, 
/**
 * X7: for a room message, its thread: how many replies, the newest's time, and the most
 * recent repliers (newest first).
 */
reply_count: number, last_reply_at: string | null, replier_ids: Array<number>, };

export type SessionJson = { id: number, user_agent: string, ip: string, created_at: string, last_active_at: string, current: boolean, };

export type PushKeyJson = { public_key: string, };

export type PushSubscriptionRequest = { endpoint: string, expirationTime?: number, keys: PushSubscriptionKeys, };

export type PushSubscriptionKeys = { p256dh: string, auth: string, };

export type PushSubscriptionJson = { id: number, endpoint: string, created_at: string, current: boolean, };

export type PushPayloadJson = { title: string, body: string, icon: string, path: string, badge: number, tag: string, };

export type BotMessageJson = { id: number, created_at: string, body: BotBodyJson, creator: BotUserJson, room: BotRoomJson, url: string, };

export type BotBodyJson = { plain_text: string, html: string, };

export type BotUserJson = { id: number, name: string, role: "member" | "administrator" | "bot", 
/**
 * Always a URL, as the original's (initials drawn by the server until a picture exists).
 */
avatar_url: string, };

export type BotBoostJson = { id: number, content: string, created_at: string, booster: BotUserJson, message: BotBoostedJson, };

export type BotBoostedJson = { id: number, url: string, };

export type BotRoomJson = { id: number, };

export type EventJson = { "kind": "message_created", room_id: number, message_id: number, message: MessageJson | null, } | { "kind": "message_edited", room_id: number, message_id: number, message: MessageJson | null, } | { "kind": "message_deleted", room_id: number, message_id: number, } | { "kind": "boost_added", room_id: number, message_id: number, boost: BoostJson | null, } | { "kind": "boost_removed", room_id: number, message_id: number, boost_id: number, } | { "kind": "room_created", room_id: number, room: RoomInfoJson | null, } | { "kind": "room_renamed", room_id: number, room: RoomInfoJson | null, } | { "kind": "room_converted", room_id: number, room: RoomInfoJson | null, } | { "kind": "room_deleted", room_id: number, } | { "kind": "membership_added", room_id: number, user_id: number, } | { "kind": "membership_removed", room_id: number, user_id: number, } | { "kind": "involvement_changed", room_id: number, user_id: number, involvement: Involvement | null, } | { "kind": "room_read", room_id: number, user_id: number, } | { "kind": "room_marked_unread", room_id: number, user_id: number, message_id: number, } | { "kind": "bookmark_added", user_id: number, message_id: number, saved_at: string, message: MessageJson | null, } | { "kind": "bookmark_removed", user_id: number, message_id: number, } | { "kind": "user_joined", user_id: number, user: UserJson | null, } | { "kind": "user_updated", user_id: number, user: UserJson | null, } | { "kind": "user_deactivated", user_id: number, user: UserJson | null, } | { "kind": "account_updated", account: AccountJson | null, };

export type ServerFrame = { "type": "event", seq: number, event: EventJson, } | { "type": "presence", room_id: number, user_ids: Array<number>, } | { "type": "typing", room_id: number, user_ids: Array<number>, };

export type ClientFrame = { "type": "heartbeat" } | { "type": "focus", room_id: number | null, } | { "type": "typing", room_id: number, };

export type SignUp = { name: string, email: string, password: string, };

export type SignIn = { email: string, password: string, };

export type ProfileUpdate = { name?: string, bio?: string, email?: string, password?: string, current_password?: string, };

export type RoleUpdate = { role: string, };

export type AccountUpdate = { name?: string, custom_css?: string, only_admins_create_rooms?: boolean, };

export type BotUpdate = { name?: string, 
/**
 * An empty string removes the webhook; a missing field leaves it as it is.
 */
webhook_url?: string, };

export type TransferRequest = { user_id?: number, };

export type NewRoomRequest = { name: string, kind: string, member_ids: Array<number>, };

export type DirectRoomRequest = { user_ids: Array<number>, };

export type RoomUpdate = { name?: string, kind?: string, member_ids?: Array<number>, };

export type InvolvementUpdate = { involvement: string, };

export type MarkUnreadRequest = { message_id: number, };

export type BookmarkJson = { saved_at: string, message: MessageJson, };

export type PostMessage = { client_message_id: string, body_html: string, };

export type EditMessage = { body_html: string, };

export type NewBoost = { content: string, };

export type FragmentJson = { text: string, matched: boolean, };

export type SearchResultJson = { message: MessageJson, excerpt: Array<FragmentJson>, };

export type SearchResultsJson = { query: string, results: Array<SearchResultJson>, 
/**
 * More messages match than the `limit` asked for (50 by default).
 */
more: boolean, complete: boolean, };

export type RecentSearchesJson = { searches: Array<string>, };

export type RecordSearch = { query: string, };
