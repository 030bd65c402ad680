// Sending (optimistic, idempotent by client_message_id), editing, deleting and boosting.
import { api, errorMessage } from "../api/client";
import type { Message } from "../api/types";
import { uuid } from "../lib/uuid";
import { store } from "../state/store";

/** Bodies of unsent messages, by client id (the text shown while pending, the HTML to retry). */
const outbox = new Map<string, { roomId: number; html: string }>();

/** Shows the message at once as pending, then confirms or fails it. Returns its client id. */
export function sendMessage(roomId: number, html: string, text: string): string {
  const clientMessageId = uuid();
  outbox.set(clientMessageId, { roomId, html });
  store.dispatch({ type: "sendStarted", roomId, clientMessageId, bodyText: text, createdAt: new Date().toISOString() });
  void post(roomId, clientMessageId, html);
  return clientMessageId;
}

/** Re-sends a failed message with the same client id: the server answers with the first copy if it has one. */
export function retryMessage(roomId: number, clientMessageId: string) {
  const item = outbox.get(clientMessageId);
  if (!item) return;
  store.dispatch({ type: "sendRetried", roomId, clientMessageId });
  void post(roomId, clientMessageId, item.html);
}

export function discardMessage(roomId: number, clientMessageId: string) {
  outbox.delete(clientMessageId);
  store.dispatch({ type: "sendDiscarded", roomId, clientMessageId });
}

async function post(roomId: number, clientMessageId: string, html: string) {
  try {
    const { message } = await api.postMessage(roomId, { client_message_id: clientMessageId, body_html: html });
    outbox.delete(clientMessageId);
    store.dispatch({ type: "sendConfirmed", message });
  } catch (e) {
    // Already confirmed by the live event? Then there is nothing to fail.
    const stillPending = store.getState().pending[roomId]?.some((p) => p.clientMessageId === clientMessageId);
    if (stillPending) store.dispatch({ type: "sendFailed", roomId, clientMessageId, error: errorMessage(e) });
  }
}

/**
 * X7: replies in the thread of `to`. Not shown until the server has it (the thread is small and
 * beside the room); a failure is thrown for the composer to keep the text and say why.
 */
export async function sendReply(to: Message, html: string, clientMessageId: string = uuid()): Promise<void> {
  const { message } = await api.reply(to.id, { client_message_id: clientMessageId, body_html: html });
  store.dispatch({ type: "sendConfirmed", message });
}

/**
 * X7: a thread's first message and its replies (from `after` on when more are asked for).
 * Returns the first message's id: a reply's id opens the thread it is in.
 */
export async function loadThread(id: number, after?: number): Promise<number> {
  const page = await api.thread(id, after);
  store.dispatch({ type: "threadLoaded", rootId: page.root.id, root: page.root, replies: page.replies, more: page.more });
  return page.root.id;
}

export async function editMessage(m: Message, html: string): Promise<void> {
  const { message } = await api.editMessage(m.id, html);
  store.dispatch({ type: "messageUpdated", message });
}

export async function removePreview(m: Message): Promise<void> {
  const { message } = await api.removePreview(m.id);
  store.dispatch({ type: "messageUpdated", message });
}

export async function deleteMessage(m: Message): Promise<void> {
  await api.deleteMessage(m.id);
  store.dispatch({ type: "messageRemoved", roomId: m.room_id, messageId: m.id });
}

export async function addBoost(m: Message, content: string): Promise<void> {
  const { boost } = await api.boost(m.id, content);
  store.dispatch({ type: "boostAdded", roomId: m.room_id, boost });
}

export async function removeBoost(m: Message, boostId: number): Promise<void> {
  await api.unboost(boostId);
  store.dispatch({ type: "boostRemoved", roomId: m.room_id, messageId: m.id, boostId });
}
