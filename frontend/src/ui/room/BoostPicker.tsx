// X7: boost with any emoji, through emoji-picker-element (a web component; its code and its
// emoji data load when the picker is first opened, from this server, never a CDN). Above it, the
// boosts this browser gave most recently, newest first; the picker's own "Favorites" row holds
// the ones used most.
import { useEffect, useRef, useState } from "react";
import { recentBoosts } from "../../lib/recentBoosts";
import "emoji-picker-element";
import dataSource from "emoji-picker-element-data/en/emojibase/data.json?url";

type EmojiClick = CustomEvent<{ unicode?: string }>;

export default function BoostPicker({ onPick }: { onPick: (emoji: string) => void }) {
  const host = useRef<HTMLDivElement>(null);
  const pick = useRef(onPick);
  useEffect(() => {
    pick.current = onPick;
  }, [onPick]);

  useEffect(() => {
    const el = document.createElement("emoji-picker");
    el.setAttribute("data-source", dataSource);
    // Which emoji this system can draw is tested on a canvas; a browser without a colour emoji
    // font (a headless one) would then show none. Every emoji up to 15.0 is offered instead.
    el.setAttribute("emoji-version", "15.0");
    el.classList.add(document.documentElement.classList.contains("dark") ? "dark" : "auto");
    const onClick = (e: Event) => {
      const unicode = (e as EmojiClick).detail?.unicode;
      if (unicode) pick.current(unicode);
    };
    el.addEventListener("emoji-click", onClick);
    host.current?.append(el);
    return () => {
      el.removeEventListener("emoji-click", onClick);
      el.remove();
    };
  }, []);

  const [recent] = useState(recentBoosts);
  return (
    <>
      {recent.length ? (
        <div className="boost-recent" role="group" aria-label="Recently used">
          <span className="boost-recent__label" aria-hidden="true">
            Recently used
          </span>
          {recent.map((b) => (
            <button key={b} type="button" className="msg-menu__emoji" aria-label={`Boost with ${b}`} onClick={() => pick.current(b)}>
              {b}
            </button>
          ))}
        </div>
      ) : null}
      <div ref={host} className="boost-picker" />
    </>
  );
}
