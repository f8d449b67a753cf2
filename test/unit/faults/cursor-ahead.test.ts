import { expect, it } from 'vitest';
import { memoryKeyValue, type KeyValue } from '../../../src/storage/kv';
import { MemoryBackend } from '../../../src/transports/memory-backend';
import { setup, until } from '../core/helpers';

it('a reply whose write failed once must come back after a reload (the stored cursor must not skip it)', async () => {
  const base = memoryKeyValue();
  let failNext = 0;
  const kv: KeyValue = { ...base, update: async (e, d) => { if (failNext > 0) { failNext--; throw new Error('QuotaExceededError / IndexedDB open timed out'); } return base.update(e, d); } };
  const backend = new MemoryBackend();
  const first = setup({ kv, backend });
  first.natter.on('error', () => {});
  await first.natter.send('hi');
  await until(() => first.natter.getState().messages[0]?.status === 'sent');
  const visitorId = backend.visitorIds()[0]!;
  failNext = 1;
  backend.reply(visitorId, 'reply A (its write fails)');
  await until(() => first.natter.getState().messages.length === 2);
  backend.reply(visitorId, 'reply B (stored fine, with its cursor)');
  await until(() => first.natter.getState().messages.length === 3);
  await new Promise((r) => setTimeout(r, 20));
  first.natter.stop();

  const second = setup({ kv: base, backend });
  await second.natter.start();
  await until(() => second.natter.getState().connection === 'open');
  await new Promise((r) => setTimeout(r, 50));
  expect(second.natter.getState().messages.map((m) => m.text)).toContain('reply A (its write fails)');
});
