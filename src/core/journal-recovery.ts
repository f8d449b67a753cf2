import type { Conversation } from './conversation.ts';
import { adopt, foundStored } from './identity.ts';

/** Moves messages a reload or a closed tab interrupted (journaled, not yet stored) into the conversation. */
export async function recoverJournal(c: Conversation): Promise<void> {
  const journal = c.options.journal;
  // With `persist: 'never'` no earlier page's messages are taken up either.
  if (!journal || c.store.getState().consent === false) return;
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
    foundStored(c);
    if (entry.visitorId && !c.visitorId) adopt(c, entry.visitorId, undefined);
    c.add({ key: entry.clientId, clientId: entry.clientId, author: { role: 'visitor' }, text: entry.text, createdAt: entry.createdAt, local: c.nextLocal(), status: 'sending' });
  }
}
