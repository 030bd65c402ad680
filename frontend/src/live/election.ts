// Leader election between the tabs of one browser (X3): exactly one tab holds
// the WebSocket. With the Web Locks API the browser does the work (the lock is
// released when its tab closes); without it, tabs run a small heartbeat-and-claim
// protocol over a BroadcastChannel.

export interface Election {
  /**
   * Starts campaigning; `onElected` runs when this tab becomes the leader, and
   * `onDeposed` if it loses the role without stopping (fallback election only).
   */
  start(onElected: () => void, onDeposed?: () => void): void;
  /** Resigns (or stops waiting), so that another tab can lead. */
  stop(): void;
}

export interface LocksLike {
  request(name: string, options: { signal?: AbortSignal }, callback: (lock: unknown) => Promise<unknown>): Promise<unknown>;
}

export interface ChannelLike {
  postMessage(message: unknown): void;
  addEventListener(type: "message", listener: (event: { data: unknown }) => void): void;
  removeEventListener(type: "message", listener: (event: { data: unknown }) => void): void;
  close(): void;
}

export type ChannelFactory = (name: string) => ChannelLike | null;

export type Timers = {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(id: unknown): void;
  now(): number;
};

export const realTimers: Timers = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (id) => globalThis.clearTimeout(id as ReturnType<typeof setTimeout>),
  setInterval: (fn, ms) => globalThis.setInterval(fn, ms),
  clearInterval: (id) => globalThis.clearInterval(id as ReturnType<typeof setInterval>),
  now: () => Date.now(),
};

export const LOCK_NAME = "campfire-live";

/** Election by an exclusive Web Lock: whoever holds it leads until its tab goes away. */
export class LockElection implements Election {
  private abort = new AbortController();
  private release: (() => void) | null = null;
  private stopped = false;
  private readonly locks: LocksLike;
  private readonly name: string;

  constructor(locks: LocksLike, name = LOCK_NAME) {
    this.locks = locks;
    this.name = name;
  }

  start(onElected: () => void): void {
    this.locks
      .request(this.name, { signal: this.abort.signal }, () => {
        if (this.stopped) return Promise.resolve();
        onElected();
        // Hold the lock until stop() (or until the tab closes).
        return new Promise<void>((resolve) => {
          this.release = resolve;
        });
      })
      .catch(() => {
        // Aborted while waiting: nothing to do.
      });
  }

  stop(): void {
    this.stopped = true;
    this.abort.abort();
    this.release?.();
    this.release = null;
  }
}

type ElectionMessage = { t: "alive"; id: string } | { t: "who"; id: string } | { t: "claim"; id: string } | { t: "resign"; id: string };

/**
 * Fallback election over a BroadcastChannel. The leader says "alive" every
 * `heartbeatMs`; when nobody has for `timeoutMs` (or the leader resigns), tabs
 * claim and the smallest id that claimed within `claimMs` wins.
 */
export class ChannelElection implements Election {
  private readonly channel: ChannelLike;
  private readonly id: string;
  private readonly timers: Timers;
  private readonly heartbeatMs: number;
  private readonly timeoutMs: number;
  private readonly claimMs: number;
  private state: "idle" | "follower" | "candidate" | "leader" = "idle";
  private lastAlive = 0;
  private rivalSeen = false;
  private onElected: (() => void) | null = null;
  private onDeposed: (() => void) | null = null;
  private beat: unknown = null;
  private watchdog: unknown = null;
  private claimTimer: unknown = null;
  private readonly listener = (e: { data: unknown }) => this.onMessage(e.data as ElectionMessage);

  constructor(channel: ChannelLike, id: string, timers: Timers = realTimers, opts: { heartbeatMs?: number; timeoutMs?: number; claimMs?: number } = {}) {
    this.channel = channel;
    this.id = id;
    this.timers = timers;
    this.heartbeatMs = opts.heartbeatMs ?? 1000;
    this.timeoutMs = opts.timeoutMs ?? 3500;
    this.claimMs = opts.claimMs ?? 400;
  }

  get isLeader(): boolean {
    return this.state === "leader";
  }

  start(onElected: () => void, onDeposed?: () => void): void {
    this.onElected = onElected;
    this.onDeposed = onDeposed ?? null;
    this.channel.addEventListener("message", this.listener);
    this.state = "follower";
    this.lastAlive = -Infinity;
    this.post({ t: "who", id: this.id });
    // Give a living leader a moment to answer before claiming.
    this.claimTimer = this.timers.setTimeout(() => this.maybeClaim(), this.claimMs);
    this.watchdog = this.timers.setInterval(() => this.maybeClaim(), Math.max(250, Math.floor(this.timeoutMs / 3)));
  }

  stop(): void {
    if (this.state === "leader") this.post({ t: "resign", id: this.id });
    this.state = "idle";
    this.channel.removeEventListener("message", this.listener);
    if (this.beat !== null) this.timers.clearInterval(this.beat);
    if (this.watchdog !== null) this.timers.clearInterval(this.watchdog);
    if (this.claimTimer !== null) this.timers.clearTimeout(this.claimTimer);
    this.beat = this.watchdog = this.claimTimer = null;
  }

  private post(m: ElectionMessage) {
    this.channel.postMessage(m);
  }

  private maybeClaim() {
    if (this.state !== "follower") return;
    if (this.timers.now() - this.lastAlive < this.timeoutMs) return;
    this.claim();
  }

  private claim() {
    this.state = "candidate";
    this.rivalSeen = false;
    this.post({ t: "claim", id: this.id });
    if (this.claimTimer !== null) this.timers.clearTimeout(this.claimTimer);
    this.claimTimer = this.timers.setTimeout(() => {
      this.claimTimer = null;
      if (this.state !== "candidate") return;
      if (this.rivalSeen) {
        this.state = "follower";
        this.lastAlive = this.timers.now();
        return;
      }
      this.win();
    }, this.claimMs);
  }

  private win() {
    this.state = "leader";
    this.post({ t: "alive", id: this.id });
    this.beat = this.timers.setInterval(() => this.post({ t: "alive", id: this.id }), this.heartbeatMs);
    this.onElected?.();
  }

  private onMessage(m: ElectionMessage) {
    if (!m || typeof m !== "object" || m.id === this.id) return;
    switch (m.t) {
      case "alive":
        if (this.state === "leader") {
          // Two leaders (a partition healed): the smaller id keeps it.
          if (m.id < this.id) this.stepDown();
          return;
        }
        this.lastAlive = this.timers.now();
        if (this.state === "candidate") this.rivalSeen = true;
        return;
      case "who":
        if (this.state === "leader") this.post({ t: "alive", id: this.id });
        return;
      case "claim":
        if (this.state === "leader") this.post({ t: "alive", id: this.id });
        else if (this.state === "candidate" && m.id < this.id) this.rivalSeen = true;
        else if (this.state === "follower" && this.timers.now() - this.lastAlive >= this.timeoutMs) {
          // Someone noticed the leader is gone: join the race.
          this.claim();
          if (m.id < this.id) this.rivalSeen = true;
        }
        return;
      case "resign":
        if (this.state === "follower") {
          this.lastAlive = -Infinity;
          this.claim();
        }
        return;
    }
  }

  private stepDown() {
    // Two leaders after a split: this one hands over and follows again.
    if (this.beat !== null) this.timers.clearInterval(this.beat);
    this.beat = null;
    this.state = "follower";
    this.lastAlive = this.timers.now();
    this.onDeposed?.();
  }
}
