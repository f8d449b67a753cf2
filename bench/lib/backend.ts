/**
 * The reference backend (`demo/server.ts`) as a child process, exactly as `npm run demo` runs it, on
 * 127.0.0.1 with a data directory of its own that is deleted afterwards.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { atMost, sleep } from './browser.ts';
import { root } from './site.ts';

import { freePort } from '../../test/e2e/free-port.ts';

export { freePort };

export interface ReferenceBackend {
  /** `ws://127.0.0.1:port/natter` */
  endpoint: string;
  stop(): Promise<void>;
}

export async function startReferenceBackend(): Promise<ReferenceBackend> {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'natter-bench-backend-'));
  let output = '';
  const child: ChildProcess = spawn(process.execPath, ['demo/server.ts'], {
    cwd: root,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, BOT: 'off' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await atMost(exited, 5000);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return { endpoint: `ws://127.0.0.1:${port}/natter`, stop };
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  await stop();
  throw new Error(`the reference backend did not answer /healthz within 15 s:\n${output}`);
}
