// Room create and edit (R1, R6): name, the "Everyone" switch, chosen people, delete.
// For a direct room: its participants and delete.
import { useEffect, useMemo, useState, type FormEvent } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { api, errorMessage } from "../api/client";
import type { Room, User } from "../api/types";
import { roomTitle } from "../lib/format";
import { store, useAppState } from "../state/store";
import { Avatar, Empty, ErrorNote, Field, Loading, Panel, Switch, useConfirm } from "./common";
import { NotFound } from "./Shell";

export function RoomForm() {
  const { id } = useParams();
  const editingId = id ? Number(id) : null;
  const room = useAppState((s) => (editingId ? s.rooms[editingId] : undefined));
  const [missing, setMissing] = useState(false);

  useEffect(() => {
    if (!editingId || store.getState().rooms[editingId]) return;
    api
      .room(editingId)
      .then((r) => store.dispatch({ type: "roomUpsert", room: r.room }))
      .catch(() => setMissing(true));
  }, [editingId]);

  if (editingId === null) return <SharedRoomForm room={null} />;
  if (!Number.isFinite(editingId) || missing) return <NotFound what="room" />;
  if (!room) return <Loading label="Loading the room…" />;
  if (room.kind === "direct") return <DirectRoomSettings room={room} />;
  return <SharedRoomForm key={room.id} room={room} />;
}

