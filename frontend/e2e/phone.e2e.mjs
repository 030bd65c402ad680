// Fast on a phone (issue 18): a signed-in person opens a room of 60 messages on a mid-range phone
// over a slow 4G link. Two measures, printed for BENCHMARKS.md, never judged on time:
//
// - the time from opening the room's URL to its messages being visible, in Chromium with
//   Lighthouse's mobile settings applied by hand (slow 4G: 150 ms round trips, 1.6 Mbit/s down,
//   750 kbit/s up; the CPU slowed 4×; a 390×844 screen);
// - Lighthouse itself (its default mobile run) on the same room: the performance and
//   accessibility scores. Accessibility must be 1: that is not a matter of speed.
//
//   CAMPFIRE_URL=http://127.0.0.1:3000 node e2e/phone.e2e.mjs   (an empty data directory)
import lighthouse from "lighthouse";
import { chromium } from "playwright-core";
import { BASE, check, finish, step } from "./harness.mjs";

const ada = { name: "Ada Lovelace", email: "ada@example.com", password: "analytical-engine" };
const SLOW_4G = { offline: false, latency: 150, downloadThroughput: (1.6 * 1024 * 1024) / 8, uploadThroughput: (750 * 1024) / 8 };

async function call(method, path, body, cookie) {
  const res = await fetch(`${BASE}${path}`, {
    method,
    headers: { origin: BASE, ...(body ? { "content-type": "application/json" } : {}), ...(cookie ? { cookie } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  const set = res.headers.get("set-cookie");
  const text = await res.text();
  return { json: text ? JSON.parse(text) : null, cookie: set ? set.split(";")[0] : cookie };
}

let cookie = "";
let roomUrl = "";

await step("setup: a room with 60 messages", async () => {
  cookie = (await call("POST", "/api/first_run", ada)).cookie;
  const { json } = await call("GET", "/api/rooms", null, cookie);
  const room = json.rooms.find((r) => r.name === "All Talk").id;
  for (let i = 1; i <= 60; i++) {
    const body =
      i % 7 === 0
        ? `<p>Message ${i} with <strong>some</strong> formatting and a <a href="https://example.com/${i}">link</a></p>`
        : `<p>Message ${i}: the plan for today</p>`;
    await call("POST", `/api/rooms/${room}/messages`, { client_message_id: crypto.randomUUID(), body_html: body }, cookie);
  }
  roomUrl = `${BASE}/rooms/${room}`;
});

const port = 9300 + Math.floor(Math.random() * 500);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", `--remote-debugging-port=${port}`, "--no-first-run", "--disable-quic"],
});

await step("a room opens on a throttled phone: time to its messages (printed)", async () => {
  const times = [];
  for (let run = 0; run < 3; run++) {
    // A new context each time: nothing cached, as on a first visit.
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const [name, value] = cookie.split("=");
    await ctx.addCookies([{ name, value, url: BASE }]);
    const page = await ctx.newPage();
    const cdp = await ctx.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", SLOW_4G);
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
    const started = Date.now();
    await page.goto(roomUrl);
    await page.getByText("Message 60: the plan for today").waitFor({ timeout: 60_000 });
    times.push(Date.now() - started);
    await ctx.close();
  }
  times.sort((a, b) => a - b);
  console.log(`    phone, slow 4G, CPU ÷4: room URL to messages visible: median ${times[1]} ms (runs: ${times.join(", ")} ms)`);
});

await step("Lighthouse (mobile) on the room, three runs: performance printed (median), accessibility 1", async () => {
  // Three runs, the median shown: on a shared 2-core machine one run's blocking time varies by
  // hundreds of milliseconds.
  const runs = [];
  for (let i = 0; i < 3; i++) {
    const result = await lighthouse(roomUrl, {
      port,
      output: "json",
      logLevel: "error",
      onlyCategories: ["performance", "accessibility"],
      extraHeaders: { Cookie: cookie },
    });
    runs.push(result.lhr);
  }
  runs.sort((a, b) => a.categories.performance.score - b.categories.performance.score);
  const lhr = runs[1];
  const { categories, audits } = lhr;
  const ms = (id) => Math.round(audits[id]?.numericValue ?? NaN);
  const scripts = (audits["network-requests"]?.details?.items ?? []).map((r) => r.url).filter((u) => /\/static\/.*\.js$/.test(u));
  console.log(
    `    Lighthouse ${lhr.lighthouseVersion}, median of 3: performance ${categories.performance.score} (runs ${runs.map((r) => r.categories.performance.score).join(", ")}), accessibility ${categories.accessibility.score}; first contentful paint ${ms("first-contentful-paint")} ms, largest ${ms("largest-contentful-paint")} ms, blocking ${ms("total-blocking-time")} ms, layout shift ${audits["cumulative-layout-shift"].numericValue.toFixed(3)}; ${scripts.length} scripts, the editor ${scripts.some((u) => /\/editor-/.test(u)) ? "loaded" : "not loaded"}`,
  );
  if (process.env.CAMPFIRE_E2E_PROFILE) {
    const top = (id) => (lhr.audits[id]?.details?.items ?? []).slice(0, 6).map((i) => JSON.stringify(i).slice(0, 160));
    console.log(
      [
        "    main thread:",
        ...top("mainthread-work-breakdown"),
        "    boot-up:",
        ...top("bootup-time"),
        "    long tasks:",
        ...top("long-tasks"),
        "    largest paint:",
        ...top("largest-contentful-paint-element").map((s) => s.slice(0, 400)),
        ...(audits["network-requests"]?.details?.items ?? []).map(
          (r) => `${r.url.replace(/^https?:\/\/[^/]+/, "")} ${r.transferSize} B, ${Math.round(r.networkRequestTime)}–${Math.round(r.networkEndTime)} ms`,
        ),
      ].join("\n      "),
    );
  }
  for (const run of runs) {
    const a11y = run.categories.accessibility;
    const failing = Object.values(run.audits).filter((a) => a.score !== null && a.score < 1 && a11y.auditRefs.some((r) => r.id === a.id && r.weight > 0));
    check(a11y.score === 1, `accessibility ${a11y.score}: ${failing.map((a) => a.id).join(", ")}`);
  }
});

await browser.close();
finish();
