/**
 * 6. The first stage: main-thread time until the launcher is clickable (on screen, hit-testable), for
 * Natter's script tag next to a blank page (the same page with an empty script) and a plain Preact widget
 * (bench/fixtures/preact-widget.js), interleaved in one run; a first-time visitor (nothing stored).
 *
 * The time is counted from navigation start, not from the script's start: the three pages then share
 * everything but their script (parsing, the page's own first layout and paint, which an empty script that
 * arrives early would otherwise carry alone), and each one's figure over the blank page's is what its
 * script costs.
 * And the bytes: gzip of every script the page requested, by the time the launcher is clickable, before
 * the first click (the page left idle for 3 s), and in total after opening the panel and sending a message
 * to the reference backend.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { busy, within } from '../lib/browser.ts';
import { buildPreactWidget } from '../lib/fixtures.ts';
import { missing, prepare, row, sleep, traced, type Ctx, type Row } from '../lib/common.ts';

const KINDS = [
  { kind: 'blank', script: '/fixtures/blank.js', name: 'blank page (empty script)' },
  { kind: 'preact', script: '/fixtures/preact-widget.js', name: 'plain Preact widget' },
  { kind: 'natter', script: '/natter.js', name: 'Natter script tag' },
] as const;

/** The window of "startup CPU": everything the main thread did in the first 1.5 s after navigation start. */
const STARTUP_MS = 1500;

interface Shown {
  seen: number;
  painted: number;
  x: number;
  y: number;
}

export async function firstStage(ctx: Ctx): Promise<void> {
  const scenario = '6. first stage';
  /** Main-thread time from navigation start to the launcher clickable, by kind. */
  const work = new Map<string, number[]>();
  /** When the launcher was clickable, ms after navigation start. */
  const at = new Map<string, number[]>();
  /** Main-thread time in the first STARTUP_MS after navigation start. */
  const startup = new Map<string, number[]>();
  const push = (map: Map<string, number[]>, kind: string, value: number) => void (map.get(kind) ?? map.set(kind, []).get(kind)!).push(value);
  const rounds = ctx.quick ? 1 : 7;
  ctx.site.setFile('/fixtures/preact-widget.js', await buildPreactWidget());
  for (let round = 0; round < rounds + 1; round++) {
    // Each round in another order, so that no page always follows the same one; round 0 warms up.
    const order = KINDS.map((_, i) => KINDS[(i + round) % KINDS.length]!);
    for (const { kind, script } of order) {
      const page = await prepare(ctx, 'first-visit', 0);
      const url = await ctx.site.pageUrl('first-visit', { script: kind, endpoint: ctx.dead }, { watch: [['end', kind === 'blank' ? 'blank' : 'launcher']] });
      try {
        const { value: end, main } = await traced(ctx, page, url, async () => {
          const end = await ctx.bench.report<Shown>('end', 15_000);
          await sleep(Math.max(300, STARTUP_MS - end.painted + 200));
          return end;
        });
        if (!main.scripts.some(([, src]) => new URL(src, 'http://x').pathname === script)) throw new Error(`the trace shows no evaluation of ${script}`);
        if (round === 0) continue;
        push(work, kind, busy(main, 0, end.painted));
        push(at, kind, end.painted);
        push(startup, kind, busy(main, 0, STARTUP_MS));
      } catch (error) {
        ctx.log(`  round ${round}, ${kind}: ${(error as Error).message}`);
      }
    }
    if (round > 0) ctx.log(`  round ${round}: ${KINDS.map(({ kind }) => `${kind} ${work.get(kind)?.at(-1)?.toFixed(1) ?? '—'} ms`).join(', ')}`);
  }
  const medianOf = (map: Map<string, number[]>, kind: string) => row({ scenario, label: '', unit: 'ms', samples: map.get(kind) ?? [] }).median;
  const over = (map: Map<string, number[]>, kind: string) => medianOf(map, kind) - medianOf(map, 'blank');
  for (const { kind, name } of KINDS) {
    const samples = work.get(kind) ?? [];
    const label = `main thread, navigation → ${kind === 'blank' ? 'its script ran, painted' : 'launcher clickable'}, ${name}`;
    if (!samples.length) {
      ctx.rows.push(missing(scenario, label, 'ms', 'no sample', kind === 'natter' ? '≤ blank + 10 ms' : undefined));
      continue;
    }
    const r: Row = row({ scenario, label, unit: 'ms', samples, note: `at ${Math.round(medianOf(at, kind))} ms` });
    if (kind === 'preact') r.note = `+${over(work, kind).toFixed(1)} ms over blank; ${r.note}`;
    if (kind === 'natter') {
      r.note = `+${over(work, kind).toFixed(1)} ms over blank (Preact +${over(work, 'preact').toFixed(1)}); ${r.note}`;
      r.ratio = r.median / medianOf(work, 'preact');
      r.ratioOf = 'Preact widget';
      r.budget = '≤ blank + 10 ms';
      r.pass = over(work, kind) <= 10;
    }
    ctx.rows.push(r);
  }
  for (const { kind, name } of KINDS) {
    const samples = startup.get(kind) ?? [];
    if (!samples.length) continue;
    const r = row({ scenario, label: `main thread in the first ${STARTUP_MS / 1000} s after navigation, ${name}`, unit: 'ms', samples });
    if (kind !== 'blank') r.note = `+${over(startup, kind).toFixed(1)} ms over blank`;
    if (kind === 'natter') {
      r.ratio = r.median / medianOf(startup, 'preact');
      r.ratioOf = 'Preact widget';
    }
    ctx.rows.push(r);
  }
  await bytes(ctx);
}

