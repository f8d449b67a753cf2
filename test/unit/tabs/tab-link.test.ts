import { afterEach, describe, expect, it, vi } from 'vitest';
import { openTabLink, type TabLink } from '../../../src/tabs/tab-link.ts';
import { FakeLocks, refusingLocks, settle, uniqueName, until } from './helpers.ts';

const open: TabLink[] = [];
const opened: BroadcastChannel[] = [];

/** `count` tabs of one site sharing one browser's locks. */
function tabs(count: number, locks = new FakeLocks().manager, name = uniqueName()): TabLink[] {
  return Array.from({ length: count }, () => {
    const link = openTabLink(name, { locks, BroadcastChannel })!;
    open.push(link);
    return link;
  });
}

/** A raw channel on `name`, to put what another version (or anyone) could put there. */
function raw(name: string): BroadcastChannel {
  const channel = new BroadcastChannel(name);
  opened.push(channel);
  return channel;
}

afterEach(() => {
  for (const link of open.splice(0)) link.close();
  for (const channel of opened.splice(0)) channel.close();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

describe('leadership', () => {
  it('goes to exactly one of three tabs, the first to ask', async () => {
    const [a, b, c] = tabs(3);
    const calls: boolean[] = [];
    a!.onLeadership((leader) => calls.push(leader));
    await until(() => a!.isLeader);
    await settle();
    expect([a!.isLeader, b!.isLeader, c!.isLeader]).toEqual([true, false, false]);
    expect(calls).toEqual([true]);
    expect(new Set([a!.tabId, b!.tabId, c!.tabId]).size).toBe(3);
  });

  it('passes to the next tab in line when the leader closes, and tells the closing one', async () => {
    const [a, b, c] = tabs(3);
    await until(() => a!.isLeader);
    const aCalls: boolean[] = [];
    const bCalls: boolean[] = [];
    a!.onLeadership((leader) => aCalls.push(leader));
    b!.onLeadership((leader) => bCalls.push(leader));
    a!.close();
    expect(aCalls).toEqual([false]);
    await until(() => b!.isLeader, 'b to lead');
    expect(bCalls).toEqual([true]);
    expect(c!.isLeader).toBe(false);
    b!.close();
    await until(() => c!.isLeader, 'c to lead');
  });

  it('is kept when a leadership listener throws', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const [a, b] = tabs(2);
    const heard: boolean[] = [];
    a!.onLeadership(() => {
      throw new Error('listener bug');
    });
    a!.onLeadership((leader) => heard.push(leader));
    await until(() => a!.isLeader);
    await settle();
    expect(heard).toEqual([true]);
    expect(b!.isLeader).toBe(false);
    expect(error).toHaveBeenCalledOnce();
  });

  it('skips a tab that closed while it waited', async () => {
    const [a, b, c] = tabs(3);
    await until(() => a!.isLeader);
    b!.close();
    a!.close();
    await until(() => c!.isLeader, 'c to lead');
    expect(b!.isLeader).toBe(false);
  });

  it('leads alone when the lock cannot be asked for (opaque origin)', async () => {
    const link = openTabLink(uniqueName(), { locks: refusingLocks, BroadcastChannel })!;
    open.push(link);
    await until(() => link.isLeader);
  });

  it('is not there without Web Locks or BroadcastChannel: the caller keeps one socket per tab', () => {
    // happy-dom, like a non-secure page, has no navigator.locks.
    expect(openTabLink(uniqueName())).toBeUndefined();
    expect(openTabLink(uniqueName(), { BroadcastChannel })).toBeUndefined();
    vi.stubGlobal('BroadcastChannel', undefined);
    expect(openTabLink(uniqueName(), { locks: new FakeLocks().manager })).toBeUndefined();
  });
});

describe('messages', () => {
  it('reach every other tab on the same channel name, with the sender, and never the sender itself', async () => {
    const [a, b, c] = tabs(3);
    const got: string[] = [];
    for (const [label, link] of [['a', a!], ['b', b!], ['c', c!]] as const) {
      link.onMessage('core', (body, from) => got.push(`${label}<-${from === a!.tabId ? 'a' : '?'}:${JSON.stringify(body)}`));
      link.onMessage('transport', () => got.push(`${label}:wrong channel`));
    }
    a!.post('core', { read: 5 });
    await until(() => got.length === 2);
    await settle();
    expect(got.sort()).toEqual(['b<-a:{"read":5}', 'c<-a:{"read":5}']);
  });

  it('addressed to one tab reach that tab only', async () => {
    const [a, b, c] = tabs(3);
    const got: string[] = [];
    b!.onMessage('core', () => got.push('b'));
    c!.onMessage('core', () => got.push('c'));
    a!.post('core', 1, c!.tabId);
    await until(() => got.length === 1);
    await settle();
    expect(got).toEqual(['c']);
  });

  it('stop after unsubscribe and after close', async () => {
    const [a, b, c] = tabs(3);
    const got: string[] = [];
    const off = b!.onMessage('core', () => got.push('b'));
    c!.onMessage('core', () => got.push('c'));
    off();
    c!.close();
    a!.post('core', 1);
    c!.post('core', 2);
    await settle();
    expect(got).toEqual([]);
  });

  it('still reach the other listeners when one throws', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const [a, b] = tabs(2);
    const got: number[] = [];
    b!.onMessage('core', () => {
      throw new Error('listener bug');
    });
    b!.onMessage('core', (body) => got.push(body as number));
    a!.post('core', 7);
    await until(() => got.length === 1);
    expect(error).toHaveBeenCalledOnce();
  });
});

