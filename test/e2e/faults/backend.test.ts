/**
 * Issue 6, backend faults: the backend crashes in the middle of a burst of customer messages, and the backend
 * comes back having lost its data. Through the fault proxy (which keeps its address while the backend
 * restarts behind it), against the real reference backend, in real Chromium.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, it } from 'vitest';
import { started } from './scenario';
import { Stage } from './stage';
import { sendAll, sendSpaced, waitDisconnected } from './widget';

let stage: Stage;
beforeAll(async () => {
  stage = await Stage.start({ proxy: true });
});
afterEach(() => stage.closeVisitors());
afterAll(() => stage?.dispose());

it('6. the backend killed in the middle of a burst of customer messages, then restarted: all delivered once, in order', async () => {
  const { sc, tab } = await started(stage, 's06');
  const burst = sendSpaced(tab, sc.customer(20), 50);
  await tab.waitForTimeout(300);
  await stage.backend.stop('SIGKILL');
  await tab.waitForTimeout(400);
  await stage.backend.start();
  await burst;
  // Reconnection backoff after a crash: the next attempt comes within a few seconds.
  await sc.expectClean('after the restart', 15_000);
  await tab.reload();
  await sc.expectClean('after a reload', 8000);
});

it('7. the backend lost its data: the widget drops what the team no longer has, keeps and resends the unsent', async () => {
  const { sc, tab } = await started(stage, 's07');
  await (await stage.agent()).reply((await sc.conversation()).id, sc.team(1));
  await sc.expectClean('before', 8000);
  // What the backend is about to lose must be gone from the widget too.
  sc.gone.push(...sc.written.splice(0), ...sc.replies.splice(0));

  await stage.backend.stop();
  await waitDisconnected(tab);
  await sendAll(tab, sc.customer(2));
  for (const file of ['natter.db', 'natter.db-wal', 'natter.db-shm']) rmSync(path.join(stage.backend.dataDir, file), { force: true });
  await stage.backend.start();

  const fresh = await sc.conversation(15_000);
  await (await stage.agent()).reply(fresh.id, sc.team(1));
  await sc.expectClean('after the data loss', 10_000);
  await tab.reload();
  await sc.expectClean('after a reload', 8000);
});