/** gzip -9 of every script file under dist/ beside natter.js (not the npm build's esm/ or types/). */
function everyScriptInDist(dist: string): number {
  let total = 0;
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const file = path.join(dir, entry);
      if (statSync(file).isDirectory()) {
        if (dir !== dist || (entry !== 'esm' && entry !== 'types')) walk(file);
      } else if (/\.m?js$/.test(entry)) total += gzipSync(readFileSync(file), { level: 9 }).length;
    }
  };
  if (existsSync(dist)) walk(dist);
  return total;
}

async function bytes(ctx: Ctx): Promise<void> {
  const scenario = '6. first stage';
  const name = 'bytes';
  try {
    const { endpoint } = await ctx.backend();
    const page = await prepare(ctx, name, 0);
    const origin = await ctx.site.origin(name);
    const url = await ctx.site.pageUrl(name, { script: 'natter', endpoint }, { listen: true, watch: [['end', 'launcher']] });
    ctx.bench.clearReports();
    const from = ctx.site.served.length;
    await page.goto(url, { waitUntil: 'commit', timeout: 30_000 });
    const end = await ctx.bench.report<Shown>('end', 15_000);
    await sleep(3000); // idle: what loads "after the page is idle" loads now
    const resources = () =>
      within(
        page.evaluate(() => performance.getEntriesByType('resource').map((e) => [e.name, e.startTime] as [string, number])),
        10_000,
        'reading resource timing',
      );
    const beforeClick = await resources();
    await page.mouse.click(end.x, end.y);
    await sleep(1000);
    await within(page.evaluate(() => (window as unknown as { Natter: { send(t: string): Promise<void> } }).Natter.send('Hello, is my parcel on its way?')), 15_000, 'Natter.send');
    await ctx.bench.report('status:sent', 15_000);
    await sleep(1500);
    const total = await resources();
    // Sizes as served (the site logs each script with its gzip -9 size), by URL path; each file once.
    const served = new Map(ctx.site.served.slice(from).filter((s) => s.origin === origin).map((s) => [s.path, s.gzip]));
    const sum = (list: [string, number][], until = Infinity) => {
      const paths = new Set(list.filter(([src, at]) => at <= until && new URL(src).origin === origin && /\.m?js$/.test(new URL(src).pathname)).map(([src]) => new URL(src).pathname));
      let gzip = 0;
      for (const p of paths) gzip += served.get(p) ?? Number.NaN;
      return { gzip, files: [...paths] };
    };
    const first = sum(total, end.painted);
    const idle = sum(beforeClick);
    const all = sum(total);
    const files = (s: { files: string[] }) => `${s.files.length} file${s.files.length === 1 ? '' : 's'}: ${s.files.join(', ')}`;
    ctx.rows.push(
      { ...row({ scenario, label: 'gzip loaded by the time the launcher is clickable', unit: 'bytes', samples: [first.gzip], budget: '≤ 8 KB', note: files(first) }), pass: first.gzip <= 8 * 1024 },
      row({ scenario, label: 'gzip loaded before the first click (page idle 3 s)', unit: 'bytes', samples: [idle.gzip], note: files(idle) }),
      { ...row({ scenario, label: 'gzip loaded in total (opened, one message sent)', unit: 'bytes', samples: [all.gzip], budget: '≤ 24 KB', note: files(all) }), pass: all.gzip <= 24 * 1024 },
      row({ scenario, label: 'gzip of every script in dist/ (upper bound)', unit: 'bytes', samples: [everyScriptInDist(ctx.dist)], note: 'all languages and features, whether or not a visitor loads them' }),
    );
    ctx.log(`  by clickable ${first.gzip} B, before the first click ${idle.gzip} B, in total ${all.gzip} B gzip`);
  } catch (error) {
    await ctx.bench.discardPage();
    ctx.log(`  bytes: ${(error as Error).message}`);
    ctx.rows.push(missing(scenario, 'gzip loaded by the time the launcher is clickable', 'bytes', (error as Error).message, '≤ 8 KB'));
    ctx.rows.push(missing(scenario, 'gzip loaded in total (opened, one message sent)', 'bytes', (error as Error).message, '≤ 24 KB'));
  }
}
