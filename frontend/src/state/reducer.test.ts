import { describe, expect, it } from "vitest";
import type { LiveEvent, ServerFrame } from "../api/types";
import { bootstrap, message, room, user } from "../test/fixtures";
import { initialState, marksUnread, reduce, unreadCount, type Action, type AppState } from "./reducer";

const ME = 1;

function loaded(seq = 100, rooms = [room(10), room(11, { kind: "closed", member_ids: [1, 2] })]): AppState {
  return reduce(initialState, {
    type: "loaded",
    data: bootstrap(seq),
    rooms,
    roomsSeq: seq,
    users: [user(1, "Ada Lovelace"), user(2, "Bob Smith")],
  });
}

function run(state: AppState, ...actions: Action[]): AppState {
  return actions.reduce(reduce, state);
}

const ev = (seq: number, event: LiveEvent): Action => ({ type: "frame", frame: { type: "event", seq, event } });

function withWindow(state: AppState, roomId = 10, ids = [1, 2, 3]): AppState {
  return reduce(state, {
    type: "messagesLoaded",
    roomId,
    mode: "latest",
    messages: ids.map((id) => message(id, { room_id: roomId })),
    has_before: false,
    has_after: false,
  });
}

describe("loading", () => {
  it("takes the smaller seq of bootstrap and rooms, so nothing between them is missed", () => {
    const s = reduce(initialState, { type: "loaded", data: bootstrap(50), rooms: [room(10)], roomsSeq: 57, users: [] });
    expect(s.lastSeq).toBe(50);
    expect(s.roomsLoaded).toBe(true);
    expect(s.rooms[10].name).toBe("Room 10");
  });

  it("a reload (reset) replaces rooms and windows but keeps unsent messages", () => {
    let s = withWindow(loaded());
    s = reduce(s, { type: "sendStarted", roomId: 10, clientMessageId: "c1", bodyText: "hi", createdAt: "2026-11-25T10:00:00Z" });
    s = reduce(s, { type: "loaded", data: bootstrap(200), rooms: [room(10)], roomsSeq: 200, users: [user(1)] });
    expect(s.lastSeq).toBe(200);
    expect(s.windows[10]).toBeUndefined();
    expect(s.rooms[11]).toBeUndefined();
    expect(s.pending[10]).toHaveLength(1);
  });
});

