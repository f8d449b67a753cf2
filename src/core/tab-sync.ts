import type { Conversation } from './conversation.ts';
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
  if (!isText(n.visitorId, 128)) return 'no visitorId';
  switch (n.k) {
    case 'visitor':
      return typeof n.stored === 'boolean' ? '' : 'a malformed visitor';
    case 'forget':
      return '';
    case 'local':
      return isText(n.clientId, 128) && isText(n.text) && isCount(n.createdAt) && isCount(n.local) ? '' : 'a malformed message';
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
    if (news.k === 'visitor') return c.visitorFromTab(news.visitorId, news.stored === true);
    if (news.visitorId !== c.visitorId) return;
    switch (news.k) {
      case 'local':
        return c.addFromTab(news);
      case 'read':
        return c.readFromTab(news.order);
      case 'forget':
        return void c.forget(false);
    }
  }
}
