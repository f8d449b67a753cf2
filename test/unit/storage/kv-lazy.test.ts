/**
 * The IndexedDB store creates its database at the first write, never at a read: a visitor who never writes
 * (or never agrees to storage) leaves no database behind, not even an empty one.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { indexedDbKeyValue } from '../../../src/storage/kv';

let n = 0;
const names = async () => (await indexedDB.databases()).map((db) => db.name);

/** Takes `indexedDB.databases` away, as Firefox before 126 lacks it; `shown()` gives it back. */
const hidden = () => Object.defineProperty(indexedDB, 'databases', { value: undefined, configurable: true });
const shown = () => delete (indexedDB as { databases?: unknown }).databases;

afterEach(() => shown());

describe.each([
  ['with indexedDB.databases()', false],
  // Firefox before 126 has no databases(): the store then probes with an open whose creation it aborts.
  ['without indexedDB.databases()', true],
])('the IndexedDB store %s', (_name, probe) => {
  const make = () => {
    const name = `natter-lazy-${++n}`;
    if (probe) hidden();
    return { name, kv: indexedDbKeyValue(name) };
  };
  /** What exists, asked the standard way (the probe's browser would not have it; the test environment does). */
  const listed = async (name: string) => {
    shown();
    return (await names()).includes(name);
  };

  it('reads a database that is not there as empty, and creates nothing', async () => {
    const { name, kv } = make();
    expect(await kv.get(['current'])).toBeUndefined();
    expect(await kv.getUnder(['visitor'])).toEqual([]);
    expect(await kv.getUnder(['visitor'], 5)).toEqual([]);
    expect(await kv.keysUnder(['visitor'])).toEqual([]);
    await kv.deleteUnder(['visitor', 'v1'], [['current']]);
    expect(await listed(name)).toBe(false);
  });

  it('creates the database with the first write, and reads what was written', async () => {
    const { name, kv } = make();
    expect(await kv.get(['current'])).toBeUndefined();
    await kv.update([[['current'], { v: 1, visitorId: 'v1' }]]);
    expect(await kv.get(['current'])).toEqual({ v: 1, visitorId: 'v1' });
    expect(await listed(name)).toBe(true);
  });

  it('finds a database another page created after this one found none', async () => {
    const { name, kv } = make();
    expect(await kv.get(['current'])).toBeUndefined();
    await indexedDbKeyValue(name).update([[['current'], { v: 1, visitorId: 'v2' }]]);
    expect(await kv.get(['current'])).toEqual({ v: 1, visitorId: 'v2' });
  });
});

describe('destroy', () => {
  it('deletes the database; a later write creates it anew without reporting it lost', async () => {
    const name = `natter-lazy-${++n}`;
    const kv = indexedDbKeyValue(name);
    const lost = vi.fn();
    kv.onLost!(lost);
    await kv.update([[['current'], { v: 1, visitorId: 'v1' }]]);
    await kv.destroy!();
    expect(await names()).not.toContain(name);
    expect(await kv.get(['current'])).toBeUndefined();
    await kv.update([[['current'], { v: 1, visitorId: 'v3' }]]);
    expect(await kv.get(['current'])).toEqual({ v: 1, visitorId: 'v3' });
    expect(lost).not.toHaveBeenCalled();
  });

  it('of a database that is not there creates none', async () => {
    const name = `natter-lazy-${++n}`;
    await indexedDbKeyValue(name).destroy!();
    expect(await names()).not.toContain(name);
  });
});
