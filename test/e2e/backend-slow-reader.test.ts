/**
 * Issue 8: a socket that never reads must not make the server hold what it cannot deliver. A real backend
 * process, a conversation of 120 large items (about 24 KB each as JSON), and two visitors who stop reading:
 * one asks for the history again and again (each `sync` a replay of 2.9 MB), the other just receives new
 * items. Both are cut off, and the server's resident memory (VmRSS of the process) stays within bounds.
 * A visitor who reads gets the whole history (8.9 MB) in one go, untouched by the bound.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { WebSocket } from 'ws';
import { say, visitor, type Peer } from './backend-peer';
import { Backend, freePort } from './harness';

const MiB = 1024 * 1024;
/** Control characters are escaped as \u0001 in JSON: 4,000 of them make an item of about 24 KB. */
const BIG_TEXT = '\u0001'.repeat(4000);

let backend: Backend;
beforeAll(async () => {
  backend = new Backend(await freePort(), {
    BOT: 'off',
    // Writing the history is not what this test is about.
    LIMIT_FRAMES_PER_SECOND: '1000',
    LIMIT_FRAME_BURST: '1000',
    LIMIT_MESSAGES_PER_MINUTE: '1000',
    LIMIT_ADDRESS_MESSAGES_PER_MINUTE: '1000',
    LIMIT_SLOW_READER_MS: '1000',
    // Loopback's kernel buffers take about 4 MB of a socket that does not read before the server holds
    // anything itself: a quarter of the default bound keeps this test short.
    LIMIT_SEND_BUFFER_BYTES: String(256 * 1024),
  });
  await backend.start();
});
afterAll(() => backend.dispose());

function rss(): number {
  const status = readFileSync(`/proc/${backend.pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
}

/** The highest RSS seen, sampled every 10 ms, until `done()` or `timeoutMs`. */
async function peakWhile(done: () => boolean, timeoutMs: number): Promise<number> {
  let peak = rss();
  const deadline = Date.now() + timeoutMs;
  while (!done() && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    peak = Math.max(peak, rss());
  }
  return peak;
}

async function write(peer: Peer, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await say(peer, BIG_TEXT);
}

/** A visitor socket that reads its welcome and then nothing more. */
async function stopReading(localAddress: string, after: number): Promise<WebSocket> {
  const socket = new WebSocket(`ws://127.0.0.1:${backend.port}/natter`, { localAddress });
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  socket.send(JSON.stringify({ type: 'hello', v: 1, visitorId: 'visitor-big-0001', after }));
  await new Promise<void>((resolve) => socket.on('message', (data) => String(data).startsWith('{"type":"synced"') && resolve()));
  socket.pause();
  return socket;
}

const cutOff = (address: string) => backend.output.includes(`cut off a visitor at ${address}`);

test('a socket that stops reading is cut off, and the server does not grow with what it was sent', async () => {
  const writer = await visitor({ url: backend.url }, 'visitor-big-0001', {}, { localAddress: '127.0.0.61' });
  await write(writer.peer, 120);
  await new Promise((resolve) => setTimeout(resolve, 300));
  const before = rss();

  // Replays asked for without reading: 41 of them would be 120 MB held for this socket.
  const asker = await stopReading('127.0.0.62', 120);
  asker.send(JSON.stringify({ type: 'sync', after: 0 }));
  for (let i = 0; i < 40; i++) asker.send(JSON.stringify({ type: 'sync', after: 0 }));
  const replayPeak = await peakWhile(() => cutOff('127.0.0.62'), 10_000);
  expect(backend.output).toMatch(/cut off a visitor at 127\.0\.0\.62: it asked for a replay while too much of what it was sent is still unread/);

  // New items to a socket that does not read: 250 more, 6 MB.
  const listener = await stopReading('127.0.0.63', 120);
  const listened = performance.now();
  const written = write(writer.peer, 250);
  const livePeak = await peakWhile(() => cutOff('127.0.0.63'), 10_000);
  const cutAfter = performance.now() - listened;
  await written;
  expect(backend.output).toMatch(/cut off a visitor at 127\.0\.0\.63: it read too little for 1000 ms/);

  // The writer, who reads, was never cut off; a newcomer who reads gets the whole 8.9 MB history at once.
  expect(cutOff('127.0.0.61')).toBe(false);
  const reader = await visitor({ url: backend.url }, 'visitor-big-0001', {}, { localAddress: '127.0.0.64' });
  expect(reader.items).toHaveLength(370);
  expect(cutOff('127.0.0.64')).toBe(false);

  const grown = { replay: (replayPeak - before) / MiB, live: (livePeak - before) / MiB };
  console.log(
    `[slow reader] RSS before ${(before / MiB).toFixed(1)} MiB; peak +${grown.replay.toFixed(1)} MiB while 41 replays of 2.9 MB were ` +
      `asked for (cut off at the first sync), +${grown.live.toFixed(1)} MiB while 250 new items went to a socket that did not ` +
      `read (cut off after ${Math.round(cutAfter)} ms).`,
  );
  // Without the bound the first would hold about 120 MB; one replay (2.9 MB, a few copies on its way
  // through) is what may be held.
  expect(grown.replay).toBeLessThan(40);
  expect(grown.live).toBeLessThan(40);
  for (const socket of [asker, listener]) socket.terminate();
  await Promise.all([writer.peer.close(), reader.peer.close()]);
});
