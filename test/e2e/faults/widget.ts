/**
 * The customer's side: a tab of the demo shop with the built widget, read two ways — the core's state
 * (`window.Natter.getState().messages`: order and status) and the rendered message list in the shadow root
 * (what a person sees) — and driven through `window.Natter`.
 */
import type { BrowserContext, Page } from 'playwright-core';
import type { Line } from './count';

/**
 * Records the widget's `error` and `unread` events and every message that turned `failed`, from the first
 * moment, through the documented stub queue.
 */
export const RECORD_EVENTS = `
  window.__faults = { errors: [], unread: [], failed: [] };
  window.Natter = { q: [
    ['on', ['error', function (e) { window.__faults.errors.push({ code: e && e.code, message: String(e && e.message) }); }]],
    ['on', ['unread', function (n) { window.__faults.unread.push(n); }]],
    ['on', ['status', function (m) { if (m.status === 'failed') window.__faults.failed.push(m.text); }]],
  ] };`;

/** Shown in a screen view where the widget marks an item it could not read (`[data-natter-unreadable]`). */
export const UNREADABLE = '<a message could not be shown>';

export interface WidgetView {
  state: Line[];
  screen: Line[];
  unread: number;
  connection: string;
  errors: Array<{ code: string; message: string }>;
  /** Texts of messages that were shown as failed at some moment. */
  failed: string[];
  unreadEvents: number[];
}

/** Opens a tab at `url` in `context` and waits until the widget has read its storage. */
export async function openTab(context: BrowserContext, url: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(url);
  await waitReady(page);
  return page;
}

/**
 * Waits (at most `timeoutMs`) until `holds(arg)` is true in the page; otherwise fails saying `what` was
 * awaited and what the widget held meanwhile.
 */
export async function waitInPage<A>(page: Page, what: string, holds: (arg: A) => boolean, arg: A, timeoutMs = 5000): Promise<void> {
  try {
    await page.waitForFunction(holds as (arg: unknown) => boolean, arg as unknown, { timeout: timeoutMs, polling: 50 });
  } catch (error) {
    const seen = await page
      .evaluate(() => {
        const state = (window as any).Natter?.getState?.();
        if (!state) return 'no window.Natter';
        return { ready: state.ready, connection: state.connection, messages: state.messages.map((m: any) => `${m.text} (${m.status})`) };
      })
      .catch((e: Error) => `unreadable: ${e.message}`);
    throw new Error(`not ${what} within ${timeoutMs} ms; the widget held ${JSON.stringify(seen)}`, { cause: error });
  }
}

/** Waits (at most 10 s) until `window.Natter` is the real API and the stored conversation is read. */
export function waitReady(page: Page): Promise<void> {
  return waitInPage(page, 'ready', () => (window as any).Natter?.getState?.().ready === true, undefined, 10_000);
}

/** Waits (at most 5 s) until the widget has noticed its connection is gone. */
export function waitDisconnected(page: Page): Promise<void> {
  return waitInPage(page, 'disconnected', () => (window as any).Natter.getState().connection !== 'open', undefined);
}

/** One message as the list shows it. */
interface Shown {
  key: string;
  text: string;
  status?: string | undefined;
  unreadable: boolean;
}

/**
 * Reads the widget's message list from its very beginning to its end, as a reader scrolling would see it: the
 * widget keeps only the newest page in memory and a bounded window in the DOM, brings older messages (from
 * memory, then from storage) as the list nears its top, and slides its older block back down as the reader
 * comes back. Every message element carries its key (`data-key`); the blocks seen on the way are joined by
 * key, in the order shown. Bounded: at most 300 steps each way. A closed panel is laid out while it is
 * read (its `hidden` is lifted, then put back), without opening it: opening would mark messages read.
 */
