// The sidebar (R2): direct rooms as an avatar strip (newest activity first) with
// a "new Ping" button and people to start a Ping with, then shared rooms
// alphabetically; unread rooms bold with a dot; my avatar and the gear at the bottom.
import { useContext, useEffect, useMemo, useRef, useState } from "react";
import { Link, useLocation, useNavigate } from "react-router";
import { api, errorMessage } from "../api/client";
import type { Room, User } from "../api/types";
import { directLabel, directOthers, firstName, roomTitle } from "../lib/format";
import { sidebarOrder } from "../state/navigation";
import { store, useAppState } from "../state/store";
import { Avatar, Dialog, ErrorNote } from "./common";
import { ShellContext } from "./menu";
import { AtIcon, BookmarkIcon, CloseIcon, LockIcon, PingIcon, PlusIcon, SearchIcon, SettingsIcon } from "./icons";

export function Sidebar({ open, onClose }: { open: boolean; onClose: () => void }) {
  const rooms = useAppState((s) => s.rooms);
  const users = useAppState((s) => s.users);
  const me = useAppState((s) => s.me);
  const account = useAppState((s) => s.account);
  const features = useAppState((s) => s.features);
  const location = useLocation();
  const currentId = Number(/^\/rooms\/(\d+)/.exec(location.pathname)?.[1]) || null;
  const [pingOpen, setPingOpen] = useState(false);
  const ref = useRef<HTMLElement>(null);
  const navigate = useNavigate();
  const [pingError, setPingError] = useState("");
  const shell = useContext(ShellContext);

  // Focus moves into the panel once it is visible (it slides in from `visibility: hidden`,
  // which cannot take focus in the frame it opens).
  useEffect(() => {
    if (!open) return;
    let frame = requestAnimationFrame(() => {
      frame = requestAnimationFrame(() => ref.current?.querySelector<HTMLElement>("a, button")?.focus());
    });
    return () => cancelAnimationFrame(frame);
  }, [open]);

  const { direct, shared } = useMemo(() => sidebarOrder(rooms), [rooms]);
  // People I have no 1:1 Ping with yet (up to 20): clicking one starts it.
  const suggestions = useMemo(() => {
    if (!me) return [];
    const paired = new Set<number>();
    for (const r of Object.values(rooms)) {
      if (r.kind !== "direct") continue;
      const others = r.member_ids.filter((id) => id !== me.id);
      if (others.length === 1) paired.add(others[0]);
    }
    return Object.values(users)
      .filter((u) => u.active && u.id !== me.id && u.role !== "bot" && !paired.has(u.id))
      .sort((a, b) => a.name.localeCompare(b.name))
      .slice(0, 20);
  }, [rooms, users, me]);

  const hiddenRooms = Object.values(rooms).filter((r) => r.kind === "open" && r.involvement === "invisible").length;
  const isAdmin = me?.role === "administrator";
  const mayCreate = isAdmin || !account?.only_admins_create_rooms;

  const startPing = async (userIds: number[]) => {
    setPingError("");
    try {
      const { room } = await api.directRoom(userIds);
      store.dispatch({ type: "roomUpsert", room });
      navigate(`/rooms/${room.id}`);
      return true;
    } catch (e) {
      setPingError(errorMessage(e));
      return false;
    }
  };

  return (
    <aside ref={ref} className={`sidebar ${open ? "sidebar--open" : ""}`} aria-label="Rooms and people">
      <div className="sidebar__top">
        <span className="sidebar__account">{account?.name ?? "Campfire"}</span>
        <button
          type="button"
          className="switcher-btn"
          onClick={() => shell?.openSwitcher()}
          aria-keyshortcuts="Control+K"
          title="Jump to a room or person (Ctrl+K)"
        >
          <SearchIcon size={15} />
          <span>Jump to…</span>
          <kbd className="switcher-btn__key" aria-hidden="true">
            Ctrl K
          </kbd>
        </button>
        <button type="button" className="icon-btn sidebar__close" aria-label="Close the room list" onClick={onClose}>
          <CloseIcon />
        </button>
      </div>

      <nav className="pings" aria-label="Pings">
        <ul className="pings__list">
          <li>
            <button type="button" className="ping ping--new" onClick={() => setPingOpen(true)}>
              <span className="ping__avatar ping__avatar--new" aria-hidden="true">
                <PingIcon size={20} />
              </span>
              <span className="ping__label">New Ping</span>
            </button>
          </li>
          {direct.map((r) => (
            <li key={r.id}>
              <DirectLink room={r} users={users} meId={me?.id} current={r.id === currentId} />
            </li>
          ))}
          {suggestions.map((u) => (
            <li key={`u${u.id}`}>
              <button type="button" className="ping ping--suggested" onClick={() => void startPing([u.id])} aria-label={`Start a Ping with ${u.name}`}>
                <span className="ping__avatar">
                  <Avatar user={u} size={36} />
                </span>
                <span className="ping__label" aria-hidden="true">
                  {firstName(u.name)}
                </span>
              </button>
            </li>
          ))}
        </ul>
        <ErrorNote>{pingError}</ErrorNote>
      </nav>

      <nav className="rooms" aria-labelledby="rooms-heading">
        <div className="rooms__head">
          <h2 id="rooms-heading" className="rooms__heading">
            Rooms
          </h2>
          {mayCreate ? (
            <Link to="/rooms/new" className="icon-btn icon-btn--small" aria-label="New room" title="New room">
              <PlusIcon size={18} />
            </Link>
          ) : null}
        </div>
        {shared.length === 0 ? <p className="rooms__empty">No rooms yet.</p> : null}
        <ul className="rooms__list">
          {shared.map((r) => (
            <li key={r.id}>
              <Link to={`/rooms/${r.id}`} className={`room-link ${r.unread ? "room-link--unread" : ""}`} aria-current={r.id === currentId ? "page" : undefined}>
                <span className="room-link__name" title={r.name ?? undefined}>
                  {r.name}
                </span>
                {r.kind === "closed" ? <LockIcon size={14} className="room-link__lock" aria-label="closed room" /> : null}
                <UnreadBadges room={r} />
              </Link>
            </li>
          ))}
        </ul>
        {/* X7: the directory, where hidden rooms are shown again. */}
        <Link to="/rooms/all" className="rooms__browse">
          {hiddenRooms ? `All rooms (${hiddenRooms} hidden)` : "All rooms"}
        </Link>
      </nav>

      <div className="sidebar__foot">
        <Link to="/me" className="sidebar__me" aria-label="Your profile">
          <Avatar user={me ?? undefined} size={32} />
          <span className="sidebar__me-name" aria-hidden="true">
            {me?.name}
          </span>
        </Link>
        <div className="sidebar__foot-actions">
          <Link to="/mentions" className="icon-btn" aria-label="Mentions of you" title="Mentions of you">
            <AtIcon />
          </Link>
          <Link to="/saved" className="icon-btn" aria-label="Saved messages" title="Saved messages">
            <BookmarkIcon />
          </Link>
          {features.search ? (
            <Link to="/search" className="icon-btn" aria-label="Search" title="Search">
              <SearchIcon />
            </Link>
          ) : null}
          {isAdmin ? (
            <Link to="/account" className="icon-btn" aria-label="Account settings" title="Account settings">
              <SettingsIcon />
            </Link>
          ) : null}
        </div>
      </div>

      <NewPingDialog open={pingOpen} onClose={() => setPingOpen(false)} onStart={startPing} />
    </aside>
  );
}

