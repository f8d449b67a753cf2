import type { Conversation } from './conversation.ts';
import { adopt } from './identity.ts';

/** Moves messages a reload or a closed tab interrupted (journaled, not yet stored) into the conversation. */
export async function recoverJournal(c: Conversation): Promise<void> {
  const journal = c.options.journal;
  if (!journal) return;
  const entries = journal.read();
  if (!entries.length) return;
  // A tab still open stores its own entries (and tells the others of them).
  const live = await c.tabs?.bus.liveTabs().catch(() => undefined);
  for (const entry of entries) {
    if (c.journaling.has(entry.clientId) || (entry.tab && live?.has(entry.tab))) continue;
    if (c.timeline.get(entry.clientId)) {
      journal.remove([entry.clientId]);
      continue;
    }
    // Written as a visitor this browser has since left (shutdown, another user): it is not this one's.
    if (entry.visitorId && c.visitorId && entry.visitorId !== c.visitorId) {
      journal.remove([entry.clientId]);
      continue;
    }
    if (entry.visitorId && !c.visitorId) adopt(c, entry.visitorId, undefined);
    c.add({ key: entry.clientId, clientId: entry.clientId, author: { role: 'visitor' }, text: entry.text, createdAt: entry.createdAt, local: c.nextLocal(), status: 'sending' });
  }
}
