import { afterEach, describe, expect, it, vi } from 'vitest';
import { openTabLink, type TabLink } from '../../../src/tabs/tab-link.ts';
import { TabTransport } from '../../../src/tabs/tab-transport.ts';
import { MemoryBackend } from '../../../src/transports/memory-backend.ts';
import { MemoryTransport } from '../../../src/transports/memory.ts';
import { blocker, browser, recordingSink, settle, until } from './helpers.ts';

let current: ReturnType<typeof browser> | undefined;
const cleanup: (() => void)[] = [];
function start() {
  return (current = browser());
}
/** A tab of the same site that speaks on the channel by hand. */
function intruder(b: ReturnType<typeof browser>): TabLink {
  const link = openTabLink(b.name, { locks: b.locks.manager, BroadcastChannel })!;
  cleanup.push(() => link.close());
  return link;
}
afterEach(() => {
  current?.close();
  for (const fn of cleanup.splice(0)) fn();
  vi.restoreAllMocks();
});

describe('a follower without a leader', () => {
  it('reports reconnecting when its hello is not answered, and follows once a leader speaks', async () => {
    const b = start();
    const release = blocker(b, cleanup);
    const follower = b.tab();
    await until(() => follower.sink.last === 'reconnecting', 'reconnecting');
    expect(follower.sink.states).toEqual(['connecting', 'reconnecting']);
    expect(follower.transport.send({ type: 'typing', typing: true })).toBe(false);
    release();
    await until(() => follower.sink.last === 'open' && follower.link().isLeader, 'the follower to lead');
  });

  it('reports reconnecting when the leader is gone and no other tab takes over in time', async () => {
    const b = start();
    const leader = b.tab();
    await until(() => leader.link().isLeader);
    const release = blocker(b, cleanup);
    const follower = b.tab();
    await until(() => follower.sink.last === 'open');
    leader.transport.close();
    await until(() => follower.sink.last === 'reconnecting', 'reconnecting');
    expect(follower.transport.send({ type: 'typing', typing: true })).toBe(false);
    release();
    await until(() => follower.sink.last === 'open', 'open again');
    expect(follower.sink.states).toEqual(['connecting', 'open', 'reconnecting', 'connecting', 'open']);
  });
});

describe('another visitor', () => {
  it("never gets the leader's stream: the tab reports reconnecting, sends nothing, and follows once identities agree", async () => {
    const b = start();
    const leader = b.tab({ visitorId: 'v1' });
    await until(() => leader.sink.last === 'open');
    const other = b.tab({ visitorId: 'v2' });
    await until(() => other.sink.last === 'reconnecting');
    b.backend.reply('v1', 'for v1 only');
    await until(() => leader.sink.texts().length === 1);
    await settle();
    expect(other.sink.frames).toEqual([]);
    expect(other.sink.warnings).toEqual(['ignored the stream of another visitor from another tab']);
    expect(other.transport.send({ type: 'message', clientId: 'c1', text: 'as v2', createdAt: 1 })).toBe(false);

    // The core of that tab comes round to the leader's visitor (as after identify/shutdown in another tab).
    other.transport.open({ visitorId: 'v1', cursor: null }, other.sink);
    await until(() => other.sink.last === 'open');
    expect(other.sink.texts()).toEqual(['for v1 only']);
  });

  it("cannot have the leader send its frames on this visitor's stream", async () => {
    const b = start();
    const leader = b.tab({ visitorId: 'v1' });
    await until(() => leader.sink.last === 'open');
    const link = intruder(b);
    link.post('transport', { t: 'send', visitorId: 'v2', frame: { type: 'message', clientId: 'x', text: 'smuggled', createdAt: 1 } }, leader.link().tabId);
    link.post('transport', { t: 'send', visitorId: 'v1', frame: { type: 'message', clientId: 'y', text: 'ours', createdAt: 1 } }, leader.link().tabId);
    await until(() => b.backend.messages('v1').length === 1);
    await settle();
    expect(b.backend.messages('v1').map((m) => m.text)).toEqual(['ours']);
    expect(b.backend.visitorIds()).toEqual(['v1']);
  });
});

