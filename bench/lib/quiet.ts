/**
 * Waits for the machine to be quiet before a measured run: the CPUs (all of them, from /proc/stat) busy
 * less than {@link BUSY} of the time over a {@link WINDOW_MS} window, waiting `maxMs` at most. On a small shared
 * machine the work left over from the previous run (a killed renderer, IndexedDB compacting what was just
 * seeded) or another program's build would otherwise land in the next run's figures. Elsewhere than Linux
 * it returns at once.
 */
import { existsSync, readFileSync } from 'node:fs';
import { sleep } from './browser.ts';

const BUSY = 0.25;
const WINDOW_MS = 250;

function cpuTimes(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return { busy: total - idle, total };
}

/** Resolves with how long it waited (ms) and whether the machine was quiet by then. */
export async function quiet(maxMs = 10_000): Promise<{ waited: number; quiet: boolean }> {
  if (!existsSync('/proc/stat')) return { waited: 0, quiet: true };
  const started = performance.now();
  let before = cpuTimes();
  while (performance.now() - started < maxMs) {
    await sleep(WINDOW_MS);
    const now = cpuTimes();
    const share = (now.busy - before.busy) / Math.max(1, now.total - before.total);
    before = now;
    if (share < BUSY) return { waited: performance.now() - started, quiet: true };
  }
  return { waited: performance.now() - started, quiet: false };
}
