import type { PageInfo } from '../model/types.ts';

/**
 * Calls `report` with the page's address and title now and whenever a single-page app moves to another
 * route: after `history.pushState` and `replaceState` (wrapped) and on `popstate` — no polling. The wrappers
 * call the page's own functions first, with the same `this` and arguments, and return (or throw) what they
 * do: Natter's part runs later, in a task of its own (after the app has set the new title), where nothing it
 * does can reach the page's code. A page whose `history` methods cannot be replaced still gets `popstate`.
 * The function returned stops the reports (the wrappers stay, inert, in case another script wrapped them since).
 *
 * @example
 * ```ts
 * const stop = watchPage((page) => client.setVisitor({ page }));
 * ```
 */
export function watchPage(report: (page: PageInfo) => void): () => void {
  let on = true;
  let last = '';
  const check = () => {
    const page = { url: location.href.slice(0, 2000), title: document.title.slice(0, 300) };
    const key = `${page.url}\n${page.title}`;
    if (on && key !== last) {
      last = key;
      report(page);
    }
  };
  const later = () => setTimeout(check, 50);
  for (const name of ['pushState', 'replaceState'] as const) {
    const own = history[name];
    try {
      history[name] = function (this: History, ...args: Parameters<History['pushState']>) {
        const result = own.apply(this, args);
        later();
        return result;
      };
    } catch {
      // A frozen `history`: route changes by this method go unreported; the page is unaffected.
    }
  }
  addEventListener('popstate', later);
  check();
  return () => {
    on = false;
    removeEventListener('popstate', later);
  };
}
