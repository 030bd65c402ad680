// X7, finding your way back into a busy day, as a person would check it on a desktop (1440×900)
// and a phone (390×844, touch): unread and mention counts in the sidebar, the "new since your
// last visit" line and the way back to it, and marking a room unread from a message on every
// device. Every screen is also checked by axe-core.
//
//   CAMPFIRE_URL=http://127.0.0.1:3000 node e2e/wayback.e2e.mjs   (an empty data directory)
import { accessible, browser, call, check, eventually, finish, inView, log, logErrors, phone, shoot, signedInContext, step } from "./harness.mjs";

const ada = { name: "Ada Lovelace", email: "ada@example.com", password: "analytical-engine" };
const bob = { name: "Bob Builder", email: "bob@example.com", password: "can-we-fix-it" };

let adaCookie = "";
let bobCookie = "";
let bobId = 0;
let launch = 0;
let busy = 0;

const post = (room, html, cookie = adaCookie) =>
  call("POST", `/api/rooms/${room}/messages`, { client_message_id: crypto.randomUUID(), body_html: html }, cookie).then((r) => r.json.message ?? r.json);

await step("setup: Ada and Bob; Bob read Launch at message 30 and Busy at message 10", async () => {
  adaCookie = (await call("POST", "/api/first_run", ada)).cookie;
  const { json: link } = await call("GET", "/api/join_link", null, adaCookie);
  const joined = await call("POST", `/api/join/${link.join_path.split("/").pop()}`, bob);
  bobCookie = joined.cookie;
  bobId = joined.json.me.id;
  launch = (await call("POST", "/api/rooms", { name: "Launch", kind: "open" }, adaCookie)).json.room.id;
  busy = (await call("POST", "/api/rooms", { name: "Busy", kind: "open" }, adaCookie)).json.room.id;
  for (let i = 1; i <= 30; i++) await post(launch, `<p>Launch message ${i}</p>`);
  await call("POST", `/api/rooms/${launch}/read`, {}, bobCookie);
  for (let i = 31; i <= 35; i++) {
    const mention = i === 33 ? ` <span data-mention-id="${bobId}">@Bob Builder</span>` : "";
    await post(launch, `<p>Launch message ${i}${mention}</p>`);
  }
  for (let i = 1; i <= 10; i++) await post(busy, `<p>Busy message ${i}</p>`);
  await call("POST", `/api/rooms/${busy}/read`, {}, bobCookie);
  for (let i = 11; i <= 100; i++) await post(busy, `<p>Busy message ${i}</p>`);
});

const desk = await (await signedInContext(bobCookie)).newPage();
logErrors(desk, "Bob");
const phoneCtx = await signedInContext(bobCookie, phone);
const mobile = await phoneCtx.newPage();
logErrors(mobile, "Bob's phone");

const roomLink = (page, name) => page.locator(".sidebar").getByRole("link", { name: new RegExp(`^${name}\\b`), includeHidden: true });

/** Opens a room from the sidebar; on a phone the sidebar opens first. */
async function openRoom(page, name) {
  const link = roomLink(page, name);
  if (!(await link.isVisible()))
    await page
      .getByRole("button", { name: /^Rooms and people/ })
      .first()
      .click();
  await link.click();
}

await step("the sidebar counts each room's new messages, with mentions of me apart", async () => {
  await desk.goto("/");
  const link = roomLink(desk, "Launch");
  await link.waitFor();
  check((await link.textContent()).includes("@1"), `Launch shows one mention: ${await link.textContent()}`);
  check((await link.textContent()).includes("5"), `Launch shows 5 new: ${await link.textContent()}`);
  check(/\(5 unread, 1 mention\)/.test(await link.textContent()), "a screen reader hears the counts");
  check((await roomLink(desk, "Busy").textContent()).includes("90"), `Busy shows 90 new: ${await roomLink(desk, "Busy").textContent()}`);
  await accessible(desk, "sidebar with counts");
});

await step("opening the room: a line above the first new message, and the counts clear", async () => {
  await openRoom(desk, "Launch");
  const line = log(desk).locator(".new-since");
  await line.waitFor();
  check((await line.textContent()).includes("New since your last visit"), "the line says what it is");
  const next = line.locator("xpath=following-sibling::li[1]");
  check((await next.textContent()).includes("Launch message 31"), `the line sits above message 31: ${await next.textContent()}`);
  await eventually(async () => !/unread/.test(await roomLink(desk, "Launch").textContent()), "Launch to be read");
  await shoot(desk, "x7-new-since");
  await accessible(desk, "a room with the new-since line");
});