describe("applying events", () => {
  it("applies events in order and records the last seq", () => {
    let s = withWindow(loaded(100));
    s = run(
      s,
      ev(101, { kind: "message_created", room_id: 10, message_id: 4, message: message(4) }),
      ev(105, { kind: "message_edited", room_id: 10, message_id: 4, message: message(4, { body_html: "<p>edited</p>", edited_at: "2026-11-25T10:01:00Z" }) }),
    );
    expect(s.lastSeq).toBe(105);
    expect(s.windows[10].messages.map((m) => m.id)).toEqual([1, 2, 3, 4]);
    expect(s.windows[10].messages[3].body_html).toBe("<p>edited</p>");
  });

  it("ignores events at or below the last seq (idempotent replay)", () => {
    let s = withWindow(loaded(100));
    const created = ev(101, { kind: "message_created", room_id: 10, message_id: 4, message: message(4) });
    const deleted = ev(102, { kind: "message_deleted", room_id: 10, message_id: 4 });
    s = run(s, created, deleted);
    expect(s.windows[10].messages.map((m) => m.id)).toEqual([1, 2, 3]);
    // The same frames again (a relay or a replay) change nothing.
    const again = run(s, created, deleted, ev(100, { kind: "room_deleted", room_id: 10 }));
    expect(again).toBe(s);
  });

  it("applies the same stream twice from an older state to the same result", () => {
    const frames: Action[] = [
      ev(101, { kind: "message_created", room_id: 10, message_id: 4, message: message(4) }),
      ev(102, { kind: "boost_added", room_id: 10, message_id: 4, boost: { id: 7, message_id: 4, booster_id: 1, content: "🔥", created_at: "x" } }),
      ev(103, { kind: "room_read", room_id: 10, user_id: ME }),
    ];
    const a = run(withWindow(loaded(100)), ...frames);
    const b = run(withWindow(loaded(100)), ...frames, ...frames);
    expect(b.windows).toEqual(a.windows);
    expect(b.rooms).toEqual(a.rooms);
    expect(a.windows[10].messages[3].boosts).toHaveLength(1);
  });

  it("adds and removes boosts without duplicates", () => {
    let s = withWindow(loaded(100));
    const boost = { id: 7, message_id: 2, booster_id: 2, content: "👍", created_at: "x" };
    s = run(s, ev(101, { kind: "boost_added", room_id: 10, message_id: 2, boost }));
    s = reduce(s, { type: "boostAdded", roomId: 10, boost }); // the POST answer arrives after the event
    expect(s.windows[10].messages[1].boosts).toEqual([boost]);
    s = run(s, ev(102, { kind: "boost_removed", room_id: 10, message_id: 2, boost_id: 7 }));
    expect(s.windows[10].messages[1].boosts).toEqual([]);
  });

  it("new messages enter a window only when it reaches the newest end", () => {
    let s = loaded(100);
    s = reduce(s, { type: "messagesLoaded", roomId: 10, mode: "around", messages: [message(5), message(6)], has_before: true, has_after: true });
    s = run(s, ev(101, { kind: "message_created", room_id: 10, message_id: 50, message: message(50) }));
    expect(s.windows[10].messages.map((m) => m.id)).toEqual([5, 6]);
  });

  it("rooms come and go with membership and room events", () => {
    let s = loaded(100);
    s = run(
      s,
      ev(101, { kind: "room_created", room_id: 12, room: room(12, { kind: "closed", member_ids: [1, 3] }) }),
      ev(102, { kind: "room_renamed", room_id: 10, room: room(10, { name: "Lounge", unread: true }) }),
      ev(103, { kind: "membership_added", room_id: 11, user_id: 3 }),
      ev(104, { kind: "membership_removed", room_id: 12, user_id: ME }),
    );
    expect(s.rooms[12]).toBeUndefined();
    expect(s.rooms[10].name).toBe("Lounge");
    expect(s.rooms[10].unread).toBe(false); // my unread flag is mine, not the event's
    expect(s.rooms[11].member_ids).toEqual([1, 2, 3]);
    s = run(s, ev(105, { kind: "room_deleted", room_id: 10 }));
    expect(s.rooms[10]).toBeUndefined();
  });

  it("a room event's room has no involvement or unread: a new room gets the defaults (R3)", () => {
    const info = (id: number, kind: "open" | "closed" | "direct") => {
      const { involvement: _i, unread: _u, ...rest } = room(id, { kind, member_ids: [1, 2] });
      return rest;
    };
    const s = run(
      loaded(100),
      ev(101, { kind: "room_created", room_id: 20, room: info(20, "closed") }),
      ev(102, { kind: "room_created", room_id: 21, room: info(21, "direct") }),
      ev(103, { kind: "involvement_changed", room_id: 20, user_id: ME, involvement: null }),
      ev(104, { kind: "account_updated", account: null }),
    );
    expect(s.rooms[20]).toMatchObject({ involvement: "mentions", unread: false });
    expect(s.rooms[21]).toMatchObject({ involvement: "everything", unread: false });
    expect(s.account?.name).toBe("Campfire");
  });

  it("ignores a closed room created without me", () => {
    const s = run(loaded(100), ev(101, { kind: "room_created", room_id: 13, room: room(13, { kind: "closed", member_ids: [2, 3] }) }));
    expect(s.rooms[13]).toBeUndefined();
    expect(s.lastSeq).toBe(101);
  });

  it("updates people and the account", () => {
    let s = loaded(100);
    s = run(
      s,
      ev(101, { kind: "user_joined", user_id: 5, user: user(5, "Cleo") }),
      ev(102, { kind: "user_updated", user_id: ME, user: user(1, "Ada King") }),
      ev(103, { kind: "user_deactivated", user_id: 2, user: null }),
      ev(104, { kind: "account_updated", account: { name: "Hearth", custom_css: "body{}", only_admins_create_rooms: true, logo_url: null } }),
    );
    expect(s.users[5].name).toBe("Cleo");
    expect(s.me?.name).toBe("Ada King");
    expect(s.users[2].active).toBe(false);
    expect(s.account?.name).toBe("Hearth");
  });

  it("keeps presence and typing per room, without me", () => {
    const frames: ServerFrame[] = [
      { type: "presence", room_id: 10, user_ids: [1, 2] },
      { type: "typing", room_id: 10, user_ids: [1, 2] },
    ];
    let s = loaded(100);
    for (const frame of frames) s = reduce(s, { type: "frame", frame });
    expect(s.presence[10]).toEqual([1, 2]);
    expect(s.typing[10]).toEqual([2]);
    // Posting ends typing.
    s = run(s, ev(101, { kind: "message_created", room_id: 10, message_id: 9, message: message(9, { author_id: 2 }) }));
    expect(s.typing[10]).toEqual([]);
  });

  it("forgets who is here and typing when the connection drops", () => {
    let s = run(loaded(100), { type: "connection", status: "open" });
    s = reduce(s, { type: "frame", frame: { type: "presence", room_id: 10, user_ids: [1, 2] } });
    s = reduce(s, { type: "frame", frame: { type: "typing", room_id: 10, user_ids: [2] } });
    s = run(s, { type: "connection", status: "reconnecting" });
    expect(s.presence).toEqual({});
    expect(s.typing).toEqual({});
  });
});

