import type { Message } from '../model/types.ts';
import type { Conversation } from './conversation.ts';
import { announce, metaRecord, newPersistence } from './identity.ts';
import type { TabBus, TabNews } from './tabs.ts';

const isText = (value: unknown, max = 4000): value is string => typeof value === 'string' && value.length > 0 && value.length <= max;
const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/**
 * Checks news from another tab by hand (it may run another version of Natter): the kind, then every field
 * it needs. Returns what is wrong, or `''`.
 */
export function newsProblem(news: unknown): string {
  const n = news as Partial<Record<string, unknown>> | null;
  if (typeof n !== 'object' || n === null) return 'not an object';
  if (n.k === 'shown') return '';
  // About the browser, not a visitor; versioned on its own, since its meaning may grow.
  if (n.k === 'consent') return n.v === 1 && typeof n.yes === 'boolean' ? '' : 'a consent of another version';
  if (!isText(n.visitorId, 128)) return 'no visitorId';
  switch (n.k) {
    case 'visitor':
      return typeof n.stored === 'boolean' ? '' : 'a malformed visitor';
    case 'forget':
      return '';
    case 'local':
      return isText(n.clientId, 128) && isText(n.text) && isCount(n.createdAt) && isCount(n.local) && (n.context === undefined || isText(n.context)) ? '' : 'a malformed message';
    case 'read':
      return isText(n.order, 200) ? '' : 'no order';
    default:
      return `unknown kind ${JSON.stringify(n.k)}`;
  }
}

/**
 * Keeps the tabs of one browser telling the same story: one visitor, every message written in any tab (so
 * any tab's outbox can send it when the writer closes), one read state, and a logout that reaches them all.
 * The connection itself is shared by `TabTransport`; this carries what only the core knows.
 */
export class TabSync {
  readonly #warned = new Set<string>();

  constructor(
    readonly bus: TabBus,
    readonly conversation: Conversation,
  ) {
    bus.onNews((news) => this.#receive(news));
  }

  post(news: TabNews): void {
    this.bus.post(news);
  }

  #receive(raw: unknown): void {
    const problem = newsProblem(raw);
    if (problem) {
      if (!this.#warned.has(problem)) console.warn(`Natter: ignored news from another tab (${problem})`);
      this.#warned.add(problem);
      return;
    }
    const news = raw as TabNews;
    const c = this.conversation;
    if (news.k === 'shown') return c.store.setState({ notifies: false });
    if (news.k === 'consent') return void c.agree(news.yes, false);
    if (news.k === 'visitor') return this.#visitor(news.visitorId, news.stored === true);
    if (news.visitorId !== c.visitorId) return;
    switch (news.k) {
      case 'local':
        return this.#local(news);
      case 'read':
        return this.#read(news.order);
      case 'forget':
        return void c.forget(false);
    }
  }

  /**
   * Another tab says which visitor this browser is. A tab follows it when it has no visitor, or one nothing
   * was written for yet (two tabs opened before the first message); between two such tabs the smaller id
   * wins, so they agree whichever hears first. A tab whose conversation has begun answers with its own.
   */
  #visitor(visitorId: string, stored: boolean): void {
    const c = this.conversation;
    const mine = c.visitorId;
    if (mine === visitorId) {
      // The tab that made it has begun the conversation: this one goes on with it too.
      if (stored && !c.persisted) {
        c.persisted = true;
        c.connect();
      }
      return;
    }
    if (mine && c.persisted) {
      if (!stored) announce(c);
      return;
    }
    if (mine && !stored && mine < visitorId) return;
    if (mine) c.stop();
    c.visitorId = visitorId;
    c.meta = { visitorId, cursor: null, unread: 0, localSeq: c.meta?.localSeq ?? 0, createdAt: Date.now() };
    c.persisted = stored;
    c.persistence = newPersistence(c, visitorId);
    if (stored || c.store.getState().isOpen) c.connect();
  }

  /** A message written in another tab: shown here too, and sent from here if that tab goes first. */
  #local(news: Extract<TabNews, { k: 'local' }>): void {
    const c = this.conversation;
    const meta = metaRecord(c);
    c.meta = { ...meta, localSeq: Math.max(meta.localSeq, news.local) };
    if (c.timeline.get(news.clientId)) return;
    const { context } = news;
    const message: Message = { key: news.clientId, clientId: news.clientId, author: { role: 'visitor' }, text: news.text, createdAt: news.createdAt, local: news.local, status: 'sending', ...(context && { context }) };
    c.timeline.upsert(message);
    c.showTimeline(message);
    c.events.emit('message', message);
    c.save({ put: [message] });
    c.outbox.offer(message);
  }

  #read(order: string): void {
    const c = this.conversation;
    if (c.meta?.readOrder !== undefined && order < c.meta.readOrder) return;
    c.saveMeta({ readOrder: order, unread: 0 });
    c.setUnread(0);
  }
}
