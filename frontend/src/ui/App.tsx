// The app: boot (GET /api/bootstrap first), the routes, and the signed-in shell.
import { lazy, Suspense, useEffect, useState } from "react";
import { Navigate, Route, Routes, useLocation, useNavigate } from "react-router";
import { errorMessage, setUnauthorizedHandler } from "../api/client";
import { loadAll, onSignedOut, signedOut, startLive } from "../app/controller";
import { onOpenRequest, syncPush } from "../lib/push";
import { unreadCount } from "../state/reducer";
import { useAppState } from "../state/store";
import { FirstRun, Join, SignIn, Transfer } from "./auth";
import { Loading } from "./common";
import { Shell, Home, NotFound } from "./Shell";
import { pageTitle, useScreenName } from "./pageTitle";
import { RoomScreen } from "./room/RoomScreen";

// Screens away from the chat itself load on demand.
const RoomForm = lazy(() => import("./rooms").then((m) => ({ default: m.RoomForm })));
const Profile = lazy(() => import("./profile").then((m) => ({ default: m.Profile })));
const MyProfile = lazy(() => import("./profile").then((m) => ({ default: m.MyProfile })));
const AccountSettings = lazy(() => import("./account").then((m) => ({ default: m.AccountSettings })));
const MentionsScreen = lazy(() => import("./mentions").then((m) => ({ default: m.MentionsScreen })));
const DirectoryScreen = lazy(() => import("./directory").then((m) => ({ default: m.DirectoryScreen })));
const SavedScreen = lazy(() => import("./saved").then((m) => ({ default: m.SavedScreen })));
const SearchScreen = lazy(() => import("./search").then((m) => ({ default: m.SearchScreen })));
const later = (node: React.ReactNode) => <Suspense fallback={<Loading />}>{node}</Suspense>;

export function App() {
  const [boot, setBoot] = useState<"loading" | "ready" | { error: string }>("loading");
  const setupRequired = useAppState((s) => s.setupRequired);
  const me = useAppState((s) => s.me);
  const roomsLoaded = useAppState((s) => s.roomsLoaded);
  const pushEnabled = useAppState((s) => s.features.push);
  const navigate = useNavigate();
  const location = useLocation();

  const load = () => {
    setBoot("loading");
    loadAll()
      .then(() => setBoot("ready"))
      .catch((e) => setBoot({ error: errorMessage(e) }));
  };

  useEffect(() => {
    load();
    setUnauthorizedHandler(() => signedOut(true));
    onSignedOut(() => {
      const here = window.location.pathname;
      if (here.startsWith("/session/new")) return;
      navigate(`/session/new?next=${encodeURIComponent(here)}`, { replace: true });
    });
    return () => setUnauthorizedHandler(null);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    if (me && roomsLoaded) startLive();
  }, [me, roomsLoaded]);

  // N1: keep the server's copy of this browser's push subscription current (after a sign-in or
  // a key rotation), and let a notification click move an open window to its room.
  useEffect(() => {
    if (me && pushEnabled) void syncPush();
  }, [me, pushEnabled]);
  useEffect(() => onOpenRequest((path) => navigate(path)), [navigate]);

  if (boot === "loading") return <Loading label="Starting Campfire…" />;
  if (typeof boot === "object") {
    return (
      <div className="center-screen">
        <div className="panel">
          <div className="panel__body">
            <h1 className="panel__title">Campfire can't start</h1>
            <p className="error-note" role="alert">
              {boot.error}
            </p>
            <button type="button" className="btn btn--primary" onClick={load}>
              Try again
            </button>
          </div>
        </div>
      </div>
    );
  }

  const path = location.pathname;
  if (setupRequired && path !== "/first_run") return <Navigate to="/first_run" replace />;

  return (
    <>
      <CustomCss />
      <Favicon />
      <TitleAndBadge />
      <Routes>
        <Route path="/first_run" element={setupRequired ? <FirstRun /> : <Navigate to="/" replace />} />
        <Route path="/join/:code" element={<Join />} />
        <Route path="/session/new" element={<SignIn />} />
        <Route path="/transfer/:token" element={<Transfer />} />
        <Route element={<RequireSession />}>
          <Route index element={<Home />} />
          <Route path="/rooms/new" element={later(<RoomForm />)} />
          <Route path="/rooms/all" element={later(<DirectoryScreen />)} />
          <Route path="/rooms/:id" element={<RoomScreen />} />
          <Route path="/rooms/:id/edit" element={later(<RoomForm />)} />
          <Route path="/rooms/:id/:permalink" element={<RoomScreen />} />
          <Route path="/users/:id" element={later(<Profile />)} />
          <Route path="/me" element={later(<MyProfile />)} />
          <Route path="/account" element={later(<AccountSettings />)} />
          <Route path="/search" element={later(<SearchScreen />)} />
          <Route path="/saved" element={later(<SavedScreen />)} />
          <Route path="/mentions" element={later(<MentionsScreen />)} />
          <Route path="*" element={<NotFound />} />
        </Route>
      </Routes>
    </>
  );
}

