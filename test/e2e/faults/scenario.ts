/**
 * One scenario's bookkeeping: its distinctive texts (`s07-c001` from the customer, `s07-a001` from the team),
 * the conversations it made at the backend, the tabs it watches, and a bounded wait that polls both until
 * nothing is lost, doubled, misplaced or phantom — or the deadline passes, and the counts say what was seen.
 */
import { appendFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import { CLEAN, counts, tally, type Line, type Tally } from './count';
import type { Stage } from './stage';
import { conversationIds, newConversations, type StoredConversation } from './store';
import { openTab, readWidget, sendAll, type WidgetView } from './widget';

export type Seen = Tally & { widgets: Record<string, WidgetView> };
/** Conditions besides the counts, by what they say. */
export type Checks = Record<string, (seen: Seen) => boolean | Promise<boolean>>;

async function failingChecks(checks: Checks = {}, seen: Seen): Promise<string[]> {
  const failing: string[] = [];
  for (const [what, holds] of Object.entries(checks)) if (!(await holds(seen))) failing.push(what);
  return failing;
}

const pad = (n: number) => String(n).padStart(3, '0');

export class Scenario {
  readonly written: string[] = [];
  readonly replies: string[] = [];
  readonly gone: string[] = [];
  /** The tabs whose widget is counted, by name. */
  readonly tabs = new Map<string, Page>();
  readonly #before: Set<string>;
  #customer = 0;
  #team = 0;

  constructor(
    readonly stage: Stage,
    readonly tag: string,
  ) {
    this.#before = conversationIds(stage.backend.dataDir);
  }

  /** The next `n` customer texts, counted as written in this order. */
  customer(n: number): string[] {
    const texts = Array.from({ length: n }, () => `${this.tag}-c${pad(++this.#customer)}`);
    this.written.push(...texts);
    return texts;
  }

  /** The next `n` team texts, counted as expected. */
  team(n: number): string[] {
    const texts = Array.from({ length: n }, () => `${this.tag}-a${pad(++this.#team)}`);
    this.replies.push(...texts);
    return texts;
  }

  /** Conversations created at the backend since the scenario began, oldest first. */
  conversations(): StoredConversation[] {
    return newConversations(this.stage.backend.dataDir, this.#before);
  }

  /** Waits (at most `timeoutMs`) for the scenario's first conversation at the backend. */
  async conversation(timeoutMs = 10_000): Promise<StoredConversation> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const first = this.conversations()[0];
      if (first) return first;
      if (Date.now() > deadline) throw new Error(`${this.tag}: no conversation at the backend within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Counts the backend (every conversation of the scenario, in order) against every watched tab's two views. */
  async observe(): Promise<Seen> {
    const stored = this.conversations().flatMap((c) => c.items.map((item) => item.text));
    const views: Record<string, Line[]> = {};
    const widgets: Record<string, WidgetView> = {};
    for (const [name, page] of this.tabs) {
      const widget = await readWidget(page);
      widgets[name] = widget;
      views[`${name} state`] = widget.state;
      views[`${name} screen`] = widget.screen;
    }
    const want = { tag: new RegExp(`^${this.tag}-`), written: this.written, replies: this.replies, gone: this.gone };
    return { ...tally(want, stored, views), widgets };
  }

  /**
   * Polls until the counts are clean and `also` holds (if given), at most `timeoutMs`, or until waiting
   * longer cannot help: `hopeless` says so, or the widget is stuck wrong (see {@link stuckWrong}). Returns the
   * last observation; a tab that is reloading is read again.
   */
  async settle(timeoutMs: number, also?: (seen: Seen) => Promise<boolean>, hopeless?: (seen: Seen) => boolean) {
    const deadline = Date.now() + timeoutMs;
    const stuck = stuckWrong();
    let last: Seen | undefined;
    let failure: unknown;
    for (;;) {
      try {
        last = await this.observe();
        if (last.lost + last.doubled + last.misplaced + last.phantom === 0 && (!also || (await also(last)))) return last;
        if (hopeless?.(last) || stuck(last)) return last;
      } catch (error) {
        failure = error; // a tab navigating: its page is read on the next round
      }
      if (Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    if (!last) throw new Error(`${this.tag}: could not read the widget within ${timeoutMs} ms: ${String(failure)}`);
    return last;
  }

  /**
   * Waits as `settle` does, prints the counts, and fails with what was seen unless they are all zero and
   * every check in `also` holds (each named for the failure message).
   */
  async expectClean(step: string, timeoutMs: number, options: { also?: Checks; hopeless?: (seen: Seen) => boolean } = {}) {
    const started = Date.now();
    const seen = await this.settle(timeoutMs, async (s) => (await failingChecks(options.also, s)).length === 0, options.hopeless);
    const took = `${((Date.now() - started) / 1000).toFixed(1)} s`;
    const failing = await failingChecks(options.also, seen);
    const line = `[faults] ${this.tag} ${step} (${took}): lost=${seen.lost} doubled=${seen.doubled} misplaced=${seen.misplaced} phantom=${seen.phantom}${failing.length ? ` NOT: ${failing.join('; ')}` : ''}`;
    const proxy = this.stage.proxy?.describe() ?? 'no proxy';
    console.log([line, ...seen.detail, proxy].join('\n    '));
    // FAULTS_REPORT=file appends one JSON line per step, for a table of the counts over several runs.
    if (process.env.FAULTS_REPORT) {
      const { lost, doubled, misplaced, phantom, detail } = seen;
      const record = { tag: this.tag, step, ms: Date.now() - started, lost, doubled, misplaced, phantom, failing, detail };
      appendFileSync(process.env.FAULTS_REPORT, `${JSON.stringify(record)}\n`);
    }
    const context = `${line}\n${seen.detail.join('\n')}\n${proxy}`;
    expect(counts(seen), context).toEqual(CLEAN);
    expect(failing, context).toEqual([]);
    return seen;
  }
}

/** How long a wrong but settled widget is watched before the wait gives up on it. */
const STUCK_MS = 2000;

/**
 * Whether waiting longer cannot help: everything expected has arrived everywhere, no message is on its way,
 * every tab is connected, and yet something is doubled, misplaced or phantom, unchanged for {@link STUCK_MS}.
 * A correct client places what it holds by the server's order at once, so such a state stays. (While
 * anything is missing, or a message waits for its ack, the wait goes on to its deadline.)
 */
function stuckWrong(): (seen: Seen) => boolean {
  let since = 0;
  let detail = '';
  return (seen) => {
    const widgets = Object.values(seen.widgets);
    const settled =
      seen.lost === 0 &&
      seen.doubled + seen.misplaced + seen.phantom > 0 &&
      widgets.every((w) => w.connection === 'open' && !w.state.some((m) => m.status === 'sending'));
    const now = JSON.stringify(seen.detail);
    if (!settled || now !== detail) {
      since = Date.now();
      detail = settled ? now : '';
      return false;
    }
    return Date.now() - since >= STUCK_MS;
  };
}

/**
 * A new visitor (its own browser profile, `initScripts` in every tab) with the panel open and one message
 * stored and shown, so the conversation exists at the backend. The tab is watched as `tab`.
 */
export async function started(stage: Stage, tag: string, ...initScripts: string[]) {
  const sc = new Scenario(stage, tag);
  const context = await stage.visitor(...initScripts);
  const tab = await openTab(context, stage.url);
  sc.tabs.set('tab', tab);
  await tab.evaluate(() => (window as any).Natter.open());
  await sendAll(tab, sc.customer(1));
  await sc.expectClean('first message', 10_000);
  return { sc, context, tab, conversation: await sc.conversation() };
}
