// X7: the boosts this browser gave most recently, newest first, offered first in the boost
// picker. Kept in localStorage: a preference of this device, like the picker's own.

const KEY = "campfire:recent-boosts";
/** As many as fit the picker's first row. */
export const RECENT_BOOSTS = 8;

export function recentBoosts(): string[] {
  try {
    const list: unknown = JSON.parse(localStorage.getItem(KEY) ?? "[]");
    return Array.isArray(list) ? list.filter((x): x is string => typeof x === "string").slice(0, RECENT_BOOSTS) : [];
  } catch {
    return [];
  }
}

/** `content` was just given: it goes first, once. */
export function rememberBoost(content: string): void {
  const list = [content, ...recentBoosts().filter((x) => x !== content)].slice(0, RECENT_BOOSTS);
  try {
    localStorage.setItem(KEY, JSON.stringify(list));
  } catch {
    // Private mode or a full store: the row just stays as it was.
  }
}
