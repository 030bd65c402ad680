// X7: moving between rooms without the mouse. The sidebar's order (R2), the room above or below,
// the next unread one, and what the quick switcher offers for what was typed: pure functions,
// shared by the sidebar, the keyboard shortcuts and the switcher.
import type { Room, User } from "../api/types";
import { directOthers, roomTitle } from "../lib/format";

/** The sidebar's order (R2): Pings by latest activity, then shared rooms by name; hidden rooms left out. */
export function sidebarOrder(rooms: Record<number, Room>): { direct: Room[]; shared: Room[] } {
  const visible = Object.values(rooms).filter((r) => r.involvement !== "invisible");
  return {
    direct: visible.filter((r) => r.kind === "direct").sort((a, b) => b.last_active_at.localeCompare(a.last_active_at)),
    shared: visible.filter((r) => r.kind !== "direct").sort((a, b) => (a.name ?? "").localeCompare(b.name ?? "", undefined, { sensitivity: "base" })),
  };
}

function ordered(rooms: Record<number, Room>): Room[] {
  const { direct, shared } = sidebarOrder(rooms);
  return [...direct, ...shared];
}

/** The room `delta` places from `current` in the sidebar's order, wrapping around; null without rooms. */
export function neighbourRoom(rooms: Record<number, Room>, current: number | null, delta: 1 | -1): number | null {
  const list = ordered(rooms);
  if (!list.length) return null;
  const at = list.findIndex((r) => r.id === current);
  if (at < 0) return list[delta > 0 ? 0 : list.length - 1].id;
  return list[(at + delta + list.length) % list.length].id;
}

/** The next unread room after `current` in the sidebar's order, wrapping around; null when all are read. */
export function nextUnreadRoom(rooms: Record<number, Room>, current: number | null): number | null {
  const list = ordered(rooms);
  const at = list.findIndex((r) => r.id === current);
  for (let i = 1; i <= list.length; i++) {
    const r = list[(at + i + list.length) % list.length];
    if (r.unread && r.id !== current) return r.id;
  }
  return null;
}

export type SwitcherChoice = { kind: "room"; id: number; title: string; unread: boolean; direct: boolean } | { kind: "person"; userId: number; title: string };

/**
 * What the quick switcher offers for `query`: rooms (and Pings) whose title has a word starting
 * with it, then people I have no one-to-one Ping with (choosing one starts it). Prefix matches of
 * the whole title come first; an empty query offers unread rooms first, then the rest in the
 * sidebar's order. At most `limit`.
 */
export function switcherChoices(
  query: string,
  rooms: Record<number, Room>,
  users: Record<number, User>,
  meId: number | undefined,
  limit = 12,
): SwitcherChoice[] {
  const q = fold(query.trim());
  const list = ordered(rooms);
  const roomChoices: (SwitcherChoice & { rank: number })[] = [];
  const paired = new Set<number>();
  for (const r of list) {
    const others = r.kind === "direct" ? directOthers(r, meId) : [];
    if (others.length === 1) paired.add(others[0]);
    const title = roomTitle(r, users, meId);
    const rank = q ? matchRank(fold(title), q) : r.unread ? 0 : 1;
    if (rank < 0) continue;
    roomChoices.push({ kind: "room", id: r.id, title, unread: r.unread, direct: r.kind === "direct", rank });
  }
  roomChoices.sort((a, b) => a.rank - b.rank);
  const people: SwitcherChoice[] = q
    ? Object.values(users)
        .filter((u) => u.active && u.id !== meId && u.role !== "bot" && !paired.has(u.id) && matchRank(fold(u.name), q) >= 0)
        .sort((a, b) => matchRank(fold(a.name), q) - matchRank(fold(b.name), q) || a.name.localeCompare(b.name))
        .map((u) => ({ kind: "person", userId: u.id, title: u.name }))
    : [];
  return [...roomChoices.map(({ rank: _rank, ...c }) => c as SwitcherChoice), ...people].slice(0, limit);
}

/** Lower-cased, accents dropped: "Émile" matches "emi". */
function fold(s: string): string {
  return s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

/** 0: the title starts with the query; 1: a later word does; 2: it is inside a word; -1: no match. */
function matchRank(title: string, q: string): number {
  if (title.startsWith(q)) return 0;
  if (title.split(/[\s,.\-_/]+/).some((w) => w.startsWith(q))) return 1;
  return title.includes(q) ? 2 : -1;
}