export function readList(page: Page): Promise<Shown[]> {
  return page.evaluate(async () => {
    const root = document.querySelector('[data-natter-widget]')?.shadowRoot;
    const list = root?.querySelector<HTMLElement>('.log');
    if (!root || !list) return [];
    const frame = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    const panel = root.querySelector<HTMLElement>('.panel');
    const closed = panel?.hidden === true;
    if (closed) panel!.hidden = false;
    const elements = () => [...root.querySelectorAll<HTMLElement>('[data-testid="message"]')];
    const first = () => elements()[0]?.dataset.key;
    let still = 0;
    for (let step = 0; step < 300 && still < 3; step++) {
      const before = first();
      list.scrollTop = 0;
      list.dispatchEvent(new Event('scroll'));
      await frame();
      await frame();
      const older = (window as any).Natter?.getState?.().hasOlder === true;
      still = first() === before && !older ? still + 1 : 0;
    }
    const read = (el: HTMLElement) => ({
      key: el.dataset.key ?? '',
      text: el.querySelector('.bubble')?.textContent ?? '',
      status: el.getAttribute('data-status') ?? undefined,
      unreadable: el.hasAttribute('data-natter-unreadable'),
    });
    const seen: ReturnType<typeof read>[] = [];
    const keys = new Set<string>();
    const take = (els: HTMLElement[]) => {
      for (const el of els) {
        const shown = read(el);
        // A key shown twice at once is a doubled message: kept, so that the count says so.
        if (keys.has(shown.key) && !els.some((other) => other !== el && other.dataset.key === shown.key)) continue;
        keys.add(shown.key);
        seen.push(shown);
      }
    };
    for (let step = 0; step < 300; step++) {
      const gap = root.querySelector<HTMLElement>('.gap');
      if (!gap) break;
      // The older block, up to the messages not in the DOM yet; then the block slides down towards them.
      take(elements().filter((el) => el.compareDocumentPosition(gap) & Node.DOCUMENT_POSITION_FOLLOWING));
      list.scrollTop = Math.max(0, gap.offsetTop - list.clientHeight);
      list.dispatchEvent(new Event('scroll'));
      await frame();
      await frame();
    }
    take(elements());
    if (closed) panel!.hidden = true;
    return seen;
  });
}

/** Both views of the widget in `page`, in one go, after reading its list from the beginning. */
export async function readWidget(page: Page): Promise<WidgetView> {
  const shown = await readList(page);
  return page.evaluate(
    ([unreadable, shown]) => {
      const w = window as any;
      const state = w.Natter?.getState?.();
      const screen = shown.map((el) => (el.unreadable ? { text: unreadable } : { text: el.text, status: el.status }));
      return {
        state: (state?.messages ?? []).map((m: any) => ({ text: m.text, status: m.status, key: m.key })),
        screen,
        unread: state?.unread ?? -1,
        connection: state?.connection ?? 'none',
        errors: w.__faults?.errors ?? [],
        failed: w.__faults?.failed ?? [],
        unreadEvents: w.__faults?.unread ?? [],
      };
    },
    [UNREADABLE, shown] as const,
  );
}

/** Calls `Natter.send` for every text in one task, without waiting in between (like fast typing or a script). */
export function sendAll(page: Page, texts: readonly string[]): Promise<void> {
  return page.evaluate((all) => {
    for (const text of all) (window as any).Natter.send(text).catch((e: Error) => console.error(`send failed: ${e.message}`));
  }, texts);
}

/** Sends the texts one by one, `gapMs` apart, from inside the page (so the gaps hold even while the test waits). */
export function sendSpaced(page: Page, texts: readonly string[], gapMs: number): Promise<void> {
  return page.evaluate(
    ([all, gap]) =>
      new Promise<void>((resolve) => {
        let i = 0;
        const next = () => {
          if (i === all.length) return resolve();
          (window as any).Natter.send(all[i++]).catch((e: Error) => console.error(`send failed: ${e.message}`));
          setTimeout(next, gap);
        };
        next();
      }),
    [texts, gapMs] as const,
  );
}

/**
 * How many stored records of this origin mention any of `needles` (a visitor id, a message's text) in their
 * key or value: every IndexedDB database and object store, and localStorage. It reads whatever layout the
 * widget uses, and creates nothing.
 */
export function storageMentions(page: Page, needles: readonly string[]): Promise<number> {
  return page.evaluate(async (texts) => {
    const mentions = (value: unknown) => {
      let json: string;
      try {
        json = JSON.stringify(value) ?? '';
      } catch {
        json = String(value);
      }
      return texts.some((text) => json.includes(text));
    };
    let count = 0;
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i)!;
      if (mentions(key) || mentions(localStorage.getItem(key))) count++;
    }
    for (const { name, version } of await indexedDB.databases()) {
      if (!name) continue;
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open(name, version);
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      try {
        for (const store of db.objectStoreNames) {
          const [keys, values] = await new Promise<[unknown[], unknown[]]>((resolve, reject) => {
            const tx = db.transaction(store);
            const keys = tx.objectStore(store).getAllKeys();
            const values = tx.objectStore(store).getAll();
            tx.oncomplete = () => resolve([keys.result, values.result]);
            tx.onerror = () => reject(tx.error);
          });
          count += keys.filter((key, i) => mentions(key) || mentions(values[i])).length;
        }
      } finally {
        db.close();
      }
    }
    return count;
  }, needles);
}
