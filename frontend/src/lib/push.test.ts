import { describe, expect, it } from "vitest";
import { base64UrlToBytes, bytesToBase64Url, sameKey, subscriptionBody } from "./push";

// A VAPID public key as the server serves it (65 bytes, unpadded base64url).
const KEY = "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";

function fakeSubscription(key: ArrayBuffer | null): PushSubscription {
  return {
    endpoint: "https://push.example.com/send/abc",
    options: { applicationServerKey: key, userVisibleOnly: true },
    toJSON: () => ({ endpoint: "https://push.example.com/send/abc", expirationTime: null, keys: { p256dh: "BPk", auth: "c2VjcmV0" } }),
  } as unknown as PushSubscription;
}

describe("push helpers", () => {
  it("turns the server's key into the bytes pushManager.subscribe takes, and back", () => {
    const bytes = base64UrlToBytes(KEY);
    expect(bytes.length).toBe(65);
    expect(bytes[0]).toBe(4);
    expect(bytesToBase64Url(bytes)).toBe(KEY);
  });

  it("notices a subscription made for another (rotated) key", () => {
    const current = base64UrlToBytes(KEY).buffer;
    expect(sameKey(fakeSubscription(current), KEY)).toBe(true);
    const other = base64UrlToBytes(KEY.replace("BCV", "BDV")).buffer;
    expect(sameKey(fakeSubscription(other), KEY)).toBe(false);
  });

  it("sends the subscription in the shape the server takes", () => {
    expect(subscriptionBody(fakeSubscription(null))).toEqual({
      endpoint: "https://push.example.com/send/abc",
      expirationTime: undefined,
      keys: { p256dh: "BPk", auth: "c2VjcmV0" },
    });
  });
});
