import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { EventFrame, ServerFrame } from "../api/types";
import { backoffDelay, LiveClient, type LiveRole } from "./client";
import { ChannelElection, LockElection, realTimers, type Election } from "./election";
import { FakeChannelHub, FakeLocks, FakeSocket } from "./fakes";

/** One browser: a channel hub, one lock manager and every socket any tab opened. */
function browser() {
  return { hub: new FakeChannelHub(), locks: new FakeLocks(), sockets: [] as FakeSocket[] };
}

type Browser = ReturnType<typeof browser>;

/** A tab: a LiveClient over a tiny state that applies events idempotently by seq. */
function tab(b: Browser, name: string, since: number, opts: { election?: (id: string) => Election; reset?: () => number } = {}) {
  const t = {
    name,
    lastSeq: since,
    applied: [] as number[],
    frames: [] as ServerFrame[],
    sources: [] as string[],
    statuses: [] as string[],
    roles: [] as LiveRole[],
    resets: 0,
    unauthorized: 0,
    remoteFocus: [] as (number | null)[],
    client: null as unknown as LiveClient,
  };
  t.client = new LiveClient({
    tabId: name,
    url: (s) => `/api/live?since=${s}`,
    getSince: () => t.lastSeq,
    onFrame: (f, source) => {
      t.frames.push(f);
      t.sources.push(source);
      if (f.type === "event" && f.seq > t.lastSeq) {
        t.applied.push(f.seq);
        t.lastSeq = f.seq;
      }
    },
    onStatus: (s) => t.statuses.push(s),
    onReset: async () => {
      t.resets++;
      t.lastSeq = opts.reset ? opts.reset() : t.lastSeq;
    },
    onUnauthorized: () => t.unauthorized++,
    onRemoteFocus: (r) => t.remoteFocus.push(r),
    onRoleChange: (r) => t.roles.push(r),
    createSocket: (url) => {
      const s = new FakeSocket(url);
      b.sockets.push(s);
      return s;
    },
    createChannel: (n) => b.hub.open(n),
    election: opts.election ? opts.election(name) : new LockElection(b.locks),
    random: () => 0.5,
  });
  return t;
}

const event = (seq: number, roomId = 1): EventFrame => ({ type: "event", seq, event: { kind: "room_read", room_id: roomId, user_id: 1 } });

