/**
 * 3. One more message (an agent's reply arriving) at 100 vs 100,000 stored, and 4. a burst of 500 incoming
 * messages. The replies come from the benchmark's own small backend (lib/fake-backend.ts), which continues
 * the seeded conversation, so the widget keeps its stored history and only the new items travel.
 *
 * "Arrived" is when the frame's `message` event reached the page (the probe listens before Natter does);
 * "shown" is just after the frame in which the message is on screen was painted. Main-thread time is the
 * sum of the renderer main thread's tasks from the one that received the frame up to "shown", from the
 * trace: the work of receiving, storing and rendering one message, without the idle time in between.
 */
import type { Page } from 'playwright-core';
import { busy, longest, taskStartAt, within } from '../lib/browser.ts';
import type { FakeBackend } from '../lib/fake-backend.ts';
import { CONVERSATION, loadTimeout, missing, newestText, origins, prepare, row, runsAt, sleep, traced, VISITOR, type Ctx } from '../lib/common.ts';

const BASE = 100;
const LARGE = 100_000;

interface Shown {
  seen: number;
  painted: number;
}

type Watching = { __bench: { watch(name: string, kind: string, arg: string): Promise<unknown> } };

/** Starts watching for `text` on screen; returns the page's clock when it started. */
function watchFor(page: Page, name: string, text: string): Promise<number> {
  return page.evaluate(([name, text]) => {
    void (window as unknown as Watching).__bench.watch(name!, 'message', text!);
    return performance.now();
  }, [name, text]);
}

/** Loads the page with `size` stored, the panel open, connected to the fake backend; then runs `body`. */
async function connected<T>(ctx: Ctx, size: number, body: (page: Page, fake: FakeBackend) => Promise<T>) {
  const fake = await ctx.fake();
  const page = await prepare(ctx, origins.size(size), size);
  fake.conversation(VISITOR, CONVERSATION, size);
  const url = await ctx.site.pageUrl(origins.size(size), { script: 'natter', endpoint: fake.url, open: true }, { listen: true, watch: [['latest', 'message', newestText(size)]] });
  return traced(ctx, page, url, async () => {
    await ctx.bench.report('latest', loadTimeout(size));
    await within(fake.joined(VISITOR), loadTimeout(size), 'the connection to the backend');
    await sleep(1000);
    return body(page, fake);
  });
}

/** 3. One agent reply at a time, five per page load (three loads, two at 100,000); main-thread time from its frame to its paint. */
export async function oneMore(ctx: Ctx): Promise<void> {
  const scenario = '3. one more message';
  const mainTime = new Map<number, number[]>();
  const latency = new Map<number, number[]>();
  const sizes = [BASE, LARGE];
  const perLoad = ctx.quick ? 2 : 5;
  for (let round = 0; round < 3; round++) {
    for (const size of sizes) {
      if (ctx.broken.has(size) || round >= runsAt(ctx, size, size === LARGE ? 2 : 3)) continue;
      try {
        const { value: replies, main, probe } = await connected(ctx, size, async (page, fake) => {
          const replies: { armed: number; shown: Shown }[] = [];
          for (let k = 1; k <= perLoad; k++) {
            const text = `Reply ${k} of round ${round + 1}: your parcel left the warehouse this morning.`;
            const armed = await watchFor(page, `reply${k}`, text);
            fake.reply(VISITOR, [text]);
            replies.push({ armed, shown: await ctx.bench.report<Shown>(`reply${k}`, loadTimeout(size)) });
            await sleep(400); // its storage write settles; the next one starts from a quiet page
          }
          return replies;
        });
        for (const { armed, shown } of replies) {
          const arrived = probe.frames.find(([t]) => t > armed)?.[0];
          if (arrived === undefined) throw new Error('no WebSocket frame reached the page (is the transport still in the page?)');
          const work = busy(main, taskStartAt(main, arrived), shown.painted);
          (mainTime.get(size) ?? mainTime.set(size, []).get(size)!).push(work);
          (latency.get(size) ?? latency.set(size, []).get(size)!).push(shown.painted - arrived);
        }
        ctx.log(`  round ${round + 1}, ${size.toLocaleString('en')} stored: main thread ${mainTime.get(size)!.slice(-perLoad).map((v) => v.toFixed(1)).join(', ')} ms`);
      } catch (error) {
        ctx.log(`  round ${round + 1}, ${size.toLocaleString('en')} stored: ${(error as Error).message}`);
        ctx.broken.set(size, `no reply on screen in time (${(error as Error).message})`);
      }
    }
  }
  const base = mainTime.get(BASE);
  for (const size of sizes) {
    const samples = mainTime.get(size);
    const label = `frame → reply painted, main-thread time, ${size.toLocaleString('en')} stored`;
    const budget = size === LARGE ? '≤ 1.2× of 100' : undefined;
    if (!samples?.length) {
      ctx.rows.push(missing(scenario, label, 'ms', ctx.broken.get(size) ?? 'no sample', budget));
      continue;
    }
    const r = row({ scenario, label, unit: 'ms', samples, ratioOf: `${BASE} stored`, note: `wall ${Math.round(row({ scenario, label, unit: 'ms', samples: latency.get(size)! }).median)} ms` });
    if (base?.length) r.ratio = r.median / row({ scenario, label, unit: 'ms', samples: base }).median;
    if (budget) {
      r.budget = budget;
      r.pass = r.ratio !== undefined && r.ratio <= 1.2;
    }
    ctx.rows.push(r);
  }
}

