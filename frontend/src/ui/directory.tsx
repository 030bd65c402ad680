// X7: every open room, including the ones I hid (R3's "invisible"), with what each is for; a
// hidden room can be shown again (and a shown one hidden) from here. It follows the live room
// list, so a change on another device shows at once.
import { useEffect, useState } from "react";
import { Link } from "react-router";
import { api, errorMessage } from "../api/client";
import type { Room } from "../api/types";
import { store, useAppState } from "../state/store";
import { Empty, ErrorNote, Loading, Panel } from "./common";

export function DirectoryScreen() {
  const rooms = useAppState((s) => s.rooms);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState("");

  useEffect(() => {
    let live = true;
    api
      .directory()
      .then((d) => {
        if (!live) return;
        for (const room of d.rooms) store.dispatch({ type: "roomUpsert", room });
        setLoaded(true);
      })
      .catch((e) => live && setError(errorMessage(e)));
    return () => {
      live = false;
    };
  }, []);

  const open = Object.values(rooms)
    .filter((r) => r.kind === "open")
    .sort((a, b) => (a.name ?? "").localeCompare(b.name ?? "", undefined, { sensitivity: "base" }));
  const hidden = open.filter((r) => r.involvement === "invisible").length;

  return (
    <Panel title="All rooms">
      <p className="muted">
        Every open room.{" "}
        {hidden ? `${hidden === 1 ? "One is" : `${hidden} are`} hidden from your room list; show it again here.` : "None are hidden from your room list."}
      </p>
      <ErrorNote>{error}</ErrorNote>
      {!loaded && !error ? (
        <Loading label="Loading the rooms…" />
      ) : open.length === 0 ? (
        <Empty title="No open rooms yet">
          <p>Open rooms are the ones everyone is in. Create one with the + beside Rooms.</p>
        </Empty>
      ) : (
        <ul className="directory">
          {open.map((r) => (
            <DirectoryRow key={r.id} room={r} />
          ))}
        </ul>
      )}
    </Panel>
  );
}

function DirectoryRow({ room }: { room: Room }) {
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const hidden = room.involvement === "invisible";
  const toggle = async () => {
    setError("");
    setBusy(true);
    try {
      const r = await api.setInvolvement(room.id, hidden ? "mentions" : "invisible");
      store.dispatch({ type: "involvementSet", roomId: room.id, involvement: r.room.involvement });
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <li className={`directory__room ${hidden ? "directory__room--hidden" : ""}`}>
      <div className="directory__text">
        <Link to={`/rooms/${room.id}`} className="directory__name" dir="auto">
          {room.name}
        </Link>
        {hidden ? <span className="directory__badge">Hidden</span> : null}
        {room.topic ? (
          <p className="directory__topic muted" dir="auto">
            {room.topic}
          </p>
        ) : null}
        <ErrorNote>{error}</ErrorNote>
      </div>
      <button
        type="button"
        className="btn btn--small"
        disabled={busy}
        onClick={() => void toggle()}
        aria-label={`${hidden ? "Show" : "Hide"} ${room.name} ${hidden ? "in" : "from"} my rooms`}
      >
        {hidden ? "Show in my rooms" : "Hide"}
      </button>
    </li>
  );
}
