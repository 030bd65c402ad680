// The service worker (public/service-worker.js) run against a stand-in for its global scope:
// a push shows the notification and sets the badge; a click focuses an open window and moves
// it to the room, or opens one.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";

type Listener = (event: unknown) => void;

function load() {
  const listeners = new Map<string, Listener>();
  const shown: Array<{ title: string; options: Record<string, unknown> }> = [];
  const windows: Array<{ url: string; focused: boolean; focus: ReturnType<typeof vi.fn>; postMessage: ReturnType<typeof vi.fn> }> = [];
  const scope = {
    location: { origin: "https://chat.example.com" },
    navigator: { setAppBadge: vi.fn(async () => {}), clearAppBadge: vi.fn(async () => {}) },
    registration: {
      showNotification: vi.fn(async (title: string, options: Record<string, unknown>) => {
        shown.push({ title, options });
      }),
    },
    clients: {
      claim: vi.fn(async () => {}),
      matchAll: vi.fn(async () => windows),
      openWindow: vi.fn(async () => null),
    },
    skipWaiting: vi.fn(),
    addEventListener: (type: string, listener: Listener) => listeners.set(type, listener),
  };
  const code = fs.readFileSync(path.resolve(__dirname, "../../public/service-worker.js"), "utf8");
  new Function("self", code)(scope);
  /** Fires an event and waits for what it passed to waitUntil. */
  const fire = async (type: string, event: Record<string, unknown>) => {
    let work: Promise<unknown> = Promise.resolve();
    listeners.get(type)?.({ ...event, waitUntil: (p: Promise<unknown>) => (work = p) });
    await work;
  };
  return { scope, shown, windows, fire };
}

const payload = {
  title: "All Talk",
  body: "Ada: lunch?",
  icon: "/icons/icon-192.png",
  path: "/rooms/1/@42",
  badge: 3,
  tag: "room-1",
};

describe("service worker", () => {
  it("shows the pushed notification and sets the app badge", async () => {
    const sw = load();
    await sw.fire("push", { data: { json: () => payload, text: () => JSON.stringify(payload) } });
    expect(sw.shown).toHaveLength(1);
    expect(sw.shown[0].title).toBe("All Talk");
    expect(sw.shown[0].options).toMatchObject({
      body: "Ada: lunch?",
      icon: "/icons/icon-192.png",
      tag: "room-1",
      data: { path: "/rooms/1/@42" },
    });
    expect(sw.scope.navigator.setAppBadge).toHaveBeenCalledWith(3);
  });

  it("still shows something for a payload it cannot read, and never a foreign path", async () => {
    const sw = load();
    await sw.fire("push", { data: { json: () => JSON.parse("not json"), text: () => "not json" } });
    expect(sw.shown[0].title).toBe("Campfire");
    await sw.fire("push", { data: { json: () => ({ ...payload, path: "https://evil.example/x", badge: 0 }) } });
    expect(sw.shown[1].options.data).toEqual({ path: "/" });
    expect(sw.scope.navigator.clearAppBadge).toHaveBeenCalled();
  });

  it("on a click, moves an open Campfire window to the room and focuses it", async () => {
    const sw = load();
    const focus = vi.fn(async () => {});
    const postMessage = vi.fn();
    sw.windows.push({ url: "https://chat.example.com/rooms/2", focused: false, focus, postMessage });
    const close = vi.fn();
    await sw.fire("notificationclick", { notification: { close, data: { path: "/rooms/1/@42" } } });
    expect(close).toHaveBeenCalled();
    expect(postMessage).toHaveBeenCalledWith({ type: "campfire:open", path: "/rooms/1/@42" });
    expect(focus).toHaveBeenCalled();
    expect(sw.scope.clients.openWindow).not.toHaveBeenCalled();
  });

  it("on a click with no Campfire window open, opens one at the room", async () => {
    const sw = load();
    sw.windows.push({ url: "https://elsewhere.example/", focused: true, focus: vi.fn(), postMessage: vi.fn() });
    await sw.fire("notificationclick", { notification: { close: vi.fn(), data: { path: "/rooms/1/@42" } } });
    expect(sw.scope.clients.openWindow).toHaveBeenCalledWith("https://chat.example.com/rooms/1/@42");
  });
});
