/**
 * Issue 8: the reference backend's limits, against a real backend process, each from an address of its own
 * on loopback (127.x.y.z are all this machine): 1,000 hellos from one address, and each limit's `error`
 * frame — `rate_limited`, with the clientId of a refused `send` so the client keeps it and sends it again.
 */
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { clientAddress, TokenBucket } from '../../demo/limits.ts';
import { Peer, say, visitor, type Frame } from './backend-peer';
import { Backend, freePort } from './harness';

/** A visitor socket from `localAddress`, with the close code it ends with. */
async function open(backend: Backend, localAddress: string): Promise<{ peer: Peer; closeCode: Promise<number> }> {
  const peer = await Peer.open(`ws://127.0.0.1:${backend.port}/natter`, true, { localAddress });
  return { peer, closeCode: new Promise((resolve) => peer.socket.once('close', (code) => resolve(code))) };
}

function conversationsOf(backend: Backend, visitorIds: string[]): string[] {
  const db = new DatabaseSync(path.join(backend.dataDir, 'natter.db'));
  try {
    const rows = db.prepare(`SELECT visitor_id FROM conversations WHERE visitor_id IN (${visitorIds.map(() => '?').join(',')})`).all(...visitorIds);
    return rows.map((row) => row.visitor_id as string).sort();
  } finally {
    db.close();
  }
}

const rateLimited = (peer: Peer, more: (f: Frame) => boolean = () => true) => peer.type('error', (f) => f.code === 'rate_limited' && more(f));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('with the default limits', () => {
  let backend: Backend;
  beforeAll(async () => {
    backend = new Backend(await freePort(), { BOT: 'off' });
    await backend.start();
  });
  afterAll(() => backend.dispose());

  test('1,000 hellos from one address: 60 a minute are welcome, the rest get rate_limited and 1013; nothing is stored', async () => {
    const started = Date.now();
    const outcomes: Array<'welcome' | 'refused'> = [];
    for (let wave = 0; wave < 20; wave++) {
      await Promise.all(
        Array.from({ length: 50 }, async (_, i) => {
          const { peer, closeCode } = await open(backend, '127.0.0.40');
          peer.send({ type: 'hello', v: 1, visitorId: `visitor-hello-${wave * 50 + i}`, after: 0 });
          const answer = await peer.take((f) => f.type === 'welcome' || f.type === 'error');
          if (answer.type === 'welcome') {
            outcomes.push('welcome');
            await peer.close();
            return;
          }
          expect(answer).toMatchObject({ code: 'rate_limited', message: expect.stringContaining('60 hellos a minute') });
          expect(await closeCode).toBe(1013);
          outcomes.push('refused');
        }),
      );
    }
    const welcomed = outcomes.filter((o) => o === 'welcome').length;
    // The bucket holds 60 and refills one a second while this runs.
    expect(welcomed).toBeGreaterThanOrEqual(60);
    expect(welcomed).toBeLessThanOrEqual(60 + Math.ceil((Date.now() - started) / 1000) + 1);
    expect(outcomes).toHaveLength(1000);
    // Opening the chat stores nothing.
    expect(conversationsOf(backend, Array.from({ length: 1000 }, (_, i) => `visitor-hello-${i}`))).toEqual([]);

    // Another address is not held back by this one.
    const other = await visitor({ url: backend.url }, 'visitor-hello-other', {}, { localAddress: '127.0.0.41' });
    await say(other.peer, 'Hello from next door');
    await other.peer.close();
    expect(conversationsOf(backend, ['visitor-hello-other'])).toEqual(['visitor-hello-other']);
    console.log(`[limits] 1,000 hellos from one address in ${Date.now() - started} ms: ${welcomed} welcome, ${1000 - welcomed} rate_limited`);
  });
});

