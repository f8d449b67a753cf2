/**
 * Consent before storage, in the core: what `persist` lets the client write, what `consent()` stores and
 * deletes, how a yes is remembered (and a no is not), and how the tabs of one browser agree.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { NatterClient, type ClientOptions } from '../../../src/core/client';
import type { JournalEntry, SendJournal } from '../../../src/core/storage';
import { newsProblem } from '../../../src/core/tab-sync';
import { History } from '../../../src/storage/history';
import { memoryKeyValue, type KeyValue } from '../../../src/storage/kv';
import { openTabBus } from '../../../src/tabs/tab-bus';
import { MemoryTransport } from '../../../src/transports/memory';
import { MemoryBackend } from '../../../src/transports/memory-backend';
import { FakeLocks, uniqueName, until } from '../tabs/helpers';

/** One browser profile: its storage, its send journal, its backend; `tab()` opens a page of the site. */
function browser(persist: ClientOptions['persist'], kv: KeyValue = memoryKeyValue()) {
  const backend = new MemoryBackend();
  const locks = new FakeLocks();
  const site = uniqueName();
  const entries: JournalEntry[] = [];
  const journal: SendJournal = {
    read: () => [...entries],
    append: (entry) => (entries.push(entry), true),
    remove: (ids) => void entries.splice(0, entries.length, ...entries.filter((e) => !ids.includes(e.clientId))),
  };
  let tabs = 0;
  const tab = (withTabs = false) => {
    const id = `tab${++tabs}`;
    const natter = new NatterClient({
      transport: new MemoryTransport(backend, 10),
      storage: () => new History(kv, () => {}),
      journal,
      persist,
      ...(withTabs && { tabs: () => openTabBus(site, id, { locks: locks.manager }) }),
    });
    clients.push(natter);
    return natter;
  };
  /** Every record stored, by key. */
  const stored = async () => (await kv.getUnder([])).map((record) => record.key.join('/'));
  return { kv, backend, entries, tab, stored };
}

const clients: NatterClient[] = [];
afterEach(() => clients.splice(0).forEach((c) => c.stop()));

