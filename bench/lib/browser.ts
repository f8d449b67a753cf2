/**
 * Headless Chromium for the benchmarks (Debian's, through playwright-core; `playwright install` is not
 * needed), with the probe in every page, a binding through which the probe reports, and CDP tracing of the
 * renderer's main thread.
 *
 * One persistent profile for the whole run (IndexedDB on disk, as for a real visitor) and one tab at a time,
 * so that no other page ever shares the measured page's renderer.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type CDPSession, type Page } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const probe = path.resolve(import.meta.dirname, '../page/probe.js');

/** What the probe reports, by page and name. */
type Reports = Map<string, unknown>;

export interface Bench {
  context: BrowserContext;
  /** The one tab: made anew after a run that froze its renderer. */
  page(): Promise<Page>;
  /** Closes the tab (a frozen renderer included) so the next `page()` is a fresh one. */
  discardPage(): Promise<void>;
  /** Forgets what the probe reported on the tab (before a navigation). */
  clearReports(): void;
  /** Resolves with the probe's report `name`, or rejects after `timeoutMs`. */
  report<T>(name: string, timeoutMs: number): Promise<T>;
  dispose(): Promise<void>;
}

export async function launchBench(): Promise<Bench> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is not at ${CHROMIUM}; install it (apt-get install chromium) or set CHROMIUM_PATH.`);
  const profile = mkdtempSync(path.join(tmpdir(), 'natter-bench-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-sync', '--no-first-run', '--disable-component-update', '--disable-background-networking'],
  });
  let reports: Reports = new Map();
  const waiters = new Map<string, (value: unknown) => void>();
  await context.exposeBinding('__benchReport', (_source, name: string, payload: unknown) => {
    reports.set(name, payload);
    waiters.get(name)?.(payload);
  });
  await context.addInitScript({ path: probe });
  let current: Page | undefined = context.pages()[0];

  const bench: Bench = {
    context,
    async page() {
      current ??= await context.newPage();
      return current;
    },
    async discardPage() {
      const page = current;
      current = undefined;
      if (!page) return;
      // A renderer stuck in a task never answers `beforeunload`: close without it, and give up waiting.
      await atMost(page.close({ runBeforeUnload: false }), 10_000);
    },
    clearReports() {
      reports = new Map();
      waiters.clear();
    },
    report<T>(name: string, timeoutMs: number): Promise<T> {
      if (reports.has(name)) return Promise.resolve(reports.get(name) as T);
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(name);
          reject(new Timeout(`"${name}" was not reported within ${Math.round(timeoutMs / 1000)} s`));
        }, timeoutMs);
        timer.unref(); // a wait forgotten by clearReports() must not keep Node running
        waiters.set(name, (value) => {
          clearTimeout(timer);
          waiters.delete(name);
          resolve(value as T);
        });
      });
    },
    async dispose() {
      await atMost(context.close(), 15_000);
      rmSync(profile, { recursive: true, force: true });
    },
  };
  return bench;
}

export class Timeout extends Error {}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits for `promise` to settle, or `ms` at most (whichever first), without leaving a timer behind. */
export function atMost(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout>;
  return Promise.race([promise.then(() => {}, () => {}), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]).finally(() => clearTimeout(timer));
}

/** `promise`, or a {@link Timeout} after `ms`. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Timeout(`${what} took over ${Math.round(ms / 1000)} s`)), ms);
    }),
  ]);
}

// ---- tracing --------------------------------------------------------------------------------------

interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: { data?: { url?: string } };
}

/** The renderer main thread's tasks and marks of one document, in that document's clock (ms). */
export interface MainThread {
  /** Top-level tasks, [start, end], sorted. */
  tasks: [number, number][];
  /** Script evaluations: [start, url]. */
  scripts: [number, string][];
  /** performance.mark()s by name (the probe suffixes its own with the document's id). */
  marks: Map<string, number>;
}

const CATEGORIES = ['disabled-by-default-devtools.timeline', 'devtools.timeline', 'blink.user_timing'];

/** Starts tracing the whole browser (every process); the page's CDP session drives it. */
export async function startTrace(page: Page): Promise<CDPSession> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Tracing.start', {
    traceConfig: { includedCategories: CATEGORIES, recordMode: 'recordAsMuchAsPossible' },
    transferMode: 'ReturnAsStream',
  });
  return cdp;
}

/**
 * Ends the trace and returns the main thread of the document whose probe made the mark `anchorName` (see
 * probe.js); `save`, when given, is a file to keep the whole trace in (it opens in DevTools' Performance panel).
 */
export async function stopTrace(cdp: CDPSession, probe: { anchorName: string; anchorTime: number }, save?: string): Promise<MainThread> {
  const complete = new Promise<{ stream?: string }>((resolve) => cdp.once('Tracing.tracingComplete', resolve));
  await cdp.send('Tracing.end');
  const { stream } = await within(complete, 60_000, 'collecting the trace');
  const parts: string[] = [];
  for (;;) {
    const chunk = await cdp.send('IO.read', { handle: stream!, size: 8 << 20 });
    parts.push(chunk.base64Encoded ? Buffer.from(chunk.data, 'base64').toString('utf8') : chunk.data);
    if (chunk.eof) break;
  }
  await cdp.send('IO.close', { handle: stream! });
  await cdp.detach().catch(() => {});
  const text = parts.join('');
  if (save) writeFileSync(save, text);
  const parsed = JSON.parse(text) as TraceEvent[] | { traceEvents: TraceEvent[] };
  return mainThreadOf(Array.isArray(parsed) ? parsed : parsed.traceEvents, probe);
}

function mainThreadOf(events: TraceEvent[], probe: { anchorName: string; anchorTime: number }): MainThread {
  const anchor = events.find((e) => e.name === probe.anchorName);
  if (!anchor) throw new Error('the trace holds no mark of the measured document');
  const { pid, tid } = anchor;
  const toPage = (ts: number) => (ts - anchor.ts) / 1000 + probe.anchorTime;
  const tasks: [number, number][] = [];
  const scripts: [number, string][] = [];
  const marks = new Map<string, number>();
  for (const e of events) {
    if (e.pid !== pid || e.tid !== tid) continue;
    if (e.name === 'RunTask' && e.ph === 'X' && e.dur !== undefined) tasks.push([toPage(e.ts), toPage(e.ts + e.dur)]);
    else if (e.name === 'EvaluateScript' && e.ph === 'X') scripts.push([toPage(e.ts), e.args?.data?.url ?? '']);
    else if (e.cat.includes('blink.user_timing') && !marks.has(e.name)) marks.set(e.name, toPage(e.ts));
  }
  tasks.sort((a, b) => a[0] - b[0]);
  // Only the outermost tasks (a nested run loop's tasks lie inside their parent's).
  const outer: [number, number][] = [];
  for (const task of tasks) {
    const last = outer.at(-1);
    if (last && task[0] < last[1]) last[1] = Math.max(last[1], task[1]);
    else outer.push(task);
  }
  return { tasks: outer, scripts, marks };
}

/** Main-thread time spent in tasks within [from, to] (the parts inside it). */
export function busy(main: MainThread, from: number, to: number): number {
  let total = 0;
  for (const [start, end] of main.tasks) total += Math.max(0, Math.min(end, to) - Math.max(start, from));
  return total;
}

/** The longest task that overlaps [from, to], whole. */
export function longest(main: MainThread, from: number, to: number): number {
  let max = 0;
  for (const [start, end] of main.tasks) if (end > from && start < to) max = Math.max(max, end - start);
  return max;
}

/** The start of the task running at `t` (or `t` itself, between tasks). */
export function taskStartAt(main: MainThread, t: number): number {
  for (const [start, end] of main.tasks) if (start <= t && t <= end) return start;
  return t;
}