describe("optimistic sends", () => {
  const start: Action = { type: "sendStarted", roomId: 10, clientMessageId: "abc", bodyText: "hello", createdAt: "2026-11-25T10:00:00Z" };

  it("pending → confirmed by the POST answer", () => {
    let s = run(withWindow(loaded()), start);
    expect(s.pending[10]).toEqual([expect.objectContaining({ clientMessageId: "abc", status: "pending" })]);
    s = reduce(s, { type: "sendConfirmed", message: message(4, { author_id: ME, client_message_id: "abc" }) });
    expect(s.pending[10]).toEqual([]);
    expect(s.windows[10].messages.map((m) => m.id)).toEqual([1, 2, 3, 4]);
  });

  it("pending → confirmed by the live event with the same client id, then the POST answer changes nothing", () => {
    let s = run(withWindow(loaded(100)), start);
    const m = message(4, { author_id: ME, client_message_id: "abc" });
    s = run(s, ev(101, { kind: "message_created", room_id: 10, message_id: 4, message: m }));
    expect(s.pending[10]).toEqual([]);
    const after = reduce(s, { type: "sendConfirmed", message: m });
    expect(after.windows[10].messages).toHaveLength(4);
    expect(after.pending[10]).toEqual([]);
  });

  it("someone else's message with my client id does not confirm mine", () => {
    let s = run(withWindow(loaded(100)), start);
    s = run(s, ev(101, { kind: "message_created", room_id: 10, message_id: 4, message: message(4, { author_id: 2, client_message_id: "abc" }) }));
    expect(s.pending[10]).toHaveLength(1);
  });

  it("pending → failed → retried (same client id) → confirmed", () => {
    let s = run(withWindow(loaded()), start, { type: "sendFailed", roomId: 10, clientMessageId: "abc", error: "Network down" });
    expect(s.pending[10][0]).toMatchObject({ status: "failed", error: "Network down" });
    s = reduce(s, { type: "sendRetried", roomId: 10, clientMessageId: "abc" });
    expect(s.pending[10][0]).toMatchObject({ status: "pending", clientMessageId: "abc" });
    expect(s.pending[10][0].error).toBeUndefined();
    s = reduce(s, { type: "sendConfirmed", message: message(4, { author_id: ME, client_message_id: "abc" }) });
    expect(s.pending[10]).toEqual([]);
  });

  it("starting the same send twice keeps one pending message; discarding removes it", () => {
    let s = run(withWindow(loaded()), start, start);
    expect(s.pending[10]).toHaveLength(1);
    s = reduce(s, { type: "sendDiscarded", roomId: 10, clientMessageId: "abc" });
    expect(s.pending[10]).toEqual([]);
  });

  it("a history page that contains the message confirms it too", () => {
    let s = run(loaded(), start);
    s = reduce(s, {
      type: "messagesLoaded",
      roomId: 10,
      mode: "latest",
      messages: [message(4, { author_id: ME, client_message_id: "abc" })],
      has_before: false,
      has_after: false,
    });
    expect(s.pending[10]).toEqual([]);
  });
});