await step("mark unread from a message: the room stays unread here and turns unread on the phone", async () => {
  await mobile.goto("/");
  await roomLink(mobile, "Busy").waitFor({ state: "attached" });
  const message = log(desk).getByRole("listitem").filter({ hasText: "Launch message 34" });
  await message.hover();
  await message.getByRole("button", { name: /^Actions for/ }).click();
  await desk.getByRole("button", { name: "Mark unread from here" }).click();
  const line = log(desk).locator(".new-since");
  await eventually(
    async () => (await line.locator("xpath=following-sibling::li[1]").textContent()).includes("Launch message 34"),
    "the line to move to message 34",
  );
  // Two messages from Ada since then (34, 35): the count on this desktop and on the phone.
  await eventually(async () => /\(2 unread\)/.test(await roomLink(desk, "Launch").textContent()), "Launch to show 2 unread here");
  await eventually(async () => /\(2 unread\)/.test(await roomLink(mobile, "Launch").textContent()), "Launch to show 2 unread on the phone");
  await desk.waitForTimeout(1500);
  check(/\(2 unread\)/.test(await roomLink(desk, "Launch").textContent()), "still unread while Bob is in the room");
});

await step("leaving and coming back shows the line where he marked it, then reads the room", async () => {
  await openRoom(desk, "All Talk");
  await openRoom(desk, "Launch");
  const line = log(desk).locator(".new-since");
  await line.waitFor();
  check((await line.locator("xpath=following-sibling::li[1]").textContent()).includes("Launch message 34"), "the line is at message 34");
  await eventually(async () => !/unread/.test(await roomLink(mobile, "Launch").textContent()), "Launch to be read on the phone too");
});

await step("a long way behind: the first new message is not loaded; Jump brings it into view", async () => {
  await openRoom(desk, "Busy");
  await log(desk).getByText("Busy message 100").waitFor();
  const jump = desk.getByRole("button", { name: "Jump to the first new message" });
  await jump.waitFor();
  await jump.click();
  const first = log(desk)
    .getByRole("listitem")
    .filter({ hasText: /^.*Busy message 11$/ });
  await log(desk).getByText("Busy message 11", { exact: true }).waitFor();
  const line = log(desk).locator(".new-since");
  await line.waitFor();
  check((await line.locator("xpath=following-sibling::li[1]").textContent()).includes("Busy message 11"), "the line is above message 11");
  await eventually(
    async () => (await first.count()) > 0 && (await desk.getByRole("button", { name: "Jump to the first new message" }).count()) === 0,
    "the jump button to go once the line shows",
  );
});

await step("Ctrl+K: type part of a name, Enter goes there; a person gets a Ping started", async () => {
  await openRoom(desk, "All Talk");
  await desk.keyboard.press("Control+k");
  const dialog = desk.getByRole("dialog", { name: "Jump to a room or person" });
  const input = dialog.getByRole("combobox", { name: "Room or person" });
  await input.waitFor();
  check(await input.evaluate((el) => el === document.activeElement), "the switcher takes focus");
  await input.fill("lau");
  await dialog.getByRole("option", { name: /Launch/, selected: true }).waitFor();
  await shoot(desk, "x7-switcher");
  await accessible(desk, "the quick switcher");
  await desk.keyboard.press("Enter");
  await dialog.waitFor({ state: "hidden" });
  await log(desk).getByText("Launch message 35").waitFor();
  check(/\/rooms\/\d+$/.test(desk.url()) && desk.url().endsWith(`/rooms/${launch}`), `Launch opened: ${desk.url()}`);

  await desk.keyboard.press("Control+k");
  await input.fill("ada");
  await dialog.getByRole("option", { name: /Ada Lovelace.*Start a Ping/ }).waitFor();
  await desk.keyboard.press("Enter");
  await desk
    .getByRole("heading", { name: "Ada Lovelace" })
    .or(desk.getByRole("textbox", { name: "Message Ada Lovelace" }))
    .first()
    .waitFor();
  await desk.keyboard.press("Control+k");
  await input.fill("nothing like this");
  await dialog.getByText("No room or person called “nothing like this”.").waitFor();
  await desk.keyboard.press("Escape");
  await dialog.waitFor({ state: "hidden" });
});

