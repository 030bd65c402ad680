// The December review's defects (issue 18), one step each, asserting what a person would see:
// an element inside the viewport, focus where it should be, the text that should be there. Each
// runs on a desktop (1440×900) and, where a phone differs, on a phone (390×844, touch).
// Every screen is also checked by axe-core: no serious or critical accessibility violation.
//
//   CAMPFIRE_URL=http://127.0.0.1:3000 node e2e/review.e2e.mjs   (an empty data directory)
import { execSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  accessible,
  BASE,
  browser,
  call,
  check,
  composer,
  eventually,
  finish,
  inView,
  log,
  logErrors,
  newContext,
  phone,
  send,
  shoot,
  signedInContext,
  step,
} from "./harness.mjs";

const ada = { name: "Ada Lovelace", email: "ada@example.com", password: "analytical-engine" };
const bob = { name: "Bob Builder", email: "bob@example.com", password: "can-we-fix-it" };
const carol = { name: "Carol Danvers", email: "carol@example.com", password: "higher-further-faster" };
const LONG_ROOM = "Quarterly planning for the international expansion of the engineering and design departments 2027";

/** A defect's step: one failing does not stop the others, but still fails the run. */
const defect = (name, fn) => step(name, fn, { optional: true });

// ---------------------------------------------------------------------------

let adaCookie = "";
let bobCookie = "";
let carolId = 0;
let allTalk = 0;
let longRoom = 0;
let history = 0;
let accountName = "";

await step("setup: Ada sets up, Bob and Carol join, rooms with history", async () => {
  const first = await call("POST", "/api/first_run", ada);
  adaCookie = first.cookie;
  const { json: boot } = await call("GET", "/api/bootstrap", null, adaCookie);
  accountName = boot.account?.name ?? "Campfire";
  const { json: link } = await call("GET", "/api/join_link", null, adaCookie);
  const code = link.join_path.split("/").pop();
  bobCookie = (await call("POST", `/api/join/${code}`, bob)).cookie;
  const carolJoined = await call("POST", `/api/join/${code}`, carol);
  carolId = carolJoined.json.me.id;
  const { json: rooms } = await call("GET", "/api/rooms", null, adaCookie);
  allTalk = rooms.rooms.find((r) => r.name === "All Talk").id;
  longRoom = (await call("POST", "/api/rooms", { name: LONG_ROOM, kind: "open" }, adaCookie)).json.room.id;
  history = (await call("POST", "/api/rooms", { name: "History", kind: "open" }, adaCookie)).json.room.id;
  for (let i = 1; i <= 180; i++) {
    await call(
      "POST",
      `/api/rooms/${history}/messages`,
      { client_message_id: crypto.randomUUID(), body_html: `<p>History message ${i}</p>` },
      i % 2 ? adaCookie : bobCookie,
    );
  }
  await call(
    "POST",
    `/api/rooms/${allTalk}/messages`,
    { client_message_id: crypto.randomUUID(), body_html: "<p>Hello Bob, welcome to the team</p>" },
    adaCookie,
  );
});

const ctxA = await signedInContext(adaCookie);
const pageA = await ctxA.newPage();
logErrors(pageA, "Ada");
const ctxB = await signedInContext(bobCookie);
const pageB = await ctxB.newPage();
logErrors(pageB, "Bob");
const ctxPhone = await signedInContext(bobCookie, phone);
const phonePage = await ctxPhone.newPage();
logErrors(phonePage, "Bob's phone");

await defect("2. banned people stay listed with Unban after a reload, and on their profile (A8)", async () => {
  await call("POST", `/api/users/${carolId}/ban`, {}, adaCookie);
  await pageA.goto("/account");
  const unban = pageA.getByRole("button", { name: `Unban ${carol.name}` });
  await unban.waitFor();
  await pageA.reload();
  await unban.waitFor();
  await accessible(pageA, "account settings");
  await pageA.goto(`/users/${carolId}`);
  await pageA.getByText("Carol is banned.").waitFor();
  await pageA.getByRole("button", { name: "Unban Carol" }).waitFor();
  await pageA.goto("/account");
  await unban.click();
  await unban.waitFor({ state: "detached" });
  await pageA.reload();
  await pageA.getByRole("heading", { name: "People", exact: true }).waitFor();
  check((await unban.count()) === 0, "Carol is still listed as banned after Unban");
});

