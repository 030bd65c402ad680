// Web Push (N1) in the browser: the bell asks for permission, registers the service worker,
// subscribes with the server's VAPID key and sends the subscription to the server. Signing out
// unsubscribes this browser (the server drops the subscription with the session anyway).
import { request } from "../api/client";
import type { PushKeyJson, PushSubscriptionJson, PushSubscriptionRequest } from "../api/wire";

export const WORKER_URL = "/service-worker.js";

/** Whether this page already sent its subscription to the server. */
let sent = false;
export function pushSent(): boolean {
  return sent;
}

/** Where this browser stands with push. */
export type PushStatus =
  | "unsupported" // no service workers, Push API or Notification API here
  | "denied" // the person said no (only the browser's site settings can undo it)
  | "default" // not asked yet
  | "subscribed" // the server has this browser's subscription
  | "failed"; // permission granted, but subscribing failed (no push service reachable)

export function pushSupported(): boolean {
  return typeof window !== "undefined" && "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
}

/** base64url (unpadded) → bytes, for `applicationServerKey`. */
export function base64UrlToBytes(text: string): Uint8Array<ArrayBuffer> {
  const base64 = text.replace(/-/g, "+").replace(/_/g, "/");
  const padded = base64 + "=".repeat((4 - (base64.length % 4)) % 4);
  const binary = atob(padded);
  const bytes = new Uint8Array(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** bytes → base64url (unpadded). */
export function bytesToBase64Url(bytes: ArrayBuffer | Uint8Array): string {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let binary = "";
  for (const b of view) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Whether `subscription` was made for the server's current key (a rotated key needs a new one). */
export function sameKey(subscription: PushSubscription, publicKey: string): boolean {
  const key = subscription.options?.applicationServerKey;
  if (!key) return true;
  return bytesToBase64Url(key) === publicKey.replace(/=+$/, "");
}

/** The JSON the server takes, from a browser subscription. */
export function subscriptionBody(subscription: PushSubscription): PushSubscriptionRequest {
  const json = subscription.toJSON();
  return {
    endpoint: subscription.endpoint,
    expirationTime: json.expirationTime ?? undefined,
    keys: { p256dh: json.keys?.p256dh ?? "", auth: json.keys?.auth ?? "" },
  };
}

async function registration(): Promise<ServiceWorkerRegistration> {
  await navigator.serviceWorker.register(WORKER_URL, { scope: "/" });
  return navigator.serviceWorker.ready;
}

/**
 * Makes sure the server has this browser's subscription: subscribes (again, if the server's
 * key changed) and sends it. Only call once permission is granted.
 */
async function subscribeAndSend(): Promise<PushStatus> {
  const { public_key } = await request<PushKeyJson>("GET", "/api/push/key");
  const reg = await registration();
  let subscription = await reg.pushManager.getSubscription();
  if (subscription && !sameKey(subscription, public_key)) {
    await subscription.unsubscribe();
    subscription = null;
  }
  if (!subscription) {
    try {
      subscription = await reg.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: base64UrlToBytes(public_key),
      });
    } catch (error) {
      console.warn("Campfire: this browser could not subscribe to push", error);
      return "failed";
    }
  }
  await request<PushSubscriptionJson>("POST", "/api/push/subscriptions", subscriptionBody(subscription));
  sent = true;
  return "subscribed";
}

/** The bell: asks for permission if it was never asked, and subscribes when granted. */
export async function enablePush(): Promise<PushStatus> {
  if (!pushSupported()) return "unsupported";
  let permission = Notification.permission;
  if (permission === "default") permission = await Notification.requestPermission();
  if (permission === "denied") return "denied";
  if (permission !== "granted") return "default";
  return subscribeAndSend();
}

/** At start-up: if permission was granted before, keep the server's copy current. Never asks. */
export async function syncPush(): Promise<PushStatus> {
  if (!pushSupported()) return "unsupported";
  if (Notification.permission !== "granted") return Notification.permission === "denied" ? "denied" : "default";
  try {
    return await subscribeAndSend();
  } catch {
    return "failed";
  }
}

/** Signing out: this browser stops receiving pushes for this account. Best effort. */
export async function forgetPush(): Promise<void> {
  if (!pushSupported()) return;
  try {
    const reg = await navigator.serviceWorker.getRegistration("/");
    const subscription = await reg?.pushManager.getSubscription();
    await subscription?.unsubscribe();
    sent = false;
  } catch {
    // The server removes the subscription with the session anyway.
  }
  if ("clearAppBadge" in navigator) {
    try {
      await navigator.clearAppBadge();
    } catch {
      // Badging is best effort.
    }
  }
}

/** A click on a notification asks an open window to show the room (see service-worker.js). */
export function onOpenRequest(go: (path: string) => void): () => void {
  if (!pushSupported()) return () => {};
  const listener = (event: MessageEvent) => {
    const data = event.data as { type?: string; path?: string } | null;
    if (data?.type === "campfire:open" && typeof data.path === "string" && data.path.startsWith("/")) go(data.path);
  };
  navigator.serviceWorker.addEventListener("message", listener);
  return () => navigator.serviceWorker.removeEventListener("message", listener);
}
