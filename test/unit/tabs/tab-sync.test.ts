/**
 * The cores of several tabs telling one story: one visitor, every message written in any tab, one read
 * state, one logout, one tab that notifies. The shared connection itself is tab-transport's test.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { NatterClient } from '../../../src/core/client';
import { newsProblem } from '../../../src/core/tab-sync';
import { History } from '../../../src/storage/history';
import { memoryKeyValue } from '../../../src/storage/kv';
import { openTabBus } from '../../../src/tabs/tab-bus';
import { MemoryTransport } from '../../../src/transports/memory';
import { MemoryBackend } from '../../../src/transports/memory-backend';
import { FakeLocks, uniqueName, until } from './helpers';

const clients: NatterClient[] = [];
afterEach(() => clients.splice(0).forEach((c) => c.stop()));

/** One browser profile: its storage, its locks, its backend; `tab()` opens one more tab of the site. */
function browser() {
  const kv = memoryKeyValue();
  const locks = new FakeLocks();
  const backend = new MemoryBackend();
  const site = uniqueName();
  let tabs = 0;
  const tab = () => {
    const id = `tab${++tabs}`;
    const natter = new NatterClient({
      transport: new MemoryTransport(backend, 10),
      storage: () => new History(kv, () => {}),
      tabs: () => openTabBus(site, id, { locks: locks.manager }),
    });
    clients.push(natter);
    return natter;
  };
  return { kv, backend, tab };
}

const texts = (natter: NatterClient) => natter.getState().messages.map((m) => m.text);

describe('tabs of one browser', () => {
  it('opened before the first message, they become one visitor, and each shows what the other wrote', async () => {
    const b = browser();
    const [one, two] = [b.tab(), b.tab()];
    await Promise.all([one.start(), two.start()]);
    await one.send('written in tab one');
    await until(() => texts(two).includes('written in tab one'), 'tab two to show it');
    await two.send('written in tab two');
    await until(() => texts(one).includes('written in tab two'), 'tab one to show it');
    await until(() => [one, two].every((t) => t.getState().messages.every((m) => m.status === 'sent')), 'both sent');
    expect(b.backend.visitorIds()).toHaveLength(1);
    expect(b.backend.messages(b.backend.visitorIds()[0]!).map((m) => m.text)).toEqual(['written in tab one', 'written in tab two']);
  });

  it('both with the panel open before anyone wrote, they agree on one visitor before the first message', async () => {
    const b = browser();
    const [one, two] = [b.tab(), b.tab()];
    await Promise.all([one.start(), two.start()]);
    one.open();
    two.open(); // each made a visitor id of its own; the smaller one wins in both
    await until(() => b.backend.visitorIds().length >= 1, 'a connection');
    await new Promise((resolve) => setTimeout(resolve, 50));
    await two.send('from tab two');
    await one.send('from tab one');
    await until(() => texts(one).length === 2 && texts(two).length === 2, 'both tabs to show both');
    await until(() => [one, two].every((t) => t.getState().messages.every((m) => m.status === 'sent')), 'both sent');
    const withMessages = b.backend.visitorIds().filter((id) => b.backend.messages(id).length > 0);
    expect(withMessages).toHaveLength(1);
    expect(b.backend.messages(withMessages[0]!).map((m) => m.text)).toEqual(['from tab two', 'from tab one']);
  });

  it("sends a closing tab's unsent message through a tab that stays", async () => {
    const b = browser();
    const [one, two] = [b.tab(), b.tab()];
    await Promise.all([one.start(), two.start()]);
    await one.send('hello');
    await until(() => texts(two).includes('hello') && one.getState().messages[0]?.status === 'sent');
    b.backend.online = false;
    await one.send('unsent when tab one closed');
    one.stop(); // the tab is gone
    await until(() => texts(two).includes('unsent when tab one closed'));
    b.backend.online = true;
    await until(() => b.backend.messages(b.backend.visitorIds()[0]!).length === 2, 'the other tab to send it');
    expect(b.backend.messages(b.backend.visitorIds()[0]!).map((m) => m.text)).toEqual(['hello', 'unsent when tab one closed']);
  });

  it('reads in one tab count as read in all, and only the tab looked at last notifies', async () => {
    const b = browser();
    const [one, two] = [b.tab(), b.tab()];
    await Promise.all([one.start(), two.start()]);
    await one.send('question');
    await until(() => texts(two).length === 1 && one.getState().messages[0]?.status === 'sent');
    b.backend.reply(b.backend.visitorIds()[0]!, 'answer');
    await until(() => one.getState().unread === 1 && two.getState().unread === 1, 'both to count it');
    two.setPageVisible(true);
    await until(() => !one.getState().notifies && two.getState().notifies, 'tab two to take the notices');
    two.open();
    await until(() => one.getState().unread === 0, 'tab one to hear it was read');
  });

  it('a logout in one tab is one in every tab: nothing of the old visitor comes back', async () => {
    const b = browser();
    const [one, two] = [b.tab(), b.tab()];
    await Promise.all([one.start(), two.start()]);
    await one.send('private');
    await until(() => texts(two).includes('private') && two.getState().messages[0]?.status === 'sent');
    await one.shutdown();
    await until(() => texts(two).length === 0, 'tab two to forget');
    await vi.waitFor(async () => expect(await b.kv.keysUnder([])).toEqual([]));
    const reloaded = b.tab();
    await reloaded.start();
    expect(texts(reloaded)).toEqual([]);
  });

  it('skips news it cannot read, with a reason', () => {
    expect(newsProblem({ k: 'local', visitorId: 'v', clientId: 'c', text: '', createdAt: 1, local: 1 })).toBe('a malformed message');
    expect(newsProblem({ k: 'read', visitorId: 'v' })).toBe('no order');
    expect(newsProblem({ k: 'teleport', visitorId: 'v' })).toMatch(/unknown kind/);
    expect(newsProblem(null)).toBe('not an object');
    expect(newsProblem({ k: 'shown' })).toBe('');
  });
});