await defect("3. a sign-in link and its QR code carry the whole address (A5)", async () => {
  await pageB.goto("/me");
  await pageB.getByRole("button", { name: "Make a sign-in link" }).click();
  const field = pageB.getByRole("textbox", { name: "Your sign-in link" });
  await eventually(async () => (await field.inputValue()).startsWith(`${BASE}/transfer/`), "an absolute sign-in link");
  await pageB.getByRole("button", { name: "Show QR code" }).last().click();
  const qr = pageB.getByRole("img", { name: "QR code of your sign-in link" });
  const box = await qr.boundingBox();
  const modules = await qr.evaluate((svg) => Number(svg.getAttribute("viewBox").split(" ")[2]));
  check(box.width / modules >= 4, `QR modules are ${(box.width / modules).toFixed(1)} px`);
  check(!(await pageB.getByText("Sharing isn't available").count()), "a dead Share button on the desktop");
});

await defect("20. a member finds the join link on their profile (A2)", async () => {
  const field = pageB.getByRole("textbox", { name: "Join link" });
  await eventually(async () => (await field.inputValue()).startsWith(`${BASE}/join/`), "an absolute join link for a member");
  await accessible(pageB, "my profile");
});

await defect("4. a 100-character room name keeps every control on the screen, phone and desktop (R2)", async () => {
  await phonePage.goto(`/rooms/${longRoom}`);
  // On a touch screen the editor loads when the composer is first touched.
  await composer(phonePage, LONG_ROOM).click();
  await phonePage.getByRole("button", { name: "Send" }).waitFor();
  for (const [name, what] of [
    [/^Notifications:/, "the bell"],
    [/^Rooms and people/, "the menu button"],
    ["Send", "Send"],
  ]) {
    await inView(phonePage, phonePage.getByRole("button", { name }).first(), what);
  }
  await inView(phonePage, phonePage.getByRole("heading", { name: LONG_ROOM }), "the room's name");
  await shoot(phonePage, "review-long-room");
  await pageA.goto(`/rooms/${longRoom}`);
  const link = pageA.getByRole("link", { name: LONG_ROOM });
  const sidebar = await pageA.getByRole("complementary", { name: "Rooms and people" }).boundingBox();
  const linkBox = await link.boundingBox();
  check(linkBox.x + linkBox.width <= sidebar.x + sidebar.width + 1, "the room's name runs out of the sidebar");
});

