import { describe, expect, it } from 'vitest';
import { Persistence } from '../../../src/core/persistence';
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
  it('groups what comes while a write runs into the next transaction: a burst of 500 is two writes', async () => {
    const s = slowStorage();
    const persistence = new Persistence(s.storage, 'v', () => {});
    const done = Array.from({ length: 500 }, (_, i) => persistence.save({ put: [message(`m${i}`, String(i).padStart(16, '0'))], meta: { visitorId: 'v', cursor: `c:${i}`, unread: 0, localSeq: 0, createdAt: 0 } }));
    await Promise.resolve();
    await s.release();
    await s.release();
    await Promise.all(done);
    expect(s.writes.length).toBeLessThanOrEqual(2);
    expect(s.writes.flatMap((w) => w.put ?? [])).toHaveLength(500);
    expect(s.writes.at(-1)?.meta?.cursor).toBe('c:499'); // the newest cursor, with the items it follows
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
