/**
 * The cost of adding one message to a stored history, by history length. The key layout stores one record
 * per message, so the cost should stay flat as the history grows (compare the medians across sizes).
 * Run with `npm run bench`. It uses fake-indexeddb in Node: absolute numbers are not a browser's, ratios are
 * what this measures.
 */
import 'fake-indexeddb/auto';
import { test } from 'vitest';
import type { Message } from '../src/model/types';
import { History } from '../src/storage/history';
import { indexedDbKeyValue } from '../src/storage/kv';

const message = (key: string, sentAt: number): Message => ({
  key,
  clientId: key,
  author: { role: 'visitor' },
  text: `message ${key} with a typical length of text for a chat line`,
  createdAt: sentAt,
  sentAt,
  order: String(sentAt).padStart(16, '0'),
  status: 'sent',
});

async function historyOf(size: number, name: string): Promise<History> {
  const history = new History(indexedDbKeyValue(name));
  const batch = 1000;
  for (let start = 0; start < size; start += batch) {
    const messages = Array.from({ length: Math.min(batch, size - start) }, (_, i) => message(`m${start + i}`, start + i));
    await history.write('visitor', { put: messages });
  }
  return history;
}

test('appending one message costs the same whatever the length of the history', async ({ bench }) => {
  const sizes = [100, 1_000, 10_000];
  const histories = await Promise.all(sizes.map((size) => historyOf(size, `bench-${size}`)));
  let next = 1_000_000;
  const append = (history: History) => async () => {
    next++;
    await history.write('visitor', {
      put: [message(`m${next}`, next)],
      meta: { visitorId: 'visitor', cursor: String(next), unread: 0, localSeq: 0, createdAt: 0 },
    });
  };
  await bench.compare(
    ...sizes.map((size, i) => bench(`append to ${size.toLocaleString('en')} messages`, append(histories[i]!))),
    { time: 1500 },
  );
});
