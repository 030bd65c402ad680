import { describe, expect, it } from "vitest";
import { room, user } from "../test/fixtures";
import { neighbourRoom, nextUnreadRoom, sidebarOrder, switcherChoices } from "./navigation";

const ME = 1;
const users = { 1: user(1, "Ada Lovelace"), 2: user(2, "Bob Smith"), 3: user(3, "Émile Zola"), 4: user(4, "Carol Danvers") };
const rooms = {
  10: room(10, { name: "Design" }),
  11: room(11, { name: "all talk" }),
  12: room(12, { name: "Zoo", unread: true }),
  13: room(13, { kind: "direct", name: null, member_ids: [1, 2], last_active_at: "2026-11-25T12:00:00.000Z" }),
  14: room(14, { name: "Hidden", involvement: "invisible", unread: true }),
};

describe("the sidebar's order", () => {
  it("puts Pings first, then shared rooms by name whatever their case, without hidden rooms", () => {
    const { direct, shared } = sidebarOrder(rooms);
    expect(direct.map((r) => r.id)).toEqual([13]);
    expect(shared.map((r) => r.id)).toEqual([11, 10, 12]);
  });
});

describe("moving between rooms", () => {
  it("goes to the room above or below, wrapping around", () => {
    expect(neighbourRoom(rooms, 11, 1)).toBe(10);
    expect(neighbourRoom(rooms, 11, -1)).toBe(13);
    expect(neighbourRoom(rooms, 12, 1)).toBe(13);
    expect(neighbourRoom(rooms, null, -1)).toBe(12);
    expect(neighbourRoom({}, null, 1)).toBeNull();
  });

  it("finds the next unread room, never a hidden one, and none when all are read", () => {
    expect(nextUnreadRoom(rooms, 10)).toBe(12);
    expect(nextUnreadRoom(rooms, 12)).toBeNull();
    expect(nextUnreadRoom({ ...rooms, 10: room(10, { name: "Design", unread: true }) }, 12)).toBe(10);
  });
});

describe("the quick switcher", () => {
  it("offers unread rooms first when nothing is typed", () => {
    expect(switcherChoices("", rooms, users, ME).map((c) => c.title)).toEqual(["Zoo", "Bob Smith", "all talk", "Design"]);
  });

  it("matches the start of a title before a later word, accents and case aside", () => {
    expect(switcherChoices("ta", rooms, users, ME).map((c) => c.title)).toEqual(["all talk"]);
    expect(switcherChoices("EMI", rooms, users, ME)).toEqual([{ kind: "person", userId: 3, title: "Émile Zola" }]);
    expect(switcherChoices("smith", rooms, users, ME)).toEqual([{ kind: "room", id: 13, title: "Bob Smith", unread: false, direct: true }]);
  });

  it("offers people without a Ping to start one, never myself or someone already paired", () => {
    const titles = switcherChoices("a", rooms, users, ME).map((c) => c.title);
    expect(titles).toContain("Carol Danvers");
    expect(titles).not.toContain("Ada Lovelace");
    expect(switcherChoices("bob", rooms, users, ME).filter((c) => c.kind === "person")).toEqual([]);
  });
});
