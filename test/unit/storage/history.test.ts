import { describe, expect, it, vi } from 'vitest';
import { History } from '../../../src/storage/history';
import { indexedDbKeyValue, memoryKeyValue, type KeyValue } from '../../../src/storage/kv';
import type { Message } from '../../../src/core/types';

const message = (key: string, sentAt?: number): Message => ({
  key,
  clientId: key,
  author: { role: 'visitor' },
  text: `text ${key}`,
  createdAt: 1,
  status: sentAt ? 'sent' : 'sending',
  ...(sentAt && { sentAt }),
});

let db = 0;
const stores: [string, () => KeyValue][] = [
  ['IndexedDB', () => indexedDbKeyValue(`natter-test-${++db}`)],
  ['memory', () => memoryKeyValue()],
];

describe.each(stores)('History on %s', (_name, makeStore) => {
  it('stores each record with its format version and reads it back', async () => {
    const kv = makeStore();
    const history = new History(kv);
    await history.save('v1', { messages: [message('a', 10)], meta: { v: 1, visitorId: 'v1', cursor: '4', lastReadAt: 0, createdAt: 1 }, current: true });
    expect(await kv.get(['visitor', 'v1', 'message', 'a'])).toMatchObject({ v: 1, key: 'a' });
    expect(await history.currentVisitor()).toBe('v1');
    const loaded = await history.load('v1');
    expect(loaded.meta?.cursor).toBe('4');
    expect(loaded.messages).toEqual([message('a', 10)]);
  });

  it('writes only the new record when a message is added, however long the history', async () => {
    const kv = makeStore();
    const history = new History(kv);
    const many = Array.from({ length: 300 }, (_, i) => message(`m${String(i).padStart(4, '0')}`, i + 1));
    await history.save('v1', { messages: many });
    const setMany = vi.spyOn(kv, 'setMany');
    await history.save('v1', { messages: [message('new', 999)] });
    expect(setMany).toHaveBeenCalledTimes(1);
    expect(setMany.mock.calls[0]![0]).toHaveLength(1);
    expect((await history.load('v1')).messages).toHaveLength(301);
  });

  it('keeps visitors apart and forgets one without touching the other', async () => {
    const kv = makeStore();
    const history = new History(kv);
    await history.save('alice', { messages: [message('a', 1)], current: true });
    await history.save('bob', { messages: [message('b', 1)] });
    await history.forget('alice');
    expect((await history.load('alice')).messages).toEqual([]);
    expect(await history.currentVisitor()).toBeUndefined();
    expect((await history.load('bob')).messages).toHaveLength(1);
  });

  it('skips unreadable and newer-format records with a warning, and leaves them in place', async () => {
    const kv = makeStore();
    const warnings: string[] = [];
    const history = new History(kv, (w) => warnings.push(w));
    await kv.setMany([
      [['visitor', 'v1', 'message', 'good'], { v: 1, ...message('good', 5) }],
      [['visitor', 'v1', 'message', 'broken'], { v: 1, key: 'broken', text: 42 }],
      [['visitor', 'v1', 'message', 'future'], { v: 7, key: 'future', shape: 'unknown' }],
    ]);
    const loaded = await history.load('v1');
    expect(loaded.messages.map((m) => m.key)).toEqual(['good']);
    expect(loaded.skipped).toBe(2);
    expect(warnings.join("\n")).toMatch(/v: must be format 1/);
    expect(await kv.get(['visitor', 'v1', 'message', 'broken'])).toBeDefined();
  });
});

describe('indexedDbKeyValue', () => {
  it('reopens the database after the browser closes the connection', async () => {
    const name = `natter-reopen-${++db}`;
    const kv = indexedDbKeyValue(name);
    await kv.setMany([[['k'], 1]]);
    // Another tab deleting (or upgrading) the database makes the browser ask us to close.
    await new Promise<void>((resolve, reject) => {
      const request = indexedDB.deleteDatabase(name);
      request.onsuccess = () => resolve();
      request.onerror = () => reject(request.error);
    });
    await kv.setMany([[['k'], 2]]);
    expect(await kv.get(['k'])).toBe(2);
  });
});
