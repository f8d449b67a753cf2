/** What every scenario shares: the run's context, preparing a stored history, and the result rows. */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { sleep, startTrace, stopTrace, within, type Bench, type MainThread } from './browser.ts';
import type { FakeBackend } from './fake-backend.ts';
import { quiet } from './quiet.ts';
import type { ReferenceBackend } from './backend.ts';
import { median, p75 } from './stats.ts';
import type { Site } from './site.ts';

export const VISITOR = 'bench-visitor-0001';
export const CONVERSATION = 'bench-conversation';
export const DB_NAME = 'natter-default';

/** The text of the newest stored message, unique to each size. */
export const newestText = (size: number) => `The newest of ${size} stored messages: see you tomorrow`;

export const origins = { size: (size: number) => `size-${size}` };

/** One line of the table. */
export interface Row {
  scenario: string;
  /** What is measured, and at what size. */
  label: string;
  unit: 'ms' | 'bytes' | 'MB';
  samples: number[];
  median: number;
  p75: number;
  /** `median / baseline median`, measured in the same run. */
  ratio?: number;
  /** Against what the ratio is taken. */
  ratioOf?: string;
  budget?: string;
  /** undefined: no budget for this line. */
  pass?: boolean;
  note?: string;
}

export interface Ctx {
  bench: Bench;
  site: Site;
  /** The benchmark's own small backend (started on first use). */
  fake(): Promise<FakeBackend>;
  /** The reference backend, demo/server.ts (started on first use). */
  backend(): Promise<ReferenceBackend>;
  /** A WebSocket URL nobody listens on: the network never answers. */
  dead: string;
  /** A directory to keep every run's trace in, or undefined. */
  traces?: string;
  /** Fewer runs, for a quick check of the benchmark itself. */
  quick: boolean;
  /** The build under test. */
  dist: string;
  rows: Row[];
  /** Sizes whose page never showed its history in time: later scenarios skip them, and say why. */
  broken: Map<number, string>;
  /** Sizes whose page took over {@link SLOW_MS} to show its history: one run each, to keep the whole run short. */
  slow: Set<number>;
  log(message: string): void;
  /** Time spent waiting for a quiet machine, ms. */
  waited: number;
}

export function row(fields: Omit<Row, 'median' | 'p75'> & { median?: number; p75?: number }): Row {
  return { ...fields, median: fields.median ?? median(fields.samples), p75: fields.p75 ?? p75(fields.samples) };
}

/** A row for a measurement that could not be made. */
export function missing(scenario: string, label: string, unit: Row['unit'], note: string, budget?: string): Row {
  return { scenario, label, unit, samples: [], median: Number.NaN, p75: Number.NaN, note, ...(budget && { budget, pass: false }) };
}

/**
 * Opens a fresh tab (a renderer process of its own, with cold caches, as for a visitor opening the page)
 * and seeds `size` stored messages on origin `name` in it — once per origin; later runs only put the
 * pointer and the meta back and remove what a run added. The measured page then loads in the same tab.
 *
 * Right after seeding a history, the page is loaded once, unmeasured (at most {@link PRIMING_MS}): a
 * returning visitor has been on the site before, so whatever the widget keeps beside the history (its own
 * hints in localStorage, say) is there too, as in their browser. Then it waits for the machine to be
 * quiet (lib/quiet.ts), so the run starts from an idle machine.
 */
export async function prepare(ctx: Ctx, name: string, size: number): Promise<Page> {
  const seeded = await seed(ctx, name, size);
  if (seeded && size > 0) {
    const page = await ctx.bench.page();
    const url = await ctx.site.pageUrl(name, { script: 'natter', endpoint: ctx.dead }, { listen: true });
    ctx.bench.clearReports();
    await page.goto(url, { waitUntil: 'commit', timeout: 30_000 }).catch(() => {});
    await ctx.bench.report('ready', PRIMING_MS).catch(() => ctx.log(`  (the priming load of ${size.toLocaleString('en')} was not ready within ${PRIMING_MS / 1000} s; it was closed)`));
    await sleep(500);
    await seed(ctx, name, size);
  }
  // At most 5 s before a run, and 90 s in all, so a machine that stays busy cannot stretch the run for long.
  const { waited, quiet: calm } = await quiet(ctx.waited < QUIET_TOTAL_MS ? 5_000 : 500);
  ctx.waited += waited;
  if (!calm && waited > 1000) ctx.log(`  (the machine was still busy after ${(waited / 1000).toFixed(0)} s of waiting; measuring anyway)`);
  return ctx.bench.page();
}

