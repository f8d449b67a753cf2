import { ws } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, expect, it, vi } from 'vitest';
import type { TransportSink, TransportState } from '../../../src/core/transport';
import { WebSocketTransport } from '../../../src/transports/websocket';

const URL = 'ws://chat.test/natter';
const chat = ws.link(URL);
const server = setupServer();

beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

it("says hello with the visitor's language, page and attributes, sends changes, and the latest in the hello after a drop", async () => {
  let connections = 0;
  const received: Record<string, unknown>[][] = [];
  server.use(
    chat.addEventListener('connection', ({ client }) => {
      const mine = connections++;
      received[mine] = [];
      client.addEventListener('message', (event) => {
        const frame = JSON.parse(String(event.data)) as Record<string, unknown>;
        received[mine]!.push(frame);
        if (frame.type === 'hello') {
          client.send(JSON.stringify({ type: 'welcome', v: 1, conversationId: 'c1', seq: 0, available: true }));
          client.send(JSON.stringify({ type: 'synced', seq: 0 }));
        }
        // The first connection drops after the first change.
        if (frame.type === 'visitor' && mine === 0) setTimeout(() => client.close(), 5);
      });
    }),
  );
  const states: TransportState[] = [];
  const sink: TransportSink = { frame: () => {}, state: (state) => states.push(state), warn: () => {} };
  const transport = new WebSocketTransport({ url: URL, backoff: { initialMs: 300, maxMs: 600, factor: 2, jitter: 0 } });
  const page = { url: 'https://shop.example/', title: 'Shop' };
  transport.open({ visitorId: 'v', cursor: null, locale: 'fr-CA', page, attributes: { plan: 'free' } }, sink);
  await vi.waitFor(() => expect(states).toContain('open'));
  // The open options are the hello's fields, but the cursor.
  expect(received[0]![0]).toEqual({ type: 'hello', v: 1, visitorId: 'v', after: 0, locale: 'fr-CA', page, attributes: { plan: 'free' } });
  const shoes = { url: 'https://shop.example/shoes', title: 'Shoes' };
  expect(transport.send({ type: 'visitor', page: shoes })).toBe(true);
  await vi.waitFor(() => expect(received[0]).toContainEqual({ type: 'visitor', page: shoes }));
  await vi.waitFor(() => expect(states.at(-1)).toBe('reconnecting'));
  // While down: not sent, but kept for the next hello, with the earlier change.
  expect(transport.send({ type: 'visitor', attributes: { plan: 'pro' } })).toBe(false);
  await vi.waitFor(() => expect(received[1]?.[0]).toBeDefined());
  expect(received[1]![0]).toEqual({ type: 'hello', v: 1, visitorId: 'v', after: 0, locale: 'fr-CA', page: shoes, attributes: { plan: 'pro' } });
  transport.close();
});
