// Code highlighting for code blocks in message bodies: lowlight (highlight.js
// grammars) builds a syntax tree, which becomes DOM nodes directly: text stays
// text, no HTML strings involved.
import { createLowlight } from "lowlight";
import bash from "highlight.js/lib/languages/bash";
import c from "highlight.js/lib/languages/c";
import cpp from "highlight.js/lib/languages/cpp";
import css from "highlight.js/lib/languages/css";
import diff from "highlight.js/lib/languages/diff";
import go from "highlight.js/lib/languages/go";
import java from "highlight.js/lib/languages/java";
import javascript from "highlight.js/lib/languages/javascript";
import json from "highlight.js/lib/languages/json";
import python from "highlight.js/lib/languages/python";
import ruby from "highlight.js/lib/languages/ruby";
import rust from "highlight.js/lib/languages/rust";
import sql from "highlight.js/lib/languages/sql";
import typescript from "highlight.js/lib/languages/typescript";
import xml from "highlight.js/lib/languages/xml";
import yaml from "highlight.js/lib/languages/yaml";

const lowlight = createLowlight({ bash, c, cpp, css, diff, go, java, javascript, json, python, ruby, rust, sql, typescript, xml, yaml });

type HastNode =
  | { type: "text"; value: string }
  | { type: "element"; tagName: string; properties?: { className?: string[] | string }; children: HastNode[] }
  | { type: "root"; children: HastNode[] };

function toDom(node: HastNode, doc: Document): Node {
  if (node.type === "text") return doc.createTextNode(node.value);
  const el = node.type === "element" ? doc.createElement("span") : doc.createDocumentFragment();
  if (node.type === "element") {
    const cls = node.properties?.className;
    const names = (Array.isArray(cls) ? cls : cls ? [cls] : []).filter((n) => /^hljs-[\w-]+$/.test(String(n)));
    if (names.length) (el as HTMLElement).className = names.join(" ");
  }
  for (const child of node.children) el.appendChild(toDom(child, doc));
  return el;
}

const MAX_CODE = 20_000;

/** Highlights every <pre> block inside `root` (once per block). */
export function highlightCodeBlocks(root: HTMLElement): void {
  for (const pre of root.querySelectorAll("pre")) {
    if (pre.dataset.highlighted) continue;
    const target = (pre.querySelector(":scope > code") as HTMLElement | null) ?? pre;
    const code = target.textContent ?? "";
    pre.dataset.highlighted = "1";
    if (!code.trim() || code.length > MAX_CODE) continue;
    try {
      const tree = lowlight.highlightAuto(code) as unknown as HastNode;
      const relevance = (tree as unknown as { data?: { relevance?: number } }).data?.relevance ?? 0;
      if (relevance < 3) continue; // Probably prose: leave it plain.
      const frag = toDom(tree, root.ownerDocument);
      target.replaceChildren(frag);
      target.classList.add("hljs");
    } catch {
      // Leave it as it was.
    }
  }
}