function DirectLink({ room, users, meId, current }: { room: Room; users: Record<number, User>; meId: number | undefined; current: boolean }) {
  const others = directOthers(room, meId);
  const label = directLabel(room, users, meId);
  const title = roomTitle(room, users, meId);
  return (
    <Link
      to={`/rooms/${room.id}`}
      className={`ping ${room.unread ? "ping--unread" : ""}`}
      aria-current={current ? "page" : undefined}
      aria-label={`${title}${unreadWords(room)}`}
      title={title}
    >
      <span className="ping__avatar">
        {others.length === 1 ? (
          <Avatar user={users[others[0]]} size={36} />
        ) : (
          <span className="group-avatar" aria-hidden="true">
            {others.slice(0, 4).map((id) => (
              <Avatar key={id} user={users[id]} size={17} />
            ))}
          </span>
        )}
        {room.unread ? (
          room.unread_count > 0 ? (
            <span className={`count ping__count ${room.mention_count > 0 ? "count--mention" : ""}`} aria-hidden="true">
              {shortCount(room.unread_count)}
            </span>
          ) : (
            <span className="dot ping__dot" aria-hidden="true" />
          )
        ) : null}
      </span>
      <span className="ping__label" aria-hidden="true">
        {label}
      </span>
    </Link>
  );
}

