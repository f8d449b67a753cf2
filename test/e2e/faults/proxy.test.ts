/**
 * The fault proxy itself, against a tiny WebSocket server that sends numbered frames on request: faithful
 * when no rule applies, seeded (the same seed gives the same faults), and bounded (refuses, cuts, closes).
 * Fast, and no browser: the scenarios' counts are only as good as the faults they were run under.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { FaultProxy } from './proxy';
import { delay, drop, duplicate, reorder, type } from './rules';

let target: WebSocketServer;
let targetUrl: string;
const proxies: FaultProxy[] = [];

beforeAll(async () => {
  target = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => target.once('listening', resolve));
  targetUrl = `ws://127.0.0.1:${(target.address() as { port: number }).port}/natter`;
  // "burst N": items 1..N, then synced.
  target.on('connection', (socket) =>
    socket.on('message', (data) => {
      const n = Number(String(data).split(' ')[1]);
      for (let seq = 1; seq <= n; seq++) socket.send(JSON.stringify({ type: 'item', item: { seq } }));
      socket.send(JSON.stringify({ type: 'synced', seq: n }));
    }),
  );
});

afterAll(async () => {
  for (const proxy of proxies) await proxy.close();
  await new Promise((resolve) => target.close(resolve));
});

async function proxy(seed = 6): Promise<FaultProxy> {
  const started = await FaultProxy.start({ target: targetUrl, seed, lifetimeMs: 30_000 });
  proxies.push(started);
  return started;
}

/** Asks for a burst of `n` through `p` and returns what arrived, as seqs ('S' for synced), within 3 s. */
async function burst(p: FaultProxy, n: number): Promise<Array<number | 'S'>> {
  const socket = new WebSocket(p.url);
  const got: Array<number | 'S'> = [];
  await new Promise((resolve, reject) => (socket.once('open', resolve), socket.once('error', reject)));
  const done = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${JSON.stringify(got)} within 3 s`)), 3000);
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data));
      got.push(frame.type === 'synced' ? 'S' : frame.item.seq);
      if (frame.type === 'synced') setTimeout(() => (clearTimeout(timer), resolve()), 50); // late duplicates
    });
  });
  socket.send(`burst ${n}`);
  await done;
  socket.close();
  return got;
}

const upTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

it('passes every frame in order when no rule applies', async () => {
  expect(await burst(await proxy(), 30)).toEqual([...upTo(30), 'S']);
});

it('reorders held frames with a seeded shuffle, and keeps them before the frame that was not held', async () => {
  const [a, b] = [await proxy(7), await proxy(7)];
  for (const p of [a, b]) p.down = [reorder(type('item'))];
  const first = await burst(a, 20);
  expect(first.at(-1)).toBe('S');
  expect([...first.slice(0, -1)].sort((x, y) => Number(x) - Number(y))).toEqual(upTo(20));
  expect(first.slice(0, -1)).not.toEqual(upTo(20));
  expect(await burst(b, 20)).toEqual(first);
});

it('drops a seeded share, duplicates, and delays without reordering', async () => {
  const p = await proxy();
  const halve = () => [drop(type('item'), { share: 0.5 })];
  p.down = halve();
  const kept = await burst(p, 100);
  expect(kept.length - 1).toBeGreaterThan(30);
  expect(kept.length - 1).toBeLessThan(70);
  p.reset(); // the same seed again: the same frames dropped
  p.down = halve();
  expect(await burst(p, 100)).toEqual(kept);

  p.down = [duplicate(type('item'), { budget: 3 })];
  expect(await burst(p, 5)).toEqual([1, 1, 2, 2, 3, 3, 4, 5, 'S']);

  p.down = [delay((f) => f.json?.item?.seq === 2, 300)];
  const started = Date.now();
  expect(await burst(p, 4)).toEqual([1, 2, 3, 4, 'S']);
  expect(Date.now() - started).toBeGreaterThanOrEqual(300);
});

it('refuses connections while unreachable, cuts them, and closes everything', async () => {
  const p = await proxy();
  p.unreachable = true;
  await expect(burst(p, 1)).rejects.toThrow(/503/);
  p.unreachable = false;
  const socket = new WebSocket(p.url);
  await new Promise((resolve) => socket.once('open', resolve));
  const closed = new Promise<number>((resolve) => socket.once('close', resolve));
  p.cut();
  expect(await closed).toBe(1006);
  await p.close();
  await expect(burst(p, 1)).rejects.toThrow();
});