await defect("5. the menu of the newest message opens upward with every action in view (M6)", async () => {
  await pageA.goto(`/rooms/${allTalk}`);
  await send(pageA, "All Talk", "The newest message, at the bottom");
  const last = log(pageA).getByText("The newest message, at the bottom");
  await last.hover();
  await pageA
    .getByRole("button", { name: /^Actions for Ada Lovelace's message/ })
    .last()
    .click();
  for (const name of ["Boost with 🔥", "Boost", "Reply", "Copy link", "Edit", "Delete"]) {
    await inView(pageA, pageA.getByRole("group", { name: /^Actions for/ }).getByRole("button", { name, exact: true }), `the menu's ${name}`);
  }
  check(!(await pageA.getByRole("button", { name: "Jump to newest" }).count()), "the open menu made the list scroll");
  await pageA.keyboard.press("Escape");
});

await defect("6. Reply puts the caret on an empty line under the quote (M7)", async () => {
  await composer(pageA, "All Talk").click();
  const hello = log(pageA).locator(".msg").filter({ hasText: "Hello Bob, welcome to the team" });
  await hello.hover();
  await hello.getByRole("button", { name: "Reply", exact: true }).click();
  await pageA.keyboard.type("Glad to be here!");
  await pageA.keyboard.press("Enter");
  const mine = log(pageA).locator(".msg").filter({ hasText: "Glad to be here!" }).last();
  await mine.waitFor();
  const quote = await mine.locator("blockquote").innerText();
  check(!quote.includes("Glad to be here!"), `my text is inside the quote: ${quote}`);
  const html = await mine.locator(".msg__body").innerHTML();
  check(/<\/blockquote>\s*<p>Glad to be here!<\/p>/.test(html), `no single line under the quote: ${html}`);
});

await defect("7. scrolling up fast keeps loading until the beginning, without jumps (M3)", async () => {
  await pageA.goto(`/rooms/${history}`);
  await log(pageA).getByText("History message 180").waitFor();
  const list = log(pageA);
  const box = await list.boundingBox();
  await pageA.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await eventually(
    async () => {
      await pageA.mouse.wheel(0, -700);
      return (await pageA.getByText("This is the very beginning of History").count()) > 0;
    },
    "the beginning of the room by wheeling up",
    30_000,
  );
  await log(pageA).getByText("History message 1", { exact: true }).waitFor();
});

await defect("8. a 300-character search leaves the search box and its button on the screen (S2)", async () => {
  const word = "x".repeat(300);
  await pageA.goto("/search");
  await pageA.getByRole("searchbox", { name: "Search messages" }).fill(word);
  await pageA.keyboard.press("Enter");
  await pageA.getByRole("status").filter({ hasText: "messages for" }).waitFor();
  // It stays in Recent searches: a later visit must look right too.
  await pageA.goto("/search");
  await pageA.getByRole("button", { name: "Clear" }).waitFor();
  await inView(pageA, pageA.getByRole("button", { name: "Search", exact: true }), "the Search button");
  await inView(pageA, pageA.getByRole("searchbox", { name: "Search messages" }), "the search box");
  const width = await pageA.evaluate(() => document.documentElement.scrollWidth);
  check(width <= 1440, `the page is ${width} px wide`);
  await pageA.getByRole("button", { name: "Clear" }).click();
});

await defect("9. changing a filter searches for what is in the box (S1)", async () => {
  await pageA.goto("/search?q=hello");
  const box = pageA.getByRole("searchbox", { name: "Search messages" });
  await box.fill("welcome");
  await pageA.getByRole("button", { name: "Filters" }).click();
  await pageA.getByLabel("From").selectOption({ label: ada.name });
  await eventually(async () => new URL(pageA.url()).searchParams.get("q") === "welcome", "q=welcome in the address");
  check((await box.inputValue()) === "welcome", "the typed text was thrown away");
  await pageA.getByRole("status").filter({ hasText: "for “welcome”" }).waitFor();
  await accessible(pageA, "search");
});

await defect("10. on a touch screen the ⋯ button never covers the text (M2)", async () => {
  await phonePage.goto(`/rooms/${allTalk}`);
  const message = log(phonePage).locator(".msg").filter({ hasText: "Hello Bob, welcome to the team" }).first();
  await message.waitFor();
  const text = await message.locator(".msg__body").boundingBox();
  const button = await message.getByRole("button", { name: /^Actions for/ }).boundingBox();
  check(button.x >= text.x + text.width - 0.5, `the ⋯ (x=${button.x}) overlaps the text (ending at ${text.x + text.width})`);
});

await defect("11. whoever opens a room sees who is already there, also after a reload (R5)", async () => {
  await pageA.goto(`/rooms/${allTalk}`);
  await composer(pageA, "All Talk").waitFor();
  await pageB.goto(`/rooms/${allTalk}`);
  const hereB = pageB.getByRole("region", { name: "Here now" }).or(pageB.locator(".here-now"));
  await eventually(
    async () => (await hereB.getByText(/Ada/).count()) > 0 || (await hereB.locator('[title*="Ada"], [aria-label*="Ada"]').count()) > 0,
    "Ada in Bob's Here now",
  );
  await pageB.reload();
  await eventually(
    async () => (await hereB.locator('[title*="Ada"], [aria-label*="Ada"]').count()) > 0 || (await hereB.getByText(/Ada/).count()) > 0,
    "Ada in Bob's Here now after a reload",
  );
});

await defect("12. the phone's room list takes focus, keeps it, and gives it back (accessibility)", async () => {
  const menu = phonePage.getByRole("button", { name: /^Rooms and people/ }).first();
  await menu.click();
  const panel = phonePage.getByRole("complementary", { name: "Rooms and people" });
  await eventually(() => panel.evaluate((el) => el.contains(document.activeElement)), "focus in the room list");
  for (let i = 0; i < 12; i++) {
    await phonePage.keyboard.press("Tab");
    check(await panel.evaluate((el) => el.contains(document.activeElement) || document.activeElement === document.body), `Tab ${i + 1} left the room list`);
  }
  await accessible(phonePage, "the phone's room list");
  await phonePage.keyboard.press("Escape");
  await eventually(() => menu.evaluate((el) => el === document.activeElement), "focus back on the menu button");
});

await defect("13. Up in the composer brings the message being edited into view (M4)", async () => {
  await pageA.goto(`/rooms/${allTalk}`);
  const tall = Array.from({ length: 60 }, (_, i) => `<p>Line ${i + 1} of a tall message</p>`).join("");
  await call("POST", `/api/rooms/${allTalk}/messages`, { client_message_id: crypto.randomUUID(), body_html: tall }, adaCookie);
  await log(pageA).getByText("Line 60 of a tall message").waitFor();
  await call("POST", `/api/rooms/${allTalk}/messages`, { client_message_id: crypto.randomUUID(), body_html: "<p>Bob's short one</p>" }, bobCookie);
  await log(pageA).getByText("Bob's short one").waitFor();
  await composer(pageA, "All Talk").click();
  await pageA.keyboard.press("ArrowUp");
  const editor = pageA.getByRole("textbox", { name: "Edit message" });
  await editor.waitFor();
  // In view: its top, or (taller than the list) its end with the caret and Save.
  const save = pageA.getByRole("button", { name: "Save", exact: true });
  let seen = "";
  await eventually(async () => {
    const box = await editor.boundingBox();
    const list = await log(pageA).boundingBox();
    const topShown = box.y >= list.y - 1 && box.y < list.y + list.height;
    const saveBox = await save.boundingBox();
    const endShown = saveBox.y >= list.y - 1 && saveBox.y + saveBox.height <= list.y + list.height + 1;
    seen = JSON.stringify({ box, list, saveBox });
    return topShown || endShown;
  }, "the editor in view").catch((e) => {
    throw new Error(`${e.message}: ${seen}`);
  });
  await pageA.keyboard.press("Escape");
});

await defect("14. a room that failed to load while the server was away loads by itself when it is back", async () => {
  await pageB.goto(`/rooms/${allTalk}`);
  await composer(pageB, "All Talk").waitFor();
  // The server goes away (run.sh's start script and pid file), and comes back.
  const work = process.env.CAMPFIRE_E2E_WORK;
  check(work, "run by run.sh (CAMPFIRE_E2E_WORK)");
  execSync(`kill -9 "$(cat ${work}/pid)"`);
  await pageB.getByText("Reconnecting").waitFor();
  await pageB.getByRole("link", { name: /^History/ }).click();
  await pageB.getByRole("button", { name: "Try again" }).waitFor();
  execSync(`bash ${work}/start.sh`);
  await log(pageB).getByText("History message 180").waitFor({ timeout: 30_000 });
});

await defect("15. a permalink to a message that does not exist says so, then shows the newest (M3)", async () => {
  await pageA.goto(`/rooms/${history}/@999999`);
  await pageA.getByText("That message isn't here any more").waitFor();
  await log(pageA).getByText("History message 180").waitFor();
});

await defect("18. a wrong password is answered in a sentence, with focus back on the form (A3)", async () => {
  const ctx = await newContext();
  const page = await ctx.newPage();
  await page.goto("/session/new");
  await page.getByLabel("Email address").fill(ada.email);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("alert").getByText("That email and password didn't work.").waitFor();
  await eventually(() => page.getByLabel("Password").evaluate((el) => el === document.activeElement), "focus on the password");
  await accessible(page, "sign in");
  await ctx.close();
});

await defect("19. Markdown-style shortcuts make lists, quotes and code, also after Shift+Enter (M1)", async () => {
  await pageA.goto(`/rooms/${allTalk}`);
  const box = composer(pageA, "All Talk");
  await box.click();
  await pageA.keyboard.type("Shopping:");
  await pageA.keyboard.press("Shift+Enter");
  await pageA.keyboard.type("- milk");
  await pageA.keyboard.press("Shift+Enter");
  await pageA.keyboard.type("bread");
  check((await box.locator("ul li").count()) === 2, `no list: ${await box.innerHTML()}`);
  await pageA.keyboard.press("Enter");
  const sent = log(pageA).locator(".msg").filter({ hasText: "Shopping:" }).last();
  await sent.locator("ul li").nth(1).waitFor();
  await box.click();
  await pageA.keyboard.type("1. first");
  check((await box.locator("ol li").count()) === 1, "no numbered list");
  await pageA.keyboard.press("Control+a");
  await pageA.keyboard.press("Delete");
  await pageA.keyboard.type("> wise words");
  check((await box.locator("blockquote").count()) === 1, "no quote");
  await pageA.keyboard.press("Control+a");
  await pageA.keyboard.press("Delete");
  await pageA.keyboard.type("run `make` now");
  check((await box.locator("code").count()) === 1, "no inline code");
  await pageA.keyboard.press("Control+a");
  await pageA.keyboard.press("Delete");
  // A table pasted from a spreadsheet keeps its cells apart.
  await box.evaluate((el) => {
    const data = new DataTransfer();
    data.setData("text/html", "<table><tr><td>cell A</td><td>cell B</td></tr><tr><td>cell C</td><td>cell D</td></tr></table>");
    data.setData("text/plain", "cell A\tcell B\ncell C\tcell D");
    el.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
  });
  const pasted = await box.innerText();
  check(/cell A\s+cell B/.test(pasted) && /cell B\s+cell C/.test(pasted), `the pasted table reads ${JSON.stringify(pasted)}`);
  await pageA.keyboard.press("Control+a");
  await pageA.keyboard.press("Delete");
});

await defect("21. the page title names the room or the screen", async () => {
  await pageA.goto(`/rooms/${allTalk}`);
  await eventually(async () => (await pageA.title()).endsWith(`All Talk · ${accountName}`), `"All Talk · ${accountName}"`);
  await pageA.goto("/search");
  await eventually(async () => (await pageA.title()).endsWith(`Search · ${accountName}`), "Search in the title");
  await pageA.goto("/account");
  await eventually(async () => (await pageA.title()).endsWith(`Account settings · ${accountName}`), "Account settings in the title");
});

await defect("23. the room header has a background; /play names who played; Share only where it works", async () => {
  await pageA.goto(`/rooms/${allTalk}`);
  const bg = await pageA.locator(".room-header").evaluate((el) => getComputedStyle(el).backgroundColor);
  check(bg !== "rgba(0, 0, 0, 0)" && bg !== "transparent", `the header is transparent (${bg})`);
  await send(pageA, "All Talk", "/play trombone");
  const play = log(pageA).locator(".msg__play-text").last();
  await play.waitFor();
  check((await play.innerText()).startsWith(ada.name), `the /play line reads “${await play.innerText()}”`);
});

await defect("16. a browser that blocks notifications is told so under the header, which keeps its height (N1)", async () => {
  // Notifications blocked (the harness grants only the clipboard, which denies the rest).
  const ctx = await signedInContext(bobCookie);
  const page = await ctx.newPage();
  await page.goto(`/rooms/${longRoom}`);
  await composer(page, LONG_ROOM).waitFor();
  const header = page.locator(".room-header");
  const before = (await header.boundingBox()).height;
  await page.getByRole("button", { name: /^Notifications:/ }).click();
  const note = page.getByRole("status").filter({ hasText: "blocks notifications" });
  await note.waitFor();
  await inView(page, note, "the note");
  const after = (await header.boundingBox()).height;
  check(Math.abs(after - before) < 1, `the header grew from ${before} to ${after} px`);
  await note.getByRole("button", { name: "Dismiss" }).click();
  await note.waitFor({ state: "detached" });
  await ctx.close();
});

await defect("from the composer, a skip link leads back to the message list (accessibility)", async () => {
  await pageA.goto(`/rooms/${allTalk}`);
  await composer(pageA, "All Talk").click();
  const skip = pageA.getByRole("link", { name: "Skip to the messages" });
  await eventually(async () => {
    await pageA.keyboard.press("Shift+Tab");
    return skip.evaluate((el) => el === document.activeElement);
  }, "the skip link by Shift+Tab from the composer");
  await inView(pageA, skip, "the focused skip link");
  await pageA.keyboard.press("Enter");
  await eventually(() => log(pageA).evaluate((el) => el === document.activeElement), "focus on the message list");
});

await defect("23. boost avatars sit apart; a group Ping reads 'BB+CD'; an empty room's lines align", async () => {
  // Bob and Carol (back from her ban) both boost one message.
  const { json: posted } = await call(
    "POST",
    `/api/rooms/${history}/messages`,
    { client_message_id: crypto.randomUUID(), body_html: "<p>Boost me</p>" },
    adaCookie,
  );
  const carolCookie = (await call("POST", "/api/session", { email: carol.email, password: carol.password })).cookie;
  for (const cookie of [bobCookie, carolCookie]) await call("POST", `/api/messages/${posted.message.id}/boosts`, { content: "🎉" }, cookie);
  await pageA.goto(`/rooms/${history}`);
  const chip = log(pageA).locator(".msg").filter({ hasText: "Boost me" }).locator(".boost").first();
  await chip.waitFor();
  const boxes = await chip.locator(".avatar").evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON()));
  check(boxes.length === 2 && boxes[0].right <= boxes[1].left, `boost avatars overlap: ${JSON.stringify(boxes)}`);
  // A group Ping with Bob and Carol.
  const bob = (await call("GET", "/api/users", null, adaCookie)).json.users.find((u) => u.name === "Bob Builder");
  await call("POST", "/api/rooms/direct", { user_ids: [bob.id, carolId] }, adaCookie);
  await pageA.reload();
  const ping = pageA.getByRole("link", { name: /Bob Builder, Carol Danvers|Carol Danvers, Bob Builder/ });
  await ping.getByText(/^(BB\+CD|CD\+BB)$/).waitFor();
  // Its two tiles sit on a diagonal of the square, not both along the top.
  const tiles = await ping.locator(".group-avatar .avatar").evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON()));
  check(tiles.length === 2 && tiles[1].x > tiles[0].x && tiles[1].y > tiles[0].y, `group Ping tiles: ${JSON.stringify(tiles)}`);
  // An empty room: both lines start at the same x.
  await pageA.goto(`/rooms/${longRoom}`);
  // Where the text itself starts (the paragraphs' boxes include their padding).
  const textX = (locator) =>
    locator.evaluate((el) => {
      const range = document.createRange();
      range.selectNodeContents(el);
      return range.getBoundingClientRect().x;
    });
  const start = await textX(pageA.getByText(/^This is the very beginning of/));
  const empty = await textX(pageA.getByText("No messages yet. Say hello!"));
  check(Math.abs(start - empty) < 1, `the empty room's lines start at ${start} and ${empty}`);
});

