import { describe, expect, it } from 'vitest';
import { MAX_BATCH, Persistence } from '../../../src/core/persistence';
import type { ConversationStorage, ConversationWrite } from '../../../src/core/storage';
import type { Message } from '../../../src/model/types';

const message = (key: string, order?: string): Message => ({ key, author: { role: 'agent' }, text: key, createdAt: 0, status: 'sent', ...(order && { order }) });

/** A storage whose writes wait until released, recording each transaction. */
function slowStorage(fail = () => false) {
  const writes: ConversationWrite[] = [];
  const pending: (() => void)[] = [];
  const storage = {
    write: (_visitorId: string, write: ConversationWrite) =>
      new Promise<void>((resolve, reject) => {
        writes.push(write);
        pending.push(() => (fail() ? reject(new Error('QuotaExceededError')) : resolve()));
      }),
  } as unknown as ConversationStorage;
  const release = async () => {
    while (pending.length) pending.shift()!();
    await new Promise((resolve) => setTimeout(resolve, 0));
  };
  return { storage, writes, release };
}

describe('Persistence', () => {
  it('groups a burst of 500 into transactions of at most MAX_BATCH, the cursor with the last of them', async () => {
    const s = slowStorage();
    const persistence = new Persistence(s.storage, 'v', () => {});
    let settled = 0;
    const done = Array.from({ length: 500 }, (_, i) =>
      persistence.save({ put: [message(`m${i}`, String(i).padStart(16, '0'))], meta: { visitorId: 'v', cursor: `c:${i}`, unread: 0, localSeq: 0, createdAt: 0 } }).then(() => settled++),
    );
    await Promise.resolve();
    for (let i = 0; i < 4; i++) await s.release();
    expect(settled).toBe(0); // nothing is reported committed before the cursor is
    for (let i = 0; i < 3; i++) await s.release();
    await Promise.all(done);
    expect(s.writes).toHaveLength(500 / MAX_BATCH);
    expect(s.writes.every((w) => (w.put?.length ?? 0) <= MAX_BATCH)).toBe(true);
    expect(s.writes.flatMap((w) => w.put ?? []).map((m) => m.key)).toEqual(Array.from({ length: 500 }, (_, i) => `m${i}`));
    expect(s.writes.slice(0, -1).every((w) => w.meta === undefined)).toBe(true); // the cursor never runs ahead of the items
    expect(s.writes.at(-1)?.meta?.cursor).toBe('c:499');
  });

  it('reports a failure to everyone waiting, even with batches still queued, and keeps it all', async () => {
    let failing = true;
    const s = slowStorage(() => failing);
    const errors: unknown[] = [];
    const persistence = new Persistence(s.storage, 'v', (error) => errors.push(error));
    const done = Array.from({ length: 150 }, (_, i) => persistence.save({ put: [message(`m${i}`)] }));
    await Promise.resolve();
    await s.release();
    await Promise.all(done);
    expect(errors).toHaveLength(1);
    failing = false;
    const next = persistence.save({ put: [message('late')] });
    await Promise.resolve();
    for (let i = 0; i < 3; i++) await s.release();
    await next;
    const stored = new Set(s.writes.slice(1).flatMap((w) => w.put ?? []).map((m) => m.key));
    expect(stored.size).toBe(151);
  });

  it('keeps a failed write and commits it with the next change, newer versions winning', async () => {
    let failing = true;
    const s = slowStorage(() => failing);
    const errors: unknown[] = [];
    const persistence = new Persistence(s.storage, 'v', (error) => errors.push(error));
    const first = persistence.save({ put: [message('a'), { ...message('b'), text: 'old' }] });
    await Promise.resolve();
    await s.release();
    await first;
    expect(errors).toHaveLength(1);
    failing = false;
    const second = persistence.save({ put: [{ ...message('b'), text: 'new' }] });
    await Promise.resolve();
    await s.release();
    await second;
    const last = s.writes.at(-1)!;
    expect(last.put?.map((m) => `${m.key}:${m.text}`).sort()).toEqual(['a:a', 'b:new']);
  });

  it('moves a message between slots in one write: the old slot removed, the new one put', async () => {
    const s = slowStorage();
    const persistence = new Persistence(s.storage, 'v', () => {});
    const unplaced = message('mine');
    const done = persistence.save({ put: [{ ...unplaced, order: '7' }], remove: [unplaced] });
    await Promise.resolve();
    await s.release();
    await done;
    expect(s.writes).toHaveLength(1);
    expect(s.writes[0]!.remove?.map((m) => m.key)).toEqual(['mine']);
    expect(s.writes[0]!.put?.map((m) => m.order)).toEqual(['7']);
  });
});
