import { ws } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import type { TransportState } from '../../../src/core/transport';
import { WebSocketTransport } from '../../../src/transports/websocket';

const URL = 'ws://chat.test/natter';
const chat = ws.link(URL);
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterAll(() => server.close());

it('a socket that opens but never answers hello is given up and replaced', async () => {
  let connections = 0;
  server.use(chat.addEventListener('connection', () => { connections++; })); // accepts, never answers hello
  const states: TransportState[] = [];
  const warnings: string[] = [];
  const transport = new WebSocketTransport({ url: URL, answerTimeoutMs: 100, backoff: { initialMs: 10, maxMs: 20, factor: 2, jitter: 0 } });
  transport.open({ visitorId: 'v', cursor: null }, { frame() {}, state: (s) => states.push(s), warn: (w) => warnings.push(w) });
  await vi.waitFor(() => expect(connections).toBeGreaterThan(1), { timeout: 2000 });
  transport.close();
  expect(states.slice(0, 2)).toEqual(['connecting', 'reconnecting']);
  expect(warnings[0]).toMatch(/did not answer in time; reconnecting/);
});

it('probes an open socket when the network comes back, and replaces it if it no longer answers', async () => {
  let connections = 0;
  let answer = true;
  server.use(
    chat.addEventListener('connection', ({ client }) => {
      connections++;
      client.addEventListener('message', () => {
        if (!answer) return; // the socket went silent, as after a laptop wakes on another network
        client.send(JSON.stringify({ type: 'welcome', v: 1, conversationId: 'c', seq: 0 }));
        client.send(JSON.stringify({ type: 'synced', seq: 0 }));
      });
    }),
  );
  const states: TransportState[] = [];
  const transport = new WebSocketTransport({ url: URL, answerTimeoutMs: 100, backoff: { initialMs: 10, maxMs: 20, factor: 2, jitter: 0 } });
  transport.open({ visitorId: 'v', cursor: null }, { frame() {}, state: (s) => states.push(s), warn() {} });
  await vi.waitFor(() => expect(states).toContain('open'));
  answer = false;
  window.dispatchEvent(new Event('online'));
  await vi.waitFor(() => expect(states.at(-1)).toBe('reconnecting'), { timeout: 2000 });
  answer = true;
  await vi.waitFor(() => expect(states.at(-1)).toBe('open'), { timeout: 2000 });
  expect(connections).toBe(2);
  transport.close();
});
