// X7: the quick switcher (Ctrl/Cmd+K): type part of a room's or a person's name, pick with the
// arrow keys, Enter to go there. A person without a Ping gets one started. The choices come from
// `state/navigation`; this is the dialog and its keyboard.
import { useId, useMemo, useState } from "react";
import { useNavigate } from "react-router";
import { api, errorMessage } from "../api/client";
import { switcherChoices, type SwitcherChoice } from "../state/navigation";
import { store, useAppState } from "../state/store";
import { Dialog } from "./common";

export function QuickSwitcher({ open, onClose }: { open: boolean; onClose: () => void }) {
  return (
    <Dialog open={open} onClose={onClose} title="Jump to a room or person" className="switcher">
      <SwitcherBody onClose={onClose} />
    </Dialog>
  );
}

function SwitcherBody({ onClose }: { onClose: () => void }) {
  const rooms = useAppState((s) => s.rooms);
  const users = useAppState((s) => s.users);
  const me = useAppState((s) => s.me);
  const navigate = useNavigate();
  const [query, setQuery] = useState("");
  const [active, setActive] = useState(0);
  const [error, setError] = useState("");
  const listId = useId();
  const choices = useMemo(() => switcherChoices(query, rooms, users, me?.id), [query, rooms, users, me?.id]);
  const current = Math.min(active, Math.max(choices.length - 1, 0));

  const choose = async (c: SwitcherChoice | undefined) => {
    if (!c) return;
    if (c.kind === "room") {
      onClose();
      navigate(`/rooms/${c.id}`);
      return;
    }
    try {
      const { room } = await api.directRoom([c.userId]);
      store.dispatch({ type: "roomUpsert", room });
      onClose();
      navigate(`/rooms/${room.id}`);
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  const optionId = (i: number) => `${listId}-${i}`;
  return (
    <div className="switcher__body">
      <input
        className="switcher__input"
        type="text"
        role="combobox"
        aria-label="Room or person"
        aria-expanded={choices.length > 0}
        aria-controls={listId}
        aria-activedescendant={choices.length ? optionId(current) : undefined}
        aria-autocomplete="list"
        placeholder="Room or person"
        autoComplete="off"
        autoFocus
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
          setError("");
        }}
        onKeyDown={(e) => {
          if (e.key === "ArrowDown" || e.key === "ArrowUp") {
            e.preventDefault();
            if (!choices.length) return;
            const delta = e.key === "ArrowDown" ? 1 : -1;
            setActive((current + delta + choices.length) % choices.length);
          } else if (e.key === "Enter") {
            e.preventDefault();
            void choose(choices[current]);
          }
        }}
      />
      {choices.length ? (
        <ul id={listId} className="switcher__list" role="listbox" aria-label="Rooms and people">
          {choices.map((c, i) => (
            <li
              key={c.kind === "room" ? `r${c.id}` : `u${c.userId}`}
              id={optionId(i)}
              role="option"
              aria-selected={i === current}
              className={`switcher__option ${i === current ? "switcher__option--active" : ""} ${c.kind === "room" && c.unread ? "switcher__option--unread" : ""}`}
              onMouseMove={() => i !== current && setActive(i)}
              onClick={() => void choose(c)}
            >
              <span className="switcher__kind" aria-hidden="true">
                {c.kind === "person" ? "+" : c.direct ? "@" : "#"}
              </span>
              <span className="switcher__title">{c.title}</span>
              <span className="switcher__note">{c.kind === "person" ? "Start a Ping" : c.unread ? "unread" : ""}</span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="switcher__empty">No room or person called “{query.trim()}”.</p>
      )}
      {error ? (
        <p className="error-note" role="alert">
          {error}
        </p>
      ) : null}
      <p className="switcher__hint">
        <kbd>↑</kbd> <kbd>↓</kbd> to choose, <kbd>Enter</kbd> to go, <kbd>Esc</kbd> to close. Anywhere: <kbd>Alt</kbd>+<kbd>↑</kbd>/<kbd>↓</kbd> for the room
        above or below, <kbd>Alt</kbd>+<kbd>Shift</kbd>+<kbd>↓</kbd> for the next unread one.
      </p>
    </div>
  );
}
