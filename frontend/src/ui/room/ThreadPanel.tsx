// X7: a thread beside its room (below the room's header on a phone): the first message, its
// replies oldest first, and a composer that replies in it. Closing it (or Back) returns to the
// room alone; replies arrive live through the same events as the room's messages.
import { lazy, Suspense, useEffect, useLayoutEffect, useRef, useState } from "react";
import { ApiError, errorMessage } from "../../api/client";
import type { Message, Room } from "../../api/types";
import { loadThread } from "../../app/messaging";
import { GROUP_GAP_MS } from "../../state/messages";
import { useAppState } from "../../state/store";
import { CloseIcon } from "../icons";
import { MessageErrorBoundary, MessageItem } from "./Message";
import type { ComposerHandle } from "./Composer";

const Composer = lazy(() => import("./Composer").then((m) => ({ default: m.Composer })));

type Props = {
  room: Room;
  title: string;
  /** The thread's first message (or one of its replies: the thread it is in opens). */
  rootId: number;
  onClose: () => void;
};

export function ThreadPanel({ room, title, rootId, onClose }: Props) {
  const [resolved, setResolved] = useState(rootId);
  const thread = useAppState((s) => s.threads[resolved]);
  const me = useAppState((s) => s.me);
  const [error, setError] = useState("");
  const [gone, setGone] = useState(false);
  const [loadingMore, setLoadingMore] = useState(false);
  const [editing, setEditing] = useState<number | null>(null);
  const composer = useRef<ComposerHandle>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);

  useEffect(() => {
    let live = true;
    setError("");
    setGone(false);
    loadThread(rootId)
      .then((root) => live && setResolved(root))
      .catch((e: unknown) => {
        if (!live) return;
        if (e instanceof ApiError && e.status === 404) setGone(true);
        else setError(errorMessage(e));
      });
    return () => {
      live = false;
    };
  }, [rootId]);

  const root = thread?.messages[0]?.id === resolved ? thread.messages[0] : undefined;
  const replies = root && thread ? thread.messages.slice(1) : [];
  // Deleted while open: its first message went (its replies with it).
  const deleted = gone || (thread?.loaded && !root);

  // New replies keep the thread at its end, unless I scrolled up to read.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (el && atBottom.current) el.scrollTop = el.scrollHeight;
  }, [replies.length]);

  const editLast = (): boolean => {
    const mine = replies.filter((m) => m.author_id === me?.id && !m.play);
    const last = mine[mine.length - 1];
    if (!last) return false;
    setEditing(last.id);
    return true;
  };

  const showLater = async () => {
    const last = thread?.messages[thread.messages.length - 1];
    if (!last) return;
    setLoadingMore(true);
    try {
      await loadThread(resolved, last.id);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setLoadingMore(false);
    }
  };

  const item = (m: Message, header: boolean) => (
    <MessageErrorBoundary key={m.id} dataKey={`t${m.id}`}>
      <MessageItem
        dataKey={`t${m.id}`}
        message={m}
        header={header}
        highlighted={false}
        editing={editing === m.id}
        onEdit={setEditing}
        onEditDone={() => {
          setEditing(null);
          composer.current?.focus();
        }}
        onReply={(quoted) => composer.current?.reply(quoted)}
      />
    </MessageErrorBoundary>
  );

  return (
    <aside
      className="thread"
      aria-labelledby="thread-title"
      // Files dropped on the thread are replies in it, not the room's (M9).
      onDragOver={(e) => {
        if (![...e.dataTransfer.types].includes("Files")) return;
        e.preventDefault();
        e.stopPropagation();
        e.dataTransfer.dropEffect = "copy";
      }}
      onDrop={(e) => {
        const files = [...e.dataTransfer.files];
        if (!files.length) return;
        e.preventDefault();
        e.stopPropagation();
        composer.current?.attach(files);
      }}
      onKeyDown={(e) => {
        // Escape leaves the thread, unless something inside (a menu, a suggestion list, a dialog)
        // took it first.
        if (e.key !== "Escape" || e.defaultPrevented || (e.target as HTMLElement).closest("dialog")) return;
        e.preventDefault();
        onClose();
      }}
    >
      <header className="thread__header">
        <h2 id="thread-title" className="thread__title">
          Thread <span className="thread__room">in {title}</span>
        </h2>
        <button type="button" className="icon-btn" aria-label="Close the thread" title="Close the thread (Esc)" onClick={onClose}>
          <CloseIcon />
        </button>
      </header>
      <div
        className="thread__messages"
        ref={scroller}
        tabIndex={0}
        role="region"
        aria-label="The thread's messages"
        onScroll={(e) => {
          const el = e.currentTarget;
          atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 48;
        }}
      >
        {deleted ? (
          <p className="thread__note">This thread was deleted, with its first message.</p>
        ) : error ? (
          <div className="messages__error" role="alert">
            {error}{" "}
            <button
              type="button"
              className="btn btn--small"
              onClick={() => void loadThread(rootId).then(setResolved, (e: unknown) => setError(errorMessage(e)))}
            >
              Try again
            </button>
          </div>
        ) : !root ? (
          <p className="thread__note" aria-busy="true">
            Loading the thread…
          </p>
        ) : (
          <ol className="messages__list">
            {item(root, true)}
            <li className="thread__count" aria-live="polite">
              <span>{replies.length === 0 ? "No replies yet" : replies.length === 1 ? "1 reply" : `${replies.length} replies`}</span>
            </li>
            {replies.map((m, i) => {
              const before = i === 0 ? null : replies[i - 1];
              const header = !before || before.author_id !== m.author_id || Date.parse(m.created_at) - Date.parse(before.created_at) > GROUP_GAP_MS;
              return item(m, header);
            })}
          </ol>
        )}
        {thread?.hasAfter && !deleted ? (
          <button type="button" className="btn btn--small thread__more" disabled={loadingMore} onClick={() => void showLater()}>
            {loadingMore ? "Loading…" : "Show later replies"}
          </button>
        ) : null}
      </div>
      {root && !deleted ? (
        <Suspense fallback={<div className="composer composer--loading" aria-busy="true" />}>
          <Composer ref={composer} room={room} title={title} thread={root} onEditLast={editLast} focusNow />
        </Suspense>
      ) : null}
    </aside>
  );
}
