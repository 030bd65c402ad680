// The 56 /play sounds of product.md M8: each name with its text, or a picture.
export type Sound = { name: string; text: string | null; picture: boolean };

const T = (name: string, text: string): Sound => ({ name, text, picture: false });
const P = (name: string): Sound => ({ name, text: null, picture: true });

export const SOUNDS: readonly Sound[] = [
  P("56k"),
  T("ballmer", "developers!"),
  T("bell", "🔔"),
  T("bezos", "😆💭"),
  T("bueller", "anyone?"),
  T("butts", "👐 🚬"),
  P("clowntown"),
  T("cottoneyejoe", "🎶🙉🎶"),
  T("crickets", "hears crickets chirping"),
  P("curb"),
  T("dadgummit", "dad gummit!! 🎣"),
  P("dangerzone"),
  T("danielsan", "🎆 🏆 🎆"),
  P("deeper"),
  P("donotwant"),
  P("drama"),
  T("flawless", "#flawless"),
  T("glados", "🤖💢"),
  T("gogogo", "Go, go, go!"),
  P("greatjob"),
  T("greyjoy", "😖🎺"),
  T("guarantee", "guarantees it 👌"),
  T("heygirl", "✨💁✨"),
  T("honk", "HONK"),
  T("horn", "🐶 ✂️ 🐱"),
  T("horror", "💀 💀 💀 💀 💀 💀 💀"),
  T("inconceivable", "doesn't think it means what you think it means…"),
  T("letitgo", "❄️👩❄️⛄️❄️"),
  T("live", "is DOING IT LIVE"),
  P("loggins"),
  T("makeitso", "make it so 👉"),
  T("noooo", "👸💀😒"),
  P("nyan"),
  T("ohmy", "raises an eyebrow 😏"),
  T("ohyeah", "isn't playing by the rules"),
  P("pushit"),
  T("rimshot", "plays a rimshot"),
  T("rollout", "is rolling out 🚗"),
  P("rumble"),
  T("sax", "🌇🎷🎶"),
  T("secret", "found a secret area 🔑"),
  T("sexyback", "🔞"),
  T("story", "and now you know…"),
  T("tada", "plays a fanfare 🎏"),
  T("tmyk", "✨ ⭐️ The More You Know ✨ ⭐️"),
  T("totes", "😁👍"),
  T("trololo", "трололо"),
  T("trombone", "plays a sad trombone"),
  T("unix", "knows this 💻"),
  T("vuvuzela", "======<() ~ ♪ ~♫"),
  P("what"),
  T("whoomp", "👏‼️😎"),
  T("wups", "wups!"),
  P("yay"),
  P("yeah"),
  T("yodel", "📣🗻🙉"),
];

const byName = new Map(SOUNDS.map((s) => [s.name, s]));

export function findSound(name: string): Sound | undefined {
  return byName.get(name);
}

/** Sounds whose name starts with `prefix` (case-insensitive), for /play completion. */
export function matchSounds(prefix: string, limit = 8): Sound[] {
  const p = prefix.trim().toLowerCase();
  return SOUNDS.filter((s) => s.name.startsWith(p)).slice(0, limit);
}

export const soundUrl = (name: string) => `/assets/sounds/${encodeURIComponent(name)}.mp3`;
export const pictureUrl = (name: string) => `/assets/play/${encodeURIComponent(name)}.svg`;

/** Plays a sound once; autoplay refusals are ignored. */
export function playSound(name: string): void {
  if (typeof Audio === "undefined") return;
  try {
    const audio = new Audio(soundUrl(name));
    void audio.play().catch(() => {});
  } catch {
    // No audio here.
  }
}
