// The signed-in layout: main column on the left, the frosted sidebar on the right
// (an off-canvas panel under 800px), the reconnecting banner and the skip link.
import { useEffect, useRef, useState } from "react";
import { Link, Navigate, Outlet, useLocation, useNavigate } from "react-router";
import { neighbourRoom, nextUnreadRoom } from "../state/navigation";
import { store, useAppState } from "../state/store";
import { QuickSwitcher } from "./switcher";
import { Sidebar } from "./sidebar";
import { Empty, Panel } from "./common";
import { ShellContext } from "./menu";

export function Shell() {
  const [open, setOpen] = useState(false);
  const location = useLocation();
  const connection = useAppState((s) => s.connection);

  // Navigating closes the off-canvas sidebar.
  useEffect(() => {
    setOpen(false);
  }, [location.pathname]);

  // The off-canvas sidebar is a modal panel: the page behind it is inert while it is open, so
  // focus stays in it, and closing it (Esc, the scrim, its close button) gives focus back to the
  // button that opened it. Navigating from it lets the new screen take focus instead.
  const opener = useRef<HTMLElement | null>(null);
  const openSidebar = () => {
    opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    setOpen(true);
  };
  const giveFocusBack = useRef(false);
  const closeSidebar = () => {
    giveFocusBack.current = true;
    setOpen(false);
  };
  // After the render that lifts `inert` from the page: an inert button cannot take focus.
  useEffect(() => {
    if (open || !giveFocusBack.current) return;
    giveFocusBack.current = false;
    opener.current?.focus();
    opener.current = null;
  }, [open]);

  // X7's keyboard: Ctrl/Cmd+K opens the quick switcher; Alt+↑/↓ go to the room above or below
  // in the sidebar, Alt+Shift+↓ to the next unread one. Anywhere, the composer included: the
  // listener captures, so it hears the keys before the editor.
  const [switcherOpen, setSwitcherOpen] = useState(false);
  const navigate = useNavigate();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === "k") {
        // Before the editor sees it (its link extension claims Mod-K for itself).
        e.preventDefault();
        e.stopPropagation();
        setSwitcherOpen((o) => !o);
        return;
      }
      if (!e.altKey || e.ctrlKey || e.metaKey || (e.key !== "ArrowUp" && e.key !== "ArrowDown")) return;
      const current = Number(/^\/rooms\/(\d+)/.exec(window.location.pathname)?.[1]) || null;
      const rooms = store.getState().rooms;
      const next = e.shiftKey ? (e.key === "ArrowDown" ? nextUnreadRoom(rooms, current) : null) : neighbourRoom(rooms, current, e.key === "ArrowDown" ? 1 : -1);
      if (next === null || next === current) return;
      e.preventDefault();
      navigate(`/rooms/${next}`);
    };
    window.addEventListener("keydown", onKey, true);
    return () => window.removeEventListener("keydown", onKey, true);
  }, [navigate]);

  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") closeSidebar();
    };
    window.addEventListener("keydown", onKey);
    // Widening the window past the off-canvas breakpoint closes the panel.
    const wide = window.matchMedia?.("(min-width: 800px)");
    const onWide = () => wide?.matches && setOpen(false);
    wide?.addEventListener?.("change", onWide);
    return () => {
      window.removeEventListener("keydown", onKey);
      wide?.removeEventListener?.("change", onWide);
    };
  }, [open]);

  return (
    <ShellContext.Provider value={{ openSidebar, openSwitcher: () => setSwitcherOpen(true) }}>
      <div className={`app ${open ? "app--sidebar-open" : ""}`}>
        <a className="skip-link" href="#main" inert={open || undefined}>
          Skip to content
        </a>
        {connection === "reconnecting" ? (
          <div className="banner" role="status" aria-live="polite">
            <span className="spinner__dot" aria-hidden="true" /> Reconnecting…
          </div>
        ) : null}
        <main id="main" className="app__main" tabIndex={-1} inert={open || undefined}>
          <Outlet />
        </main>
        <div className="scrim" hidden={!open} onClick={closeSidebar} aria-hidden="true" />
        <Sidebar open={open} onClose={closeSidebar} />
        <QuickSwitcher open={switcherOpen} onClose={() => setSwitcherOpen(false)} />
      </div>
    </ShellContext.Provider>
  );
}

const LAST_ROOM_KEY = "campfire:last-room";

export function rememberRoom(id: number) {
  try {
    localStorage.setItem(LAST_ROOM_KEY, String(id));
  } catch {
    // Private mode.
  }
}

/** `/`: the last room you were in, or All Talk. */
export function Home() {
  const rooms = useAppState((s) => s.rooms);
  let last: number | null = null;
  try {
    last = Number(localStorage.getItem(LAST_ROOM_KEY)) || null;
  } catch {
    last = null;
  }
  if (last && rooms[last]) return <Navigate to={`/rooms/${last}`} replace />;
  const list = Object.values(rooms);
  const allTalk = list.find((r) => r.kind === "open" && r.name === "All Talk");
  const first = allTalk ?? list.filter((r) => r.kind !== "direct").sort((a, b) => (a.name ?? "").localeCompare(b.name ?? ""))[0] ?? list[0];
  if (first) return <Navigate to={`/rooms/${first.id}`} replace />;
  return (
    <Panel title="Welcome" back={false}>
      <Empty title="No rooms yet">
        <p>
          When someone adds you to a room, it shows up here. You can also <Link to="/rooms/new">create a room</Link>.
        </p>
      </Empty>
    </Panel>
  );
}

export function NotFound({ what = "page" }: { what?: string }) {
  return (
    <Panel title="Not found">
      <Empty title={`This ${what} isn't here`}>
        <p>It may have been deleted, or you may not have access to it.</p>
        <p>
          <Link to="/">Go to your rooms</Link>
        </p>
      </Empty>
    </Panel>
  );
}