describe('with small limits from the environment', () => {
  let backend: Backend;
  beforeAll(async () => {
    backend = new Backend(await freePort(), {
      BOT: 'off',
      LIMIT_FRAMES_PER_SECOND: '5',
      LIMIT_FRAME_BURST: '10',
      LIMIT_REFUSED_FRAMES: '20',
      LIMIT_MESSAGES_PER_MINUTE: '3',
      LIMIT_ADDRESS_MESSAGES_PER_MINUTE: '5',
      LIMIT_QUEUED_PER_ADDRESS: '1',
      LIMIT_CONVERSATIONS_PER_HOUR: '2',
    });
    await backend.start();
  });
  afterAll(() => backend.dispose());

  test('frames over the rate: rate_limited (with the clientId of a send), which passes when sent again later', async () => {
    const { peer } = await visitor({ url: backend.url }, 'visitor-frames-01', {}, { localAddress: '127.0.0.51' });
    // hello took one of ten; nine typing frames take the rest.
    for (let i = 0; i < 9; i++) peer.send({ type: 'typing', typing: i % 2 === 0 });
    peer.send({ type: 'send', clientId: 'over-1', text: 'One too many', createdAt: Date.now() });
    peer.send({ type: 'typing', typing: false });
    const refusal = await rateLimited(peer, (f) => f.clientId === 'over-1');
    expect(refusal.message).toMatch(/Too many frames: a connection may send 5 a second \(bursts of 10\)/);
    expect(await rateLimited(peer, (f) => f.clientId === undefined)).toBeTruthy();
    await peer.none((f) => f.type === 'item' || f.type === 'ack');

    await sleep(450);
    peer.send({ type: 'send', clientId: 'over-1', text: 'One too many', createdAt: Date.now() });
    expect(await peer.type('ack')).toMatchObject({ clientId: 'over-1', seq: 1 });
    expect(backend.output).not.toContain('cut off');
    await peer.close();
  });

  test('a connection that goes on sending while refused is closed with 1008', async () => {
    const { peer, closeCode } = await open(backend, '127.0.0.52');
    peer.send({ type: 'hello', v: 1, visitorId: 'visitor-flood-0001', after: 0 });
    await peer.type('synced');
    for (let i = 0; i < 60; i++) peer.send({ type: 'typing', typing: true });
    expect(await closeCode).toBe(1008);
    const errors = peer.frames.filter((f) => f.type === 'error');
    expect(errors.length).toBeGreaterThanOrEqual(20);
    expect(errors.every((f) => f.code === 'rate_limited')).toBe(true);
    expect(errors.at(-1)?.message).toMatch(/closed \(1008\)/);
  });

  test('messages over the limit of the connection and of the address: rate_limited with the clientId, nothing stored', async () => {
    const first = await visitor({ url: backend.url }, 'visitor-msgs-0001', {}, { localAddress: '127.0.0.53' });
    for (const n of [1, 2, 3]) await say(first.peer, `Message ${n}`);
    first.peer.send({ type: 'send', clientId: 'msg-4', text: 'Message 4', createdAt: Date.now() });
    const refusal = await rateLimited(first.peer, (f) => f.clientId === 'msg-4');
    expect(refusal.message).toMatch(/Too many messages: 3 a minute per connection, 5 per address\. Nothing was stored/);
    // A resend of a stored message is answered, limit or not.
    const stored = first.peer.frames.find((f) => f.type === 'ack')!;
    first.peer.send({ type: 'send', clientId: stored.clientId, text: 'Message 1', createdAt: Date.now() });
    expect(await first.peer.type('ack', (f) => f.clientId === stored.clientId)).toMatchObject({ seq: stored.seq, id: stored.id });

    // The address has two left, whichever connection uses them.
    const second = await visitor({ url: backend.url }, 'visitor-msgs-0001', { after: 3 }, { localAddress: '127.0.0.53' });
    for (const n of [5, 6]) await say(second.peer, `Message ${n}`);
    second.peer.send({ type: 'send', clientId: 'msg-7', text: 'Message 7', createdAt: Date.now() });
    expect(await rateLimited(second.peer, (f) => f.clientId === 'msg-7')).toBeTruthy();
    await second.peer.none((f) => f.type === 'item' && f.item.clientId === 'msg-7');
    const again = await visitor({ url: backend.url }, 'visitor-msgs-0001', {}, { localAddress: '127.0.0.59' });
    expect(again.items.map((item) => item.text)).toEqual(['Message 1', 'Message 2', 'Message 3', 'Message 5', 'Message 6']);
    await Promise.all([first.peer.close(), second.peer.close(), again.peer.close()]);
  });

  test('new conversations over the hourly limit of the address: rate_limited, no conversation stored', async () => {
    const [x, y, z] = await Promise.all(
      ['visitor-new-x', 'visitor-new-y', 'visitor-new-z'].map((id) => visitor({ url: backend.url }, id, {}, { localAddress: '127.0.0.54' })),
    );
    await say(x!.peer, 'First');
    await say(y!.peer, 'Second');
    z!.peer.send({ type: 'send', clientId: 'z-1', text: 'Third', createdAt: Date.now() });
    expect((await rateLimited(z!.peer, (f) => f.clientId === 'z-1')).message).toMatch(/Too many new conversations from this address: 2 an hour/);
    z!.peer.send({ type: 'email', email: 'z@example.com' });
    expect((await rateLimited(z!.peer)).message).toMatch(/new conversations/);
    // Writing more into a conversation that exists is not a new one.
    await say(x!.peer, 'Still fine');
    expect(conversationsOf(backend, ['visitor-new-x', 'visitor-new-y', 'visitor-new-z'])).toEqual(['visitor-new-x', 'visitor-new-y']);
    await Promise.all([x!.peer.close(), y!.peer.close(), z!.peer.close()]);
  });

  test('live chat requests waiting from one address: one at a time here, the next one refused until it is over', async () => {
    const [p, q] = await Promise.all(['visitor-queue-p', 'visitor-queue-q'].map((id) => visitor({ url: backend.url }, id, {}, { localAddress: '127.0.0.55' })));
    p!.peer.send({ type: 'live', action: 'start' });
    expect((await p!.peer.type('session')).session).toMatchObject({ state: 'queued', position: 1 });
    q!.peer.send({ type: 'live', action: 'start' });
    expect((await rateLimited(q!.peer)).message).toMatch(/Too many live chat requests from this address are waiting \(at most 1\)/);
    await q!.peer.none((f) => f.type === 'session');

    p!.peer.send({ type: 'live', action: 'end' });
    await p!.peer.type('session', (f) => f.session.state === 'ended');
    q!.peer.send({ type: 'live', action: 'start' });
    expect((await q!.peer.type('session')).session).toMatchObject({ state: 'queued', position: 1 });
    await Promise.all([p!.peer.close(), q!.peer.close()]);
  });
});

