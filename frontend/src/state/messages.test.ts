import { describe, expect, it } from "vitest";
import { message } from "../test/fixtures";
import { applyPage, buildItems, emptyWindow, isEmojiOnly, MAX_WINDOW, upsertMessage } from "./messages";

const at = (iso: string, author = 2, id = 1) => message(id, { created_at: iso, author_id: author });
const key = (m: { id: number }) => `m${m.id}`;
const utcDay = (d: Date) => d.toISOString().slice(0, 10);

describe("grouping and day separators", () => {
  it("shows the author once per group within 5 minutes", () => {
    const items = buildItems(
      [
        at("2026-11-25T10:00:00Z", 2, 1),
        at("2026-11-25T10:04:59Z", 2, 2), // same author, < 5 min: grouped
        at("2026-11-25T10:10:00Z", 2, 3), // gap > 5 min: new header
        at("2026-11-25T10:10:30Z", 3, 4), // another author: new header
        at("2026-11-25T10:11:00Z", 2, 5), // back to the first: new header
      ],
      key,
      utcDay,
    );
    expect(items.map((i) => (i.kind === "day" ? `day:${i.key}` : `${i.message.id}:${i.header ? "H" : "-"}`))).toEqual([
      "day:day-2026-11-25",
      "1:H",
      "2:-",
      "3:H",
      "4:H",
      "5:H",
    ]);
  });

  it("puts a separator between days and starts a new group after it", () => {
    const items = buildItems([at("2026-11-25T23:59:00Z", 2, 1), at("2026-11-26T00:01:00Z", 2, 2)], key, utcDay);
    expect(items.map((i) => (i.kind === "day" ? i.key : i.header))).toEqual(["day-2026-11-25", true, "day-2026-11-26", true]);
  });

  it("exactly 5 minutes still groups; a clock going backwards does not", () => {
    const items = buildItems([at("2026-11-25T10:00:00Z", 2, 1), at("2026-11-25T10:05:00Z", 2, 2), at("2026-11-25T10:04:00Z", 2, 3)], key, utcDay);
    expect(items.filter((i) => i.kind === "message").map((i) => i.kind === "message" && i.header)).toEqual([true, false, true]);
  });
});

describe("emoji-only messages", () => {
  it.each([["🔥"], ["👍🏽"], ["❤️"], ["🎉 🎉 🎉"], ["👩‍💻"], ["🇫🇷"], ["1️⃣"], [" 😂 "], ["🏳️‍🌈"]])("%s is emoji only", (t) => {
    expect(isEmojiOnly(t)).toBe(true);
  });
  it.each([[""], ["hi 👋"], ["123"], ["#"], ["*"], ["🔥".repeat(9)], ["ok"], ["…"]])("%j is not", (t) => {
    expect(isEmojiOnly(t)).toBe(false);
  });
});

describe("the message window", () => {
  const page = (ids: number[], has_before = false, has_after = false) => ({ messages: ids.map((id) => message(id)), has_before, has_after });

  it("pages older and newer messages in, oldest first, without duplicates", () => {
    let w = applyPage(emptyWindow, "around", page([10, 11, 12], true, true));
    w = applyPage(w, "before", page([7, 8, 9, 10], true));
    w = applyPage(w, "after", page([12, 13], false, false));
    expect(w.messages.map((m) => m.id)).toEqual([7, 8, 9, 10, 11, 12, 13]);
    expect(w.hasBefore).toBe(true);
    expect(w.hasAfter).toBe(false);
  });

  it("keeps at most MAX_WINDOW messages, dropping the far end", () => {
    const ids = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);
    let w = applyPage(emptyWindow, "latest", page(ids(1000, 40), true));
    for (let i = 1; i <= 8; i++) w = applyPage(w, "before", page(ids(1000 - i * 40, 40), true));
    expect(w.messages).toHaveLength(MAX_WINDOW);
    expect(w.messages[0].id).toBe(680);
    expect(w.hasAfter).toBe(true); // the newest were dropped
    w = applyPage(w, "after", page(ids(980, 40), false, true));
    expect(w.messages).toHaveLength(MAX_WINDOW);
    expect(w.hasBefore).toBe(true);
  });

  it("a fresh latest page keeps live messages that arrived meanwhile", () => {
    let w = applyPage(emptyWindow, "latest", page([1, 2]));
    w = upsertMessage(w, message(3));
    w = applyPage(w, "latest", page([1, 2]));
    expect(w.messages.map((m) => m.id)).toEqual([1, 2, 3]);
  });

  it("ignores messages for a window not loaded yet", () => {
    expect(upsertMessage(emptyWindow, message(1))).toBe(emptyWindow);
  });
});
