import { ws } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { InboundFrame, TransportSink, TransportState } from '../../../src/core/transport';
import { WebSocketTransport } from '../../../src/transports/websocket';

const URL = 'ws://chat.test/natter';
const chat = ws.link(URL);
const server = setupServer();

beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

function recorder() {
  const frames: InboundFrame[] = [];
  const states: TransportState[] = [];
  const warnings: string[] = [];
  const sink: TransportSink = {
    frame: (frame) => frames.push(frame),
    state: (state) => states.push(state),
    warn: (message) => warnings.push(message),
  };
  return { frames, states, warnings, sink };
}

const item = (seq: number, text = `item ${seq}`) => ({
  type: 'item',
  item: { id: `s${seq}`, seq, author: { role: 'agent', name: 'Alex' }, text, sentAt: 1_700_000_000_000 + seq },
});

/** A server that answers hello with welcome, `history` items after `after`, then synced. */
function serve(history: number, extra?: (client: { send(data: string): void }, frame: Record<string, unknown>) => void) {
  const received: Record<string, unknown>[] = [];
  server.use(
    chat.addEventListener('connection', ({ client }) => {
      client.addEventListener('message', (event) => {
        const frame = JSON.parse(String(event.data)) as Record<string, unknown>;
        received.push(frame);
        if (frame.type === 'hello') {
          client.send(JSON.stringify({ type: 'welcome', v: 1, conversationId: 'c1', seq: history, team: { name: 'Acme' }, available: true }));
          for (let seq = Number(frame.after) + 1; seq <= history; seq++) client.send(JSON.stringify(item(seq)));
          client.send(JSON.stringify({ type: 'synced', seq: history }));
        }
        extra?.(client, frame);
      });
    }),
  );
  return received;
}

