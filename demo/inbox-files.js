// Files in the inbox: an agent's file goes up as a visitor's does (docs/protocol.md, "Files"): a slot asked
// for over the agent socket, the bytes PUT there, then the reply names the slot's address. Files received
// are shown by inbox-dom.js (`fileNode`): raster images as thumbnails, anything else as a download link.

/** @type {Map<string, (frame: any) => void>} Slots asked for, by the reply's client id. */
const waiting = new Map();

/** A `slot` frame (or an `error` for a client id) arrived: the upload waiting for it goes on. */
export function slotAnswered(frame) {
  const resolve = waiting.get(frame.clientId);
  if (!resolve) return false;
  waiting.delete(frame.clientId);
  resolve(frame);
  return true;
}

/**
 * Uploads `file` for a reply into `conversationId`; resolves with the reply's `file` field, or rejects with
 * what to tell the agent.
 * @param {File} file
 * @param {string} conversationId
 * @param {string} clientId
 * @param {(frame: any) => void} sendFrame
 */
export async function uploadFile(file, conversationId, clientId, sendFrame) {
  const answer = new Promise((resolve) => waiting.set(clientId, resolve));
  sendFrame({ type: 'slot', conversationId, clientId, name: file.name || 'file', size: file.size, mediaType: file.type });
  const slot = await Promise.race([answer, new Promise((resolve) => setTimeout(() => resolve({ type: 'error', message: 'no answer from the server' }), 10_000))]);
  waiting.delete(clientId);
  if (slot.type !== 'slot') throw new Error(String(slot.message));
  if (slot.put) {
    const response = await fetch(slot.put, { method: 'PUT', body: file });
    if (!response.ok) throw new Error((await response.text()).trim() || `HTTP ${response.status}`);
  }
  return { name: file.name || 'file', size: file.size, type: file.type, url: slot.get };
}