describe("unread", () => {
  const created = (seq: number, id: number, extra = {}) => ev(seq, { kind: "message_created", room_id: 10, message_id: id, message: message(id, extra) });

  it("a message by someone else in a room I'm not looking at makes it unread", () => {
    const s = run(loaded(100), created(101, 4));
    expect(s.rooms[10].unread).toBe(true);
    expect(unreadCount(s)).toBe(1);
  });

  it("not for my own messages", () => {
    expect(run(loaded(100), created(101, 4, { author_id: ME })).rooms[10].unread).toBe(false);
  });

  it("not for the room this browser is looking at", () => {
    const s = run(loaded(100), { type: "focus", roomId: 10 }, created(101, 4));
    expect(s.rooms[10].unread).toBe(false);
  });

  it("never for invisible rooms, which don't count either", () => {
    let s = run(loaded(100), { type: "involvementSet", roomId: 10, involvement: "invisible" }, created(101, 4));
    expect(s.rooms[10].unread).toBe(false);
    s = reduce(loaded(100, [room(10, { unread: true, involvement: "invisible" })]), { type: "focus", roomId: null });
    expect(unreadCount(s)).toBe(0);
  });

  it("room_read for me clears it; for someone else it does not", () => {
    let s = run(loaded(100), created(101, 4));
    s = run(s, ev(102, { kind: "room_read", room_id: 10, user_id: 2 }));
    expect(s.rooms[10].unread).toBe(true);
    s = run(s, ev(103, { kind: "room_read", room_id: 10, user_id: ME }));
    expect(s.rooms[10].unread).toBe(false);
  });

  it("X7: counts messages from others and mentions of me once each, a replay included", () => {
    const frames = [created(101, 4), created(102, 5, { mentions: [ME] }), created(103, 6, { author_id: ME })];
    const s = run(loaded(100), ...frames);
    expect(s.rooms[10]).toMatchObject({ unread: true, unread_from: 4, unread_count: 2, mention_count: 1, counted_through: 5 });
    // The rooms list answered after some of these were committed: they are counted already.
    const listed = run(loaded(100, [room(10, { unread: true, unread_from: 4, unread_count: 2, mention_count: 1, counted_through: 5 })]), ...frames);
    expect(listed.rooms[10]).toMatchObject({ unread_count: 2, mention_count: 1 });
  });

  it("X7: reading clears the counts; a later message counts from one again", () => {
    let s = run(loaded(100), created(101, 4), ev(102, { kind: "room_read", room_id: 10, user_id: ME }));
    expect(s.rooms[10]).toMatchObject({ unread: false, unread_from: null, unread_count: 0 });
    s = run(s, created(103, 7));
    expect(s.rooms[10]).toMatchObject({ unread: true, unread_from: 7, unread_count: 1 });
  });

  it("X7: marked unread from a loaded message counts from the window; otherwise asks again", () => {
    let s = withWindow(loaded(100), 10, [1, 2, 3]);
    s = run(s, ev(101, { kind: "room_marked_unread", room_id: 10, user_id: ME, message_id: 2 }));
    expect(s.rooms[10]).toMatchObject({ unread: true, unread_from: 2, unread_count: 2, counted_through: 3, countsStale: false });
    const away = run(loaded(100), ev(101, { kind: "room_marked_unread", room_id: 10, user_id: ME, message_id: 2 }));
    expect(away.rooms[10]).toMatchObject({ unread: true, unread_from: 2, countsStale: true });
    const others = run(loaded(100), ev(101, { kind: "room_marked_unread", room_id: 10, user_id: 2, message_id: 2 }));
    expect(others.rooms[10].unread).toBe(false);
  });

  it("X7: saved messages follow events once loaded, and a deleted message leaves them", () => {
    const saved = (seq: number, id: number) =>
      ev(seq, { kind: "bookmark_added", user_id: ME, message_id: id, saved_at: "2026-12-06T10:00:00Z", message: message(id) });
    expect(run(loaded(100), saved(101, 4)).bookmarks).toBeNull();
    let s = run(loaded(100), { type: "bookmarksLoaded", bookmarks: [] }, saved(101, 4), saved(102, 5), saved(102, 5));
    expect(s.bookmarks?.map((b) => b.message.id)).toEqual([5, 4]);
    s = run(s, ev(103, { kind: "bookmark_added", user_id: 2, message_id: 6, saved_at: "x", message: message(6) }));
    expect(s.bookmarks).toHaveLength(2);
    s = run(s, ev(104, { kind: "message_deleted", room_id: 10, message_id: 5 }), ev(105, { kind: "bookmark_removed", user_id: ME, message_id: 4 }));
    expect(s.bookmarks).toEqual([]);
  });

  it("X7: the mentions inbox gains new mentions of me on top, follows edits and loses deleted ones", () => {
    let s = run(loaded(100), { type: "mentionsLoaded", messages: [message(3, { mentions: [ME] })], more: true, older: false });
    s = run(s, created(101, 4, { mentions: [ME] }), created(102, 5), created(101, 4, { mentions: [ME] }));
    expect(s.mentions?.messages.map((m) => m.id)).toEqual([4, 3]);
    s = run(s, { type: "mentionsLoaded", messages: [message(2, { mentions: [ME] })], more: false, older: true });
    expect(s.mentions).toMatchObject({ more: false });
    expect(s.mentions?.messages.map((m) => m.id)).toEqual([4, 3, 2]);
    s = run(
      s,
      ev(103, { kind: "message_edited", room_id: 10, message_id: 3, message: message(3, { mentions: [] }) }),
      ev(104, { kind: "message_deleted", room_id: 10, message_id: 2 }),
    );
    expect(s.mentions?.messages.map((m) => m.id)).toEqual([4]);
  });

  it("opening the room clears it locally at once", () => {
    const s = run(loaded(100), created(101, 4), { type: "markRead", roomId: 10 });
    expect(s.rooms[10].unread).toBe(false);
  });

  it("becoming invisible clears unread", () => {
    const s = run(loaded(100), created(101, 4), ev(102, { kind: "involvement_changed", room_id: 10, user_id: ME, involvement: "invisible" }));
    expect(s.rooms[10]).toMatchObject({ unread: false, involvement: "invisible" });
  });

  it("moves a room's last activity forward", () => {
    const s = run(loaded(100), created(101, 4, { created_at: "2026-11-26T09:00:00.000Z" }));
    expect(s.rooms[10].last_active_at).toBe("2026-11-26T09:00:00.000Z");
  });

  it("marksUnread encodes R4", () => {
    const r = room(10);
    expect(marksUnread(r, message(1, { author_id: 2 }), ME, null)).toBe(true);
    expect(marksUnread(r, message(1, { author_id: ME }), ME, null)).toBe(false);
    expect(marksUnread(r, message(1, { author_id: 2 }), ME, 10)).toBe(false);
    expect(marksUnread({ ...r, involvement: "nothing" }, message(1), ME, 11)).toBe(true);
    expect(marksUnread({ ...r, involvement: "invisible" }, message(1), ME, 11)).toBe(false);
  });
});