await defect("23. signed out from another device, the sign-in page says why", async () => {
  const ctx = await newContext();
  const page = await ctx.newPage();
  const other = (await call("POST", "/api/session", { email: bob.email, password: bob.password })).cookie;
  const [name, value] = other.split("=");
  await ctx.addCookies([{ name, value, url: BASE }]);
  await page.goto(`/rooms/${allTalk}`);
  await composer(page, "All Talk").waitFor();
  // Bob signs this device out from elsewhere (his sessions list).
  const { json } = await call("GET", "/api/sessions", null, bobCookie);
  const session = json.sessions.find((s) => !s.current && s.id);
  await call("DELETE", `/api/sessions/${session.id}`, null, bobCookie);
  await page.getByText("You were signed out").waitFor();
  await ctx.close();
});

await defect("22, 23. with files and search off: a pasted or dropped file explains itself, no search button", async () => {
  // A second server, started here with both features off, on its own data directory.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "campfire-review-"));
  const bind = `127.0.0.1:${3400 + Math.floor(Math.random() * 400)}`;
  const server = spawn(process.env.CAMPFIRE_E2E_SERVER, ["--data-dir", dir, "--bind", bind, "--files", "false", "--search", "false"], { stdio: "ignore" });
  try {
    const base = `http://${bind}`;
    await eventually(async () => (await fetch(`${base}/up`).catch(() => null))?.ok, "the second server");
    const res = await fetch(`${base}/api/first_run`, {
      method: "POST",
      headers: { origin: base, "content-type": "application/json" },
      body: JSON.stringify(ada),
    });
    const [name, value] = res.headers.get("set-cookie").split(";")[0].split("=");
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, baseURL: base });
    await ctx.addCookies([{ name, value, url: base }]);
    const page = await ctx.newPage();
    await page.goto("/");
    const box = composer(page, "All Talk");
    await box.waitFor();
    check(!(await page.getByRole("link", { name: "Search messages" }).count()), "a search button with search off");
    // Paste a picture into the composer.
    await box.click();
    await page.evaluate(() => {
      const data = new DataTransfer();
      data.items.add(new File([new Uint8Array([137, 80, 78, 71])], "shot.png", { type: "image/png" }));
      document.querySelector(".composer__input").dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
    });
    const dialog = page.getByRole("dialog", { name: "File sharing is not enabled" });
    await dialog.waitFor({ timeout: 5000 }).catch((e) => {
      throw new Error(`no explanation after a paste: ${e.message}`);
    });
    await dialog.getByRole("button").first().click();
    await dialog.waitFor({ state: "detached" });
    // Drop one on the room.
    await page.evaluate(() => {
      const data = new DataTransfer();
      data.items.add(new File(["hello"], "notes.txt", { type: "text/plain" }));
      const room = document.querySelector(".room");
      for (const type of ["dragover", "drop"]) room.dispatchEvent(new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }));
    });
    await dialog.waitFor({ timeout: 5000 }).catch((e) => {
      throw new Error(`no explanation after a drop: ${e.message}`);
    });
    await ctx.close();
  } finally {
    server.kill("SIGKILL");
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

await defect("screens: room settings, a profile, New Ping, the message menu, not found", async () => {
  await pageA.goto(`/rooms/${allTalk}/edit`);
  await pageA.getByRole("heading", { name: "Room settings" }).waitFor();
  await shoot(pageA, "room-settings");
  await pageA.goto(`/users/${carolId}`);
  await pageA.getByRole("heading", { name: carol.name }).first().waitFor();
  await shoot(pageA, "user-profile");
  await pageA.goto("/nowhere");
  await pageA.getByText("This page isn't here").waitFor();
  await shoot(pageA, "not-found");
  await pageA.goto(`/rooms/${allTalk}`);
  await pageA.getByRole("button", { name: "New Ping" }).click();
  await pageA.getByRole("dialog").waitFor();
  await shoot(pageA, "new-ping");
  await pageA.keyboard.press("Escape");
  const last = log(pageA).locator(".msg").last();
  await last.hover();
  await last.getByRole("button", { name: /^Actions for/ }).click();
  await shoot(pageA, "message-menu");
  await pageA.keyboard.press("Escape");
});

await defect("every screen passes axe-core (no serious or critical violations), both themes", async () => {
  for (const scheme of ["light", "dark"]) {
    await pageA.emulateMedia({ colorScheme: scheme });
    for (const path of [
      `/rooms/${allTalk}`,
      `/rooms/${history}`,
      "/search?q=history",
      "/account",
      "/me",
      `/users/${carolId}`,
      "/rooms/new",
      `/rooms/${allTalk}/edit`,
    ]) {
      await pageA.goto(path);
      await pageA.waitForLoadState("networkidle");
      await accessible(pageA, `${path} (${scheme})`);
    }
    await phonePage.emulateMedia({ colorScheme: scheme });
    await phonePage.goto(`/rooms/${allTalk}`);
    await phonePage.waitForLoadState("networkidle");
    await accessible(phonePage, `phone room (${scheme})`);
  }
  await pageA.emulateMedia({ colorScheme: "light" });
});

await browser.close();
finish();
