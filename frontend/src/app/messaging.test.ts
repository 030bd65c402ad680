import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { bootstrap, message, room, user } from "../test/fixtures";
import { store } from "../state/store";
import { retryMessage, sendMessage } from "./messaging";

type Call = { url: string; body: { client_message_id: string; body_html: string } };

describe("sending a message", () => {
  let calls: Call[];
  let answers: (() => Response)[];

  beforeEach(() => {
    calls = [];
    answers = [];
    store.dispatch({ type: "loaded", data: bootstrap(1), rooms: [room(10)], roomsSeq: 1, users: [user(1)] });
    store.dispatch({ type: "messagesLoaded", roomId: 10, mode: "latest", messages: [], has_before: false, has_after: false });
    vi.stubGlobal("fetch", async (url: string, init: RequestInit) => {
      calls.push({ url, body: JSON.parse(String(init.body)) });
      const next = answers.shift();
      if (!next) throw new TypeError("Failed to fetch");
      return next();
    });
  });
  afterEach(() => vi.unstubAllGlobals());

  const settle = () => new Promise((r) => setTimeout(r, 0));
  const json = (status: number, body: unknown) => () => new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

  it("shows it pending at once, fails visibly, and retries with the same client id", async () => {
    answers.push(json(500, { error: { code: "internal", message: "The server had a problem." } }));
    const cid = sendMessage(10, "<p>hello</p>", "hello");
    expect(store.getState().pending[10]).toEqual([expect.objectContaining({ clientMessageId: cid, status: "pending", bodyText: "hello" })]);
    await settle();
    expect(store.getState().pending[10][0]).toMatchObject({ status: "failed", error: "The server had a problem." });

    answers.push(json(201, { message: message(7, { room_id: 10, author_id: 1, client_message_id: cid, body_html: "<p>hello</p>" }) }));
    retryMessage(10, cid);
    expect(store.getState().pending[10][0].status).toBe("pending");
    await settle();
    expect(calls.map((c) => c.body.client_message_id)).toEqual([cid, cid]);
    expect(calls[1]).toMatchObject({ url: "/api/rooms/10/messages", body: { body_html: "<p>hello</p>" } });
    expect(store.getState().pending[10]).toEqual([]);
    expect(store.getState().windows[10].messages.map((m) => m.id)).toEqual([7]);
  });

  it("a network failure is a failed message with a readable reason", async () => {
    sendMessage(10, "<p>offline</p>", "offline");
    await settle();
    expect(store.getState().pending[10][0]).toMatchObject({ status: "failed", error: expect.stringContaining("Can't reach the server") });
  });

  it("gives every message its own client id", () => {
    answers.push(json(500, {}), json(500, {}));
    const a = sendMessage(10, "<p>a</p>", "a");
    const b = sendMessage(10, "<p>b</p>", "b");
    expect(a).not.toBe(b);
    expect(a).toMatch(/^[0-9a-f-]{36}$/);
  });
});
