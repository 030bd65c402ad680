// The narrow-screen menu button that opens the off-canvas sidebar.
import { createContext, useContext } from "react";
import { unreadCount } from "../state/reducer";
import { useAppState } from "../state/store";
import { MenuIcon } from "./icons";

export type ShellApi = { openSidebar: () => void; openSwitcher: () => void };
export const ShellContext = createContext<ShellApi | null>(null);

/** Opens the sidebar on narrow screens; a red dot says some room is unread. */
export function MenuButton() {
  const shell = useContext(ShellContext);
  const unread = useAppState(unreadCount);
  if (!shell) return null;
  return (
    <button
      type="button"
      className="icon-btn menu-btn"
      aria-label={unread > 0 ? `Rooms and people (${unread} unread)` : "Rooms and people"}
      onClick={shell.openSidebar}
    >
      <MenuIcon />
      {unread > 0 ? <span className="dot dot--red menu-btn__dot" aria-hidden="true" /> : null}
    </button>
  );
}
