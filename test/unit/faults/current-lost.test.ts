import { expect, it } from 'vitest';
import { memoryKeyValue, type KeyValue } from '../../../src/storage/kv';
import { MemoryBackend } from '../../../src/transports/memory-backend';
import { setup, until } from '../core/helpers';

it('if the very first write fails, later successful writes still leave the conversation findable after a reload', async () => {
  const base = memoryKeyValue();
  let failNext = 1;
  const kv: KeyValue = { ...base, update: async (e, d) => { if (failNext-- > 0) throw new Error('IndexedDB open timed out'); return base.update(e, d); } };
  const backend = new MemoryBackend();
  const first = setup({ kv, backend });
  first.natter.on('error', () => {});
  await first.natter.send('first message (write fails)');
  await until(() => first.natter.getState().messages[0]?.status === 'sent');
  backend.reply(backend.visitorIds()[0]!, 'reply (write succeeds)');
  await until(() => first.natter.getState().messages.length === 2);
  await new Promise((r) => setTimeout(r, 20));
  first.natter.stop();
  const second = setup({ kv: base, backend });
  await second.natter.start();
  expect(second.natter.getState().messages.length).toBeGreaterThan(0);
});
