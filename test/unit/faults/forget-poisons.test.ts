import { expect, it } from 'vitest';
import { memoryKeyValue, type KeyValue } from '../../../src/storage/kv';
import { setup, until } from '../core/helpers';

it('one failed delete (identify as another user / shutdown) must not stop every later message from being sent', async () => {
  const base = memoryKeyValue();
  let failDeletes = true;
  const kv: KeyValue = { ...base, deleteUnder: async (p, a) => { if (failDeletes) throw new Error('UnknownError: IndexedDB hiccup'); return base.deleteUnder(p, a); } };
  const { natter, backend } = setup({ kv });
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown) => unhandled.push(e);
  process.on('unhandledRejection', onUnhandled);
  await natter.identify({ id: 'alice' });
  await natter.send('alice here');
  await until(() => natter.getState().messages[0]?.status === 'sent');
  const identified = await natter.identify({ id: 'bob' }).then(() => 'ok', (e) => `rejected: ${e}`);
  failDeletes = false; // storage is fine again
  expect(identified).toBe('ok');
  await natter.send('bob here');
  await new Promise((r) => setTimeout(r, 50));
  process.off('unhandledRejection', onUnhandled);
  expect(unhandled).toEqual([]);
  await until(() => natter.getState().messages.some((m) => m.text === 'bob here' && m.status === 'sent'), 'bob’s message delivered');
});
