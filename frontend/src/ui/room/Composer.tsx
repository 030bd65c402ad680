// The composer (M1, M5, M7, M8): TipTap rich text, Enter sends, Shift+Enter
// starts a new line (a paragraph, where Markdown-style shortcuts work), @ completes room members into chips, "/play " completes sound
// names, Up in an empty composer edits my last message, typing is announced.
import { coarsePointer } from "../../lib/pointer";
import { forwardRef, useEffect, useId, useImperativeHandle, useRef, useState, type FormEvent } from "react";
import { Link } from "react-router";
import { EditorContent, Extension, useEditor, useEditorState, type Editor } from "@tiptap/react";
import Suggestion from "@tiptap/suggestion";
import { PluginKey, TextSelection } from "@tiptap/pm/state";
import { api, errorMessage } from "../../api/client";
import type { Message, Room, User } from "../../api/types";
import { sendTyping } from "../../app/controller";
import { sendMessage, sendReply } from "../../app/messaging";
import { refuseBeforeUpload, uploadFile, type UploadHandle } from "../../app/uploads";
import { formatBytes } from "../../lib/format";
import { uuid } from "../../lib/uuid";
import { findSound, matchSounds, type Sound } from "../../lib/sounds";
import { store, useAppState } from "../../state/store";
import { Avatar, Dialog } from "../common";
import {
  AttachIcon,
  BoldIcon,
  CloseIcon,
  CodeIcon,
  FormatIcon,
  HeadingIcon,
  ItalicIcon,
  LinkIcon,
  ListIcon,
  QuoteIcon,
  SearchIcon,
  SendIcon,
  StrikeIcon,
} from "../icons";
import { baseExtensions, editorHtml, editorText, isBlank, mentionExtension } from "./editor";

export type ComposerHandle = { focus(): void; reply(m: Message): void; attach(files: File[]): void };

/** A file chosen to send (M9): waiting for Send, uploading, or refused. */
type Staged = { key: string; file: File; progress: number | null; error: string | null; handle: UploadHandle | null };

type PopupItem = { key: string; label: string; detail?: string; user?: User; sound?: Sound; attrs: unknown };
type Popup = { kind: "mention" | "play"; items: PopupItem[]; index: number; command: (attrs: unknown) => void } | null;

/** Unsent drafts by room, kept while the app is open; a thread's under the negative of its first message's id. */
const drafts = new Map<number, unknown>();

type Props = {
  room: Room;
  title: string;
  onEditLast: () => boolean;
  focusNow?: boolean;
  /** X7: the first message of the thread this composer replies in; none for the room's own. */
  thread?: Message;
};

