/**
 * 1. The latest message on screen after load, and 2. opening the panel, by stored history length —
 * "before the network answers": the widget points at a port nobody listens on, so all it shows comes from
 * what it stored. Sizes run interleaved, round after round, so that the machine's drift hits them alike.
 */
import { longest } from '../lib/browser.ts';
import { loadTimeout, missing, newestText, origins, prepare, row, sleep, SLOW_MS, traced, type Ctx } from '../lib/common.ts';

export const SIZES = [100, 1_000, 10_000, 100_000];
const BASE = 100;
const LARGE = 100_000;

interface Shown {
  seen: number;
  painted: number;
  x: number;
  y: number;
}

const push = (map: Map<number, number[]>, size: number, value: number) => void (map.get(size) ?? map.set(size, []).get(size)!).push(value);

/** One load of the smallest history, not counted: the first navigation of a browser pays for cold caches. */
async function warmUp(ctx: Ctx): Promise<void> {
  const page = await prepare(ctx, origins.size(BASE), BASE);
  const url = await ctx.site.pageUrl(origins.size(BASE), { script: 'natter', endpoint: ctx.dead, open: true }, { watch: [['latest', 'message', newestText(BASE)]] });
  await traced(ctx, page, url, () => ctx.bench.report('latest', loadTimeout(BASE))).catch(() => {});
}

/** Rounds: every size in each, the largest only in the first `largeRounds`. */
function* rounds(count: number, largeRounds: number): Generator<[round: number, size: number]> {
  for (let round = 0; round < count; round++) {
    for (const size of SIZES) {
      if (size === LARGE && round >= largeRounds) continue;
      yield [round, size];
    }
  }
}

function budgetRows(ctx: Ctx, scenario: string, what: string, bySize: Map<number, number[]>, budgetOf100k: string) {
  const base = bySize.get(BASE) ?? [];
  const baseMedian = row({ scenario, label: '', unit: 'ms', samples: base }).median;
  for (const size of SIZES) {
    const samples = bySize.get(size) ?? [];
    const label = `${what}, ${size.toLocaleString('en')} stored`;
    const budget = size === LARGE ? budgetOf100k : undefined;
    if (!samples.length) {
      ctx.rows.push(missing(scenario, label, 'ms', ctx.broken.get(size) ?? 'no sample', budget));
      continue;
    }
    const r = row({ scenario, label, unit: 'ms', samples, ratioOf: `${BASE} stored` });
    r.ratio = r.median / baseMedian;
    if (ctx.slow.has(size)) r.note = `one run (over ${SLOW_MS / 1000} s each)`;
    if (budget) {
      r.budget = budget;
      r.pass = r.ratio <= 1.2;
    }
    ctx.rows.push(r);
  }
}

function taskRows(ctx: Ctx, scenario: string, what: string, bySize: Map<number, number[]>) {
  for (const size of SIZES) {
    const samples = bySize.get(size) ?? [];
    const label = `${what}, ${size.toLocaleString('en')} stored`;
    if (!samples.length) {
      ctx.rows.push(missing(scenario, label, 'ms', ctx.broken.get(size) ?? 'no sample', '≤ 50 ms'));
      continue;
    }
    const r = row({ scenario, label, unit: 'ms', samples, budget: '≤ 50 ms' });
    r.pass = r.median <= 50;
    r.note = `worst ${Math.round(Math.max(...samples))} ms`;
    ctx.rows.push(r);
  }
}

