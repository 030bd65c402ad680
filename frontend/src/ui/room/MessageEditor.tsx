// Inline edit (M4): Esc cancels, Enter or Ctrl/Cmd+Enter saves. Its own module so that the
// editor (tiptap and ProseMirror) loads only when someone edits or composes.
import { useEffect, useRef, useState } from "react";
import { EditorContent, Extension, useEditor } from "@tiptap/react";
import type { Message } from "../../api/types";
import { errorMessage } from "../../api/client";
import { editMessage } from "../../app/messaging";
import { baseExtensions, editorHtml, isBlank, mentionExtension } from "./editor";

export function MessageEditor({ message, onDone }: { message: Message; onDone: () => void }) {
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const actions = useRef({ save: () => {}, cancel: onDone });
  actions.current.cancel = onDone;
  const editor = useEditor({
    immediatelyRender: true,
    injectCSS: false,
    autofocus: "end",
    content: message.body_html,
    extensions: [
      ...baseExtensions("Edit your message"),
      mentionExtension(null),
      Extension.create({
        name: "editKeys",
        priority: 1000,
        addKeyboardShortcuts() {
          return {
            // In a code block Enter is a new line, as in the composer; Ctrl/Cmd+Enter saves.
            Enter: ({ editor }) => {
              if (editor.isActive("codeBlock")) return false;
              actions.current.save();
              return true;
            },
            "Mod-Enter": () => {
              actions.current.save();
              return true;
            },
            Escape: () => {
              actions.current.cancel();
              return true;
            },
          };
        },
      }),
    ],
    editorProps: { attributes: { "aria-label": "Edit message", role: "textbox", "aria-multiline": "true", class: "msg-editor__input" } },
  });
  actions.current.save = async () => {
    if (!editor || busy) return;
    if (isBlank(editor)) {
      setError("A message can't be blank. Delete it instead?");
      return;
    }
    const html = editorHtml(editor);
    if (html === message.body_html) {
      onDone();
      return;
    }
    setBusy(true);
    try {
      await editMessage(message, html);
      onDone();
    } catch (e) {
      setError(errorMessage(e));
      setBusy(false);
    }
  };
  // Up-to-edit may open a message above the visible part of the list: bring it into view.
  const box = useRef<HTMLDivElement>(null);
  // Taller than the list, its end shows: the caret is there, and Save.
  // After the editor has laid out its content and taken focus (which scrolls to the caret).
  useEffect(() => {
    let frame = requestAnimationFrame(() => {
      frame = requestAnimationFrame(() => {
        const el = box.current;
        const list = el?.closest(".messages");
        if (!el) return;
        const taller = list && el.offsetHeight > list.clientHeight;
        el.scrollIntoView({ block: taller ? "end" : "nearest" });
      });
    });
    return () => cancelAnimationFrame(frame);
  }, []);
  return (
    <div className="msg-editor" ref={box}>
      <EditorContent editor={editor} />
      <div className="msg-editor__actions">
        <span className="msg-editor__hint">Enter to save · Esc to cancel</span>
        <button type="button" className="btn btn--small" onClick={onDone}>
          Cancel
        </button>
        <button type="button" className="btn btn--small btn--primary" onClick={() => actions.current.save()} disabled={busy}>
          Save
        </button>
      </div>
      {error ? (
        <p className="error-note" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
