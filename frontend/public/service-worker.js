// Campfire's service worker (N1): shows Web Push notifications, sets the app badge, and on a
// click focuses an open Campfire window (navigating it to the room) or opens one.
//
// The push payload is the server's PushPayloadJson (campfire-http/src/wire.rs):
// { title, body, icon, path, badge, tag }.

self.addEventListener("install", () => {
  self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil(self.clients.claim());
});

self.addEventListener("push", (event) => {
  event.waitUntil(notify(event));
});

async function notify(event) {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch {
    data = { title: "Campfire", body: event.data ? event.data.text() : "" };
  }
  const title = typeof data.title === "string" && data.title ? data.title : "Campfire";
  const path = typeof data.path === "string" && data.path.startsWith("/") ? data.path : "/";
  const badge = Number.isInteger(data.badge) ? data.badge : 0;
  if ("setAppBadge" in self.navigator) {
    try {
      if (badge > 0) await self.navigator.setAppBadge(badge);
      else await self.navigator.clearAppBadge();
    } catch {
      // Badging is best effort (not every platform has it).
    }
  }
  await self.registration.showNotification(title, {
    body: typeof data.body === "string" ? data.body : "",
    icon: typeof data.icon === "string" ? data.icon : "/icons/icon-192.png",
    badge: "/icons/icon-192.png",
    tag: typeof data.tag === "string" ? data.tag : undefined,
    renotify: true,
    data: { path },
  });
}

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const path = event.notification.data && event.notification.data.path ? event.notification.data.path : "/";
  event.waitUntil(open(path));
});

async function open(path) {
  const url = new URL(path, self.location.origin).href;
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  const mine = windows.filter((w) => new URL(w.url).origin === self.location.origin);
  const existing = mine.find((w) => w.focused) || mine[0];
  if (existing) {
    // Tell the app to go to the room without a reload; navigate() is the fallback.
    existing.postMessage({ type: "campfire:open", path });
    try {
      await existing.focus();
    } catch {
      // Focus can be refused; the message still moves the app.
    }
    return;
  }
  await self.clients.openWindow(url);
}
