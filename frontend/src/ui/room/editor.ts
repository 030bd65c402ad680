// TipTap set-up shared by the composer and the inline message editor: the rich
// text the server accepts (p br strong em s a h1 blockquote pre code ul ol li)
// and mention chips stored as <span data-mention-id="ID">@Name</span>.
import type { AnyExtension, Editor } from "@tiptap/react";
import StarterKit from "@tiptap/starter-kit";
import Mention from "@tiptap/extension-mention";
import { Placeholder } from "@tiptap/extensions";
import type { SuggestionOptions } from "@tiptap/suggestion";

export const MentionChip = Mention.extend({
  parseHTML() {
    return [{ tag: "span[data-mention-id]" }, { tag: 'span[data-type="mention"]' }];
  },
  addAttributes() {
    return {
      id: {
        default: null,
        parseHTML: (el: HTMLElement) => el.getAttribute("data-mention-id") ?? el.getAttribute("data-id"),
        renderHTML: (attrs: { id?: string | null }) => (attrs.id ? { "data-mention-id": attrs.id } : {}),
      },
      label: {
        default: null,
        parseHTML: (el: HTMLElement) => el.getAttribute("data-label") ?? (el.textContent ?? "").replace(/^@/, ""),
        renderHTML: () => ({}),
      },
    };
  },
});

export function mentionExtension(suggestion: Omit<SuggestionOptions, "editor"> | null): AnyExtension {
  return MentionChip.configure({
    renderHTML: ({ node }) => ["span", { "data-mention-id": String(node.attrs.id) }, `@${node.attrs.label ?? node.attrs.id}`],
    renderText: ({ node }) => `@${node.attrs.label ?? node.attrs.id}`,
    ...(suggestion ? { suggestion } : {}),
  });
}

export function baseExtensions(placeholder: string): AnyExtension[] {
  return [
    StarterKit.configure({
      heading: { levels: [1] },
      horizontalRule: false,
      underline: false,
      trailingNode: false,
      dropcursor: false,
      link: {
        openOnClick: false,
        autolink: true,
        linkOnPaste: true,
        defaultProtocol: "https",
        HTMLAttributes: { target: "_blank", rel: "noopener noreferrer" },
      },
    }),
    Placeholder.configure({ placeholder }),
  ];
}

/** The HTML to send: leading and trailing empty paragraphs removed. */
export function editorHtml(editor: Editor): string {
  let html = editor.getHTML();
  html = html.replace(/^(?:<p><\/p>)+/, "").replace(/(?:<p><\/p>)+$/, "");
  return html;
}

/** Plain text, as shown while a message is pending. */
export function editorText(editor: Editor): string {
  return editor.getText({ blockSeparator: "\n" }).trim();
}

/** True when there is nothing worth sending (whitespace only, no mention). */
export function isBlank(editor: Editor): boolean {
  if (editor.isEmpty) return true;
  let found = false;
  editor.state.doc.descendants((node) => {
    if (found) return false;
    if (node.type.name === "mention") found = true;
    if (node.isText && (node.text ?? "").trim()) found = true;
    return !found;
  });
  return !found;
}