async function flush(ms = 0) {
  for (let i = 0; i < 5; i++) await Promise.resolve();
  await vi.advanceTimersByTimeAsync(ms);
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("one tab", () => {
  it("leads, connects resuming from its last seq, and applies frames in order", async () => {
    const b = browser();
    const a = tab(b, "a", 41);
    a.client.start();
    await flush();
    expect(a.client.role).toBe("leader");
    expect(b.sockets).toHaveLength(1);
    expect(b.sockets[0].since).toBe(41);
    b.sockets[0].accept();
    expect(a.client.status).toBe("open");
    b.sockets[0].push(event(42));
    b.sockets[0].push(event(45));
    expect(a.applied).toEqual([42, 45]);
    expect(a.sources).toEqual(["socket", "socket"]);
  });

  it("sends a heartbeat every 20 seconds and its focus on (re)connect", async () => {
    const b = browser();
    const a = tab(b, "a", 0);
    a.client.start();
    await flush();
    a.client.send({ type: "focus", room_id: 7 });
    b.sockets[0].accept();
    expect(b.sockets[0].sent).toEqual([{ type: "focus", room_id: 7 }]);
    await flush(20_000);
    await flush(20_000);
    expect(b.sockets[0].sent.filter((f) => (f as { type: string }).type === "heartbeat")).toHaveLength(2);
  });

  it.each([1001, 1006, 4002, 4003])("reconnects with backoff after close code %i, resuming from the last seq", async (code) => {
    const b = browser();
    const a = tab(b, "a", 10);
    a.client.start();
    await flush();
    b.sockets[0].accept();
    b.sockets[0].push(event(11));
    b.sockets[0].drop(code);
    expect(a.client.status).toBe("reconnecting");
    expect(b.sockets).toHaveLength(1);
    await flush(backoffDelay(1, () => 0.5));
    expect(b.sockets).toHaveLength(2);
    expect(b.sockets[1].since).toBe(11);
    // It fails again: the next wait is longer.
    b.sockets[1].drop(1006);
    await flush(backoffDelay(1, () => 0.5));
    expect(b.sockets).toHaveLength(2);
    await flush(backoffDelay(2, () => 0.5));
    expect(b.sockets).toHaveLength(3);
    b.sockets[2].accept();
    expect(a.client.status).toBe("open");
    expect(a.statuses).toEqual(["connecting", "open", "reconnecting", "open"]);
  });

  it("on 4000 reloads over HTTP, then reconnects from the new seq", async () => {
    const b = browser();
    const a = tab(b, "a", 10, { reset: () => 500 });
    a.client.start();
    await flush();
    b.sockets[0].accept();
    b.sockets[0].drop(4000);
    await flush();
    expect(a.resets).toBe(1);
    expect(b.sockets).toHaveLength(2);
    expect(b.sockets[1].since).toBe(500);
  });

  it("on 4001 goes to sign-in and does not reconnect", async () => {
    const b = browser();
    const a = tab(b, "a", 10);
    a.client.start();
    await flush();
    b.sockets[0].accept();
    b.sockets[0].drop(4001);
    await flush(60_000);
    expect(a.unauthorized).toBe(1);
    expect(b.sockets).toHaveLength(1);
  });

  it("stop() closes the socket and stops reconnecting", async () => {
    const b = browser();
    const a = tab(b, "a", 0);
    a.client.start();
    await flush();
    b.sockets[0].accept();
    a.client.stop();
    expect(b.sockets[0].closedByClient).toBe(true);
    await flush(60_000);
    expect(b.sockets).toHaveLength(1);
  });
});

describe("several tabs share one socket", () => {
  async function twoTabs(sinceA = 10, sinceB = 10) {
    const b = browser();
    const a = tab(b, "a", sinceA);
    a.client.start();
    await flush();
    b.sockets[0].accept();
    const f = tab(b, "f", sinceB);
    f.client.start();
    await flush();
    return { b, a, f };
  }

  it("the second tab follows and gets every frame through the leader", async () => {
    const { b, a, f } = await twoTabs();
    expect(a.client.role).toBe("leader");
    expect(f.client.role).toBe("follower");
    expect(b.sockets).toHaveLength(1);
    b.sockets[0].push(event(11));
    b.sockets[0].push({ type: "typing", room_id: 1, user_ids: [2] });
    b.sockets[0].push(event(12));
    await flush();
    expect(f.applied).toEqual([11, 12]);
    expect(f.sources.every((s) => s === "relay")).toBe(true);
    expect(f.frames).toContainEqual({ type: "typing", room_id: 1, user_ids: [2] });
    expect(f.client.status).toBe("open");
  });

  it("a follower's focus and typing go out on the leader's socket; every tab learns the browser's focus", async () => {
    const { b, a, f } = await twoTabs();
    f.client.send({ type: "focus", room_id: 3 });
    f.client.send({ type: "typing", room_id: 3 });
    await flush();
    expect(b.sockets[0].sent).toEqual([
      { type: "focus", room_id: 3 },
      { type: "typing", room_id: 3 },
    ]);
    expect(a.remoteFocus).toContain(3);
    a.client.send({ type: "focus", room_id: 4 });
    await flush();
    expect(f.remoteFocus).toContain(4);
  });

  it("a follower that loaded later (or earlier) is brought up to date from the leader's buffer", async () => {
    const b = browser();
    const a = tab(b, "a", 10);
    a.client.start();
    await flush();
    b.sockets[0].accept();
    b.sockets[0].push(event(11));
    b.sockets[0].push(event(12));
    b.sockets[0].push({ type: "presence", room_id: 1, user_ids: [1, 2] });
    // A tab whose HTTP state is at 11 opens: it needs 12 and the presence.
    const f = tab(b, "f", 11);
    f.client.start();
    await flush();
    expect(f.applied).toEqual([12]);
    expect(f.frames).toContainEqual({ type: "presence", room_id: 1, user_ids: [1, 2] });
  });

  it("a follower too far behind the buffer is told to reload, then catches up", async () => {
    const b = browser();
    const a = tab(b, "a", 100);
    a.client.start();
    await flush();
    b.sockets[0].accept();
    b.sockets[0].push(event(101));
    const f = tab(b, "f", 50, { reset: () => 101 });
    f.client.start();
    await flush();
    expect(f.resets).toBe(1);
    expect(f.lastSeq).toBe(101);
    b.sockets[0].push(event(102));
    await flush();
    expect(f.applied).toEqual([102]);
  });

  it("when the leader closes, a follower takes over and resumes from its own last seq: no gap", async () => {
    const { b, a, f } = await twoTabs();
    b.sockets[0].push(event(11));
    b.sockets[0].push(event(12));
    await flush();
    a.client.stop(); // the tab closes: its lock is released
    await flush();
    expect(f.client.role).toBe("leader");
    expect(b.sockets).toHaveLength(2);
    expect(b.sockets[1].since).toBe(12);
    b.sockets[1].accept();
    b.sockets[1].push(event(13));
    expect(f.applied).toEqual([11, 12, 13]);
  });

  it("a third tab follows the new leader after a takeover", async () => {
    const { b, a, f } = await twoTabs();
    const g = tab(b, "g", 10);
    g.client.start();
    await flush();
    a.client.stop();
    await flush();
    b.sockets[1].accept();
    b.sockets[1].push(event(11));
    await flush();
    expect(g.client.role).toBe("follower");
    expect(g.applied).toEqual([11]);
    expect(f.applied).toEqual([11]);
  });

  it("a reset on the leader makes the followers reload too", async () => {
    const b = browser();
    const a = tab(b, "a", 10, { reset: () => 300 });
    a.client.start();
    await flush();
    b.sockets[0].accept();
    const f = tab(b, "f", 10, { reset: () => 301 });
    f.client.start();
    await flush();
    b.sockets[0].drop(4000);
    await flush();
    expect(a.resets).toBe(1);
    expect(f.resets).toBe(1);
    expect(b.sockets[1].since).toBe(300);
  });

  it("signing out in any tab signs out the others", async () => {
    const { a, f } = await twoTabs();
    f.client.announceSignedOut();
    await flush();
    expect(a.unauthorized).toBe(1);
  });

  it("a session ended on the leader signs out the followers too", async () => {
    const { b, f } = await twoTabs();
    b.sockets[0].drop(4001);
    await flush();
    expect(f.unauthorized).toBe(1);
  });
});

describe("the BroadcastChannel election (no Web Locks)", () => {
  const elect = (b: Browser) => (id: string) =>
    new ChannelElection(b.hub.open("campfire-election"), id, realTimers, { heartbeatMs: 1000, timeoutMs: 3000, claimMs: 300 });

  it("elects exactly one leader, and a follower takes over when the leader leaves", async () => {
    const b = browser();
    const tabs = ["a", "b", "c"].map((n) => tab(b, n, 5, { election: elect(b) }));
    for (const t of tabs) t.client.start();
    await flush(2000);
    const leaders = tabs.filter((t) => t.client.role === "leader");
    expect(leaders).toHaveLength(1);
    expect(b.sockets).toHaveLength(1);
    leaders[0].client.stop(); // resigns
    await flush(1000);
    const next = tabs.filter((t) => t !== leaders[0] && t.client.role === "leader");
    expect(next).toHaveLength(1);
    expect(b.sockets).toHaveLength(2);
  });

  it("takes over when the leader disappears without a word", async () => {
    const b = browser();
    const e1 = new ChannelElection(b.hub.open("campfire-election"), "a", realTimers, { heartbeatMs: 1000, timeoutMs: 3000, claimMs: 300 });
    const e2 = new ChannelElection(b.hub.open("campfire-election"), "b", realTimers, { heartbeatMs: 1000, timeoutMs: 3000, claimMs: 300 });
    let won = "";
    e1.start(() => (won += "a"));
    await flush(50);
    e2.start(() => (won += "b"));
    await flush(2000);
    expect(won).toBe("a");
    // Tab a freezes: no more heartbeats, no resign.
    (e1 as unknown as { channel: { close(): void } }).channel.close();
    vi.clearAllTimers();
    e2.stop();
    const e3 = new ChannelElection(b.hub.open("campfire-election"), "b", realTimers, { heartbeatMs: 1000, timeoutMs: 3000, claimMs: 300 });
    e3.start(() => (won += "b"));
    await flush(5000);
    expect(won).toBe("ab");
  });
});

describe("backoff", () => {
  it("doubles from half a second up to 30 seconds, with jitter", () => {
    const mid = () => 0.5;
    expect([1, 2, 3, 4, 7, 20].map((n) => backoffDelay(n, mid))).toEqual([500, 1000, 2000, 4000, 30000, 30000]);
    expect(backoffDelay(1, () => 0)).toBe(375);
    expect(backoffDelay(1, () => 1)).toBe(625);
  });
});
