// The bell (R3): what each involvement level means and the order the bell cycles through.
import type { Involvement, RoomKind } from "../api/types";

export const INVOLVEMENT_TEXT: Record<Involvement, string> = {
  everything: "Notify me about every message",
  mentions: "Notify me only when I'm mentioned",
  nothing: "No notifications (the room still shows unread)",
  invisible: "Hidden from my room list",
};

/** The level in a word, beside the bell where there is room (a desktop's header). */
export const INVOLVEMENT_SHORT: Record<Involvement, string> = {
  everything: "All messages",
  mentions: "Mentions",
  nothing: "Muted",
  invisible: "Hidden",
};

/** Shared rooms: mentions → everything → nothing → invisible → mentions. Direct rooms: everything ↔ nothing. */
export function nextInvolvement(kind: RoomKind, current: Involvement): Involvement {
  if (kind === "direct") return current === "everything" ? "nothing" : "everything";
  const order: Involvement[] = ["mentions", "everything", "nothing", "invisible"];
  const i = order.indexOf(current);
  return order[(i + 1) % order.length];
}