/** 4. 500 agent replies sent back to back: the longest task, and the time until the last is on screen. */
export async function burst(ctx: Ctx): Promise<void> {
  const scenario = '4. burst of 500';
  const COUNT = 500;
  const size = BASE;
  const allShown: number[] = [];
  const tasks: number[] = [];
  const notes: string[] = [];
  const runs = ctx.quick ? 1 : 5;
  for (let run = 0; run < runs; run++) {
    try {
      const { value, main, probe } = await connected(ctx, size, async (page, fake) => {
        const texts = Array.from({ length: COUNT }, (_, i) => `Burst ${run + 1}, item ${i + 1} of ${COUNT}: here is one more detail about your order.`);
        const armed = await watchFor(page, 'burst', texts.at(-1)!);
        const before = await page.evaluate(() => (window as unknown as { __bench: { events: { message: number } } }).__bench.events.message);
        fake.reply(VISITOR, texts);
        const shown = await ctx.bench.report<Shown>('burst', 30_000);
        await sleep(1000); // storing the burst is part of receiving it
        return { armed, before, shown };
      });
      const first = probe.frames.find(([t]) => t > value.armed)?.[0];
      if (first === undefined) throw new Error('no WebSocket frame reached the page');
      const received = probe.events.message - value.before;
      if (received !== COUNT) notes.push(`run ${run + 1}: ${received} message events`);
      allShown.push(value.shown.painted - first);
      tasks.push(longest(main, first, value.shown.painted + 1000));
      ctx.log(`  run ${run + 1}: all ${COUNT} on screen ${(value.shown.painted - first).toFixed(0)} ms after the first frame; longest task ${tasks.at(-1)!.toFixed(0)} ms; ${received} message events`);
    } catch (error) {
      ctx.log(`  run ${run + 1}: ${(error as Error).message}`);
      notes.push(`run ${run + 1}: ${(error as Error).message}`);
    }
  }
  const label = `${size} stored`;
  if (!allShown.length) {
    ctx.rows.push(missing(scenario, `first frame → last of 500 painted, ${label}`, 'ms', notes.join('; '), '≤ 1000 ms'));
    ctx.rows.push(missing(scenario, `longest task while receiving, ${label}`, 'ms', notes.join('; '), '≤ 50 ms'));
    return;
  }
  const shownRow = row({ scenario, label: `first frame → last of 500 painted, ${label}`, unit: 'ms', samples: allShown, budget: '≤ 1000 ms', ...(notes.length && { note: notes.join('; ') }) });
  shownRow.pass = shownRow.median <= 1000;
  const taskRow = row({ scenario, label: `longest task while receiving, ${label}`, unit: 'ms', samples: tasks, budget: '≤ 50 ms', note: `worst ${Math.round(Math.max(...tasks))} ms` });
  taskRow.pass = taskRow.median <= 50;
  ctx.rows.push(shownRow, taskRow);
}
