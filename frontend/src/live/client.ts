// The live connection (X1, X3): one WebSocket per browser. The leader tab holds
// the socket, applies its frames and relays them to the other tabs over a
// BroadcastChannel; follower tabs send their focus and typing through it. Every
// dependency (socket, channel, election, timers) is injected, so the whole
// protocol is tested with fakes.
import type { ClientFrame, EventFrame, ServerFrame } from "../api/types";
import type { ConnectionStatus } from "../state/reducer";
import { realTimers, type ChannelFactory, type ChannelLike, type Election, type Timers } from "./election";

export type LiveRole = "idle" | "follower" | "leader";

export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason?: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

export type SocketFactory = (url: string) => SocketLike;

export type LiveOptions = {
  /** The WebSocket URL resuming after `since`. */
  url: (since: number) => string;
  /** The seq of the last event this tab applied. */
  getSince: () => number;
  /** A frame to apply: from the socket (leader) or relayed by the leader (follower). */
  onFrame: (frame: ServerFrame, source: "socket" | "relay") => void;
  onStatus: (status: ConnectionStatus) => void;
  /** Reload state over HTTP (close code 4000, or a follower too far behind). */
  onReset: () => Promise<void>;
  /** The session ended (close code 4001): go to sign-in. */
  onUnauthorized: () => void;
  /** Another tab of this browser now looks at this room (or at none). */
  onRemoteFocus?: (roomId: number | null) => void;
  onRoleChange?: (role: LiveRole) => void;
  /** Asked after repeated failures to connect: is the session still valid? */
  checkSession?: () => Promise<boolean>;
  createSocket: SocketFactory;
  createChannel: ChannelFactory;
  election: Election;
  timers?: Timers;
  random?: () => number;
  tabId?: string;
  /** How many recent events the leader keeps to bring a late follower up to date. */
  bufferSize?: number;
  heartbeatMs?: number;
};

export const CHANNEL_NAME = "campfire-live-frames";
export const HEARTBEAT_MS = 20_000;
const OPEN = 1;

type BusMessage =
  | { t: "hello"; from: string; since: number }
  | { t: "frames"; to?: string; frames: ServerFrame[] }
  | { t: "reset"; to?: string }
  | { t: "leader"; from: string }
  | { t: "send"; from: string; frame: ClientFrame }
  | { t: "status"; to?: string; status: ConnectionStatus }
  | { t: "unauthorized" };

/** Backoff for the n-th reconnection attempt (1-based): 0.5 s doubling to 30 s, with jitter. */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(30_000, 500 * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.75 + random() * 0.5));
}

export class LiveClient {
  role: LiveRole = "idle";
  status: ConnectionStatus = "idle";
  readonly tabId: string;

  private readonly o: LiveOptions;
  private readonly timers: Timers;
  private readonly random: () => number;
  private readonly bufferSize: number;
  private readonly heartbeatMs: number;
  private channel: ChannelLike | null = null;
  private socket: SocketLike | null = null;
  private stopped = false;
  private attempts = 0;
  private openedOnce = false;
  private reconnectTimer: unknown = null;
  private heartbeatTimer: unknown = null;
  /** Events the leader received, newest last, to replay to late followers. */
  private buffer: EventFrame[] = [];
  /** Every event after this seq that the leader received is in `buffer`. */
  private bufferFloor = 0;
  private presence = new Map<number, ServerFrame>();
  private typing = new Map<number, ServerFrame>();
  /** The browser's current focus as this tab last said it (resent on reconnect). */
  private lastFocus: number | null = null;
  private myFocus: number | null = null;
  private resetting = false;
  private readonly listener = (e: { data: unknown }) => this.onBus(e.data as BusMessage);

  constructor(options: LiveOptions) {
    this.o = options;
    this.timers = options.timers ?? realTimers;
    this.random = options.random ?? Math.random;
    this.bufferSize = options.bufferSize ?? 2000;
    this.heartbeatMs = options.heartbeatMs ?? HEARTBEAT_MS;
    this.tabId = options.tabId ?? Math.random().toString(36).slice(2) + Date.now().toString(36);
  }

  start(): void {
    this.stopped = false;
    this.channel = this.o.createChannel(CHANNEL_NAME);
    this.channel?.addEventListener("message", this.listener);
    this.setRole("follower");
    this.post({ t: "hello", from: this.tabId, since: this.o.getSince() });
    this.o.election.start(
      () => this.becomeLeader(),
      () => this.stepDown(),
    );
  }