describe('what is not this version’s envelope', () => {
  it('is skipped with one warning per kind and reaches no listener', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const name = uniqueName();
    const [a, b] = tabs(2, new FakeLocks().manager, name);
    const got: unknown[] = [];
    b!.onMessage('core', (body) => got.push(body));
    const other = raw(name);
    const bad = [
      'text',
      null,
      { natter: 'chat', v: 1, from: 'x', channel: 'core', body: 1 },
      // A newer (or older) Natter: same marker, another version, maybe another shape.
      { natter: 'tabs', v: 2, from: 'x', channel: 'core', body: 'v2' },
      { natter: 'tabs', v: 0, sender: 'x', topic: 'core', body: 'v0' },
      { natter: 'tabs', v: 1, from: 42, channel: 'core', body: 1 },
      { natter: 'tabs', v: 1, from: 'x', channel: 'core', to: 7, body: 1 },
      // Claims to be b itself.
      { natter: 'tabs', v: 1, from: b!.tabId, channel: 'core', body: 'echo' },
    ];
    for (let round = 0; round < 3; round++) for (const message of bad) other.postMessage(message);
    a!.post('core', 'good');
    await until(() => got.length === 1);
    await settle();
    expect(got).toEqual(['good']);
    const messages = warn.mock.calls.map(([message]) => String(message));
    // Kinds seen by b (a sees the same, so each appears twice: once per tab).
    expect(messages.filter((m) => m.includes('not from Natter'))).toHaveLength(2);
    expect(messages.filter((m) => m.includes('another version'))).toHaveLength(2);
    expect(messages.filter((m) => m.includes('malformed'))).toHaveLength(2);
    expect(messages.filter((m) => m.includes("this tab's own"))).toHaveLength(1);
    expect(messages).toHaveLength(7);
  });

  it('from another version does not keep this version from electing its own leader', async () => {
    const locks = new FakeLocks().manager;
    const name = uniqueName();
    // An older Natter holding a lock under the old name.
    void locks.request(`${name}-leader`, () => new Promise(() => {}));
    const [a] = tabs(1, locks, name);
    await until(() => a!.isLeader);
  });
});