function NewPingDialog({ open, onClose, onStart }: { open: boolean; onClose: () => void; onStart: (ids: number[]) => Promise<boolean> }) {
  const users = useAppState((s) => s.users);
  const me = useAppState((s) => s.me);
  const [chosen, setChosen] = useState<number[]>([]);
  const [filter, setFilter] = useState("");
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (open) {
      setChosen([]);
      setFilter("");
    }
  }, [open]);
  const people = Object.values(users)
    .filter((u) => u.active && u.id !== me?.id)
    .filter((u) => !filter.trim() || u.name.toLowerCase().includes(filter.trim().toLowerCase()))
    .sort((a, b) => Number(chosen.includes(b.id)) - Number(chosen.includes(a.id)) || a.name.localeCompare(b.name));
  return (
    <Dialog open={open} onClose={onClose} title="New Ping">
      <p className="dialog__text">A private conversation with one or more people.</p>
      <div className="field">
        <label htmlFor="ping-filter">Find people</label>
        <input id="ping-filter" type="search" value={filter} onChange={(e) => setFilter(e.target.value)} autoComplete="off" />
      </div>
      <ul className="people-pick" aria-label="People">
        {people.length === 0 ? <li className="people-pick__empty">Nobody matches “{filter}”.</li> : null}
        {people.map((u) => (
          <li key={u.id}>
            <label className="people-pick__row">
              <input
                type="checkbox"
                checked={chosen.includes(u.id)}
                onChange={(e) => setChosen((c) => (e.target.checked ? [...c, u.id] : c.filter((id) => id !== u.id)))}
              />
              <Avatar user={u} size={24} />
              <span>{u.name}</span>
            </label>
          </li>
        ))}
      </ul>
      <div className="dialog__actions">
        <button type="button" className="btn" onClick={onClose}>
          Cancel
        </button>
        <button
          type="button"
          className="btn btn--primary"
          disabled={chosen.length === 0 || busy}
          onClick={async () => {
            setBusy(true);
            const ok = await onStart(chosen);
            setBusy(false);
            if (ok) onClose();
          }}
        >
          {chosen.length > 1 ? `Start a Ping with ${chosen.length} people` : "Start Ping"}
        </button>
      </div>
    </Dialog>
  );
}

/** "99+" past 99: a badge stays small. */
function shortCount(n: number): string {
  return n > 99 ? "99+" : String(n);
}

/** What a screen reader hears after a room's name: " (3 unread, 1 mention)". */
function unreadWords(room: Room): string {
  if (!room.unread) return "";
  if (room.unread_count === 0) return " (unread)";
  const mentions = room.mention_count > 0 ? `, ${room.mention_count} ${room.mention_count === 1 ? "mention" : "mentions"}` : "";
  return ` (${room.unread_count} unread${mentions})`;
}

/** X7: a shared room's unread messages, with mentions of me apart; a dot when not counted. */
function UnreadBadges({ room }: { room: Room }) {
  if (!room.unread) return null;
  return (
    <>
      {room.mention_count > 0 ? (
        <span className="count count--mention" aria-hidden="true" title={`${room.mention_count} mentioning you`}>
          @{shortCount(room.mention_count)}
        </span>
      ) : null}
      {room.unread_count > 0 ? (
        <span className="count" aria-hidden="true">
          {shortCount(room.unread_count)}
        </span>
      ) : (
        <span className="dot" aria-hidden="true" />
      )}
      <span className="visually-hidden">{unreadWords(room)}</span>
    </>
  );
}