export const Composer = forwardRef<ComposerHandle, Props>(function Composer({ room, title, onEditLast, focusNow = false, thread }, ref) {
  const draftKey = thread ? -thread.id : room.id;
  const label = thread ? "Reply in the thread" : `Message ${title}`;
  const [replyError, setReplyError] = useState("");
  const features = useAppState((s) => s.features);
  const [toolbar, setToolbar] = useState(false);
  const [popup, setPopupState] = useState<Popup>(null);
  const [filesNote, setFilesNote] = useState(false);
  const [staged, setStagedState] = useState<Staged[]>([]);
  const stagedRef = useRef<Staged[]>([]);
  const fileInput = useRef<HTMLInputElement>(null);
  const popupRef = useRef<Popup>(null);
  const toolbarRef = useRef(false);
  const listId = useId();
  toolbarRef.current = toolbar;

  const setPopup = (p: Popup) => {
    popupRef.current = p;
    setPopupState(p);
  };
  const setStaged = (update: (list: Staged[]) => Staged[]) => {
    stagedRef.current = update(stagedRef.current);
    setStagedState(stagedRef.current);
  };
  const patchStaged = (key: string, patch: Partial<Staged>) => setStaged((list) => list.map((s) => (s.key === key ? { ...s, ...patch } : s)));
  const handlers = useRef({ submit: () => {}, editLast: onEditLast, attach: (_files: File[]) => {} });
  handlers.current.editLast = onEditLast;

  const render = (kind: "mention" | "play") => () => ({
    onStart: (props: { items: PopupItem[]; command: (a: unknown) => void }) =>
      setPopup(props.items.length ? { kind, items: props.items, index: 0, command: props.command } : null),
    onUpdate: (props: { items: PopupItem[]; command: (a: unknown) => void }) => {
      const prev = popupRef.current;
      setPopup(
        props.items.length
          ? { kind, items: props.items, index: prev && prev.kind === kind ? Math.min(prev.index, props.items.length - 1) : 0, command: props.command }
          : null,
      );
    },
    onExit: () => setPopup(null),
    onKeyDown: ({ event }: { event: KeyboardEvent }) => {
      const p = popupRef.current;
      if (!p || !p.items.length) return false;
      if (event.key === "ArrowDown") {
        setPopup({ ...p, index: (p.index + 1) % p.items.length });
        return true;
      }
      if (event.key === "ArrowUp") {
        setPopup({ ...p, index: (p.index - 1 + p.items.length) % p.items.length });
        return true;
      }
      if (event.key === "Enter" || event.key === "Tab") {
        p.command(p.items[p.index].attrs);
        return true;
      }
      if (event.key === "Escape") {
        setPopup(null);
        return true;
      }
      return false;
    },
  });

  const roomId = room.id;
  const editor = useEditor({
    immediatelyRender: true,
    injectCSS: false,
    autofocus: coarsePointer() && !focusNow ? false : "end",
    content: (drafts.get(draftKey) as string | undefined) ?? "",
    extensions: [
      ...baseExtensions(label),
      mentionExtension({
        char: "@",
        debounce: 100,
        items: async ({ query }: { query: string }): Promise<PopupItem[]> => {
          let users: User[];
          try {
            users = (await api.autocomplete(roomId, query)).users;
          } catch {
            const s = store.getState();
            const q = query.toLowerCase();
            users = (s.rooms[roomId]?.member_ids ?? [])
              .map((id) => s.users[id])
              .filter(
                (u): u is User =>
                  !!u &&
                  u.active &&
                  u.name
                    .toLowerCase()
                    .split(/\s+/)
                    .some((w) => w.startsWith(q)),
              );
          }
          const meId = store.getState().me?.id;
          return users
            .filter((u) => u.id !== meId)
            .slice(0, 8)
            .map((u) => ({ key: `u${u.id}`, label: u.name, user: u, attrs: { id: String(u.id), label: u.name } }));
        },
        render: render("mention") as never,
      } as never),
      Extension.create({
        name: "playSuggestion",
        priority: 200,
        addProseMirrorPlugins() {
          return [
            Suggestion({
              editor: this.editor,
              pluginKey: new PluginKey("playSuggestion"),
              char: "/",
              startOfLine: true,
              allowSpaces: true,
              items: ({ query }: { query: string }): PopupItem[] => {
                if (!query.startsWith("play ")) return [];
                const typed = query.slice(5);
                // A complete name needs no completion: Enter sends it.
                if (findSound(typed)) return [];
                return matchSounds(typed).map((s) => ({
                  key: s.name,
                  label: `/play ${s.name}`,
                  detail: s.picture ? "picture" : (s.text ?? ""),
                  sound: s,
                  attrs: s.name,
                }));
              },
              command: ({ editor, range, props }) => {
                editor
                  .chain()
                  .focus()
                  .insertContentAt(range, `/play ${String(props)}`)
                  .run();
              },
              render: render("play") as never,
            }),
          ];
        },
      }),
      Extension.create({
        name: "campfireKeys",
        priority: 1000,
        addKeyboardShortcuts() {
          return {
            Enter: () => {
              if (popupRef.current?.items.length) return false;
              if (toolbarRef.current || coarsePointer()) return false;
              handlers.current.submit();
              return true;
            },
            "Mod-Enter": () => {
              if (popupRef.current?.items.length) return false;
              handlers.current.submit();
              return true;
            },
            // A new line is a new paragraph (as Enter is on a touch screen), so "- ", "1. ",
            // "> " and "```" at its start make a list, a quote or code, as they do on the first
            // line; in a list it is the next item, in code a new line of code.
            "Shift-Enter": ({ editor }) =>
              editor.commands.first(({ commands }) => [
                () => commands.newlineInCode(),
                () => commands.splitListItem("listItem"),
                () => commands.createParagraphNear(),
                () => commands.liftEmptyBlock(),
                () => commands.splitBlock(),
              ]),
            ArrowUp: ({ editor }) => {
              if (popupRef.current?.items.length) return false;
              if (!isBlank(editor)) return false;
              return handlers.current.editLast();
            },
          };
        },
      }),
    ],
    editorProps: {
      // A pasted screenshot or a file dropped on the text becomes an attachment (M9).
      handlePaste: (_view, event) => {
        const files = [...(event.clipboardData?.files ?? [])];
        if (!files.length) return false;
        handlers.current.attach(files);
        return true;
      },
      // A pasted table (a spreadsheet's cells) keeps its cells apart: tables are not in the
      // message allowlist, so cells would otherwise run together ("cell Acell B").
      transformPastedHTML: (html) => html.replace(/<\/t[dh]>/gi, " </td>").replace(/<\/tr>/gi, "</tr><br>"),
      // Dropped files are the room's to take (RoomScreen): the editor only keeps out of it.
      handleDrop: (_view, event) => ((event as DragEvent).dataTransfer?.files.length ?? 0) > 0,
      attributes: {
        "aria-label": label,
        "aria-multiline": "true",
        role: "textbox",
        class: "composer__input",
        "aria-controls": listId,
      },
    },
    onUpdate: ({ editor }) => {
      if (!isBlank(editor)) sendTyping(roomId);
    },
  });

  // A renamed room renames the composer too.
  useEffect(() => {
    if (!editor || editor.isDestroyed) return;
    editor.view.dom.setAttribute("aria-label", label);
  }, [editor, label]);

  // Keep the draft when leaving the room.
  useEffect(() => {
    return () => {
      if (editor && !editor.isDestroyed) {
        if (isBlank(editor)) drafts.delete(draftKey);
        else drafts.set(draftKey, editor.getHTML());
      }
    };
  }, [editor, draftKey]);

  handlers.current.attach = (files: File[]) => {
    if (!features.files) {
      setFilesNote(true);
      return;
    }
    const added = files.map((file) => ({
      key: uuid(),
      file,
      progress: null,
      error: refuseBeforeUpload(file, features.max_file_size, formatBytes),
      handle: null,
    }));
    setStaged((list) => [...list, ...added]);
    editor?.commands.focus();
  };

  /** Uploads the waiting files one after another (one message each, in order); the caption
   * goes with the first. */
  const uploadStaged = async (caption: string | null) => {
    const waiting = stagedRef.current.filter((s) => s.progress === null && !s.error);
    let first = true;
    for (const item of waiting) {
      const handle = uploadFile(roomId, item.file, first ? caption : null, (fraction) => patchStaged(item.key, { progress: fraction }), thread?.id);
      first = false;
      patchStaged(item.key, { progress: 0, handle });
      try {
        await handle.done;
        setStaged((list) => list.filter((s) => s.key !== item.key));
      } catch (e) {
        if (e instanceof Error && (e as { code?: string }).code === "cancelled") {
          setStaged((list) => list.filter((s) => s.key !== item.key));
        } else {
          patchStaged(item.key, { progress: null, handle: null, error: errorMessage(e) });
        }
      }
    }
  };

  handlers.current.submit = () => {
    if (!editor) return;
    if (stagedRef.current.some((s) => s.progress === null && !s.error)) {
      const caption = isBlank(editor) ? null : editorHtml(editor);
      editor.commands.clearContent(true);
      drafts.delete(draftKey);
      setPopup(null);
      void uploadStaged(caption);
      return;
    }
    if (isBlank(editor)) return;
    const html = editorHtml(editor);
    const text = editorText(editor);
    if (thread) {
      // Kept until the server has it: a failure puts the text back and says why.
      setReplyError("");
      sendReply(thread, html).catch((e: unknown) => {
        if (!editor.isDestroyed && isBlank(editor)) editor.commands.setContent(html);
        setReplyError(`Couldn't send your reply: ${errorMessage(e)}`);
      });
    } else sendMessage(roomId, html, text);
    editor.commands.clearContent(true);
    drafts.delete(draftKey);
    setPopup(null);
  };

  useImperativeHandle(ref, () => ({
    attach: (files: File[]) => handlers.current.attach(files),
    focus: () => {
      editor?.commands.focus("end");
      editor?.view.focus();
    },
    reply: (m: Message) => {
      if (!editor) return;
      const author = store.getState().users[m.author_id]?.name ?? "Someone";
      const raw = m.play ? `/play ${m.play.sound}` : m.body_plain.replace(/\s+/g, " ").trim();
      const excerpt = raw.length > 160 ? `${raw.slice(0, 157)}…` : raw;
      const href = new URL(m.url, location.origin).toString();
      const quote = {
        type: "blockquote",
        content: [
          {
            type: "paragraph",
            content: [{ type: "text", text: author, marks: [{ type: "link", attrs: { href } }] }, ...(excerpt ? [{ type: "text", text: `: ${excerpt}` }] : [])],
          },
        ],
      };
      // M7: the quote goes first; the caret waits on one empty line under it (an empty composer)
      // or at the end of what was already typed. The selection is set here, not by TipTap's
      // deferred focus commands, which could land it inside the quote.
      const blank = isBlank(editor);
      editor
        .chain()
        .command(({ tr }) => {
          if (blank) tr.replaceWith(0, tr.doc.content.size, editor.schema.nodeFromJSON({ type: "doc", content: [quote, { type: "paragraph" }] }).content);
          else tr.insert(0, editor.schema.nodeFromJSON(quote));
          tr.setSelection(TextSelection.atEnd(tr.doc));
          return true;
        })
        .run();
      // TipTap focuses on the next frame; focus now so no keystroke is lost.
      editor.view.focus();
    },
  }));

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    handlers.current.submit();
  };

  return (
    <div className={`composer ${thread ? "composer--thread" : ""}`}>
      {replyError ? (
        <p className="error-note composer__error" role="alert">
          {replyError}
        </p>
      ) : null}
      {/* The list is always there (hidden while empty): the editor's aria-controls names it. */}
      {!popup ? <ul className="suggest" id={listId} role="listbox" aria-label="Suggestions" hidden /> : null}
      {popup ? (
        <ul className="suggest" id={listId} role="listbox" aria-label={popup.kind === "mention" ? "People to mention" : "Sounds"}>
          {popup.items.map((item, i) => (
            <li
              key={item.key}
              role="option"
              aria-selected={i === popup.index}
              className={`suggest__item ${i === popup.index ? "suggest__item--active" : ""}`}
              onMouseDown={(e) => {
                e.preventDefault();
                popup.command(item.attrs);
              }}
            >
              {item.user ? <Avatar user={item.user} size={20} /> : null}
              <span className="suggest__label">{item.label}</span>
              {item.detail ? <span className="suggest__detail">{item.detail}</span> : null}
            </li>
          ))}
        </ul>
      ) : null}
      {staged.length ? (
        <ul className="uploads" aria-label="Files to send">
          {staged.map((s) => (
            <li key={s.key} className={`upload ${s.error ? "upload--error" : ""}`}>
              <span className="upload__name" dir="auto">
                {s.file.name || "Pasted image"}
              </span>
              <span className="upload__size">{formatBytes(s.file.size)}</span>
              {s.progress !== null ? (
                <progress className="upload__progress" value={s.progress} max={1} aria-label={`Uploading ${s.file.name}`}>
                  {Math.round(s.progress * 100)}%
                </progress>
              ) : null}
              {s.error ? (
                <span className="upload__error" role="alert">
                  {s.error}
                </span>
              ) : s.progress === null ? (
                <span className="upload__hint">Press Send to share it; anything you type goes with it</span>
              ) : (
                <span className="upload__hint" aria-live="polite">
                  {Math.round(s.progress * 100)}%
                </span>
              )}
              <button
                type="button"
                className="icon-btn icon-btn--small"
                aria-label={s.progress !== null ? `Cancel uploading ${s.file.name}` : `Remove ${s.file.name}`}
                title={s.progress !== null ? "Cancel upload" : "Remove"}
                onClick={() => {
                  if (s.handle) s.handle.cancel();
                  else setStaged((list) => list.filter((x) => x.key !== s.key));
                }}
              >
                <CloseIcon size={16} />
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      {toolbar && editor ? <FormatToolbar editor={editor} /> : null}
      <form className="composer__row" onSubmit={onSubmit}>
        {features.search ? (
          <Link to="/search" className="icon-btn" aria-label="Search messages" title="Search">
            <SearchIcon />
          </Link>
        ) : null}
        <div className="composer__box">
          <EditorContent editor={editor} />
        </div>
        <button
          type="button"
          className="icon-btn"
          aria-label={features.files ? "Attach a file" : "Attach a file (not enabled on this server)"}
          title={features.files ? "Attach a file" : "File sharing is not enabled on this server"}
          onClick={() => (features.files ? fileInput.current?.click() : setFilesNote(true))}
        >
          <AttachIcon />
        </button>
        <input
          ref={fileInput}
          type="file"
          multiple
          hidden
          data-testid="file-input"
          onChange={(e) => {
            const files = [...(e.target.files ?? [])];
            e.target.value = "";
            if (files.length) handlers.current.attach(files);
          }}
        />
        <button
          type="button"
          className={`icon-btn ${toolbar ? "icon-btn--on" : ""}`}
          aria-label="Formatting"
          aria-pressed={toolbar}
          title="Formatting (Ctrl+Enter sends while open)"
          onClick={() => {
            setToolbar((v) => !v);
            editor?.commands.focus();
          }}
        >
          <FormatIcon />
        </button>
        <button type="submit" className="icon-btn icon-btn--send" aria-label="Send">
          <SendIcon />
        </button>
      </form>
      <Dialog open={filesNote} onClose={() => setFilesNote(false)} title="File sharing is not enabled">
        <p className="dialog__text">
          File sharing is not enabled on this server. An administrator can turn it on in the server's configuration; until then, share a link instead.
        </p>
        <div className="dialog__actions">
          <button type="button" className="btn btn--primary" onClick={() => setFilesNote(false)} autoFocus>
            OK
          </button>
        </div>
      </Dialog>
    </div>
  );
});

function FormatToolbar({ editor }: { editor: Editor }) {
  const state = useEditorState({
    editor,
    selector: ({ editor: e }) => ({
      bold: e.isActive("bold"),
      italic: e.isActive("italic"),
      strike: e.isActive("strike"),
      link: e.isActive("link"),
      heading: e.isActive("heading", { level: 1 }),
      quote: e.isActive("blockquote"),
      code: e.isActive("code"),
      codeBlock: e.isActive("codeBlock"),
      bullet: e.isActive("bulletList"),
      ordered: e.isActive("orderedList"),
    }),
  });
  const [linking, setLinking] = useState(false);
  const [href, setHref] = useState("");
  const btn = (label: string, active: boolean, run: () => void, icon: React.ReactNode) => (
    <button
      type="button"
      className={`icon-btn icon-btn--small ${active ? "icon-btn--on" : ""}`}
      aria-label={label}
      aria-pressed={active}
      title={label}
      onMouseDown={(e) => e.preventDefault()}
      onClick={run}
    >
      {icon}
    </button>
  );
  return (
    <div className="format-bar" role="toolbar" aria-label="Formatting">
      {btn("Bold", state.bold, () => editor.chain().focus().toggleBold().run(), <BoldIcon size={18} />)}
      {btn("Italic", state.italic, () => editor.chain().focus().toggleItalic().run(), <ItalicIcon size={18} />)}
      {btn("Strikethrough", state.strike, () => editor.chain().focus().toggleStrike().run(), <StrikeIcon size={18} />)}
      {btn(
        "Link",
        state.link,
        () => {
          if (state.link) editor.chain().focus().unsetLink().run();
          else {
            setHref(editor.getAttributes("link").href ?? "");
            setLinking(true);
          }
        },
        <LinkIcon size={18} />,
      )}
      {btn("Heading", state.heading, () => editor.chain().focus().toggleHeading({ level: 1 }).run(), <HeadingIcon size={18} />)}
      {btn("Quote", state.quote, () => editor.chain().focus().toggleBlockquote().run(), <QuoteIcon size={18} />)}
      {btn("Code", state.code, () => editor.chain().focus().toggleCode().run(), <CodeIcon size={18} />)}
      {btn(
        "Code block",
        state.codeBlock,
        () => editor.chain().focus().toggleCodeBlock().run(),
        <span className="format-bar__text" aria-hidden="true">
          {"{ }"}
        </span>,
      )}
      {btn("Bulleted list", state.bullet, () => editor.chain().focus().toggleBulletList().run(), <ListIcon size={18} />)}
      {btn(
        "Numbered list",
        state.ordered,
        () => editor.chain().focus().toggleOrderedList().run(),
        <span className="format-bar__text" aria-hidden="true">
          1.
        </span>,
      )}
      {linking ? (
        <form
          className="format-bar__link"
          onSubmit={(e) => {
            e.preventDefault();
            const url = href.trim();
            if (url)
              editor
                .chain()
                .focus()
                .extendMarkRange("link")
                .setLink({ href: /^[a-z]+:/i.test(url) ? url : `https://${url}` })
                .run();
            setLinking(false);
          }}
        >
          <label htmlFor="composer-link">Link address</label>
          <input id="composer-link" type="url" value={href} onChange={(e) => setHref(e.target.value)} autoFocus placeholder="https://" />
          <button type="submit" className="btn btn--small btn--primary">
            Add link
          </button>
          <button type="button" className="btn btn--small" onClick={() => setLinking(false)}>
            Cancel
          </button>
        </form>
      ) : null}
    </div>
  );
}
