/**
 * `retentionDays`: a stored conversation idle for longer is deleted from the device when the client loads;
 * idleness is read from the meta's last-activity time, or from the newest message for a format-2 record
 * written before that time existed.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { NatterClient } from '../../../src/core/client';
import type { ConversationMeta, JournalEntry } from '../../../src/core/storage';
import type { Message } from '../../../src/model/types';
import { History } from '../../../src/storage/history';
import { memoryKeyValue } from '../../../src/storage/kv';
import { MemoryTransport } from '../../../src/transports/memory';
import { MemoryBackend } from '../../../src/transports/memory-backend';
import { until } from './helpers';

const DAY = 864e5;
const now = Date.now();

/** A device with one stored conversation, `idleDays` since it was last active (and its newest item `itemDays` ago). */
async function device(meta: Partial<ConversationMeta>, itemDays: number) {
  const kv = memoryKeyValue();
  const item: Message = { key: 's:1', id: '1', author: { role: 'agent' }, text: 'an old answer', createdAt: now - itemDays * DAY, sentAt: now - itemDays * DAY, order: '0000000000000001', status: 'sent' };
  await new History(kv).write('v1', { put: [item], meta: { visitorId: 'v1', cursor: null, unread: 0, localSeq: 0, createdAt: now - 400 * DAY, ...meta }, current: true });
  const entries: JournalEntry[] = [{ visitorId: 'v1', clientId: 'c1', text: 'interrupted long ago', createdAt: now - 40 * DAY }];
  const journal = { read: () => [...entries], append: () => false, remove: (ids: readonly string[]) => void entries.splice(0, entries.length, ...entries.filter((e) => !ids.includes(e.clientId))) };
  const load = (retentionDays?: number) => {
    const natter = new NatterClient({ transport: new MemoryTransport(new MemoryBackend(), 10), storage: () => new History(kv, () => {}), journal, ...(retentionDays && { retentionDays }) });
    clients.push(natter);
    return natter;
  };
  return { kv, entries, load };
}

const clients: NatterClient[] = [];
afterEach(() => clients.splice(0).forEach((c) => c.stop()));

describe('retentionDays', () => {
  it('deletes a conversation idle for longer, with its journal entries, and starts afresh', async () => {
    const d = await device({ lastActiveAt: now - 31 * DAY }, 31);
    const natter = d.load(30);
    await natter.start();
    expect(natter.getState().messages).toEqual([]);
    expect(await d.kv.keysUnder([])).toEqual([]);
    expect(d.entries).toEqual([]);
  });

  it('keeps one active within the time, and any conversation without the setting', async () => {
    for (const [retention, idle] of [[30, 29], [undefined, 3000]] as const) {
      const d = await device({ lastActiveAt: now - idle * DAY }, idle);
      const natter = d.load(retention);
      await natter.start();
      expect(natter.getState().messages.map((m) => m.text)).toContain('an old answer');
    }
  });

  it('reads a format-2 meta without a last-activity time by its newest message', async () => {
    const recent = await device({}, 2);
    const kept = recent.load(30);
    await kept.start();
    expect(kept.getState().messages.map((m) => m.text)).toContain('an old answer');
    const old = await device({}, 45);
    const deleted = old.load(30);
    await deleted.start();
    expect(deleted.getState().messages).toEqual([]);
  });

  it('stamps the last activity on every meta it stores', async () => {
    const kv = memoryKeyValue();
    const backend = new MemoryBackend();
    const natter = new NatterClient({ transport: new MemoryTransport(backend, 10), storage: () => new History(kv, () => {}) });
    clients.push(natter);
    vi.spyOn(Date, 'now').mockReturnValue(now + 5 * DAY);
    await natter.send('hello');
    await until(() => natter.getState().messages[0]?.status === 'sent');
    vi.restoreAllMocks();
    await vi.waitFor(async () => expect((await new History(kv).load(backend.visitorIds()[0]!)).meta?.lastActiveAt).toBe(now + 5 * DAY));
  });
});