describe('what another tab says that does not parse', () => {
  it('is skipped with one warning per kind and changes nothing', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const b = start();
    const [leader, follower] = [b.tab(), b.tab()];
    await until(() => follower.sink.last === 'open');
    const link = intruder(b);
    const bad = [
      null,
      'hello',
      { t: 'shout' },
      { t: 'frame', visitorId: 'v1', frame: { type: 'virus' } },
      { t: 'frame', visitorId: 'v1' },
      { t: 'state', visitorId: 'v1', state: 'exploded' },
      { t: 'state', visitorId: 'v1', state: 'open', retryInMs: 'soon' },
      { t: 'snapshot', visitorId: 'v1', state: 'open', frames: [{ type: 'message' }, 7] },
      { t: 'send', visitorId: 'v1', frame: { type: 'delete-everything' } },
      { t: 'hello', cursor: 5 },
    ];
    for (let round = 0; round < 3; round++) for (const body of bad) link.post('transport', body);
    // Another version's envelope around a well-formed relay is not read at all.
    const raw = new BroadcastChannel(b.name);
    cleanup.push(() => raw.close());
    raw.postMessage({ natter: 'tabs', v: 2, from: 'x', channel: 'transport', body: { t: 'state', visitorId: 'v1', state: 'closed' } });
    b.backend.reply('v1', 'still fine');
    await until(() => follower.sink.texts().length === 1);
    await settle();
    expect(follower.sink.states).toEqual(['connecting', 'open']);
    expect(leader.sink.states).toEqual(['connecting', 'open']);
    expect(follower.sink.frames.map((f) => f.type)).toEqual(['team', 'files', 'availability', 'mode', 'session', 'message']);
    expect(b.backend.received('v1')).toEqual([]);
    expect(follower.sink.warnings.sort()).toEqual([
      'ignored a malformed "frame" message from another tab',
      'ignored a malformed "hello" message from another tab',
      'ignored a malformed "send" message from another tab',
      'ignored a malformed "snapshot" message from another tab',
      'ignored a malformed "state" message from another tab',
      'ignored a message of unknown type from another tab',
    ]);
    expect(leader.sink.warnings).toHaveLength(6);
    // Once in each of the three tabs (the leader, the follower and the hand-speaking one).
    expect(warn.mock.calls.filter(([m]) => String(m).includes('another version'))).toHaveLength(3);
  });
});

describe('without Web Locks or BroadcastChannel', () => {
  it('is the inner transport itself: one connection per tab', async () => {
    const backend = new MemoryBackend();
    const inner = new MemoryTransport(backend, 10);
    const open = vi.spyOn(inner, 'open');
    const transport = new TabTransport(inner, () => openTabLink('natter-nolocks'));
    const sink = recordingSink();
    transport.open({ visitorId: 'v1', cursor: null }, sink);
    expect(open).toHaveBeenCalledWith({ visitorId: 'v1', cursor: null }, sink);
    await until(() => sink.last === 'open');
    expect(transport.send({ type: 'message', clientId: 'c1', text: 'direct', createdAt: 1 })).toBe(true);
    await until(() => backend.messages('v1').length === 1);
    transport.close();
    transport.close();
    expect(sink.states).toEqual(['connecting', 'open', 'closed']);
  });
});

describe('a leader whose connection fails for good', () => {
  it('tells the followers, with the reason', async () => {
    const b = start();
    const [leader, follower] = [b.tab(), b.tab()];
    await until(() => follower.sink.last === 'open');
    // The inner transport's sink, as the leader handed it over.
    const innerSink = leader.innerOpen.mock.calls[0]![1];
    innerSink.state('closed', { error: new Error('protocol refused') });
    await until(() => follower.sink.last === 'closed');
    expect(follower.sink.details.map((detail) => detail.error?.message)).toEqual(['protocol refused']);
    follower.transport.close();
    expect(follower.sink.states.filter((s) => s === 'closed')).toHaveLength(1);
  });
});