const PRIMING_MS = 10_000;
const QUIET_TOTAL_MS = 90_000;

/** In a fresh tab on origin `name`: seeds, or puts the seeded history back; returns how many it wrote. */
async function seed(ctx: Ctx, name: string, size: number): Promise<number> {
  await ctx.bench.discardPage();
  const page = await ctx.bench.page();
  const origin = await ctx.site.origin(name);
  await page.goto(`${origin}/seed.html`, { waitUntil: 'load', timeout: 30_000 });
  const result = await within(
    page.evaluate((options) => (window as unknown as { __benchSeed(o: unknown): Promise<{ seeded: number; ms: number }> }).__benchSeed(options), {
      dbName: DB_NAME,
      visitorId: VISITOR,
      conversationId: CONVERSATION,
      size,
      newestText: newestText(size),
    }),
    180_000,
    `seeding ${size} messages`,
  );
  if (result.seeded) ctx.log(`  seeded ${size.toLocaleString('en')} messages on ${origin} in ${(result.ms / 1000).toFixed(1)} s`);
  return result.seeded;
}

/** What the probe knows about the document (see page/probe.js). */
export interface ProbeState {
  anchorName: string;
  anchorTime: number;
  frames: [number, number][];
  longtasks: [number, number][];
  clicks: number[];
  events: { ready: number[]; message: number; lastMessage?: string; status: [number, string, string][] };
}

export function probeState(page: Page): Promise<ProbeState> {
  return within(
    page.evaluate(() => {
      const b = (window as unknown as { __bench: ProbeState & Record<string, unknown> }).__bench;
      return { anchorName: b.anchorName, anchorTime: b.anchorTime, frames: b.frames, longtasks: b.longtasks, clicks: b.clicks, events: b.events };
    }),
    10_000,
    'reading the probe',
  );
}

export const SLOW_MS = 10_000;

/** How many runs a scenario makes at `size`: `runs`, or one where a page of that size is slow. */
export const runsAt = (ctx: Ctx, size: number, runs: number) => (ctx.quick || ctx.slow.has(size) ? 1 : runs);

/** How long a page with `size` stored messages may take to show them before the run counts as failed. */
export const loadTimeout = (size: number) => Math.min(60_000, 15_000 + size * 0.45);

export { sleep };

let traceCount = 0;

/**
 * Navigates the tab to `url` under a trace and runs `body`; returns what it returned, with the main thread
 * of the new document and the probe's state. A run that fails (a page that froze past its time) leaves a
 * fresh tab behind for the next one.
 */
export async function traced<T>(ctx: Ctx, page: Page, url: string, body: () => Promise<T>): Promise<{ value: T; main: MainThread; probe: ProbeState }> {
  ctx.bench.clearReports();
  const cdp = await startTrace(page);
  try {
    await page.goto(url, { waitUntil: 'commit', timeout: 30_000 });
    const value = await body();
    const probe = await probeState(page);
    const script = new URL(url).searchParams.get('script');
    const save = ctx.traces && path.join(ctx.traces, `${String(++traceCount).padStart(3, '0')}-${ctx.site.nameOf(url)}-${script}.json`);
    const main = await stopTrace(cdp, probe, save);
    return { value, main, probe };
  } catch (error) {
    await within(cdp.send('Tracing.end'), 5_000, 'ending the trace').catch(() => {});
    await cdp.detach().catch(() => {});
    await ctx.bench.discardPage();
    throw error;
  }
}
