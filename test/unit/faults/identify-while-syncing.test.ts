import { ws } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createNatter } from '../../../src/natter';
import { memoryKeyValue } from '../../../src/storage/kv';
import { WebSocketTransport } from '../../../src/transports/websocket';

const URL = 'ws://chat.test/natter';
const chat = ws.link(URL);
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterAll(() => server.close());

it('identify() while the socket is syncing reaches the backend', async () => {
  const received: Record<string, unknown>[] = [];
  server.use(
    chat.addEventListener('connection', ({ client }) => {
      client.addEventListener('message', (event) => {
        const frame = JSON.parse(String(event.data));
        received.push(frame);
        if (frame.type === 'hello') {
          client.send(JSON.stringify({ type: 'welcome', v: 1, conversationId: 'c', seq: 0 }));
          setTimeout(() => client.send(JSON.stringify({ type: 'synced', seq: 0 })), 100); // a long replay
        }
      });
    }),
  );
  const natter = createNatter({ transport: new WebSocketTransport({ url: URL }), storage: memoryKeyValue() });
  await natter.start();
  natter.open();
  await new Promise((r) => setTimeout(r, 30)); // hello sent, replay under way
  await natter.identify({ id: 'u1', name: 'Ana', email: 'ana@example.com' });
  await new Promise((r) => setTimeout(r, 300));
  expect(received.some((f) => f.type === 'identify' || (f.type === 'hello' && f.user))).toBe(true);
  natter.stop();
});
