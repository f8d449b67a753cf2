import type { Message } from './types.ts';

/**
 * Timeline order: messages the server has stored, by the server's clock; then messages still on their way,
 * by the order they were written. The key breaks ties so that every browser shows the same order.
 */
export function compareMessages(a: Message, b: Message): number {
  const x = a.sentAt ?? Number.POSITIVE_INFINITY;
  const y = b.sentAt ?? Number.POSITIVE_INFINITY;
  if (x !== y) return x < y ? -1 : 1;
  if (a.createdAt !== b.createdAt) return a.createdAt - b.createdAt;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/**
 * Returns a new timeline with `message` in its place, replacing the message with the same key. New messages
 * nearly always belong at the end, so the search starts there: appending costs O(1) comparisons.
 */
export function upsertMessage(messages: readonly Message[], message: Message): Message[] {
  const next = messages.filter((existing) => existing.key !== message.key);
  let index = next.length;
  while (index > 0 && compareMessages(next[index - 1]!, message) > 0) index--;
  next.splice(index, 0, message);
  return next;
}

/** Messages from the team (not the customer's own) stored after `lastReadAt`. */
export function countUnread(messages: readonly Message[], lastReadAt: number): number {
  let count = 0;
  for (const message of messages) {
    if (message.author.role !== 'visitor' && (message.sentAt ?? 0) > lastReadAt) count++;
  }
  return count;
}

/** The newest server time in the timeline, or 0. */
export function latestSentAt(messages: readonly Message[]): number {
  let latest = 0;
  for (const message of messages) if (message.sentAt !== undefined && message.sentAt > latest) latest = message.sentAt;
  return latest;
}
