/**
 * 8. Scrolling back through a long history: with 100,000 stored and the panel open on the newest, the reader
 * scrolls to the top of the list again and again, as a wheel or a finger would, until 1,000 older messages are
 * on screen. Older messages come from memory, then page by page from IndexedDB. Measured: the longest
 * main-thread task while scrolling back (budget: none over 50 ms), and how long each step takes from the
 * scroll to the older message being on screen.
 */
import type { Page } from 'playwright-core';
import { longest } from '../lib/browser.ts';
import { loadTimeout, missing, newestText, origins, prepare, row, sleep, traced, type Ctx } from '../lib/common.ts';

const SIZE = 100_000;
/** How many messages back the reader goes. */
const BACK = 1_000;

/** Scrolls the widget's list to its top until `back` older messages came in; the time of each step, ms. */
function scrollBack(page: Page, back: number): Promise<number[]> {
  return page.evaluate(async (back) => {
    const root = document.querySelector('[data-natter-widget]')!.shadowRoot!;
    const list = root.querySelector<HTMLElement>('.log')!;
    const oldest = () => root.querySelector('[data-testid="message"] .bubble')?.textContent ?? '';
    const first = oldest();
    const steps: number[] = [];
    const seen = new Set<string>([first]);
    for (let step = 0; step < 200 && seen.size <= back / 40; step++) {
      const before = oldest();
      const t0 = performance.now();
      list.scrollTop = 0;
      list.dispatchEvent(new Event('scroll'));
      // The older message is on screen: the first in the list changed, then a frame was painted.
      const deadline = t0 + 5000;
      while (oldest() === before && performance.now() < deadline) await new Promise((resolve) => requestAnimationFrame(resolve));
      if (oldest() === before) throw new Error(`no older message came in 5 s after scrolling to the top (step ${step + 1})`);
      await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve)));
      steps.push(performance.now() - t0);
      seen.add(oldest());
      await new Promise((resolve) => setTimeout(resolve, 50)); // a reader's pace
    }
    return steps;
  }, back);
}

export async function scrollHistory(ctx: Ctx): Promise<void> {
  const scenario = '8. scroll back';
  const tasks: number[] = [];
  const steps: number[] = [];
  const runs = ctx.quick ? 1 : 3;
  for (let run = 0; run < runs; run++) {
    try {
      const page = await prepare(ctx, origins.size(SIZE), SIZE);
      const url = await ctx.site.pageUrl(origins.size(SIZE), { script: 'natter', endpoint: ctx.dead, open: true }, { listen: true, watch: [['latest', 'message', newestText(SIZE)]] });
      const { value, main } = await traced(ctx, page, url, async () => {
        await ctx.bench.report('latest', loadTimeout(SIZE));
        await sleep(1000);
        const from = await page.evaluate(() => performance.now());
        const taken = await scrollBack(page, BACK);
        const to = await page.evaluate(() => performance.now());
        return { from, to, taken };
      });
      tasks.push(longest(main, value.from, value.to));
      steps.push(...value.taken);
      ctx.log(`  run ${run + 1}: ${value.taken.length} steps back, longest task ${tasks.at(-1)!.toFixed(0)} ms, step median ${row({ scenario, label: '', unit: 'ms', samples: value.taken }).median.toFixed(0)} ms`);
    } catch (error) {
      ctx.log(`  run ${run + 1}: ${(error as Error).message}`);
      ctx.broken.set(SIZE, (error as Error).message);
    }
  }
  const label = `${SIZE.toLocaleString('en')} stored, ${BACK.toLocaleString('en')} messages back`;
  if (!tasks.length) {
    ctx.rows.push(missing(scenario, `longest task while scrolling back, ${label}`, 'ms', ctx.broken.get(SIZE) ?? 'no sample', '≤ 50 ms'));
    return;
  }
  const r = row({ scenario, label: `longest task while scrolling back, ${label}`, unit: 'ms', samples: tasks, budget: '≤ 50 ms' });
  r.pass = r.median <= 50;
  r.note = `worst ${Math.round(Math.max(...tasks))} ms`;
  ctx.rows.push(r);
  ctx.rows.push(row({ scenario, label: 'scroll to the top → an older message on screen, per step', unit: 'ms', samples: steps }));
}
