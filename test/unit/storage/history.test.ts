import { describe, expect, it } from 'vitest';
import { History } from '../../../src/storage/history';
import { indexedDbKeyValue, memoryKeyValue, type KeyValue } from '../../../src/storage/kv';
import type { Message } from '../../../src/model/types';
import type { ConversationMeta } from '../../../src/core/storage';

const placed = (n: number, text = `item ${n}`): Message => ({
  key: `s:${n}`,
  id: String(n),
  author: { role: 'agent', name: 'Alex' },
  text,
  createdAt: 1,
  sentAt: 1000 + n,
  order: String(n).padStart(16, '0'),
  status: 'sent',
});
const unsent = (key: string, local: number): Message => ({ key, clientId: key, author: { role: 'visitor' }, text: key, createdAt: 1, local, status: 'sending' });
const meta = (visitorId: string, patch: Partial<ConversationMeta> = {}): ConversationMeta => ({ visitorId, cursor: 'c:4', unread: 0, localSeq: 0, createdAt: 1, ...patch });

let db = 0;
const stores: [string, () => KeyValue][] = [
  ['IndexedDB', () => indexedDbKeyValue(`natter-test-${++db}`)],
  ['memory', () => memoryKeyValue()],
];

describe.each(stores)('History on %s', (_name, makeStore) => {
  it('keeps placed items by their order and unsent messages apart, each record with its format version', async () => {
    const kv = makeStore();
    const history = new History(kv);
    await history.write('v1', { put: [placed(2), placed(1), unsent('o1', 1)], meta: meta('v1'), current: true });
    expect(await kv.get(['visitor', 'v1', 'item', placed(1).order!])).toMatchObject({ v: 2, key: 's:1' });
    expect(await kv.get(['visitor', 'v1', 'out', 'o1'])).toMatchObject({ v: 2, local: 1 });
    expect(await history.currentVisitor()).toBe('v1');
    const loaded = await history.load('v1');
    expect(loaded.meta?.cursor).toBe('c:4');
    expect(loaded.items.map((m) => m.key)).toEqual(['s:1', 's:2']);
    expect(loaded.unplaced.map((m) => m.key)).toEqual(['o1']);
  });

  it('reads the newest page of a long history in one bounded read, and older pages before it', async () => {
    const kv = makeStore();
    const history = new History(kv);
    await history.write('v1', { put: Array.from({ length: 250 }, (_, i) => placed(i + 1)) });
    const page = await history.load('v1', 100);
    expect(page.items.map((m) => m.id)).toEqual(Array.from({ length: 100 }, (_, i) => String(151 + i)));
    expect(page.hasOlder).toBe(true);
    const older = await history.loadBefore('v1', page.items[0]!.order!, 100);
    expect(older.map((m) => m.id)).toEqual(Array.from({ length: 100 }, (_, i) => String(51 + i)));
    expect((await history.load('v1', 300)).hasOlder).toBe(false);
  });

  it('moves a message from the outbox to its place in one write, and drops placed items on request', async () => {
    const kv = makeStore();
    const history = new History(kv);
    const mine = unsent('o1', 1);
    await history.write('v1', { put: [placed(1), mine] });
    await history.write('v1', { put: [{ ...mine, status: 'sent', order: placed(2).order! }], remove: [mine] });
    let loaded = await history.load('v1');
    expect(loaded.items.map((m) => m.key)).toEqual(['s:1', 'o1']);
    expect(loaded.unplaced).toEqual([]);
    await history.write('v1', { dropPlaced: true, put: [unsent('o2', 2)] });
    loaded = await history.load('v1');
    expect(loaded.items).toEqual([]);
    expect(loaded.unplaced.map((m) => m.key)).toEqual(['o2']);
  });

  it('keeps visitors apart and forgets one without touching the other', async () => {
    const kv = makeStore();
    const history = new History(kv);
    await history.write('alice', { put: [placed(1)], current: true });
    await history.write('bob', { put: [placed(1)] });
    await history.forget('alice');
    expect((await history.load('alice')).items).toEqual([]);
    expect(await history.currentVisitor()).toBeUndefined();
    expect((await history.load('bob')).items).toHaveLength(1);
  });

  it('recovers the conversation when the record of who this browser is cannot be read', async () => {
    const kv = makeStore();
    const warnings: string[] = [];
    const history = new History(kv, (w) => warnings.push(w));
    await history.write('old', { meta: meta('old', { createdAt: 1 }) });
    await history.write('v1', { put: [placed(1)], meta: meta('v1', { createdAt: 5 }), current: true });
    await kv.update([[['current'], { v: 1, visitorId: 42 }]]);
    expect(await history.currentVisitor()).toBe('v1');
    expect(warnings.join('\n')).toMatch(/recovered/);
    expect(await kv.get(['current'])).toEqual({ v: 1, visitorId: 'v1' });
  });

  it('skips unreadable and newer-format records with a warning, and leaves them in place', async () => {
    const kv = makeStore();
    const warnings: string[] = [];
    const history = new History(kv, (w) => warnings.push(w));
    await kv.update([
      [['visitor', 'v1', 'item', 'a'], { v: 2, ...placed(1) }],
      [['visitor', 'v1', 'item', 'b'], { v: 2, key: 'broken', text: 42 }],
      [['visitor', 'v1', 'item', 'c'], { v: 7, key: 'future', shape: 'unknown' }],
    ]);
    const loaded = await history.load('v1');
    expect(loaded.items.map((m) => m.key)).toEqual(['s:1']);
    expect(warnings.join('\n')).toMatch(/v: must be format 2/);
    expect(await kv.get(['visitor', 'v1', 'item', 'b'])).toBeDefined();
  });

  it("migrates format 1: messages keep their old order, the cursor starts over so the server's replay places them", async () => {
    const kv = makeStore();
    const history = new History(kv);
    const v1 = (key: string, sentAt: number | undefined, role: 'visitor' | 'agent' = 'agent') => ({
      v: 1, key, author: { role }, text: key, createdAt: 1, status: sentAt ? 'sent' : 'sending', ...(sentAt && { sentAt }),
    });
    await kv.update([
      [['current'], { v: 1, visitorId: 'v1' }],
      [['visitor', 'v1', 'meta'], { v: 1, visitorId: 'v1', cursor: '3', lastReadAt: 20, createdAt: 1 }],
      [['visitor', 'v1', 'message', 'zz'], v1('zz', 10, 'visitor')],
      [['visitor', 'v1', 'message', 'aa'], v1('aa', 30)],
      [['visitor', 'v1', 'message', 'mm'], v1('mm', undefined, 'visitor')],
      [['visitor', 'v1', 'message', 'bad'], { v: 1, key: 'bad' }],
    ]);
    const loaded = await history.load('v1');
    expect(loaded.unplaced.map((m) => [m.key, m.local])).toEqual([['zz', 1], ['aa', 2], ['mm', 3]]);
    expect(loaded.meta).toMatchObject({ cursor: null, unread: 1, localSeq: 3 });
    expect(await kv.get(['visitor', 'v1', 'message', 'zz'])).toBeUndefined();
    expect(await kv.get(['visitor', 'v1', 'message', 'bad'])).toBeDefined();
  });
});

describe('indexedDbKeyValue', () => {
  it('reopens the database after the browser closes the connection, and says its data was lost', async () => {
    const name = `natter-reopen-${++db}`;
    const kv = indexedDbKeyValue(name);
    let lost = 0;
    kv.onLost!(() => lost++);
    await kv.update([[['k'], 1]]);
    // Another tab deleting (or upgrading) the database makes the browser ask us to close.
    await new Promise<void>((resolve, reject) => {
      const request = indexedDB.deleteDatabase(name);
      request.onsuccess = () => resolve();
      request.onerror = () => reject(request.error);
    });
    await kv.update([[['k'], 2]]);
    expect(await kv.get(['k'])).toBe(2);
    await Promise.resolve();
    expect(lost).toBe(1);
  });
});