/** 1. Navigation start → the newest stored message painted on screen (the panel opens on load: data-open). */
export async function latestOnScreen(ctx: Ctx): Promise<void> {
  const scenario = '1. latest on screen';
  const times = new Map<number, number[]>();
  const tasks = new Map<number, number[]>();
  const count = ctx.quick ? 1 : 5;
  await warmUp(ctx);
  for (const [round, size] of rounds(count, ctx.quick ? 1 : 3)) {
    if (ctx.broken.has(size) || (ctx.slow.has(size) && times.has(size))) continue;
    const page = await prepare(ctx, origins.size(size), size);
    const url = await ctx.site.pageUrl(origins.size(size), { script: 'natter', endpoint: ctx.dead, open: true }, { listen: true, watch: [['latest', 'message', newestText(size)]] });
    try {
      const { value: latest, main } = await traced(ctx, page, url, async () => {
        const latest = await ctx.bench.report<Shown>('latest', loadTimeout(size));
        await sleep(1000); // what runs right after it is still loading
        return latest;
      });
      const task = longest(main, 0, latest.painted + 1000);
      push(times, size, latest.painted);
      if (latest.painted > SLOW_MS) ctx.slow.add(size);
      push(tasks, size, task);
      ctx.log(`  round ${round + 1}, ${size.toLocaleString('en')} stored: newest painted at ${latest.painted.toFixed(0)} ms, longest task ${task.toFixed(0)} ms`);
    } catch (error) {
      const reason = `the newest message was not on screen within ${Math.round(loadTimeout(size) / 1000)} s of navigation (${(error as Error).message})`;
      ctx.broken.set(size, reason);
      ctx.log(`  round ${round + 1}, ${size.toLocaleString('en')} stored: ${reason}`);
    }
  }
  budgetRows(ctx, scenario, 'navigation → newest message painted', times, '≤ 1.2× of 100');
  taskRows(ctx, scenario, 'longest task while loading (panel open)', tasks);
}

/** 2. Click on the launcher → the panel painted with the newest message; and the longest task on the way. */
export async function openPanel(ctx: Ctx): Promise<void> {
  const scenario = '2. open the panel';
  const times = new Map<number, number[]>();
  const loading = new Map<number, number[]>();
  const opening = new Map<number, number[]>();
  const count = ctx.quick ? 1 : 5;
  for (const [round, size] of rounds(count, ctx.quick ? 1 : 3)) {
    if (ctx.broken.has(size) || (ctx.slow.has(size) && times.has(size))) continue;
    const page = await prepare(ctx, origins.size(size), size);
    const url = await ctx.site.pageUrl(origins.size(size), { script: 'natter', endpoint: ctx.dead }, { listen: true, watch: [['launcher', 'launcher']] });
    try {
      const { value, main, probe } = await traced(ctx, page, url, async () => {
        await ctx.bench.report('ready', loadTimeout(size));
        const launcher = await ctx.bench.report<Shown>('launcher', 15_000);
        await sleep(1500); // the page settles, as it would before a visitor reaches for the launcher
        await page.evaluate((text) => void (window as unknown as { __bench: { watch(n: string, k: string, a: string): Promise<unknown> } }).__bench.watch('opened', 'message', text), newestText(size));
        await page.mouse.click(launcher.x, launcher.y);
        const opened = await ctx.bench.report<Shown>('opened', loadTimeout(size));
        await sleep(500);
        return opened;
      });
      const click = probe.clicks.at(-1);
      if (click === undefined) throw new Error('the click never reached the page');
      const open = value.painted - click;
      const whileLoading = longest(main, 0, click - 1);
      const whileOpening = longest(main, click, value.painted + 500);
      push(times, size, open);
      if (open > SLOW_MS) ctx.slow.add(size);
      push(loading, size, whileLoading);
      push(opening, size, whileOpening);
      ctx.log(`  round ${round + 1}, ${size.toLocaleString('en')} stored: open ${open.toFixed(0)} ms, longest task loading ${whileLoading.toFixed(0)} ms, opening ${whileOpening.toFixed(0)} ms`);
    } catch (error) {
      const reason = `the panel did not show the newest message in time (${(error as Error).message})`;
      ctx.broken.set(size, reason);
      ctx.log(`  round ${round + 1}, ${size.toLocaleString('en')} stored: ${reason}`);
    }
  }
  budgetRows(ctx, scenario, 'click → panel painted with newest', times, '≤ 1.2× of 100');
  taskRows(ctx, scenario, 'longest task while loading (panel closed)', loading);
  taskRows(ctx, scenario, 'longest task while opening', opening);
}
