import { NatterError } from './errors.ts';
import type { Conversation } from './conversation.ts';
import { adopt, metaRecord } from './identity.ts';
import { recoverJournal } from './journal-recovery.ts';
import { noStorage, type StoredConversation } from './storage.ts';

/** How many of the newest stored items a load reads; older ones come with `loadOlder`, as the reader scrolls up. */
const PAGE = 200;

/**
 * Reads the stored conversation (the newest page, the unplaced messages, the meta) and shows it before any
 * network answer; takes in what the send journal holds; connects if a conversation is going on. A storage
 * that fails to read leaves this page in memory rather than make a new visitor "current".
 */
export async function restore(c: Conversation): Promise<void> {
  try {
    // `persist: 'never'` reads nothing either: what an earlier setting stored is not this page's to show.
    c.storage = (c.options.persist !== 'never' && c.options.storage?.()) || noStorage;
    c.storage.onLost(() => heal(c));
    const visitorId = await c.storage.currentVisitor();
    const loaded = visitorId && (await c.storage.load(visitorId, PAGE));
    if (loaded && expired(c, loaded)) {
      await c.storage.forget(visitorId);
      const journal = c.options.journal;
      journal?.remove(journal.read().flatMap((entry) => (entry.visitorId === visitorId ? [entry.clientId] : [])));
    } else if (loaded) {
      adopt(c, visitorId, loaded.meta);
      c.timeline.reset([...loaded.items, ...loaded.unplaced]);
      for (const message of loaded.unplaced) c.meta!.localSeq = Math.max(c.meta!.localSeq, message.local ?? 0);
      const stored = c.meta!.mode;
      if (stored) c.live.set({ ...c.store.getState().mode, phase: stored.phase, session: stored.session });
      c.store.setState({ email: c.meta!.user?.email, user: c.meta!.user, hasOlder: loaded.hasOlder, unread: c.meta!.unread });
      if (!c.options.teamName && c.meta!.teamName) c.store.setState({ teamName: c.meta!.teamName });
      c.showTimeline();
    }
  } catch (error) {
    // Writing now would make a new visitor "current" and hide the stored conversation for good: this page
    // keeps its conversation in memory instead.
    c.storage = noStorage;
    c.persistence = undefined;
    c.fail(new NatterError('storage', `Natter could not read the stored conversation (${String(error)}); this page keeps it in memory. Allow site storage.`, { cause: error }));
  }
  await recoverJournal(c);
  c.store.setState({ ready: true });
  c.events.emit('ready');
  if (c.store.getState().unread) c.events.emit('unread', c.store.getState().unread);
  if (c.persisted) c.connect();
}

/**
 * Whether a stored conversation has been idle for longer than the site keeps one (`retentionDays`). A meta
 * written before `lastActiveAt` existed has the newest message's time to tell.
 */
function expired(c: Conversation, { meta, items }: StoredConversation): boolean {
  const days = c.options.retentionDays;
  const last = Math.max(meta?.lastActiveAt ?? meta?.createdAt ?? 0, items.at(-1)?.sentAt ?? 0);
  return !!days && !!meta && Date.now() - last > days * 864e5;
}

/** The database vanished underneath the page: write back everything this page holds, and say so. */
function heal(c: Conversation): void {
  if (!c.persisted || !c.persistence) return;
  c.fail(new NatterError('storage', 'Natter: the stored conversation was deleted while the page was open (site data cleared?); it was saved again from this page.'));
  void c.persistence.save({ put: c.timeline.list, meta: metaRecord(c), current: true });
}
