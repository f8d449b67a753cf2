/**
 * The delivery promise at the core: server order whatever the clocks, nothing blocked by an unreadable item,
 * durable from the call that sends, a backend that lost its data, storage that vanishes or fills up.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { NatterClient, type ClientOptions } from '../../../src/core/client';
import type { JournalEntry, SendJournal } from '../../../src/core/storage';
import { History } from '../../../src/storage/history';
import { localStorageJournal } from '../../../src/storage/journal';
import { memoryKeyValue, type KeyValue } from '../../../src/storage/kv';
import { MemoryTransport } from '../../../src/transports/memory';
import { MemoryBackend } from '../../../src/transports/memory-backend';
import { until } from './helpers';

/** An in-memory journal, shared like localStorage is by the pages of one browser. */
function memoryJournal(): SendJournal & { entries: JournalEntry[] } {
  const journal = {
    entries: [] as JournalEntry[],
    read: () => [...journal.entries],
    append: (entry: JournalEntry) => (journal.entries.push(entry), true),
    remove: (ids: readonly string[]) => void (journal.entries = journal.entries.filter((e) => !ids.includes(e.clientId))),
  };
  return journal;
}

function client(backend: MemoryBackend, kv: KeyValue, extra: Partial<ClientOptions> = {}) {
  return new NatterClient({ transport: new MemoryTransport(backend, 10), storage: () => new History(kv, () => {}), ...extra });
}

const texts = (natter: NatterClient) => natter.getState().messages.map((m) => m.text);

afterEach(() => vi.useRealTimers());

describe('order', () => {
  it("places items by the server's order whatever the clocks say, and unsent ones in the order written", async () => {
    const backend = new MemoryBackend();
    const kv = memoryKeyValue();
    const natter = client(backend, kv);
    await natter.start();
    await natter.send('question');
    await until(() => natter.getState().messages[0]?.status === 'sent');
    const visitorId = backend.visitorIds()[0]!;
    // The server's clock stepped back an hour: its answer still follows the question.
    backend.reply(visitorId, 'answer', undefined, { sentAt: Date.now() - 3_600_000 });
    await until(() => texts(natter).length === 2);
    backend.online = false;
    // Five sends in one go, in the same millisecond, while offline.
    const sends = ['1', '2', '3', '4', '5'].map((n) => natter.send(`burst ${n}`));
    await Promise.all(sends);
    expect(texts(natter)).toEqual(['question', 'answer', 'burst 1', 'burst 2', 'burst 3', 'burst 4', 'burst 5']);
    backend.online = true;
    await until(() => natter.getState().messages.every((m) => m.status === 'sent'), 'the burst to be sent');
    expect(backend.messages(visitorId).map((m) => m.text)).toEqual(texts(natter));
    // A reload shows the same order.
    const reloaded = client(backend, kv);
    await reloaded.start();
    expect(texts(reloaded)).toEqual(texts(natter));
  });
});

describe('unreadable items', () => {
  it('keeps its place and lets everything after it through, also after a reload', async () => {
    const backend = new MemoryBackend();
    const kv = memoryKeyValue();
    const natter = client(backend, kv);
    await natter.start();
    await natter.send('hello');
    await until(() => natter.getState().messages[0]?.status === 'sent');
    const visitorId = backend.visitorIds()[0]!;
    backend.reply(visitorId, '', { role: 'system' }, { unreadable: true });
    backend.reply(visitorId, 'after it');
    await until(() => texts(natter).includes('after it'));
    expect(natter.getState().messages.map((m) => m.unreadable ?? false)).toEqual([false, true, false]);
    const reloaded = client(backend, kv);
    await reloaded.start();
    expect(reloaded.getState().messages.map((m) => m.unreadable ?? false)).toEqual([false, true, false]);
  });
});

describe('durable from the call that sends', () => {
  it('a message journaled just before the page went is stored, shown and sent once by the next load', async () => {
    const backend = new MemoryBackend();
    const kv = memoryKeyValue();
    const journal = memoryJournal();
    const first = client(backend, kv, { journal });
    await first.start();
    await first.send('stored normally');
    await until(() => first.getState().messages[0]?.status === 'sent');
    // The page goes in the same instant as send(): the journal has it, IndexedDB never got it.
    const held: KeyValue = { ...kv, update: () => new Promise(() => {}) };
    const dying = client(backend, held, { journal });
    void dying.send('written as the tab closed');
    void dying.send('and one more');
    dying.stop();
    backend.online = false;
    expect(journal.entries.map((e) => e.text)).toEqual(['written as the tab closed', 'and one more']);
    backend.online = true;
    const next = client(backend, kv, { journal });
    await next.start();
    expect(texts(next)).toEqual(['stored normally', 'written as the tab closed', 'and one more']);
    await until(() => next.getState().messages.every((m) => m.status === 'sent'), 'the recovered messages to go out');
    const stored = backend.messages(backend.visitorIds()[0]!).map((m) => m.text);
    expect(stored).toEqual(['stored normally', 'written as the tab closed', 'and one more']);
    await until(() => journal.entries.length === 0, 'the journal to empty');
  });

  it('journals to localStorage under a key of its own per tab, and reads every tab’s entries', () => {
    localStorage.clear();
    const a = localStorageJournal('site', 'tabA')!;
    const b = localStorageJournal('site', 'tabB')!;
    a.append({ clientId: 'x', text: 'from A', createdAt: 2 });
    b.append({ clientId: 'y', text: 'from B', createdAt: 1 });
    localStorage.setItem('natter-site-journal-tabC', '{"v":9,"entries":[{"clientId":"z"}]}');
    expect(a.read().map((e) => e.clientId)).toEqual(['y', 'x']);
    b.remove(['x']);
    expect(a.read().map((e) => e.clientId)).toEqual(['y']);
    expect(localStorage.getItem('natter-site-journal-tabA')).toBeNull();
    expect(localStorage.getItem('natter-site-journal-tabC')).toContain('"v":9');
  });
});

