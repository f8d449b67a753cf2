import type { TabBus } from '../core/tabs.ts';
import { openTabLink, type TabLinkEnv } from './tab-link.ts';

/**
 * The core's link to the other tabs of this site (its `TabBus` port), on a {@link openTabLink} channel of
 * its own, so that it never competes with the shared connection's leader lock. While this tab is open it
 * holds a lock named after `tabId` (the browser frees it when the tab closes or crashes): that is how a page
 * loading later tells a live tab's unsaved messages from those of a tab that is gone.
 *
 * Returns `undefined` without Web Locks or BroadcastChannel: each tab then goes on alone.
 */
export function openTabBus(siteId: string, tabId: string, env: TabLinkEnv = {}): TabBus | undefined {
  const locks = env.locks ?? globalThis.navigator?.locks;
  const link = openTabLink(`natter-${siteId}-core`, { ...env, lead: false });
  if (!link || !locks) return undefined;
  const alive = `natter-${siteId}-alive-`;
  locks.request(alive + tabId, () => new Promise<void>(() => {})).catch(() => {});
  return {
    post: (news) => link.post('core', news),
    onNews: (listener) => void link.onMessage('core', listener),
    async liveTabs() {
      const { held = [] } = await locks.query();
      return new Set(held.flatMap(({ name }) => (name?.startsWith(alive) ? [name.slice(alive.length)] : [])));
    },
  };
}