const texts = (natter: NatterClient) => natter.getState().messages.map((m) => m.text);
const allSent = (natter: NatterClient) => natter.getState().messages.every((m) => m.status === 'sent');
/** Lets the write queue run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 30));

describe("persist: 'after-consent'", () => {
  it('keeps the conversation in memory, delivered but stored nowhere, journal included, until a yes', async () => {
    const b = browser('after-consent');
    const natter = b.tab();
    await natter.start();
    expect(natter.getState().consent).toBeUndefined();
    await natter.send('hello before any answer');
    await until(() => allSent(natter), 'the ack');
    await settle();
    expect(b.backend.messages(b.backend.visitorIds()[0]!).map((m) => m.text)).toEqual(['hello before any answer']);
    expect(await b.stored()).toEqual([]);
    expect(b.entries).toEqual([]);
  });

  it('stores everything at once on consent(true), and what follows; a reload shows it without asking again', async () => {
    const b = browser('after-consent');
    const natter = b.tab();
    await natter.send('first');
    await until(() => allSent(natter));
    b.backend.reply(b.backend.visitorIds()[0]!, 'an answer');
    await until(() => texts(natter).length === 2);
    await natter.consent(true);
    expect(natter.getState().consent).toBe(true);
    await vi.waitFor(async () => expect((await b.stored()).filter((key) => key.includes('/item/'))).toHaveLength(2));
    await natter.send('after yes');
    await until(() => allSent(natter));
    natter.stop();

    const reloaded = b.tab();
    await reloaded.start();
    expect(texts(reloaded)).toEqual(['first', 'an answer', 'after yes']);
    // The stored conversation is the remembered yes.
    expect(reloaded.getState().consent).toBe(true);
  });

  it('consent(false) deletes what was stored and the journal, goes on in memory, and is not remembered', async () => {
    const b = browser('after-consent');
    const natter = b.tab();
    await natter.send('kept for a while');
    await natter.consent(true);
    await vi.waitFor(async () => expect(await b.stored()).not.toEqual([]));
    await natter.consent(false);
    expect(await b.stored()).toEqual([]);
    expect(natter.getState().consent).toBe(false);
    await natter.send('said after no');
    await until(() => allSent(natter));
    await settle();
    expect(texts(natter)).toEqual(['kept for a while', 'said after no']);
    expect(await b.stored()).toEqual([]);
    expect(b.entries).toEqual([]);
    natter.stop();

    const reloaded = b.tab();
    await reloaded.start();
    expect(texts(reloaded)).toEqual([]);
    expect(reloaded.getState().consent).toBeUndefined();
  });

  it('deletes after the writes already on their way, which would otherwise bring the conversation back', async () => {
    const base = memoryKeyValue();
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow: KeyValue = { ...base, update: async (entries, deletes) => (await gate, base.update(entries, deletes)) };
    const b = browser('always', slow);
    const natter = b.tab();
    await natter.send('its write is held');
    const withdrawn = natter.consent(false);
    release();
    await withdrawn;
    await settle();
    expect(await base.keysUnder([])).toEqual([]);
  });

  it('a yes given before the first message stores from the first message on', async () => {
    const b = browser('after-consent');
    const natter = b.tab();
    await natter.consent(true);
    expect(await b.stored()).toEqual([]);
    await natter.send('first');
    await vi.waitFor(async () => expect(await b.stored()).toContain('current'));
    expect(b.entries.length + (await b.stored()).length).toBeGreaterThan(1);
  });
});

describe("persist: 'never'", () => {
  it('stores nothing and journals nothing, reads nothing an earlier setting stored, and refuses a yes', async () => {
    const kv = memoryKeyValue();
    const before = browser('always', kv).tab();
    await before.send('stored under "always"');
    await vi.waitFor(async () => expect(await kv.keysUnder([])).not.toEqual([]));
    before.stop();

    const b = browser('never', kv);
    const natter = b.tab();
    await natter.start();
    expect(natter.getState().consent).toBe(false);
    expect(texts(natter)).toEqual([]);
    const records = await b.stored();
    await natter.send('in memory only');
    await until(() => allSent(natter));
    await settle();
    expect(await b.stored()).toEqual(records);
    expect(b.entries).toEqual([]);
    await expect(natter.consent(true)).rejects.toThrow(/true only where "persist" is not "never"/);
    await expect(natter.consent('yes' as never)).rejects.toThrow(/takes true or false/);
  });
});

describe("persist: 'always' (the default)", () => {
  it('stores from the first message; consent(false) deletes it and stops storing', async () => {
    const b = browser(undefined);
    const natter = b.tab();
    await natter.start();
    expect(natter.getState().consent).toBe(true);
    expect(await b.stored()).toEqual([]);
    await natter.send('stored at once');
    await vi.waitFor(async () => expect(await b.stored()).toContain('current'));
    await natter.consent(false);
    expect(await b.stored()).toEqual([]);
    await natter.send('not stored');
    await until(() => allSent(natter));
    await settle();
    expect(await b.stored()).toEqual([]);
  });
});

describe('the tabs of one browser', () => {
  it('follow a yes and a no given in any of them', async () => {
    const b = browser('after-consent');
    const [one, two] = [b.tab(true), b.tab(true)];
    await Promise.all([one.start(), two.start()]);
    await one.send('written in tab one');
    await until(() => texts(two).includes('written in tab one') && allSent(one), 'tab two to show it');
    await one.consent(true);
    await until(() => two.getState().consent === true, 'tab two to hear the yes');
    await two.send('written in tab two after yes');
    await vi.waitFor(async () => expect((await b.stored()).filter((key) => key.includes('/item/') || key.includes('/out/'))).toHaveLength(2));

    await two.consent(false);
    await until(() => one.getState().consent === false, 'tab one to hear the no');
    await one.send('after no, in tab one');
    await until(() => texts(two).length === 3 && allSent(one) && allSent(two), 'both to have it');
    await settle();
    expect(await b.stored()).toEqual([]);
  });

  it('skip a consent of another version', () => {
    expect(newsProblem({ k: 'consent', v: 1, yes: true })).toBe('');
    expect(newsProblem({ k: 'consent', v: 2, yes: true })).toBe('a consent of another version');
    expect(newsProblem({ k: 'consent', v: 1, yes: 'yes' })).toBe('a consent of another version');
  });
});