await step("Alt+↑/↓ move between rooms in the sidebar's order; Alt+Shift+↓ goes to the next unread one", async () => {
  await openRoom(desk, "All Talk");
  await desk.keyboard.press("Alt+ArrowDown");
  await desk.waitForURL(`**/rooms/${busy}`);
  await desk.keyboard.press("Alt+ArrowUp");
  await desk.waitForURL(/\/rooms\/\d+$/);
  check(!desk.url().endsWith(`/rooms/${busy}`), "Alt+↑ left Busy");
  await post(launch, "<p>Something new in Launch</p>");
  await eventually(async () => /unread/.test(await roomLink(desk, "Launch").textContent()), "Launch to be unread");
  await openRoom(desk, "All Talk");
  await desk.keyboard.press("Alt+Shift+ArrowDown");
  await desk.waitForURL(`**/rooms/${launch}`);
  await log(desk).getByText("Something new in Launch").waitFor();
});

await step("Save for later: the Saved list on every device, Remove, and a deleted message leaves it", async () => {
  await openRoom(desk, "Launch");
  const message = log(desk).getByRole("listitem").filter({ hasText: "Launch message 32" });
  await message.hover();
  await message.getByRole("button", { name: /^Actions for/ }).click();
  await desk.getByRole("button", { name: "Save for later" }).click();
  const doomed = await post(launch, "<p>Saved, then deleted</p>");
  await call("PUT", `/api/messages/${doomed.id}/bookmark`, null, bobCookie);

  await mobile.goto("/saved");
  await mobile.getByRole("heading", { name: "Saved messages" }).waitFor();
  await mobile.getByRole("link", { name: "Saved, then deleted" }).waitFor();
  await mobile.getByRole("link", { name: "Launch message 32" }).waitFor();
  await inView(mobile, mobile.getByRole("button", { name: /^Remove .* from saved$/ }).first(), "Remove");
  await accessible(mobile, "saved messages on a phone");

  await desk.getByRole("link", { name: "Saved messages" }).click();
  await desk.getByRole("link", { name: "Launch message 32" }).waitFor();
  await shoot(desk, "x7-saved");
  await call("DELETE", `/api/messages/${doomed.id}`, null, adaCookie);
  await desk.getByRole("link", { name: "Saved, then deleted" }).waitFor({ state: "detached" });
  await mobile.getByRole("link", { name: "Saved, then deleted" }).waitFor({ state: "detached" });
  // Removed on the phone: gone from the desktop's list too, and its menu offers saving again.
  await mobile.getByRole("button", { name: /^Remove .* from saved$/ }).click();
  await desk.getByText("Nothing saved yet").waitFor();
  await openRoom(desk, "Launch");
  await message.hover();
  await message.getByRole("button", { name: /^Actions for/ }).click();
  await desk.getByRole("button", { name: "Save for later" }).waitFor();
  await desk.keyboard.press("Escape");
});

await step("on a phone: counts, the line and Mark unread fit the screen", async () => {
  // The desktop looks elsewhere: a room open and in view is read again at once.
  await openRoom(desk, "All Talk");
  await post(launch, `<p>Phone check <span data-mention-id="${bobId}">@Bob Builder</span></p>`);
  const link = roomLink(mobile, "Launch");
  await eventually(async () => /\(1 unread, 1 mention\)/.test(await link.textContent()), "Launch to count the new mention on the phone");
  await openRoom(mobile, "Launch");
  const line = log(mobile).locator(".new-since");
  await line.waitFor();
  await inView(mobile, line, "the new-since line");
  const message = log(mobile).getByRole("listitem").filter({ hasText: "Phone check" });
  await message.getByRole("button", { name: /^Actions for/ }).click();
  const item = mobile.getByRole("button", { name: "Mark unread from here" });
  await inView(mobile, item, "Mark unread from here");
  await item.click();
  await eventually(async () => /unread/.test(await roomLink(desk, "Launch").textContent()), "the desktop to see Launch unread");
  await accessible(mobile, "a room on a phone");
  await shoot(mobile, "x7-phone-room");
  // The switcher from the sidebar's button, with no keyboard.
  await mobile
    .getByRole("button", { name: /^Rooms and people/ })
    .first()
    .click();
  await mobile.getByRole("button", { name: /^Jump to/ }).click();
  const input = mobile.getByRole("combobox", { name: "Room or person" });
  await input.fill("bus");
  const option = mobile.getByRole("option", { name: /Busy/ });
  await inView(mobile, option, "the switcher's choice");
  await option.click();
  await mobile.waitForURL(`**/rooms/${busy}`);
});

