/**
 * Who this browser is: the visitor id (made when the customer first writes or opens the panel, adopted from
 * storage, the journal or another tab), whether their conversation is stored yet, and its meta and write
 * queue. Nothing is stored before the customer writes.
 * @module
 */
import { nanoid } from 'nanoid';
import type { Conversation } from './conversation.ts';
import { NatterError } from './errors.ts';
import { Persistence } from './persistence.ts';
import { noStorage, type ConversationMeta } from './storage.ts';

/**
 * Something of this conversation is stored on the device: the customer agreed to storage (or the site
 * stores without asking). That is how a yes is remembered; a no is never stored.
 */
export function foundStored(c: Conversation): void {
  if (c.store.getState().consent === undefined) c.store.setState({ consent: true });
}

/** This browser is `visitorId`, whose conversation is stored (`meta`: as stored, if read). */
export function adopt(c: Conversation, visitorId: string, meta: ConversationMeta | undefined): void {
  foundStored(c);
  c.visitorId = visitorId;
  c.meta = meta ?? { visitorId, cursor: null, unread: 0, localSeq: 0, createdAt: Date.now() };
  c.persisted = true;
  c.persistence = newPersistence(c, visitorId);
}

/** The visitor this browser is, made now (and told to the other tabs) if it is none yet. */
export function ensureVisitor(c: Conversation): string {
  if (!c.visitorId) {
    c.visitorId = nanoid();
    c.persistence = newPersistence(c, c.visitorId);
    announce(c);
}

  return c.visitorId;
}

/** Tells the other tabs which visitor this one is, and whether its conversation has begun. */
export function announce(c: Conversation): void {
  if (c.visitorId) c.post({ k: 'visitor', visitorId: c.visitorId, stored: c.persisted });
}

/** Starts keeping this visitor in storage: the customer has begun a conversation. */
export function persistVisitor(c: Conversation): void {
  ensureVisitor(c);
  if (c.persisted) return;
  c.persisted = true;
  announce(c);
  void c.persistence!.save({ meta: metaRecord(c), current: true });
}

/**
 * The write queue for `visitorId`: to storage while the conversation may be kept there (to nowhere while
 * `persist: 'after-consent'` waits for an answer, or after a no); a failed write shows the storage notice
 * until a write succeeds.
 */
export function newPersistence(c: Conversation, visitorId: string): Persistence {
  return new Persistence(
    c.keeps ? c.storage : noStorage,
    visitorId,
    (error) => {
      const problem = `Natter could not save the conversation (${String(error)}); it is kept on this page and saved with the next change. Free disk space or allow site storage.`;
      c.store.setState({ storageProblem: problem });
      c.fail(new NatterError('storage', problem, { cause: error }));
    },
    () => c.store.getState().storageProblem && c.store.setState({ storageProblem: undefined }),
  );
}

/**
 * The conversation's meta as it is to be stored now (the visitor made if needed, the user as identified, and
 * active now: every meta write comes from something happening in the conversation).
 */
export function metaRecord(c: Conversation): ConversationMeta {
  const visitorId = ensureVisitor(c);
  const user = c.store.getState().user;
  const now = Date.now();
  return { ...(c.meta ?? { cursor: null, unread: 0, localSeq: 0, createdAt: now }), visitorId, lastActiveAt: now, ...(user && { user }) };
}
