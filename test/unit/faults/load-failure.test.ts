import { expect, it } from 'vitest';
import { memoryKeyValue, type KeyValue } from '../../../src/storage/kv';
import { MemoryBackend } from '../../../src/transports/memory-backend';
import { setup, until } from '../core/helpers';

it('a read that fails once at start must not make the browser forget its visitor for good', async () => {
  const base = memoryKeyValue();
  const backend = new MemoryBackend();
  const first = setup({ kv: base, backend });
  await first.natter.send('my order #123 is late');
  await until(() => first.natter.getState().messages[0]?.status === 'sent');
  first.natter.stop();
  const visitorId = backend.visitorIds()[0]!;

  let failReads = 1;
  const flaky: KeyValue = { ...base, getUnder: async (p) => { if (failReads-- > 0) throw new Error('opening IndexedDB took over 5000 ms'); return base.getUnder(p); } };
  const second = setup({ kv: flaky, backend });
  second.natter.on('error', () => {});
  await second.natter.start();
  await second.natter.send('hello? any news?');
  await until(() => second.natter.getState().messages.some((m) => m.status === 'sent'));
  second.natter.stop();

  const third = setup({ kv: base, backend });
  await third.natter.start();
  expect(third.natter.getState().messages.map((m) => m.text)).toContain('my order #123 is late');
});