function SharedRoomForm({ room }: { room: Room | null }) {
  const me = useAppState((s) => s.me) as User;
  const users = useAppState((s) => s.users);
  const account = useAppState((s) => s.account);
  const navigate = useNavigate();
  const [name, setName] = useState(room?.name ?? "");
  const [everyone, setEveryone] = useState(room ? room.kind === "open" : true);
  const [chosen, setChosen] = useState<number[]>(() => (room ? room.member_ids : [me.id]));
  const [initialChosen] = useState<number[]>(() => (room ? room.member_ids : [me.id]));
  const [filter, setFilter] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const [confirm, confirmDialog] = useConfirm();

  const isAdmin = me.role === "administrator";
  const mayEdit = room ? isAdmin || room.creator_id === me.id : isAdmin || !account?.only_admins_create_rooms;

  const people = useMemo(() => {
    const q = filter.trim().toLowerCase();
    return Object.values(users)
      .filter((u) => u.active && (!q || u.name.toLowerCase().includes(q)))
      .sort((a, b) => {
        // Chosen first (as they were when the page opened, so rows don't jump while toggling).
        const ca = Number(initialChosen.includes(a.id));
        const cb = Number(initialChosen.includes(b.id));
        return cb - ca || a.name.localeCompare(b.name);
      });
  }, [users, filter, initialChosen]);

  if (!mayEdit) {
    if (!room) {
      return (
        <Panel title="New room">
          <Empty title="Only administrators can create rooms here">
            <p>Ask an administrator to create the room for you.</p>
          </Empty>
        </Panel>
      );
    }
    return (
      <Panel title={room.name ?? "Room"} back={`/rooms/${room.id}`}>
        <TopicForm room={room} />
        <p className="muted">Only the person who created this room and administrators can change its name and people.</p>
        <h2 className="section-title">{room.kind === "open" ? "Everyone is in this room" : `${room.member_ids.length} people in this room`}</h2>
        {room.kind === "closed" ? <PeopleList ids={room.member_ids} users={users} /> : null}
        <LeaveRoom room={room} />
      </Panel>
    );
  }

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError("");
    if (!name.trim()) {
      setError("Give the room a name.");
      return;
    }
    setBusy(true);
    const member_ids = everyone ? undefined : Array.from(new Set([...chosen, ...(room ? [] : [me.id])]));
    try {
      if (room) {
        const r = await api.updateRoom(room.id, { name: name.trim(), kind: everyone ? "open" : "closed", member_ids });
        store.dispatch({ type: "roomUpsert", room: { ...r.room, unread: room.unread, involvement: room.involvement } });
        navigate(`/rooms/${room.id}`);
      } else {
        const r = await api.createRoom({ name: name.trim(), kind: everyone ? "open" : "closed", member_ids });
        store.dispatch({ type: "roomUpsert", room: r.room });
        navigate(`/rooms/${r.room.id}`);
      }
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };

  const remove = async () => {
    if (!room) return;
    const ok = await confirm({
      title: `Delete ${room.name}?`,
      body: "The room and all of its messages are deleted for everyone. This can't be undone.",
      confirm: "Delete room",
      danger: true,
    });
    if (!ok) return;
    try {
      await api.deleteRoom(room.id);
      store.dispatch({ type: "roomRemoved", roomId: room.id });
      navigate("/", { replace: true });
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  return (
    <Panel title={room ? "Room settings" : "New room"} back={room ? `/rooms/${room.id}` : "/"}>
      <form className="form" onSubmit={submit}>
        <Field label="Room name" value={name} onChange={(e) => setName(e.target.value)} maxLength={100} required autoFocus={!room} />
        <Switch
          label="Everyone"
          checked={everyone}
          onChange={setEveryone}
          description={everyone ? "Everyone here is in this room, including people who join later." : "Only the people you choose below."}
        />
        {!everyone ? (
          <fieldset className="people-fieldset">
            <legend>People in this room</legend>
            <div className="field">
              <label htmlFor="people-filter">Filter people</label>
              <input id="people-filter" type="search" value={filter} onChange={(e) => setFilter(e.target.value)} autoComplete="off" />
            </div>
            <ul className="people-switches">
              {people.length === 0 ? <li className="muted">Nobody matches “{filter}”.</li> : null}
              {people.map((u) => (
                <li key={u.id}>
                  <Switch
                    label={u.id === me.id ? `${u.name} (you)` : u.name}
                    checked={chosen.includes(u.id)}
                    disabled={!room && u.id === me.id}
                    onChange={(v) => setChosen((c) => (v ? [...c, u.id] : c.filter((x) => x !== u.id)))}
                  >
                    <Avatar user={u} size={24} />
                  </Switch>
                </li>
              ))}
            </ul>
          </fieldset>
        ) : null}
        <ErrorNote>{error}</ErrorNote>
        <div className="form__actions">
          <button type="submit" className="btn btn--primary" disabled={busy}>
            {room ? "Save changes" : "Create room"}
          </button>
          <Link to={room ? `/rooms/${room.id}` : "/"} className="btn">
            Cancel
          </Link>
        </div>
      </form>
      {room ? <TopicForm room={room} /> : null}
      {room ? <LeaveRoom room={room} /> : null}
      {room ? (
        <section className="danger-zone" aria-labelledby="danger-title">
          <h2 id="danger-title" className="section-title">
            Delete this room
          </h2>
          <p className="muted">Deletes the room and every message in it.</p>
          <button type="button" className="btn btn--danger" onClick={remove}>
            Delete room…
          </button>
        </section>
      ) : null}
      {confirmDialog}
    </Panel>
  );
}

/** X7: what the room is for, one line under its name; anyone in the room keeps it current. */
function TopicForm({ room }: { room: Room }) {
  const [topic, setTopic] = useState(room.topic ?? "");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError("");
    setSaved(false);
    setBusy(true);
    try {
      const r = await api.setTopic(room.id, topic);
      store.dispatch({ type: "roomUpsert", room: r.room });
      setTopic(r.room.topic ?? "");
      setSaved(true);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="settings-section" aria-labelledby="topic-title">
      <h2 id="topic-title" className="section-title">
        Topic
      </h2>
      <form className="form" onSubmit={submit}>
        <Field
          label="What this room is for"
          value={topic}
          onChange={(e) => {
            setTopic(e.target.value);
            setSaved(false);
          }}
          maxLength={250}
          placeholder="Say what belongs here; leave it empty for no topic"
        />
        <ErrorNote>{error}</ErrorNote>
        <div className="form__actions">
          <button type="submit" className="btn" disabled={busy || topic.trim() === (room.topic ?? "")}>
            {topic.trim() ? "Save topic" : "Clear topic"}
          </button>
          {saved ? (
            <span className="muted" role="status">
              Saved.
            </span>
          ) : null}
        </div>
      </form>
    </section>
  );
}

/** X7: a closed room can be left (an open one is hidden instead, with the bell). */
function LeaveRoom({ room }: { room: Room }) {
  const navigate = useNavigate();
  const [confirm, confirmDialog] = useConfirm();
  const [error, setError] = useState("");
  if (room.kind !== "closed") return null;
  const leave = async () => {
    const ok = await confirm({
      title: `Leave ${room.name}?`,
      body: "It disappears from your rooms on every device. Someone in the room can add you back.",
      confirm: "Leave room",
      danger: true,
    });
    if (!ok) return;
    try {
      await api.leaveRoom(room.id);
      store.dispatch({ type: "roomRemoved", roomId: room.id });
      navigate("/", { replace: true });
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <section className="settings-section" aria-labelledby="leave-title">
      <h2 id="leave-title" className="section-title">
        Leave this room
      </h2>
      <p className="muted">You stop seeing it and its messages.</p>
      <ErrorNote>{error}</ErrorNote>
      <button type="button" className="btn" onClick={() => void leave()}>
        Leave room…
      </button>
      {confirmDialog}
    </section>
  );
}

function PeopleList({ ids, users }: { ids: number[]; users: Record<number, User> }) {
  return (
    <ul className="people-list">
      {ids.map((id) => (
        <li key={id}>
          <Link to={`/users/${id}`} className="people-list__row">
            <Avatar user={users[id]} size={28} />
            <span>{users[id]?.name ?? "Someone"}</span>
          </Link>
        </li>
      ))}
    </ul>
  );
}

function DirectRoomSettings({ room }: { room: Room }) {
  const users = useAppState((s) => s.users);
  const me = useAppState((s) => s.me);
  const navigate = useNavigate();
  const [confirm, confirmDialog] = useConfirm();
  const [error, setError] = useState("");
  const title = roomTitle(room, users, me?.id);
  const remove = async () => {
    const ok = await confirm({
      title: "Delete this Ping?",
      body: `The conversation with ${title} and all of its messages are deleted for everyone in it.`,
      confirm: "Delete Ping",
      danger: true,
    });
    if (!ok) return;
    try {
      await api.deleteRoom(room.id);
      store.dispatch({ type: "roomRemoved", roomId: room.id });
      navigate("/", { replace: true });
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <Panel title={`Ping with ${title}`} back={`/rooms/${room.id}`}>
      <h2 className="section-title">People in this Ping</h2>
      <PeopleList ids={room.member_ids} users={users} />
      <ErrorNote>{error}</ErrorNote>
      <section className="danger-zone" aria-labelledby="danger-title">
        <h2 id="danger-title" className="section-title">
          Delete this Ping
        </h2>
        <button type="button" className="btn btn--danger" onClick={remove}>
          Delete Ping…
        </button>
      </section>
      {confirmDialog}
    </Panel>
  );
}
