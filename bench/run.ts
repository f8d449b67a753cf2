/**
 * `npm run bench`: Natter's benchmarks in headless Chromium (issue 7), on the stored format a visitor's
 * browser holds, against the built `dist/` (run `npm run build` first). Prints a table and writes
 * `bench/results.json`. Every figure is a median of several runs, and every ratio is taken between
 * figures measured side by side in this one run — never against a number from another machine or day.
 *
 *   npm run bench                  all scenarios (about 5–10 minutes on 2 cores)
 *   npm run bench -- --only 1,3    some of them
 *   npm run bench -- --quick       one run each: checks the benchmark itself, not Natter
 *   npm run bench -- --dist DIR    another build's dist/ (the page loads DIR/natter.js and its chunks)
 *   npm run bench -- --traces DIR  keeps every run's trace in DIR (open them in DevTools' Performance panel)
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { freePort, startReferenceBackend, type ReferenceBackend } from './lib/backend.ts';
import { launchBench, type Bench } from './lib/browser.ts';
import { missing, type Ctx, type Row } from './lib/common.ts';
import { startFakeBackend, type FakeBackend } from './lib/fake-backend.ts';
import { root, startSite, type Site } from './lib/site.ts';
import { kb, mb, ms, times } from './lib/stats.ts';
import { latestOnScreen, openPanel } from './scenarios/load.ts';
import { burst, oneMore } from './scenarios/receive.ts';
import { heap } from './scenarios/heap.ts';
import { firstStage } from './scenarios/first-stage.ts';
import { sendToAck } from './scenarios/send.ts';
import { scrollHistory } from './scenarios/scroll.ts';

const scenarios: Record<string, { title: string; run: (ctx: Ctx) => Promise<void> }> = {
  '1': { title: 'latest message on screen after load', run: latestOnScreen },
  '2': { title: 'opening the panel', run: openPanel },
  '3': { title: 'one more message', run: oneMore },
  '4': { title: 'a burst of 500 incoming messages', run: burst },
  '5': { title: 'JS heap with 100,000 stored vs none', run: heap },
  '6': { title: 'first stage: main thread and bytes before the launcher is clickable', run: firstStage },
  '7': { title: 'send → acknowledged vs a raw WebSocket round trip', run: sendToAck },
  '8': { title: 'scrolling back through 100,000 stored messages', run: scrollHistory },
};

const { values } = parseArgs({ options: { only: { type: 'string' }, quick: { type: 'boolean', default: false }, dist: { type: 'string' }, traces: { type: 'string' } } });
const only = values.only ? values.only.split(',').map((s) => s.trim()) : Object.keys(scenarios);
for (const key of only) if (!scenarios[key]) throw new Error(`--only: no scenario "${key}" (there are ${Object.keys(scenarios).join(', ')})`);

const dist = path.resolve(values.dist ?? path.join(root, 'dist'));
const script = path.join(dist, 'natter.js');
if (!existsSync(script)) {
  console.error(`${script} is missing: run \`npm run build\` first.`);
  process.exit(1);
}

if (values.traces) mkdirSync(values.traces, { recursive: true });

const started = performance.now();
const log = (message: string) => console.log(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}`);

let site: Site | undefined;
let fake: Promise<FakeBackend> | undefined;
let backend: Promise<ReferenceBackend> | undefined;
let bench: Bench | undefined;
let cleaning: Promise<void> | undefined;
const cleanUp = () =>
  (cleaning ??= (async () => {
    await bench?.dispose();
    await backend?.then((b) => b.stop(), () => {});
    await fake?.then((f) => f.close(), () => {});
    await site?.close();
  })());
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: cleaning up`);
    void cleanUp().finally(() => process.exit(130));
  });
}

const rows: Row[] = [];
const crashed: string[] = [];
let chromium: string | undefined;
let waited = 0;
try {
  site = await startSite(dist);
  bench = await launchBench();
  const ctx: Ctx = {
    bench,
    site,
    fake: () => (fake ??= startFakeBackend()),
    backend: () => (backend ??= startReferenceBackend()),
    dead: `ws://127.0.0.1:${await freePort()}/natter`,
    quick: values.quick,
    ...(values.traces && { traces: path.resolve(values.traces) }),
    dist,
    rows,
    broken: new Map(),
    slow: new Set(),
    log,
    waited: 0,
  };
  chromium = bench.context.browser()?.version();
  log(`Chromium ${chromium ?? '?'}, ${os.cpus().length} CPUs, ${path.relative(root, script) || script} ${readFileSync(script).length} bytes`);
  for (const key of only) {
    log(`${key}. ${scenarios[key]!.title}`);
    try {
      await scenarios[key]!.run(ctx);
    } catch (error) {
      // The benchmark itself broke (not Natter's figures): say so, go on with the next scenario.
      crashed.push(key);
      log(`  scenario ${key} failed: ${(error as Error).stack ?? String(error)}`);
      rows.push(missing(`${key}. ${scenarios[key]!.title}`, 'the scenario failed', 'ms', String((error as Error).message ?? error)));
      await bench.discardPage();
    }
  }
  waited = ctx.waited;
} finally {
  await cleanUp();
}

// ---- the table ------------------------------------------------------------------------------------

const format = (value: number, unit: Row['unit']) => (unit === 'ms' ? ms(value) : unit === 'MB' ? mb(value) : kb(value));
const table = [
  ['scenario', 'measure', 'median', 'p75', 'ratio', 'budget', 'pass', 'n', 'note'],
  ...rows.map((r) => [
    r.scenario,
    r.label,
    format(r.median, r.unit),
    format(r.p75, r.unit),
    r.ratio === undefined ? '' : `${times(r.ratio)}${r.ratioOf ? ` of ${r.ratioOf}` : ''}`,
    r.budget ?? '',
    r.pass === undefined ? '' : r.pass ? 'pass' : 'FAIL',
    String(r.samples.length),
    r.note ?? '',
  ]),
];
const widths = table[0]!.map((_, i) => Math.max(...table.map((line) => line[i]!.length)));
console.log('');
for (const [i, line] of table.entries()) {
  console.log(line.map((cell, j) => cell.padEnd(widths[j]!)).join('  ').trimEnd());
  if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
}
const budgeted = rows.filter((r) => r.pass !== undefined);
console.log(`\n${budgeted.filter((r) => r.pass).length} of ${budgeted.length} budgets pass; ${((performance.now() - started) / 1000).toFixed(0)} s in all, of which ${(waited / 1000).toFixed(0)} s waiting for a quiet machine.`);

const git = (...args: string[]) => {
  try {
    return execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
};
writeFileSync(
  path.join(import.meta.dirname, 'results.json'),
  `${JSON.stringify(
    {
      date: new Date().toISOString(),
      commit: git('rev-parse', 'HEAD'),
      dirty: Boolean(git('status', '--porcelain', '--', 'src')),
      dist,
      natterJs: { bytes: readFileSync(script).length, sha256: createHash('sha256').update(readFileSync(script)).digest('hex') },
      chromium,
      node: process.version,
      cpus: os.cpus().length,
      quick: values.quick,
      scenarios: only,
      seconds: Math.round((performance.now() - started) / 1000),
      quietWaitSeconds: Math.round(waited / 1000),
      rows,
    },
    null,
    2,
  )}\n`,
);
log('wrote bench/results.json');
// Budgets that fail are results, not errors; a scenario that could not run is one.
if (crashed.length) {
  console.error(`scenario${crashed.length > 1 ? 's' : ''} ${crashed.join(', ')} failed to run (see above)`);
  process.exitCode = 1;
}