  stop(): void {
    this.stopped = true;
    this.o.election.stop();
    this.closeSocket();
    if (this.channel) {
      this.channel.removeEventListener("message", this.listener);
      this.channel.close();
      this.channel = null;
    }
    this.setRole("idle");
    this.setStatus("idle");
  }

  /** Tells the other tabs that this browser signed out (they go to sign-in too). */
  announceSignedOut(): void {
    this.post({ t: "unauthorized" });
  }

  /** Sends a client frame: directly when leading, through the leader otherwise. */
  send(frame: ClientFrame): void {
    if (frame.type === "focus") {
      this.myFocus = frame.room_id;
      this.lastFocus = frame.room_id;
    }
    if (this.role === "leader") {
      this.sendOnSocket(frame);
      // Let the other tabs know where this browser is looking.
      if (frame.type === "focus") this.post({ t: "send", from: this.tabId, frame });
    } else {
      this.post({ t: "send", from: this.tabId, frame });
    }
  }

  // -------------------------------------------------------------------------
  // Leader

  private becomeLeader() {
    if (this.stopped) return;
    this.setRole("leader");
    this.buffer = [];
    this.bufferFloor = this.o.getSince();
    this.post({ t: "leader", from: this.tabId });
    this.attempts = 0;
    this.connect();
  }

  private stepDown() {
    this.closeSocket();
    this.setRole("follower");
    this.post({ t: "hello", from: this.tabId, since: this.o.getSince() });
  }

