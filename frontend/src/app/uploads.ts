// Files (M9): one upload per message, sent as a multipart form with progress and cancel.
// XMLHttpRequest rather than fetch: fetch reports no upload progress.
import { ApiError } from "../api/client";
import type { Message } from "../api/types";
import { uuid } from "../lib/uuid";
import { store } from "../state/store";

export type UploadHandle = {
  /** Resolves with the posted message (already in the store), rejects with an ApiError. */
  done: Promise<Message>;
  cancel(): void;
};

/** Uploads `file` to `roomId` with an optional caption (message HTML); `onProgress` gets 0..1. */
export function uploadFile(
  roomId: number,
  file: File,
  captionHtml: string | null,
  onProgress: (fraction: number) => void,
  /** X7: the first message of the thread the file is a reply in. */
  threadId?: number,
): UploadHandle {
  const xhr = new XMLHttpRequest();
  const form = new FormData();
  form.append("client_message_id", uuid());
  if (captionHtml) form.append("caption", captionHtml);
  if (threadId !== undefined) form.append("thread_id", String(threadId));
  form.append("file", file, file.name || "file");
  const done = new Promise<Message>((resolve, reject) => {
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      let data: unknown;
      try {
        data = JSON.parse(xhr.responseText);
      } catch {
        data = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        const message = (data as { message: Message }).message;
        store.dispatch({ type: "sendConfirmed", message });
        resolve(message);
        return;
      }
      const err = (data as { error?: { code?: string; message?: string } } | undefined)?.error;
      reject(new ApiError(xhr.status, err?.code ?? "internal", err?.message ?? uploadFailure(xhr.status)));
    };
    xhr.onerror = () => reject(new ApiError(0, "network", "The upload was interrupted. Check your connection and try again."));
    xhr.onabort = () => reject(new ApiError(0, "cancelled", "Upload cancelled."));
  });
  xhr.open("POST", `/api/rooms/${roomId}/attachments`);
  xhr.setRequestHeader("Accept", "application/json");
  xhr.send(form);
  return { done, cancel: () => xhr.abort() };
}

function uploadFailure(status: number): string {
  if (status === 413) return "That file is larger than this server accepts.";
  if (status === 404) return "This room is no longer available.";
  return "The upload failed on the server. Try again in a moment.";
}

/** Why a file can't be sent, before anything is uploaded; null when it can. */
export function refuseBeforeUpload(file: File, maxBytes: number, formatBytes: (n: number) => string): string | null {
  if (maxBytes > 0 && file.size > maxBytes) {
    return `${file.name || "This file"} is ${formatBytes(file.size)}; this server takes files up to ${formatBytes(maxBytes)}.`;
  }
  return null;
}
