// In-memory stand-ins for BroadcastChannel, Web Locks and WebSocket, for tests.
import type { ServerFrame } from "../api/types";
import type { ChannelLike, LocksLike } from "./election";
import type { SocketLike } from "./client";

type Listener = (e: { data: unknown }) => void;

/** BroadcastChannel semantics: delivered asynchronously to every other open channel of the same name. */
export class FakeChannelHub {
  private channels = new Set<FakeChannel>();
  open(name: string): FakeChannel {
    const ch = new FakeChannel(this, name);
    this.channels.add(ch);
    return ch;
  }
  deliver(from: FakeChannel, message: unknown) {
    const data = structuredClone(message);
    for (const ch of this.channels) {
      if (ch === from || ch.name !== from.name || ch.closed) continue;
      queueMicrotask(() => ch.dispatch(data));
    }
  }
  remove(ch: FakeChannel) {
    this.channels.delete(ch);
  }
}

export class FakeChannel implements ChannelLike {
  closed = false;
  private listeners = new Set<Listener>();
  readonly hub: FakeChannelHub;
  readonly name: string;
  constructor(hub: FakeChannelHub, name: string) {
    this.hub = hub;
    this.name = name;
  }
  postMessage(message: unknown) {
    if (this.closed) throw new Error("closed");
    this.hub.deliver(this, message);
  }
  addEventListener(_: "message", l: Listener) {
    this.listeners.add(l);
  }
  removeEventListener(_: "message", l: Listener) {
    this.listeners.delete(l);
  }
  close() {
    this.closed = true;
    this.hub.remove(this);
  }
  dispatch(data: unknown) {
    if (this.closed) return;
    for (const l of this.listeners) l({ data });
  }
}

/** An exclusive Web Lock: granted in request order; released when the callback's promise settles. */
export class FakeLocks implements LocksLike {
  private held = false;
  private queue: { cb: (lock: unknown) => Promise<unknown>; resolve: (v: unknown) => void; reject: (e: unknown) => void; signal?: AbortSignal }[] = [];

  request(_name: string, options: { signal?: AbortSignal }, cb: (lock: unknown) => Promise<unknown>): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const entry = { cb, resolve, reject, signal: options.signal };
      options.signal?.addEventListener("abort", () => {
        const i = this.queue.indexOf(entry);
        if (i >= 0) {
          this.queue.splice(i, 1);
          reject(new DOMException("aborted", "AbortError"));
        }
      });
      this.queue.push(entry);
      this.pump();
    });
  }

  private pump() {
    if (this.held) return;
    const next = this.queue.shift();
    if (!next) return;
    this.held = true;
    queueMicrotask(() => {
      Promise.resolve(next.cb({}))
        .then(next.resolve, next.reject)
        .finally(() => {
          this.held = false;
          this.pump();
        });
    });
  }
}

export class FakeSocket implements SocketLike {
  readyState = 0;
  sent: unknown[] = [];
  closedByClient = false;
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number; reason?: string }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  readonly url: string;
  constructor(url: string) {
    this.url = url;
  }
  get since(): number {
    return Number(new URL(this.url, "http://x").searchParams.get("since"));
  }
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.readyState = 3;
    this.closedByClient = true;
  }
  // Server side
  accept() {
    this.readyState = 1;
    this.onopen?.({});
  }
  push(frame: ServerFrame) {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
  drop(code: number) {
    this.readyState = 3;
    this.onclose?.({ code });
  }
}
