import { expect, it } from 'vitest';
import { memoryKeyValue, type KeyValue } from '../../../src/storage/kv';
import { MemoryBackend } from '../../../src/transports/memory-backend';
import { setup, until } from '../core/helpers';

/** A store whose reads take a few ms, like IndexedDB. */
function slow(kv: KeyValue): KeyValue {
  const wait = () => new Promise((r) => setTimeout(r, 5));
  return { ...kv, get: async (k) => { await wait(); return kv.get(k); }, getUnder: async (p) => { await wait(); return kv.getUnder(p); } };
}

it('a returning visitor whose panel opens before start() finishes (data-open, queued Natter("open")) still connects', async () => {
  const kv = memoryKeyValue();
  const backend = new MemoryBackend();
  const first = setup({ kv, backend });
  await first.natter.send('hello from before the reload');
  await until(() => first.natter.getState().messages[0]?.status === 'sent');
  first.natter.stop();
  const visitorId = backend.visitorIds()[0]!;

  // What bootChecked does: mountCheckedWidget -> void client.start(); then `if (settings.open) client.open()`.
  const second = setup({ kv: slow(kv), backend });
  void second.natter.start();
  second.natter.open();
  await second.natter.start();
  await new Promise((r) => setTimeout(r, 100));
  const sent = await second.natter.send('after the reload');
  await new Promise((r) => setTimeout(r, 200));
  expect(backend.visitorIds()).toEqual([visitorId]); // no stray visitor
  expect(second.natter.getState().connection).toBe('open');
  await until(() => second.natter.getState().messages.find((m) => m.key === sent.key)?.status === 'sent', 'delivery');
});

it('same race, transport slower than storage (as a real WebSocket): stuck in "connecting" for good', async () => {
  const kv = memoryKeyValue();
  const backend = new MemoryBackend();
  const first = setup({ kv, backend });
  await first.natter.send('hello');
  await until(() => first.natter.getState().messages[0]?.status === 'sent');
  first.natter.stop();
  backend.online = false; // the socket takes longer than the IndexedDB read
  const second = setup({ kv: slow(kv), backend });
  void second.natter.start();
  second.natter.open();
  await second.natter.start();
  backend.online = true;
  await second.natter.send('after the reload');
  await new Promise((r) => setTimeout(r, 300));
  expect(second.natter.getState().connection).toBe('open');
});
