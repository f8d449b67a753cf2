/**
 * The port to the other tabs of this site: the core tells them what the shared connection cannot (a
 * message just written, the visitor this browser became, what was read, a logout) and hears the same from
 * them. `src/tabs/` implements it over a BroadcastChannel; without one, each tab goes on alone.
 * @module
 */

/** What one tab tells the others. Every field is checked by hand on arrival: a tab may run another version. */
export type TabNews =
  /**
   * This browser is now this visitor. A tab without one, or with one nothing was written for yet, adopts it
   * (between two such tabs, the smaller id wins); `stored`: the conversation has begun.
   */
  | { k: 'visitor'; visitorId: string; stored: boolean }
  /** The customer wrote a message in a tab: every tab shows it and may send it (the id makes that safe). */
  | { k: 'local'; visitorId: string; clientId: string; text: string; createdAt: number; local: number; context?: string }
  /** The customer has seen everything up to `order`. */
  | { k: 'read'; visitorId: string; order: string }
  /** The visitor logged out or switched user: every tab forgets them. */
  | { k: 'forget'; visitorId: string }
  /** The customer is looking at this tab now: it plays the sounds and shows the title notice, the others keep quiet. */
  | { k: 'shown' }
  /**
   * The customer agreed to keep the conversation on this device (every tab stores what it holds), or withdrew
   * (every tab deletes it, after its own pending writes, and keeps it in memory). `v`: this news's version.
   */
  | { k: 'consent'; v: 1; yes: boolean };

export interface TabBus {
  post(news: TabNews): void;
  onNews(listener: (news: unknown) => void): void;
  /** The ids of the tabs still open, whose journal entries are theirs to store. */
  liveTabs(): Promise<ReadonlySet<string>>;
}