await step("the mentions inbox: newest first, unread marked, live, and a way into the room", async () => {
  await desk.getByRole("link", { name: "Mentions of you" }).click();
  await desk.getByRole("heading", { name: "Mentions" }).waitFor();
  const items = desk.locator(".search-result");
  await eventually(async () => (await items.count()) === 2, "two mentions");
  check((await items.nth(0).textContent()).includes("Phone check"), "the newest first");
  // The phone read the room, then marked it unread from this message: both reach the desktop live.
  await eventually(async () => (await items.nth(0).textContent()).includes("unread"), "the mention marked unread from the phone to show unread");
  check((await items.nth(1).textContent()).includes("Launch message 33"), "then the older one");
  await post(busy, `<p>Are you there <span data-mention-id="${bobId}">@Bob Builder</span>?</p>`);
  await eventually(async () => (await items.count()) === 3 && (await items.nth(0).textContent()).includes("Are you there"), "the new mention on top, live");
  await shoot(desk, "x7-inbox");
  await accessible(desk, "the mentions inbox");
  await desk.getByRole("link", { name: /Are you there/ }).click();
  await desk.waitForURL(new RegExp(`/rooms/${busy}/`));
  await log(desk).getByText("Are you there").waitFor();
});

await step("boost with any emoji: the picker beside the quick picks, most used first next time", async () => {
  await openRoom(desk, "Launch");
  const message = log(desk).getByRole("listitem").filter({ hasText: "Launch message 35" });
  for (let round = 0; round < 2; round++) {
    await message.hover();
    await message.getByRole("button", { name: /^Actions for/ }).click();
    await desk.getByRole("button", { name: "Boost with another emoji" }).click();
    const dialog = desk.getByRole("dialog", { name: "Boost with any emoji" });
    const picker = dialog.locator("emoji-picker");
    await picker.waitFor();
    if (round === 0) {
      await picker.getByRole("combobox").fill("avocado");
      await picker
        .getByRole("option", { name: /avocado/i })
        .first()
        .click();
      await message.getByRole("button", { name: /🥑/ }).first().waitFor();
      await accessible(desk, "a boosted message");
    } else {
      // The latest boost comes first among the recently used; choosing it again takes it back.
      const recent = dialog.getByRole("group", { name: "Recently used" }).getByRole("button").first();
      await recent.waitFor();
      check((await recent.getAttribute("aria-label")) === "Boost with 🥑", `the avocado is first: ${await recent.getAttribute("aria-label")}`);
      await picker
        .getByRole("menu", { name: "Favorites" })
        .getByRole("menuitem", { name: /avocado/i })
        .waitFor();
      await shoot(desk, "x7-boost-picker");
      await recent.click();
      await message.getByRole("button", { name: /🥑/ }).waitFor({ state: "detached" });
    }
    await dialog.waitFor({ state: "hidden" });
  }
});

await step("threads: reply beside the room, the count under the message, live replies, Back closes it", async () => {
  await desk.goto(`/rooms/${launch}`);
  const root = await post(launch, "<p>Thread root: who brings snacks?</p>");
  const message = log(desk).getByRole("listitem").filter({ hasText: "Thread root: who brings snacks?" });
  await message.hover();
  await message.getByRole("button", { name: /^Actions for/ }).click();
  await message
    .getByRole("group", { name: /^Actions for/ })
    .getByRole("button", { name: "Reply in thread" })
    .click();
  await desk.waitForURL(`**/rooms/${launch}?thread=${root.id}`);
  const panel = desk.getByRole("complementary", { name: /^Thread in Launch/ });
  await panel.getByText("No replies yet").waitFor();
  const box = panel.getByRole("textbox", { name: "Reply in the thread" });
  await box.click();
  await box.pressSequentially("I'll bring fruit");
  await box.press("Enter");
  await panel.getByText("I'll bring fruit").waitFor();
  // Under the message in the room: the count and who replied.
  await message.getByRole("button", { name: /^1 reply from Bob Builder\. Open the thread$/ }).waitFor();
  check(!(await log(desk).getByText("I'll bring fruit").count()), "the reply is not in the room's history");
  // Ada answers from elsewhere, mentioning Bob: it arrives live in the thread.
  await call(
    "POST",
    `/api/messages/${root.id}/replies`,
    { client_message_id: crypto.randomUUID(), body_html: `<p>Cheese from me, <span data-mention-id="${bobId}">@Bob Builder</span></p>` },
    adaCookie,
  );
  await panel.getByText("Cheese from me").waitFor();
  await message.getByRole("button", { name: /^2 replies from Ada Lovelace, Bob Builder/ }).waitFor();
  // A file, too, is a reply in the thread.
  await panel.getByTestId("file-input").setInputFiles({ name: "snack-list.txt", mimeType: "text/plain", buffer: Buffer.from("apples\ncheese\n") });
  await box.press("Enter");
  await panel.getByText("snack-list.txt").first().waitFor();
  await message.getByRole("button", { name: /^3 replies from Bob Builder, Ada Lovelace/ }).waitFor();
  check(!(await log(desk).getByText("snack-list.txt").count()), "the file is not in the room's history");
  await shoot(desk, "x7-thread");
  await accessible(desk, "a thread beside its room");
  await desk.goBack();
  await panel.waitFor({ state: "detached" });
  check(!desk.url().includes("thread="), "Back closes the thread");
});

