/**
 * 5. The JS heap of a page with 100,000 stored messages next to one with none, both with the panel open
 * and the network down, after the page settled and two full garbage collections (CDP).
 */
import { within } from '../lib/browser.ts';
import { loadTimeout, missing, newestText, origins, prepare, row, runsAt, sleep, type Ctx } from '../lib/common.ts';

const SIZES = [0, 100_000];
const BUDGET_MB = 10;

export async function heap(ctx: Ctx): Promise<void> {
  const scenario = '5. JS heap';
  const used = new Map<number, number[]>();
  const embedder = new Map<number, number[]>();
  for (let round = 0; round < 3; round++) {
    for (const size of SIZES) {
      if (ctx.broken.has(size) || round >= runsAt(ctx, size, size ? 2 : 3)) continue;
      const page = await prepare(ctx, origins.size(size), size);
      const watch = size ? [['latest', 'message', newestText(size)]] : [];
      const url = await ctx.site.pageUrl(origins.size(size), { script: 'natter', endpoint: ctx.dead, open: true }, { listen: true, watch });
      ctx.bench.clearReports();
      try {
        await page.goto(url, { waitUntil: 'commit', timeout: 30_000 });
        await ctx.bench.report('ready', loadTimeout(size));
        if (size) await ctx.bench.report('latest', loadTimeout(size));
        await sleep(2000);
        const cdp = await page.context().newCDPSession(page);
        const usage = await within(
          (async () => {
            await cdp.send('HeapProfiler.collectGarbage');
            await cdp.send('HeapProfiler.collectGarbage');
            return (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number; embedderHeapUsedSize?: number };
          })(),
          60_000,
          'collecting garbage',
        );
        await cdp.detach();
        (used.get(size) ?? used.set(size, []).get(size)!).push(usage.usedSize);
        (embedder.get(size) ?? embedder.set(size, []).get(size)!).push(usage.embedderHeapUsedSize ?? Number.NaN);
        ctx.log(`  round ${round + 1}, ${size.toLocaleString('en')} stored: JS heap ${(usage.usedSize / 2 ** 20).toFixed(2)} MB, DOM/embedder ${((usage.embedderHeapUsedSize ?? Number.NaN) / 2 ** 20).toFixed(2)} MB`);
      } catch (error) {
        await ctx.bench.discardPage();
        ctx.log(`  round ${round + 1}, ${size.toLocaleString('en')} stored: ${(error as Error).message}`);
        ctx.broken.set(size, `not loaded in time for the heap (${(error as Error).message})`);
      }
    }
  }
  const none = used.get(0);
  for (const size of SIZES) {
    const samples = used.get(size);
    const label = `used JS heap after GC, ${size ? size.toLocaleString('en') : 'none'} stored`;
    const budget = size ? `≤ none + ${BUDGET_MB} MB` : undefined;
    if (!samples?.length) {
      ctx.rows.push(missing(scenario, label, 'MB', ctx.broken.get(size) ?? 'no sample', budget));
      continue;
    }
    const embedded = row({ scenario, label, unit: 'MB', samples: embedder.get(size)! }).median;
    const r = row({ scenario, label, unit: 'MB', samples, note: `DOM (embedder heap) ${(embedded / 2 ** 20).toFixed(1)} MB` });
    if (size && none?.length) {
      const base = row({ scenario, label, unit: 'MB', samples: none }).median;
      r.ratio = r.median / base;
      r.ratioOf = 'none';
      r.note = `+${((r.median - base) / 2 ** 20).toFixed(1)} MB; ${r.note}`;
      r.budget = budget;
      r.pass = r.median - base <= BUDGET_MB * 2 ** 20;
    }
    ctx.rows.push(r);
  }
}