describe('a backend that lost its data', () => {
  it('drops the items the backend no longer has, keeps unsent messages and sends them again', async () => {
    const backend = new MemoryBackend();
    const kv = memoryKeyValue();
    const natter = client(backend, kv);
    await natter.start();
    await natter.send('before the loss');
    const visitorId = backend.visitorIds()[0]!;
    backend.reply(visitorId, 'old answer');
    await until(() => texts(natter).length === 2);
    backend.online = false;
    await natter.send('written while it was down');
    backend.reset(visitorId);
    backend.reply(visitorId, 'the new truth');
    backend.online = true;
    await until(() => natter.getState().messages.every((m) => m.status === 'sent') && texts(natter).length === 2, 'the reset');
    expect(texts(natter)).toEqual(['the new truth', 'written while it was down']);
    expect(backend.messages(visitorId).map((m) => m.text)).toEqual(['the new truth', 'written while it was down']);
    const reloaded = client(backend, kv);
    await reloaded.start();
    expect(texts(reloaded)).toEqual(texts(natter));
  });
});

describe('storage faults', () => {
  it('writes back what the page holds when the database vanished underneath, and says so', async () => {
    const backend = new MemoryBackend();
    const base = memoryKeyValue();
    let lost: () => void = () => {};
    const kv: KeyValue = { ...base, onLost: (listener) => void (lost = listener) };
    const natter = client(backend, kv);
    const errors: string[] = [];
    natter.on('error', (error) => errors.push(error.message));
    await natter.start();
    await natter.send('keep me');
    await until(() => natter.getState().messages[0]?.status === 'sent');
    await base.deleteUnder([], [['current']]);
    lost();
    await until(() => errors.some((e) => /deleted while the page was open/.test(e)));
    const reloaded = client(backend, base);
    await vi.waitFor(async () => expect((await base.keysUnder(['visitor'])).length).toBeGreaterThan(0));
    await reloaded.start();
    expect(texts(reloaded)).toEqual(['keep me']);
    expect(backend.visitorIds()).toHaveLength(1);
  });

  it('tells the customer when the conversation cannot be saved, keeps it, and clears the notice once a write succeeds', async () => {
    const backend = new MemoryBackend();
    const base = memoryKeyValue();
    let full = true;
    const kv: KeyValue = { ...base, update: async (e, d) => { if (full) throw new DOMException('quota', 'QuotaExceededError'); return base.update(e, d); } };
    const natter = client(backend, kv);
    const errors: string[] = [];
    natter.on('error', (error) => errors.push(error.code));
    await natter.start();
    await natter.send('on a full disk');
    await until(() => natter.getState().storageProblem !== undefined, 'the notice');
    expect(errors).toContain('storage');
    await until(() => natter.getState().messages[0]?.status === 'sent', 'the send, storage or not');
    full = false;
    await natter.send('after freeing space');
    await until(() => natter.getState().storageProblem === undefined, 'the notice to clear');
    const reloaded = client(backend, base);
    await reloaded.start();
    expect(texts(reloaded)).toEqual(['on a full disk', 'after freeing space']);
  });
});

describe('a backend that asks to slow down', () => {
  it('keeps the refused message, says so, and sends it again after the pause, stored once', async () => {
    const backend = new MemoryBackend();
    const natter = client(backend, memoryKeyValue());
    await natter.start();
    await natter.send('first');
    await until(() => natter.getState().messages[0]?.status === 'sent');
    const visitorId = backend.visitorIds()[0]!;
    backend.receiving = false; // the server does not take the next one…
    const second = await natter.send('second');
    backend.deliver(visitorId, { type: 'slow', clientId: second.key, retryInMs: 150 }); // …and says why
    await until(() => natter.getState().slowDown, 'the notice');
    expect(natter.getState().messages[1]?.status).toBe('sending');
    backend.receiving = true;
    await until(() => natter.getState().messages[1]?.status === 'sent', 'the resend after the pause');
    await until(() => !natter.getState().slowDown, 'the notice to go');
    expect(backend.messages(visitorId).map((m) => m.text)).toEqual(['first', 'second']);
  });
});