function RequireSession() {
  const me = useAppState((s) => s.me);
  const roomsLoaded = useAppState((s) => s.roomsLoaded);
  const location = useLocation();
  if (!me) {
    const next = location.pathname + location.search;
    return <Navigate to={next === "/" ? "/session/new" : `/session/new?next=${encodeURIComponent(next)}`} replace />;
  }
  if (!roomsLoaded) return <Loading label="Loading your rooms…" />;
  return <Shell />;
}

/**
 * The admins' custom CSS (A11), on every page. A constructed stylesheet is not an
 * inline <style>, so it works under a strict Content-Security-Policy; browsers
 * without adoptedStyleSheets get a <style> element.
 */
/** The account's logo (A11) as the tab's icon and the home-screen icon, changed live. */
function Favicon() {
  const logo = useAppState((s) => s.account?.logo_url ?? null);
  useEffect(() => {
    const links = [...document.querySelectorAll<HTMLLinkElement>('link[rel="icon"], link[rel="apple-touch-icon"]')];
    const original = links.map((l) => [l.href, l.type] as const);
    if (logo) {
      for (const l of links) {
        l.href = logo;
        if (l.rel === "icon") l.type = "image/png";
      }
    }
    return () => {
      links.forEach((l, i) => {
        l.href = original[i][0];
        l.type = original[i][1];
      });
    };
  }, [logo]);
  return null;
}

function CustomCss() {
  const css = useAppState((s) => s.account?.custom_css ?? "");
  const canAdopt = typeof CSSStyleSheet !== "undefined" && "replaceSync" in CSSStyleSheet.prototype && "adoptedStyleSheets" in document;
  useEffect(() => {
    if (!canAdopt || !css.trim()) return;
    const sheet = new CSSStyleSheet();
    try {
      sheet.replaceSync(css);
    } catch {
      return;
    }
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
    return () => {
      document.adoptedStyleSheets = document.adoptedStyleSheets.filter((s) => s !== sheet);
    };
  }, [css, canAdopt]);
  if (canAdopt || !css.trim()) return null;
  return <style data-campfire="custom-css">{css}</style>;
}

/** The screen and unread rooms in the page title; unread rooms in the app badge. */
function TitleAndBadge() {
  const count = useAppState(unreadCount);
  const name = useAppState((s) => s.account?.name || "Campfire");
  const signedIn = useAppState((s) => !!s.me);
  const screen = useScreenName();
  useEffect(() => {
    const n = signedIn ? count : 0;
    document.title = pageTitle(screen, name, n);
    const nav = navigator as Navigator & { setAppBadge?: (n?: number) => Promise<void>; clearAppBadge?: () => Promise<void> };
    try {
      if (n > 0) nav.setAppBadge?.(n)?.catch(() => {});
      else nav.clearAppBadge?.()?.catch(() => {});
    } catch {
      // Not supported.
    }
  }, [count, name, signedIn, screen]);
  return null;
}