test('a limit set to something that is not a whole number stops the server at start, naming the variable', async () => {
  const backend = new Backend(await freePort(), { LIMIT_FRAME_BURST: 'lots' });
  try {
    await expect(backend.start()).rejects.toThrow(/LIMIT_FRAME_BURST must be a whole number of at least 1, got "lots"/);
  } finally {
    await backend.dispose();
  }
});

test('an address is the IP; IPv4-mapped IPv6 counts as IPv4, IPv6 by its /64', () => {
  const of = (remoteAddress: string) => clientAddress({ socket: { remoteAddress } } as IncomingMessage);
  expect(of('203.0.113.7')).toBe('203.0.113.7');
  expect(of('::ffff:203.0.113.7')).toBe('203.0.113.7');
  expect(of('2001:db8:0:12:abcd::1')).toBe('2001:db8:0:12::/64');
  expect(of('2001:0db8:0000:0012:1:2:3:4')).toBe('2001:db8:0:12::/64');
  expect(of('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  expect(of('::1')).toBe('0:0:0:0::/64');
});

test('a token bucket: a burst, then its rate', () => {
  const bucket = new TokenBucket(3, 2, 0);
  expect([bucket.take(0), bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual([true, true, true, false]);
  expect(bucket.take(400)).toBe(false);
  expect(bucket.take(500)).toBe(true);
  expect(bucket.full(10_000)).toBe(true);
});
