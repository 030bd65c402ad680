// What every end-to-end test shares: the server under test, Chromium, steps that count and stop
// at the first failure, screenshots, and small helpers that wait the way a person would.
import AxeBuilder from "@axe-core/playwright";
import { chromium } from "playwright-core";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const BASE = (process.env.CAMPFIRE_URL ?? "").replace(/\/$/, "");
export const HERE = path.dirname(fileURLToPath(import.meta.url));
export const SHOTS = path.join(HERE, "screenshots");
export const TIMEOUT = 10_000;
/** The running test's name (`chat` for chat.e2e.mjs), for its failure screenshots. */
const TEST = path.basename(process.argv[1] ?? "e2e").replace(/\.e2e\.mjs$/, "");

const results = [];
let aborted = false;

export async function step(name, fn, { optional = false } = {}) {
  if (aborted) {
    results.push({ name, status: "skipped" });
    console.log(`- ${name} (skipped: an earlier step failed)`);
    return;
  }
  const started = Date.now();
  try {
    await fn();
    results.push({ name, status: "passed" });
    console.log(`✓ ${name} (${Date.now() - started} ms)`);
  } catch (e) {
    results.push({ name, status: "failed" });
    console.log(
      `✗ ${name}\n    ${String(e?.stack ?? e)
        .split("\n")
        .slice(0, 6)
        .join("\n    ")}`,
    );
    await failureShots(results.length);
    if (!optional) aborted = true;
  }
}

/** Screenshots of every open page when a step fails, to see what went wrong. */
export async function failureShots(n) {
  if (typeof browser === "undefined") return;
  fs.mkdirSync(SHOTS, { recursive: true });
  let i = 0;
  for (const ctx of browser.contexts()) {
    for (const page of ctx.pages()) {
      i++;
      await page.screenshot({ path: path.join(SHOTS, `${TEST}-failure-step${n}-page${i}.png`) }).catch(() => {});
    }
  }
  if (i) console.log(`    screenshots: e2e/screenshots/${TEST}-failure-step${n}-page*.png`);
}

export function skip(name, why) {
  results.push({ name, status: "skipped" });
  console.log(`- ${name} (skipped: ${why})`);
}

export function finish() {
  const n = (s) => results.filter((r) => r.status === s).length;
  const failed = n("failed");
  const skipped = n("skipped");
  console.log(`${n("passed")} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
  process.exit(failed > 0 ? 1 : 0);
}

if (!BASE) {
  console.log("Set CAMPFIRE_URL to the server under test (with an empty data directory).");
  results.push({ name: "configuration", status: "failed" });
  finish();
}

export const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--autoplay-policy=no-user-gesture-required",
    // Links in messages point at other sites: nothing leaves this machine.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
  ],
});

export async function newContext(options = {}) {
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, baseURL: BASE, ...options });
  await ctx.grantPermissions(["clipboard-read", "clipboard-write"], { origin: BASE }).catch(() => {});
  ctx.setDefaultTimeout(TIMEOUT);
  return ctx;
}

/** Counts the WebSockets a context opens to /api/live, and remembers their URLs. */
export function trackSockets(ctx) {
  const sockets = [];
  const watch = (page) => {
    const mine = [];
    page.on("websocket", (ws) => {
      if (!ws.url().includes("/api/live")) return;
      const entry = { url: ws.url(), closed: false };
      ws.on("close", () => (entry.closed = true));
      sockets.push(entry);
      mine.push(entry);
    });
    // A closed or reloaded page takes its sockets with it (Playwright reports no close then).
    page.on("close", () => mine.forEach((e) => (e.closed = true)));
    page.on("domcontentloaded", () => mine.forEach((e) => (e.closed = true)));
  };
  for (const p of ctx.pages()) watch(p);
  ctx.on("page", watch);
  return sockets;
}

export function logErrors(page, who) {
  page.on("pageerror", (e) => console.log(`    [${who} page error] ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") console.log(`    [${who} console ${m.type()}] ${m.text().slice(0, 300)}`);
  });
}

export async function shoot(page, name) {
  fs.mkdirSync(SHOTS, { recursive: true });
  const original = page.viewportSize();
  for (const [w, h] of [
    [1440, 900],
    [390, 844],
  ]) {
    await page.setViewportSize({ width: w, height: h });
    for (const scheme of ["light", "dark"]) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.waitForTimeout(350);
      await page.screenshot({ path: path.join(SHOTS, `${name}-${w}x${h}-${scheme}.png`) });
    }
  }
  await page.emulateMedia({ colorScheme: "light" });
  if (original) await page.setViewportSize(original);
}

/** The message history of the open room (not the screen-reader announcements). */
export const log = (page) => page.getByRole("region", { name: /^Messages in / });

export const composer = (page, room) => page.getByRole("textbox", { name: `Message ${room}` });

export async function send(page, room, text) {
  const box = composer(page, room);
  await box.click();
  await page.keyboard.type(text);
  await page.keyboard.press("Enter");
}

export async function debug(page) {
  return page.evaluate(() => ({ role: window.__campfire?.role, lastSeq: window.__campfire?.lastSeq, connection: window.__campfire?.connection }));
}

export async function eventually(fn, what, timeout = TIMEOUT) {
  const end = Date.now() + timeout;
  let last;
  while (Date.now() < end) {
    try {
      if (await fn()) return;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Timed out waiting for ${what}${last ? `: ${last.message}` : ""}`);
}

export function check(cond, message) {
  if (!cond) throw new Error(message);
}

// ---------------------------------------------------------------------------
// The API from Node, as a client would call it (same origin, a session cookie).

export async function call(method, path, body, cookie) {
  const res = await fetch(`${BASE}${path}`, {
    method,
    headers: { origin: BASE, ...(body ? { "content-type": "application/json" } : {}), ...(cookie ? { cookie } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  const json = text ? JSON.parse(text) : null;
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  const set = res.headers.get("set-cookie");
  return { json, cookie: set ? set.split(";")[0] : cookie };
}

export async function signedInContext(cookie, options = {}) {
  const ctx = await newContext(options);
  const [name, value] = cookie.split("=");
  await ctx.addCookies([{ name, value, url: BASE }]);
  return ctx;
}

export const phone = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true };

/** Asserts that `locator`'s box lies inside the viewport. */
export async function inView(page, locator, what) {
  const box = await locator.boundingBox();
  check(box, `${what} is not shown`);
  const { width, height } = page.viewportSize();
  check(
    box.x >= -1 && box.y >= -1 && box.x + box.width <= width + 1 && box.y + box.height <= height + 1,
    `${what} is outside the ${width}×${height} viewport: ${JSON.stringify(box)}`,
  );
}

/** axe-core on the page as it is: no serious or critical violation. */
export async function accessible(page, screen) {
  const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  check(
    bad.length === 0,
    `${screen}: ${bad
      .map(
        (v) =>
          `${v.id} (${v.nodes.length}: ${v.nodes
            .slice(0, 3)
            .map((n) => n.target.join(" "))
            .join(", ")})`,
      )
      .join("; ")}`,
  );
}
