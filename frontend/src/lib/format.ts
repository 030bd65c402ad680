// Names and times as people read them.
import type { Room, User } from "../api/types";
import { localDayKey } from "../state/messages";

export function firstName(name: string): string {
  return name.trim().split(/\s+/)[0] ?? name;
}

/** The other participants of a direct room (everyone but me), in member order. */
export function directOthers(room: Room, meId: number | undefined): number[] {
  const others = room.member_ids.filter((id) => id !== meId);
  return others.length ? others : room.member_ids;
}

/** A room's full name: its name, or for a direct room the other people's names. */
export function roomTitle(room: Room, users: Record<number, User>, meId: number | undefined): string {
  if (room.kind !== "direct") return room.name ?? "Untitled room";
  const names = directOthers(room, meId).map((id) => users[id]?.name ?? "Someone");
  if (!names.length) return "Just you";
  return names.join(", ");
}

/** A short label for the sidebar's direct strip: a first name, or initials for a group. */
export function directLabel(room: Room, users: Record<number, User>, meId: number | undefined): string {
  const others = directOthers(room, meId);
  if (others.length === 1) return firstName(users[others[0]]?.name ?? "Someone");
  return others.map((id) => users[id]?.initials ?? "?").join("+");
}

const timeFmt = new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit" });
const fullFmt = new Intl.DateTimeFormat(undefined, { dateStyle: "full", timeStyle: "short" });
const dayFmt = new Intl.DateTimeFormat(undefined, { weekday: "long", month: "long", day: "numeric" });
const dayYearFmt = new Intl.DateTimeFormat(undefined, { weekday: "long", month: "long", day: "numeric", year: "numeric" });
const dateFmt = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

export const formatTime = (d: Date) => timeFmt.format(d);
export const formatFull = (d: Date) => fullFmt.format(d);
export const formatDateTime = (d: Date) => dateFmt.format(d);

export function formatDay(d: Date, now = new Date()): string {
  const key = localDayKey(d);
  if (key === localDayKey(now)) return "Today";
  const y = new Date(now);
  y.setDate(now.getDate() - 1);
  if (key === localDayKey(y)) return "Yesterday";
  return d.getFullYear() === now.getFullYear() ? dayFmt.format(d) : dayYearFmt.format(d);
}

/** "Alice is typing…", "Alice and Bob are typing…", "Alice, Bob and 2 others are typing…" */
export function typingSentence(names: string[]): string {
  if (names.length === 0) return "";
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  if (names.length === 3) return `${names[0]}, ${names[1]} and ${names[2]} are typing…`;
  return `${names[0]}, ${names[1]} and ${names.length - 2} others are typing…`;
}

/** A browser's user agent as a person would name the device. */
export function describeAgent(ua: string): string {
  if (!ua) return "Unknown device";
  const browser = /Edg\//.test(ua)
    ? "Edge"
    : /Firefox\//.test(ua)
      ? "Firefox"
      : /Chrom(e|ium)\//.test(ua)
        ? "Chrome"
        : /Safari\//.test(ua)
          ? "Safari"
          : /curl\//.test(ua)
            ? "curl"
            : "Browser";
  const os = /iPhone|iPad/.test(ua)
    ? "iOS"
    : /Android/.test(ua)
      ? "Android"
      : /Mac OS X/.test(ua)
        ? "macOS"
        : /Windows/.test(ua)
          ? "Windows"
          : /Linux/.test(ua)
            ? "Linux"
            : "";
  return os ? `${browser} on ${os}` : browser;
}

/** "340 KB", "1.5 MB", "100 MB": sizes in powers of 1,000, as the server states its limit. */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} ${bytes === 1 ? "byte" : "bytes"}`;
  const units = ["KB", "MB", "GB", "TB"];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const shown = value >= 100 || value % 1 < 0.05 ? value.toFixed(0) : value.toFixed(1);
  return `${shown} ${units[unit]}`;
}
