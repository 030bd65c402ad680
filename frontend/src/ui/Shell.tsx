// The signed-in layout: main column on the left, the frosted sidebar on the right
// (an off-canvas panel under 800px), the reconnecting banner and the skip link.
import { useEffect, useRef, useState } from "react";
import { Link, Navigate, Outlet, useLocation } from "react-router";
import { useAppState } from "../state/store";
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
    <ShellContext.Provider value={{ openSidebar }}>
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
