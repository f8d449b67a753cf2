/**
 * Issue 9's cluster story in `npm test`: `test/cluster/run.ts` (also `npm run test:cluster`) starts a
 * two-node ejabberd cluster from Debian on loopback, a visitor on node A and an agent on node B chat through
 * a room the router made; node A stops; the router moves to B, the visitor reconnects there, and the room's
 * history is intact and writable. About 40 s here; `.ci/run` installs ejabberd.
 */
import { spawnSync } from 'node:child_process';
import { expect, test } from 'vitest';
import { root } from '../harness.ts';

test('a visitor on node A, an agent on node B, and the history intact after node A stops', () => {
  const run = spawnSync(process.execPath, ['test/cluster/run.ts'], { cwd: root, encoding: 'utf8', timeout: 150_000 });
  const output = `${run.stdout}\n${run.stderr}`;
  expect(run.status, output).toBe(0);
  expect(output).toContain('all on loopback');
  // The archive after node A stopped, as the visitor read it from node B: all four lines (the agent's join
  // line may land anywhere after the queue line: the agent entered while both wrote).
  const items = /history intact \(4 items: ([^)]*)\)/.exec(output)?.[1]?.split(' | ') ?? [];
  expect(items, output).toHaveLength(4);
  expect(items[0]).toBe('Waiting for an agent');
  expect(items.filter((item) => !item.endsWith(' joined'))).toEqual(['Waiting for an agent', 'Hello from node A', 'Hello from node B']);
  expect(output).toContain('[cluster]');
}, 180_000);