  private connect() {
    if (this.stopped || this.role !== "leader") return;
    this.closeSocket();
    this.setStatus(this.openedOnce || this.attempts > 0 ? "reconnecting" : "connecting");
    let socket: SocketLike;
    try {
      socket = this.o.createSocket(this.o.url(this.o.getSince()));
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      this.openedOnce = true;
      this.attempts = 0;
      this.setStatus("open");
      if (this.lastFocus !== null) this.sendOnSocket({ type: "focus", room_id: this.lastFocus });
      this.startHeartbeat();
    };
    socket.onmessage = (ev) => {
      if (this.socket !== socket) return;
      let frame: ServerFrame;
      try {
        frame = JSON.parse(String(ev.data)) as ServerFrame;
      } catch {
        return;
      }
      this.onServerFrame(frame);
    };
    socket.onerror = () => {
      // The close event follows and decides what to do.
    };
    socket.onclose = (ev) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.stopHeartbeat();
      void this.onSocketClosed(ev.code);
    };
  }

  private onServerFrame(frame: ServerFrame) {
    if (!frame || typeof frame !== "object") return;
    if (frame.type === "event") {
      if (typeof frame.seq !== "number") return;
      this.buffer.push(frame);
      if (this.buffer.length > this.bufferSize) {
        const dropped = this.buffer.shift();
        if (dropped) this.bufferFloor = dropped.seq;
      }
    } else if (frame.type === "presence") {
      this.presence.set(frame.room_id, frame);
    } else if (frame.type === "typing") {
      this.typing.set(frame.room_id, frame);
    } else {
      return;
    }
    this.o.onFrame(frame, "socket");
    this.post({ t: "frames", frames: [frame] });
  }

  private async onSocketClosed(code: number) {
    if (this.stopped || this.role !== "leader") return;
    if (code === 4001) {
      this.setStatus("idle");
      this.post({ t: "unauthorized" });
      this.o.onUnauthorized();
      return;
    }
    if (code === 4000) {
      // Away too long: reload over HTTP, tell the other tabs, resume from the new seq.
      this.setStatus("reconnecting");
      try {
        await this.o.onReset();
      } catch {
        this.scheduleReconnect();
        return;
      }
      if (this.stopped || this.role !== "leader") return;
      this.buffer = [];
      this.bufferFloor = this.o.getSince();
      this.presence.clear();
      this.typing.clear();
      this.post({ t: "reset" });
      this.attempts = 0;
      this.connect();
      return;
    }
    // 1001 going away, 1006 abnormal, 4002 too slow, 4003 heartbeat timeout, …
    this.scheduleReconnect();
  }

  private scheduleReconnect() {
    if (this.stopped || this.role !== "leader") return;
    this.attempts++;
    this.setStatus("reconnecting");
    const delay = backoffDelay(this.attempts, this.random);
    this.clearReconnect();
    this.reconnectTimer = this.timers.setTimeout(async () => {
      this.reconnectTimer = null;
      // A handshake refused for a dead session looks like any network failure:
      // after a few, ask over HTTP whether we are still signed in.
      if (this.attempts >= 3 && this.o.checkSession) {
        let ok = true;
        try {
          ok = await this.o.checkSession();
        } catch {
          ok = true; // the server is unreachable: keep trying
        }
        if (!ok) {
          this.setStatus("idle");
          this.post({ t: "unauthorized" });
          this.o.onUnauthorized();
          return;
        }
      }
      this.connect();
    }, delay);
  }

  private clearReconnect() {
    if (this.reconnectTimer !== null) this.timers.clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
  }

  private startHeartbeat() {
    this.stopHeartbeat();
    this.heartbeatTimer = this.timers.setInterval(() => this.sendOnSocket({ type: "heartbeat" }), this.heartbeatMs);
  }

  private stopHeartbeat() {
    if (this.heartbeatTimer !== null) this.timers.clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
  }

  private sendOnSocket(frame: ClientFrame) {
    const s = this.socket;
    if (s && s.readyState === OPEN) {
      try {
        s.send(JSON.stringify(frame));
      } catch {
        // The close event will follow.
      }
    }
  }

  private closeSocket() {
    this.clearReconnect();
    this.stopHeartbeat();
    const s = this.socket;
    this.socket = null;
    if (s) {
      s.onopen = s.onmessage = s.onerror = s.onclose = null;
      try {
        s.close(1000);
      } catch {
        // already closed
      }
    }
  }

  // -------------------------------------------------------------------------
  // The tab bus

  private post(m: BusMessage) {
    try {
      this.channel?.postMessage(m);
    } catch {
      // A closed channel: nothing to tell.
    }
  }

  private onBus(m: BusMessage) {
    if (this.stopped || !m || typeof m !== "object") return;
    switch (m.t) {
      case "hello":
        if (this.role === "leader") this.welcome(m.from, m.since);
        return;
      case "frames":
        if (this.role === "leader" || (m.to && m.to !== this.tabId)) return;
        for (const f of m.frames) this.o.onFrame(f, "relay");
        return;
      case "reset":
        if (this.role === "leader" || (m.to && m.to !== this.tabId)) return;
        void this.followerReset();
        return;
      case "leader":
        if (this.role === "leader") return;
        // A new leader: ask it for what we may have missed, and tell it where we look.
        this.post({ t: "hello", from: this.tabId, since: this.o.getSince() });
        if (this.myFocus !== null) this.post({ t: "send", from: this.tabId, frame: { type: "focus", room_id: this.myFocus } });
        return;
      case "send":
        if (m.frame.type === "focus") {
          this.lastFocus = m.frame.room_id;
          // Another tab took the focus: this tab no longer holds it.
          if (m.frame.room_id !== null) this.myFocus = null;
          this.o.onRemoteFocus?.(m.frame.room_id);
        }
        if (this.role === "leader") this.sendOnSocket(m.frame);
        return;
      case "status":
        if (this.role === "leader" || (m.to && m.to !== this.tabId)) return;
        this.setStatus(m.status, false);
        return;
      case "unauthorized":
        this.o.onUnauthorized();
        return;
    }
  }

  /** Brings a (new or reloaded) follower up to date from the buffer, or asks it to reload. */
  private welcome(to: string, since: number) {
    const mySeq = this.o.getSince();
    if (since < mySeq && since < this.bufferFloor) {
      this.post({ t: "reset", to });
      return;
    }
    const frames: ServerFrame[] = this.buffer.filter((f) => f.seq > since);
    for (const f of this.presence.values()) frames.push(f);
    for (const f of this.typing.values()) frames.push(f);
    if (frames.length) this.post({ t: "frames", to, frames });
    this.post({ t: "status", to, status: this.status });
  }

  private async followerReset() {
    if (this.resetting) return;
    this.resetting = true;
    try {
      await this.o.onReset();
    } catch {
      // Try again on the next leader announcement.
    } finally {
      this.resetting = false;
    }
    if (!this.stopped && this.role === "follower") this.post({ t: "hello", from: this.tabId, since: this.o.getSince() });
  }

  private setRole(role: LiveRole) {
    if (this.role === role) return;
    this.role = role;
    this.o.onRoleChange?.(role);
  }

  private setStatus(status: ConnectionStatus, broadcast = true) {
    if (this.status === status) return;
    this.status = status;
    this.o.onStatus(status);
    if (broadcast && this.role === "leader") this.post({ t: "status", status });
  }
}