describe('WebSocketTransport', () => {
  it('says hello with the cursor, receives the history after it, then reports open', async () => {
    const received = serve(3);
    const { frames, states, sink } = recorder();
    const transport = new WebSocketTransport({ url: URL });
    transport.open({ visitorId: 'visitor-1', cursor: '1', locale: 'de' }, sink);
    await vi.waitFor(() => expect(states).toContain('open'));
    expect(received[0]).toEqual({ type: 'hello', v: 1, visitorId: 'visitor-1', after: 1, locale: 'de' });
    expect(frames).toEqual([
      { type: 'team', name: 'Acme' },
      { type: 'message', cursor: 'c1:2', order: '0000000000000002', message: { id: 's2', author: { role: 'agent', name: 'Alex' }, text: 'item 2', sentAt: 1_700_000_000_002 } },
      { type: 'message', cursor: 'c1:3', order: '0000000000000003', message: expect.objectContaining({ id: 's3' }) },
    ]);
    expect(states).toEqual(['connecting', 'open']);
    transport.close();
  });

  it('says hello with the identity token, sends the one identify carries, and reports unverified as an identity frame', async () => {
    const received = serve(0, (client, frame) => {
      if (frame.type === 'identify') client.send(JSON.stringify({ type: 'error', code: 'unverified', message: 'The identity token was refused: it has expired.' }));
    });
    const { frames, states, sink } = recorder();
    const transport = new WebSocketTransport({ url: URL });
    transport.open({ visitorId: 'v', cursor: null, user: { id: 'u1' }, token: 'token-1' }, sink);
    await vi.waitFor(() => expect(states).toContain('open'));
    expect(received[0]).toEqual({ type: 'hello', v: 1, visitorId: 'v', after: 0, user: { id: 'u1' }, token: 'token-1' });
    expect(transport.send({ type: 'identify', user: { id: 'u1' }, token: 'token-2' })).toBe(true);
    await vi.waitFor(() => expect(frames).toContainEqual({ type: 'identity', message: 'The identity token was refused: it has expired.' }));
    expect(received[1]).toEqual({ type: 'identify', user: { id: 'u1' }, token: 'token-2' });
    transport.close();
  });

  it('sends messages only once open, and maps acks and refusals', async () => {
    const received = serve(0, (client, frame) => {
      if (frame.type !== 'send') return;
      if (frame.text === 'too long') client.send(JSON.stringify({ type: 'error', code: 'too_long', message: 'over 4000', clientId: frame.clientId }));
      else client.send(JSON.stringify({ type: 'ack', clientId: frame.clientId, id: 'srv-1', seq: 1, sentAt: 5 }));
    });
    const { frames, states, sink } = recorder();
    const transport = new WebSocketTransport({ url: URL });
    expect(transport.send({ type: 'message', clientId: 'c-0', text: 'too early', createdAt: 1 })).toBe(false);
    transport.open({ visitorId: 'v', cursor: null }, sink);
    await vi.waitFor(() => expect(states).toContain('open'));
    expect(transport.send({ type: 'message', clientId: 'c-1', text: 'hello', createdAt: 1 })).toBe(true);
    expect(transport.send({ type: 'message', clientId: 'c-2', text: 'too long', createdAt: 1 })).toBe(true);
    await vi.waitFor(() => expect(frames).toHaveLength(3));
    expect(received.filter((f) => f.type === 'send').map((f) => f.clientId)).toEqual(['c-1', 'c-2']);
    expect(frames.slice(1)).toEqual([
      { type: 'ack', clientId: 'c-1', id: 'srv-1', sentAt: 5, order: '0000000000000001' },
      { type: 'reject', clientId: 'c-2', reason: 'too_long: over 4000' },
    ]);
    transport.close();
  });

  it('ignores malformed, unknown and out-of-order frames with a warning, and keeps going', async () => {
    serve(1, (client, frame) => {
      if (frame.type !== 'send') return;
      client.send('{not json');
      client.send(JSON.stringify({ type: 'teleport', to: 'mars' }));
      client.send(JSON.stringify({ type: 'item', item: { id: 'x', author: { role: 'agent' }, text: 'no seq', sentAt: 1 } }));
      client.send(JSON.stringify(item(1, 'duplicate of 1')));
      client.send(JSON.stringify(item(2, 'the real next item')));
    });
    const { frames, states, warnings, sink } = recorder();
    const transport = new WebSocketTransport({ url: URL });
    transport.open({ visitorId: 'v', cursor: null }, sink);
    await vi.waitFor(() => expect(states).toContain('open'));
    transport.send({ type: 'message', clientId: 'c', text: 'go', createdAt: 1 });
    await vi.waitFor(() => expect(frames.at(-1)).toMatchObject({ type: 'message', cursor: 'c1:2' }));
    expect(warnings).toHaveLength(4);
    expect(warnings[0]).toMatch(/not JSON/);
    expect(warnings[1]).toMatch(/unknown type "teleport"/);
    expect(warnings[2]).toMatch(/ignored an "item" frame: item\.seq/);
    expect(warnings[3]).toMatch(/ignored item 1: have up to 1/);
    expect(states).toEqual(['connecting', 'open']);
    transport.close();
  });

  it('never lets an item it cannot read block what follows: shown as plain text, or as unreadable in its place', async () => {
    serve(1, (client, frame) => {
      if (frame.type !== 'send') return;
      client.send(JSON.stringify({ type: 'item', item: { ...item(2).item, author: { role: 'system' }, text: 'Moved to billing', event: { kind: 'transferred', to: 'billing' } } }));
      client.send(JSON.stringify({ type: 'item', item: { id: 'x3', seq: 3, author: { role: 'hacker' }, text: 42, sentAt: 1 } }));
      client.send(JSON.stringify(item(4, 'after the bad ones')));
    });
    const { frames, states, warnings, sink } = recorder();
    const transport = new WebSocketTransport({ url: URL });
    transport.open({ visitorId: 'v', cursor: null }, sink);
    await vi.waitFor(() => expect(states).toContain('open'));
    transport.send({ type: 'message', clientId: 'c', text: 'go', createdAt: 1 });
    await vi.waitFor(() => expect(frames.at(-1)).toMatchObject({ cursor: 'c1:4' }));
    const messages = frames.flatMap((f) => (f.type === 'message' ? [f] : []));
    expect(messages.map((f) => [f.order.slice(-1), f.message.text, f.message.unreadable ?? false])).toEqual([
      ['1', 'item 1', false],
      ['2', 'Moved to billing', false],
      ['3', '', true],
      ['4', 'after the bad ones', false],
    ]);
    expect(messages[1]!.message.event).toBeUndefined();
    expect(messages[2]!.message.id).toBe('x3');
    expect(warnings.join('\n')).toMatch(/item 3 cannot be read/);
    transport.close();
  });

  it('asks again for what is still missing after synced, and for a gap seen while a sync runs', async () => {
    let syncs = 0;
    const received = serve(1, (client, frame) => {
      if (frame.type === 'send') client.send(JSON.stringify(item(3))); // item 2 was lost on the way
      if (frame.type === 'sync') {
        syncs++;
        // The first answer is reordered and loses item 2 again; the second is whole.
        if (syncs === 1) {
          client.send(JSON.stringify(item(3)));
          client.send(JSON.stringify({ type: 'synced', seq: 3 }));
          client.send(JSON.stringify(item(2)));
        } else {
          client.send(JSON.stringify(item(2)));
          client.send(JSON.stringify(item(3)));
          client.send(JSON.stringify({ type: 'synced', seq: 3 }));
        }
      }
    });
    const { frames, states, sink } = recorder();
    const transport = new WebSocketTransport({ url: URL });
    transport.open({ visitorId: 'v', cursor: null }, sink);
    await vi.waitFor(() => expect(states).toContain('open'));
    transport.send({ type: 'message', clientId: 'c', text: 'go', createdAt: 1 });
    await vi.waitFor(() => expect(frames.at(-1)).toMatchObject({ cursor: 'c1:3' }));
    expect(frames.filter((f) => f.type === 'message').map((f) => f.type === 'message' && f.cursor)).toEqual(['c1:1', 'c1:2', 'c1:3']);
    expect(received.filter((f) => f.type === 'sync').length).toBeGreaterThanOrEqual(1);
    transport.close();
  });

  it('says reset when the backend has fewer items than this browser, or another conversation, and replays from the start', async () => {
    const received = serve(2, (client, frame) => {
      if (frame.type === 'sync') {
        for (let seq = Number(frame.after) + 1; seq <= 2; seq++) client.send(JSON.stringify(item(seq)));
        client.send(JSON.stringify({ type: 'synced', seq: 2 }));
      }
    });
    for (const cursor of ['c1:9', 'other:1']) {
      const { frames, states, sink } = recorder();
      const transport = new WebSocketTransport({ url: URL });
      transport.open({ visitorId: 'v', cursor }, sink);
      await vi.waitFor(() => expect(states).toContain('open'));
      await vi.waitFor(() => expect(frames.at(-1)).toMatchObject({ cursor: 'c1:2' }));
      const kinds = frames.filter((f) => f.type !== 'team').map((f) => (f.type === 'message' ? f.cursor : f.type));
      expect(kinds).toEqual(['reset', 'c1:1', 'c1:2']);
      transport.close();
    }
    expect(received.filter((f) => f.type === 'sync').map((f) => f.after)).toEqual([0, 0]);
  });

  it("turns the server's rate_limited into a slow-down for the message it did not take", async () => {
    serve(0, (client, frame) => {
      if (frame.type === 'send') client.send(JSON.stringify({ type: 'error', code: 'rate_limited', message: 'slow down', clientId: frame.clientId }));
    });
    const { frames, states, sink } = recorder();
    const transport = new WebSocketTransport({ url: URL });
    transport.open({ visitorId: 'v', cursor: null }, sink);
    await vi.waitFor(() => expect(states).toContain('open'));
    transport.send({ type: 'message', clientId: 'c-9', text: 'hi', createdAt: 1 });
    await vi.waitFor(() => expect(frames.at(-1)).toEqual({ type: 'slow', clientId: 'c-9' }));
    transport.close();
  });

  it('answers a resync with a sync after the last item held', async () => {
    const received = serve(1, (client, frame) => {
      if (frame.type === 'sync') client.send(JSON.stringify({ type: 'synced', seq: 1 }));
    });
    const { states, sink } = recorder();
    const transport = new WebSocketTransport({ url: URL });
    transport.open({ visitorId: 'v', cursor: null }, sink);
    await vi.waitFor(() => expect(states).toContain('open'));
    expect(transport.send({ type: 'resync' })).toBe(true);
    await vi.waitFor(() => expect(received.at(-1)).toEqual({ type: 'sync', after: 1 }));
    transport.close();
  });

  it('asks for a resync when it sees a gap in the sequence', async () => {
    const received = serve(1, (client, frame) => {
      if (frame.type === 'send') client.send(JSON.stringify(item(3)));
      if (frame.type === 'sync') {
        client.send(JSON.stringify(item(2)));
        client.send(JSON.stringify(item(3)));
        client.send(JSON.stringify({ type: 'synced', seq: 3 }));
      }
    });
    const { frames, states, warnings, sink } = recorder();
    const transport = new WebSocketTransport({ url: URL });
    transport.open({ visitorId: 'v', cursor: null }, sink);
    await vi.waitFor(() => expect(states).toContain('open'));
    transport.send({ type: 'message', clientId: 'c', text: 'go', createdAt: 1 });
    await vi.waitFor(() => expect(frames.at(-1)).toMatchObject({ cursor: 'c1:3' }));
    expect(received.at(-1)).toEqual({ type: 'sync', after: 1 });
    expect(frames.filter((f) => f.type === 'message').map((f) => f.type === 'message' && f.cursor)).toEqual(['c1:1', 'c1:2', 'c1:3']);
    expect(warnings[0]).toMatch(/items 2\.\.2 are missing/);
    transport.close();
  });

  it('reconnects with backoff after the server drops it, resuming after the last item', async () => {
    let connections = 0;
    const hellos: unknown[] = [];
    server.use(
      chat.addEventListener('connection', ({ client }) => {
        connections++;
        const mine = connections;
        client.addEventListener('message', (event) => {
          const frame = JSON.parse(String(event.data));
          hellos.push(frame.after);
          client.send(JSON.stringify({ type: 'welcome', v: 1, conversationId: 'c', seq: 2 }));
          if (frame.after < 2) client.send(JSON.stringify(item(2)));
          client.send(JSON.stringify({ type: 'synced', seq: 2 }));
          if (mine === 1) setTimeout(() => client.close(), 10);
        });
      }),
    );
    const { states, sink } = recorder();
    const transport = new WebSocketTransport({ url: URL, backoff: { initialMs: 20, maxMs: 50, factor: 2, jitter: 0.5 } });
    transport.open({ visitorId: 'v', cursor: '1' }, sink);
    await vi.waitFor(() => expect(connections).toBe(2));
    await vi.waitFor(() => expect(states.at(-1)).toBe('open'));
    expect(states).toEqual(['connecting', 'open', 'reconnecting', 'reconnecting', 'open']);
    expect(hellos).toEqual([1, 2]);
    transport.close();
    expect(states.at(-1)).toBe('closed');
  });

  it('stops retrying when the server does not speak its protocol version', async () => {
    server.use(
      chat.addEventListener('connection', ({ client }) => {
        client.addEventListener('message', () => client.close(4001, 'protocol v1 is not supported'));
      }),
    );
    const errors: (Error | undefined)[] = [];
    const { states, sink } = recorder();
    const transport = new WebSocketTransport({ url: URL });
    transport.open({ visitorId: 'v', cursor: null }, { ...sink, state: (state, detail) => { states.push(state); errors.push(detail?.error); } });
    await vi.waitFor(() => expect(states).toContain('closed'));
    expect(states).toEqual(['connecting', 'closed']);
    expect(errors.at(-1)?.message).toMatch(/refused protocol v1 \(protocol v1 is not supported\)\. Update Natter or the server/);
  });
});