await step("a mention in a thread is in the inbox, and its link opens the thread", async () => {
  await desk.goto("/mentions");
  await desk.getByRole("link", { name: /Cheese from me/ }).click();
  await desk.waitForURL(/\?thread=\d+$/);
  await desk
    .getByRole("complementary", { name: /^Thread in Launch/ })
    .getByText("Cheese from me")
    .waitFor();
});

await step("on a phone the thread opens below the room's header, and Close goes back to the room", async () => {
  await mobile.goto(`/rooms/${launch}`);
  await mobile.getByRole("button", { name: /^3 replies from/ }).click();
  const panel = mobile.getByRole("complementary", { name: /^Thread in Launch/ });
  await panel.getByText("I'll bring fruit").waitFor();
  check(!(await log(mobile).isVisible()), "the room's messages give way to the thread");
  await inView(mobile, panel.getByRole("button", { name: "Close the thread" }), "Close");
  await inView(mobile, panel.getByText("Cheese from me"), "the newest reply");
  await shoot(mobile, "x7-phone-thread");
  await accessible(mobile, "a thread on a phone");
  await panel.getByRole("button", { name: "Close the thread" }).click();
  await log(mobile).waitFor();
});

await step("a topic under the room's name, set by any member; a closed room can be left", async () => {
  const plans = (await call("POST", "/api/rooms", { name: "Secret plans", kind: "closed", member_ids: [bobId] }, adaCookie)).json.room.id;
  await desk.goto(`/rooms/${launch}/edit`);
  const topic = desk.getByRole("textbox", { name: "What this room is for" });
  await topic.fill("Getting the launch out the door");
  await desk.getByRole("button", { name: "Save topic" }).click();
  await desk.getByRole("status").filter({ hasText: "Saved." }).waitFor();
  await desk.goto(`/rooms/${launch}`);
  await desk.locator(".room-header__topic").filter({ hasText: "Getting the launch out the door" }).waitFor();
  await eventually(
    async () => (await call("GET", `/api/rooms/${launch}`, null, adaCookie)).json.room.topic === "Getting the launch out the door",
    "Ada to see the topic",
  );
  await roomLink(desk, "Secret plans").waitFor();
  await desk.goto(`/rooms/${plans}/edit`);
  await desk.getByRole("button", { name: "Leave room…" }).click();
  await desk.getByRole("dialog", { name: "Leave Secret plans?" }).getByRole("button", { name: "Leave room" }).click();
  await desk.waitForURL((url) => !url.pathname.startsWith(`/rooms/${plans}`));
  await roomLink(desk, "Secret plans").waitFor({ state: "detached" });
});

await step("the directory of open rooms shows hidden ones and shows them again", async () => {
  await call("PUT", `/api/rooms/${busy}/involvement`, { involvement: "invisible" }, bobCookie);
  await desk.goto("/");
  await roomLink(desk, "Busy").waitFor({ state: "detached" });
  await desk.getByRole("link", { name: "All rooms (1 hidden)" }).click();
  await desk.getByRole("heading", { name: "All rooms" }).waitFor();
  const show = desk.getByRole("button", { name: "Show Busy in my rooms" });
  await show.waitFor();
  await shoot(desk, "x7-directory");
  await accessible(desk, "the directory of open rooms");
  await show.click();
  await roomLink(desk, "Busy").waitFor();
  await desk.getByRole("button", { name: "Hide Busy from my rooms" }).waitFor();
  await mobile.goto("/rooms/all");
  await inView(mobile, mobile.getByRole("button", { name: "Hide Busy from my rooms" }), "Hide on a phone");
});

await browser.close();
finish();
