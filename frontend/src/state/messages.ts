// Pure helpers for a room's message window: merging pages, keeping the window
// bounded, grouping by author and day, and spotting emoji-only messages.
import type { Message } from "../api/types";

/** The most messages kept per room (and so in the DOM) at once. */
export const MAX_WINDOW = 300;
/** Consecutive messages by one author within this gap share one header. */
export const GROUP_GAP_MS = 5 * 60 * 1000;

export type RoomWindow = {
  messages: Message[]; // sorted by id, oldest first
  hasBefore: boolean;
  hasAfter: boolean; // false: the window reaches the newest message
  loaded: boolean;
};

export const emptyWindow: RoomWindow = { messages: [], hasBefore: false, hasAfter: false, loaded: false };

/** Union by id (incoming wins), sorted oldest first. */
export function mergeMessages(existing: Message[], incoming: Message[]): Message[] {
  if (incoming.length === 0) return existing;
  const byId = new Map<number, Message>();
  for (const m of existing) byId.set(m.id, m);
  for (const m of incoming) byId.set(m.id, m);
  return [...byId.values()].sort((a, b) => a.id - b.id);
}

/**
 * Trims a window that grew past MAX_WINDOW. `keep` says which end the reader is at:
 * loading older pages drops the newest messages and vice versa.
 */
export function trimWindow(w: RoomWindow, keep: "oldest" | "newest"): RoomWindow {
  if (w.messages.length <= MAX_WINDOW) return w;
  if (keep === "newest") {
    return { ...w, messages: w.messages.slice(w.messages.length - MAX_WINDOW), hasBefore: true };
  }
  return { ...w, messages: w.messages.slice(0, MAX_WINDOW), hasAfter: true };
}

export type PageMode = "latest" | "before" | "after" | "around";

export function applyPage(w: RoomWindow, mode: PageMode, page: { messages: Message[]; has_before: boolean; has_after: boolean }): RoomWindow {
  switch (mode) {
    case "latest":
      // Keep messages that arrived live while the page was loading.
      return trimWindow(
        {
          messages: mergeMessages(w.loaded && !w.hasAfter ? w.messages.filter((m) => m.id > lastId(page.messages)) : [], page.messages),
          hasBefore: page.has_before,
          hasAfter: false,
          loaded: true,
        },
        "newest",
      );
    case "around":
      return { messages: mergeMessages([], page.messages), hasBefore: page.has_before, hasAfter: page.has_after, loaded: true };
    case "before":
      return trimWindow({ ...w, messages: mergeMessages(w.messages, page.messages), hasBefore: page.has_before, loaded: true }, "oldest");
    case "after":
      return trimWindow({ ...w, messages: mergeMessages(w.messages, page.messages), hasAfter: page.has_after, loaded: true }, "newest");
  }
}

function lastId(messages: Message[]): number {
  return messages.length ? messages[messages.length - 1].id : 0;
}

/** Adds or replaces one message if it belongs in the window. */
export function upsertMessage(w: RoomWindow, m: Message): RoomWindow {
  const i = w.messages.findIndex((x) => x.id === m.id);
  if (i >= 0) {
    const messages = w.messages.slice();
    messages[i] = m;
    return { ...w, messages };
  }
  if (!w.loaded) return w;
  const first = w.messages[0];
  const last = w.messages[w.messages.length - 1];
  if (!first || !last) {
    if (w.hasAfter) return w;
  } else if (m.id > last.id) {
    // Newer than everything shown: only when the window reaches the newest end.
    if (w.hasAfter) return w;
  } else if (m.id < first.id) {
    if (w.hasBefore) return w;
  }
  return trimWindow({ ...w, messages: mergeMessages(w.messages, [m]) }, "newest");
}

export function removeMessage(w: RoomWindow, id: number): RoomWindow {
  if (!w.messages.some((m) => m.id === id)) return w;
  return { ...w, messages: w.messages.filter((m) => m.id !== id) };
}

export function mapMessage(w: RoomWindow, id: number, f: (m: Message) => Message): RoomWindow {
  const i = w.messages.findIndex((x) => x.id === id);
  if (i < 0) return w;
  const messages = w.messages.slice();
  messages[i] = f(messages[i]);
  return { ...w, messages };
}

// ---------------------------------------------------------------------------
// Grouping and day separators

export type ListItem<M> = { kind: "day"; key: string; date: Date } | { kind: "message"; key: string; message: M; header: boolean };

type Groupable = { author_id: number; created_at: string };

/** The viewer's local calendar day of a time, as YYYY-MM-DD. */
export function localDayKey(d: Date): string {
  const y = d.getFullYear();
  const m = String(d.getMonth() + 1).padStart(2, "0");
  const day = String(d.getDate()).padStart(2, "0");
  return `${y}-${m}-${day}`;
}

/**
 * Turns messages (oldest first) into list items: a day separator before the first
 * message of each local day, and `header` on the first message of each group.
 */
export function buildItems<M extends Groupable>(messages: M[], keyOf: (m: M) => string, dayKey: (d: Date) => string = localDayKey): ListItem<M>[] {
  const items: ListItem<M>[] = [];
  let prev: M | null = null;
  let prevDay = "";
  for (const m of messages) {
    const date = new Date(m.created_at);
    const day = dayKey(date);
    let header = true;
    if (day !== prevDay) {
      items.push({ kind: "day", key: `day-${day}`, date });
      prevDay = day;
    } else if (prev && prev.author_id === m.author_id) {
      const gap = date.getTime() - new Date(prev.created_at).getTime();
      header = !(gap >= 0 && gap <= GROUP_GAP_MS);
    }
    items.push({ kind: "message", key: keyOf(m), message: m, header });
    prev = m;
  }
  return items;
}

// ---------------------------------------------------------------------------
// Emoji-only messages

// One emoji "cluster": a pictograph with optional presentation selector, skin tone
// and ZWJ sequence; a flag (two regional indicators); a keycap; or a tag sequence.
const EMOJI_CLUSTER =
  "(?:\\p{Regional_Indicator}{2}|[0-9#*]\\uFE0F?\\u20E3|\\p{Extended_Pictographic}[\\uFE0E\\uFE0F]?\\p{Emoji_Modifier}?(?:[\\u{E0020}-\\u{E007E}]+\\u{E007F})?(?:\\u200D\\p{Extended_Pictographic}[\\uFE0E\\uFE0F]?\\p{Emoji_Modifier}?)*)";
const EMOJI_ONLY = new RegExp(`^(?:${EMOJI_CLUSTER}\\s*){1,8}$`, "u");

/** True for a short message made only of emoji (up to 8), shown large. */
export function isEmojiOnly(text: string): boolean {
  const t = text.trim();
  if (!t) return false;
  return EMOJI_ONLY.test(t);
}
