// Search (S1, S2). While the server says features.search is off, a polite
// "coming" state. The endpoint is not in docs/api.md yet: this screen expects
// GET /api/search?q= → { messages: Message[] } (see the report to the server side).
import { useEffect, useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router";
import { errorMessage, request } from "../api/client";
import type { Message } from "../api/types";
import { formatDateTime, roomTitle } from "../lib/format";
import { useAppState } from "../state/store";
import { Avatar, Empty, ErrorNote, Loading, Panel } from "./common";
import { SearchIcon } from "./icons";

const RECENT_KEY = "campfire:recent-searches";

function loadRecent(): string[] {
  try {
    const v = JSON.parse(localStorage.getItem(RECENT_KEY) ?? "[]");
    return Array.isArray(v) ? v.filter((x) => typeof x === "string").slice(0, 10) : [];
  } catch {
    return [];
  }
}

function saveRecent(list: string[]) {
  try {
    localStorage.setItem(RECENT_KEY, JSON.stringify(list.slice(0, 10)));
  } catch {
    // Private mode.
  }
}

export function SearchScreen() {
  const features = useAppState((s) => s.features);
  if (!features.search) {
    return (
      <Panel title="Search">
        <Empty title="Search is coming">
          <p>Searching messages isn't switched on for this server yet. Until then, permalinks and your browser's find (Ctrl+F) on a room can help.</p>
          <p>
            <Link to="/">Back to your rooms</Link>
          </p>
        </Empty>
      </Panel>
    );
  }
  return <SearchEnabled />;
}

function SearchEnabled() {
  const [params, setParams] = useSearchParams();
  const q = params.get("q") ?? "";
  const [input, setInput] = useState(q);
  const [recent, setRecent] = useState<string[]>(loadRecent);
  const [results, setResults] = useState<Message[] | null>(null);
  const [error, setError] = useState("");
  const [loading, setLoading] = useState(false);
  const rooms = useAppState((s) => s.rooms);
  const users = useAppState((s) => s.users);
  const me = useAppState((s) => s.me);

  useEffect(() => {
    setInput(q);
    if (!q.trim()) {
      setResults(null);
      return;
    }
    let live = true;
    setLoading(true);
    setError("");
    request<{ messages: Message[] }>("GET", `/api/search?q=${encodeURIComponent(q)}`)
      .then((r) => live && setResults(r.messages))
      .catch((e) => live && setError(errorMessage(e)))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [q]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const v = input.trim();
    if (!v) return;
    const next = [v, ...recent.filter((r) => r !== v)].slice(0, 10);
    setRecent(next);
    saveRecent(next);
    setParams({ q: v });
  };

  return (
    <Panel title="Search" wide>
      <form className="search-form" role="search" onSubmit={submit}>
        <label htmlFor="search-q">Search messages</label>
        <div className="search-form__row">
          <input id="search-q" type="search" value={input} onChange={(e) => setInput(e.target.value)} autoFocus />
          <button type="submit" className="btn btn--primary">
            <SearchIcon size={18} /> Search
          </button>
        </div>
      </form>
      {recent.length ? (
        <div className="chips" aria-label="Recent searches" role="group">
          {recent.map((r) => (
            <button key={r} type="button" className="chip" onClick={() => setParams({ q: r })}>
              {r}
            </button>
          ))}
          <button
            type="button"
            className="chip chip--clear"
            onClick={() => {
              setRecent([]);
              saveRecent([]);
            }}
          >
            Clear
          </button>
        </div>
      ) : null}
      {loading ? <Loading label="Searching…" /> : null}
      <ErrorNote>{error}</ErrorNote>
      {results && !loading ? (
        <>
          <p className="muted" role="status">
            {results.length === 1 ? "1 message" : `${results.length} messages`} for “{q}”
          </p>
          <ul className="search-results">
            {results.map((m) => (
              <li key={m.id} className="search-result">
                <Avatar user={users[m.author_id]} size={28} />
                <div>
                  <div className="search-result__meta">
                    <strong>{users[m.author_id]?.name ?? "Someone"}</strong>
                    <span className="muted">in {rooms[m.room_id] ? roomTitle(rooms[m.room_id], users, me?.id) : "a room"}</span>
                    <Link to={m.url}>{formatDateTime(new Date(m.created_at))}</Link>
                  </div>
                  <p className="search-result__text" dir="auto">
                    {m.body_plain}
                  </p>
                </div>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </Panel>
  );
}