describe("X7 threads", () => {
  const thread = (s: AppState) => s.threads[2]?.messages.map((m) => m.id);
  const opened = () =>
    run(withWindow(loaded()), {
      type: "threadLoaded",
      rootId: 2,
      root: message(2, { reply_count: 1, replier_ids: [2] }),
      replies: [message(5, { thread_id: 2 })],
      more: false,
    });

  it("a reply joins its open thread, not the room's history, and still counts as unread", () => {
    const reply = message(6, { thread_id: 2, author_id: 2 });
    const s = run(opened(), ev(101, { kind: "message_created", room_id: 10, message_id: 6, message: reply }));
    expect(thread(s)).toEqual([2, 5, 6]);
    expect(s.windows[10].messages.map((m) => m.id)).toEqual([1, 2, 3]);
    expect(s.rooms[10].unread_count).toBe(1);
  });

  it("the first message's new count reaches the room and the thread alike", () => {
    const root = message(2, { reply_count: 2, replier_ids: [1, 2] });
    const s = run(opened(), ev(101, { kind: "message_edited", room_id: 10, message_id: 2, message: root }));
    expect(s.windows[10].messages[1].reply_count).toBe(2);
    expect(s.threads[2].messages[0].reply_count).toBe(2);
  });

  it("deleting and boosting a reply, named only by id, reach the thread", () => {
    const boost = { id: 9, message_id: 5, booster_id: 1, content: "🔥", created_at: "2026-12-06T10:00:00Z" };
    let s = run(opened(), ev(101, { kind: "boost_added", room_id: 10, message_id: 5, boost }));
    expect(s.threads[2].messages[1].boosts).toEqual([boost]);
    s = run(s, ev(102, { kind: "message_deleted", room_id: 10, message_id: 5 }));
    expect(thread(s)).toEqual([2]);
  });

  it("a room that goes takes its threads with it", () => {
    const s = run(opened(), { type: "roomRemoved", roomId: 10 });
    expect(s.threads[2]).toBeUndefined();
  });
});
