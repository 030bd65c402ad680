// Search (S1, S2): GET /api/search for results with highlighted excerpts, filters by
// room, author and date kept in the URL (so the back button and links work), and the
// server-side recent searches (GET/POST/DELETE /api/searches). While the server says
// features.search is off, a polite "not enabled" state.
import { useEffect, useMemo, useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router";
import { errorMessage, request } from "../api/client";
import type { RecentSearches, SearchResults } from "../api/types";
import { roomTitle } from "../lib/format";
import { useAppState } from "../state/store";
import { Empty, ErrorNote, Loading, Panel } from "./common";
import { SearchIcon } from "./icons";
import { MessageRow } from "./messageRow";

const FILTERS = ["room", "author", "from", "to"] as const;

export function SearchScreen() {
  const features = useAppState((s) => s.features);
  if (!features.search) {
    return (
      <Panel title="Search">
        <Empty title="Search is not enabled on this server">
          <p>An administrator can switch it on. Until then, permalinks and your browser's find (Ctrl+F) on a room can help.</p>
          <p>
            <Link to="/">Back to your rooms</Link>
          </p>
        </Empty>
      </Panel>
    );
  }
  return <SearchEnabled />;
}

/** The API path for the search the URL describes. */
export function searchPath(params: URLSearchParams, limit = PAGE): string {
  const out = new URLSearchParams();
  out.set("q", params.get("q") ?? "");
  for (const f of FILTERS) {
    const v = params.get(f);
    if (v) out.set(f, v);
  }
  if (limit !== PAGE) out.set("limit", String(limit));
  return `/api/search?${out.toString()}`;
}

/** Results shown at first, and the most the server gives (its 100, less the one that says
 * whether there are more). */
const PAGE = 50;
const MOST = 99;

function SearchEnabled() {
  const [params, setParams] = useSearchParams();
  const q = params.get("q") ?? "";
  const [input, setInput] = useState(q);
  const [recent, setRecent] = useState<string[]>([]);
  const [answer, setAnswer] = useState<SearchResults | null>(null);
  const [error, setError] = useState("");
  const [loading, setLoading] = useState(false);
  const rooms = useAppState((s) => s.rooms);
  const users = useAppState((s) => s.users);
  const me = useAppState((s) => s.me);
  const [limit, setLimit] = useState(PAGE);
  const path = searchPath(params, limit);
  const showFilters = FILTERS.some((f) => params.get(f));
  const [filtersOpen, setFiltersOpen] = useState(showFilters);

  const roomOptions = useMemo(
    () =>
      Object.values(rooms)
        .map((r) => ({ id: r.id, title: roomTitle(r, users, me?.id) }))
        .sort((a, b) => a.title.localeCompare(b.title)),
    [rooms, users, me?.id],
  );
  const people = useMemo(() => Object.values(users).sort((a, b) => a.name.localeCompare(b.name)), [users]);

  useEffect(() => {
    request<RecentSearches>("GET", "/api/searches")
      .then((r) => setRecent(r.searches))
      .catch(() => setRecent([]));
  }, []);

  // The box follows the URL (back button, a recent search), but only when the query changes:
  // a filter changed after typing must not throw the typed text away (S1).
  useEffect(() => {
    setInput(q);
    setLimit(PAGE);
  }, [q]);

  useEffect(() => {
    if (!q.trim()) {
      setAnswer(null);
      return;
    }
    let live = true;
    setLoading(true);
    setError("");
    request<SearchResults>("GET", path)
      .then((r) => live && setAnswer(r))
      .catch((e) => live && setError(errorMessage(e)))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [q, path]);

  const go = (query: string, filters: Partial<Record<(typeof FILTERS)[number], string>> = {}) => {
    const next = new URLSearchParams({ q: query });
    for (const f of FILTERS) {
      const v = f in filters ? filters[f] : params.get(f);
      if (v) next.set(f, v);
    }
    setParams(next);
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const v = input.trim();
    if (!v) return;
    go(v);
    request<RecentSearches>("POST", "/api/searches", { query: v })
      .then((r) => setRecent(r.searches))
      .catch(() => undefined);
  };

  const clearRecent = () => {
    request("DELETE", "/api/searches")
      .then(() => setRecent([]))
      .catch((e) => setError(errorMessage(e)));
  };

  // A filter applies to what is in the box, typed or not.
  const setFilter = (name: (typeof FILTERS)[number], value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    const typed = input.trim();
    if (typed) next.set("q", typed);
    setParams(next, { replace: true });
  };

  const results = answer?.results ?? [];
  return (
    <Panel title="Search" wide>
      <form className="search-form" role="search" onSubmit={submit}>
        <label htmlFor="search-q">Search messages</label>
        <div className="search-form__row">
          <input id="search-q" type="search" value={input} onChange={(e) => setInput(e.target.value)} placeholder="Words to find" maxLength={10240} autoFocus />
          <button type="submit" className="btn btn--primary" disabled={!input.trim()}>
            <SearchIcon size={18} /> Search
          </button>
        </div>
        <button
          type="button"
          className="btn btn--small search-form__toggle"
          aria-expanded={filtersOpen}
          aria-controls="search-filters"
          onClick={() => setFiltersOpen(!filtersOpen)}
        >
          {filtersOpen ? "Hide filters" : "Filters"}
        </button>
        {filtersOpen ? (
          <div id="search-filters" className="search-filters">
            <label>
              Room
              <select value={params.get("room") ?? ""} onChange={(e) => setFilter("room", e.target.value)}>
                <option value="">Any room</option>
                {roomOptions.map((r) => (
                  <option key={r.id} value={r.id}>
                    {r.title}
                  </option>
                ))}
              </select>
            </label>
            <label>
              From
              <select value={params.get("author") ?? ""} onChange={(e) => setFilter("author", e.target.value)}>
                <option value="">Anyone</option>
                {people.map((u) => (
                  <option key={u.id} value={u.id}>
                    {u.name}
                  </option>
                ))}
              </select>
            </label>
            <label>
              On or after
              <input type="date" value={params.get("from") ?? ""} onChange={(e) => setFilter("from", e.target.value)} />
            </label>
            <label>
              On or before
              <input type="date" value={params.get("to") ?? ""} onChange={(e) => setFilter("to", e.target.value)} />
            </label>
          </div>
        ) : null}
      </form>
      {recent.length ? (
        <div className="chips" aria-label="Recent searches" role="group">
          {recent.map((r) => (
            <button key={r} type="button" className="chip" title={r} onClick={() => go(r)}>
              {r}
            </button>
          ))}
          <button type="button" className="chip chip--clear" onClick={clearRecent}>
            Clear
          </button>
        </div>
      ) : null}
      {loading ? <Loading label="Searching…" /> : null}
      <ErrorNote>{error}</ErrorNote>
      {answer && !loading ? (
        <>
          <p className="muted search-count" role="status">
            {results.length === 1 && !answer.more ? "1 message" : `${results.length}${answer.more ? "+" : ""} messages`} for “{answer.query}”
          </p>
          {answer.complete ? null : <p className="notice">Search is still catching up with the newest messages; some may be missing for a moment.</p>}
          {results.length === 0 ? (
            <Empty title="No messages match">
              <p>Try other words{showFilters ? " or fewer filters" : ""}. Every word you type must appear in a message.</p>
            </Empty>
          ) : (
            <ul className="search-results">
              {results.map(({ message: m, excerpt }) => (
                <MessageRow key={m.id} message={m} text={excerpt.map((f, i) => (f.matched ? <mark key={i}>{f.text}</mark> : <span key={i}>{f.text}</span>))} />
              ))}
            </ul>
          )}
          {answer.more && limit < MOST ? (
            <button type="button" className="btn" onClick={() => setLimit(MOST)}>
              Show more
            </button>
          ) : answer.more ? (
            <p className="muted">Only the first {results.length} are shown. A filter (a room, a person, dates) narrows the search.</p>
          ) : null}
        </>
      ) : null}
    </Panel>
  );
}
