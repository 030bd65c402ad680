// The page title names the screen (a room, Search, a profile…) before the account, with the
// unread count first: "(2) All Talk · Lovelace & Co". Tabs, history and screen readers then
// tell screens apart. Each screen says its name with `usePageTitle`; `TitleAndBadge` in App
// composes the whole title.
import { useEffect, useSyncExternalStore } from "react";

let screen: string | null = null;
const listeners = new Set<() => void>();
const changed = () => listeners.forEach((l) => l());

export function usePageTitle(title: string | null) {
  useEffect(() => {
    screen = title;
    changed();
    return () => {
      if (screen === title) {
        screen = null;
        changed();
      }
    };
  }, [title]);
}

export function useScreenName(): string | null {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => screen,
  );
}

export function pageTitle(screenName: string | null, account: string, unread: number): string {
  const base = screenName && screenName !== account ? `${screenName} · ${account}` : account;
  return unread > 0 ? `(${unread}) ${base}` : base;
}
