import { afterEach, describe, expect, it } from 'vitest';
import { blocker, browser, settle, until } from './helpers.ts';

let current: ReturnType<typeof browser> | undefined;
const cleanup: (() => void)[] = [];
function start() {
  return (current = browser());
}
afterEach(() => {
  current?.close();
  for (const fn of cleanup.splice(0)) fn();
});

const visitorMessage = (clientId: string, text: string) => ({ type: 'message' as const, clientId, text, createdAt: 1 });

describe('one connection for the tabs of a browser', () => {
  it('is opened by exactly one of three tabs, and every tab sees connecting, then open', async () => {
    const b = start();
    const tabs = [b.tab(), b.tab(), b.tab()];
    await until(() => tabs.every((t) => t.sink.last === 'open'), 'every tab open');
    await settle();
    expect(tabs.map((t) => t.link().isLeader)).toEqual([true, false, false]);
    expect(tabs.map((t) => t.innerOpen.mock.calls.length)).toEqual([1, 0, 0]);
    expect(b.connect).toHaveBeenCalledOnce();
    for (const t of tabs) expect(t.sink.states).toEqual(['connecting', 'open']);
  });

  it('delivers every inbound frame to every tab, once', async () => {
    const b = start();
    const tabs = [b.tab(), b.tab(), b.tab()];
    await until(() => tabs.every((t) => t.sink.last === 'open'));
    await settle();
    b.backend.reply('v1', 'Hi there');
    b.backend.typing('v1', true);
    await until(() => tabs.every((t) => t.sink.frames.some((f) => f.type === 'typing')), 'typing everywhere');
    await settle();
    for (const t of tabs) {
      expect(t.sink.texts()).toEqual(['Hi there']);
      expect(t.sink.frames.filter((f) => f.type === 'typing')).toHaveLength(1);
    }
  });

  it("sends a follower's message to the backend once, and every tab hears the ack", async () => {
    const b = start();
    const [, follower, other] = [b.tab(), b.tab(), b.tab()];
    await until(() => other!.sink.last === 'open' && follower!.sink.last === 'open');
    expect(follower!.transport.send(visitorMessage('c1', 'From tab 2'))).toBe(true);
    await until(() => b.backend.messages('v1').length === 1, 'the backend to store it');
    await until(() => other!.sink.frames.some((f) => f.type === 'ack'), 'the ack');
    await settle();
    expect(b.backend.messages('v1').map((m) => m.text)).toEqual(['From tab 2']);
    expect(follower!.sink.frames.filter((f) => f.type === 'ack')).toEqual([{ type: 'ack', clientId: 'c1', id: 'm1', sentAt: expect.any(Number), order: '0000000000000001' }]);
  });

  it("tells every tab that the backend refused the identity token, and a follower's identify reaches the backend with its token", async () => {
    const b = start();
    const tabs = [b.tab(), b.tab()];
    await until(() => tabs.every((t) => t.sink.last === 'open'));
    expect(tabs[1]!.transport.send({ type: 'identify', user: { id: 'u1' }, token: 'token-1' })).toBe(true);
    await until(() => b.backend.received('v1').some((f) => f.type === 'identify'), 'the identify');
    expect(b.backend.received('v1').find((f) => f.type === 'identify')).toEqual({ type: 'identify', user: { id: 'u1' }, token: 'token-1' });
    b.backend.deliver('v1', { type: 'identity', message: 'The identity token was refused: it has expired.' });
    await until(() => tabs.every((t) => t.sink.frames.some((f) => f.type === 'identity')), 'the refusal in every tab');
  });

  it("sends a follower's page change through the leader's connection", async () => {
    const b = start();
    const tabs = [b.tab(), b.tab()];
    await until(() => tabs.every((t) => t.sink.last === 'open'));
    const page = { url: 'https://shop.example/cart', title: 'Cart' };
    expect(tabs[1]!.transport.send({ type: 'visitor', page })).toBe(true);
    await until(() => b.backend.received('v1').some((f) => f.type === 'visitor'), 'the visitor frame');
    expect(b.backend.received('v1').find((f) => f.type === 'visitor')).toEqual({ type: 'visitor', page });
  });

  it('refuses to send from a follower before it is open (the outbox keeps the frame)', async () => {
    const b = start();
    const leader = b.tab();
    await until(() => leader.link().isLeader);
    const follower = b.tab();
    expect(follower.transport.send(visitorMessage('c1', 'early'))).toBe(false);
    await until(() => follower.sink.last === 'open');
    await settle();
    expect(b.backend.messages('v1')).toEqual([]);
  });
});

describe('a tab that joins late', () => {
  it('is given the messages after its cursor, the latest team, files, availability, mode and session, and the state', async () => {
    const b = start();
    const leader = b.tab();
    await until(() => leader.sink.last === 'open');
    b.backend.reply('v1', 'one');
    leader.transport.send({ type: 'live', action: 'start' });
    await until(() => leader.sink.frames.some((f) => f.type === 'session' && f.session?.state === 'queued'));
    b.backend.reply('v1', 'three');
    await until(() => leader.sink.texts().length === 3);
    const first = leader.sink.frames.find((f) => f.type === 'message')!;
    const late = b.tab({ cursor: first.type === 'message' ? first.cursor! : null });
    await until(() => late.sink.last === 'open', 'the late tab open');
    await settle();
    expect(late.innerOpen).not.toHaveBeenCalled();
    expect(late.sink.texts()).toEqual(['queued', 'three']);
    expect(late.sink.frames.map((f) => f.type)).toEqual(['team', 'files', 'availability', 'mode', 'session', 'message', 'message']);
    expect(late.sink.frames[4]).toMatchObject({ type: 'session', restore: true, session: { state: 'queued' } });
    expect(late.sink.states).toEqual(['connecting', 'open']);
  });

  it('is given every kept message when its cursor is not among them', async () => {
    const b = start();
    const leader = b.tab();
    await until(() => leader.sink.last === 'open');
    b.backend.reply('v1', 'one');
    b.backend.reply('v1', 'two');
    await until(() => leader.sink.texts().length === 2);
    const late = b.tab({ cursor: 'unknown' });
    await until(() => late.sink.texts().length === 2);
    expect(late.sink.texts()).toEqual(['one', 'two']);
  });
});

describe('handover', () => {
  it('passes the connection to the next tab when the leader closes; the others see it open again', async () => {
    const b = start();
    const [a, next, last] = [b.tab(), b.tab(), b.tab()];
    await until(() => [a, next, last].every((t) => t.sink.last === 'open'));
    b.backend.reply('v1', 'before');
    await until(() => last!.sink.texts().length === 1);
    a!.transport.close();
    expect(a!.sink.states).toEqual(['connecting', 'open', 'closed']);
    await until(() => next!.link().isLeader && next!.sink.last === 'open', 'the next tab to lead');
    await until(() => last!.sink.last === 'open' && last!.sink.states.includes('connecting', 2), 'the last tab open again');
    // The new leader takes up where the frames it had left off.
    expect(next!.innerOpen).toHaveBeenCalledOnce();
    expect(next!.innerOpen.mock.calls[0]![0]).toMatchObject({ visitorId: 'v1', cursor: '1' });
    expect(b.connect).toHaveBeenCalledTimes(2);
    expect(last!.sink.states).toEqual(['connecting', 'open', 'connecting', 'open']);

    expect(last!.transport.send(visitorMessage('c2', 'after'))).toBe(true);
    await until(() => b.backend.messages('v1').length === 2, 'the message through the new leader');
    b.backend.reply('v1', 'reply');
    await until(() => [next, last].every((t) => t!.sink.texts().includes('reply')));
    expect(b.backend.messages('v1').map((m) => m.text)).toEqual(['before', 'after', 'reply']);
    await settle();
    expect(a!.sink.states).toEqual(['connecting', 'open', 'closed']);
  });

  it("opens the next leader's connection with the identity token identify gave", async () => {
    const b = start();
    const [a, next] = [b.tab(), b.tab()];
    await until(() => [a, next].every((t) => t!.sink.last === 'open'));
    next!.transport.send({ type: 'identify', user: { id: 'u1' }, token: 'token-1' });
    a!.transport.close();
    await until(() => next!.link().isLeader && next!.sink.last === 'open', 'the next tab to lead');
    expect(next!.innerOpen.mock.calls[0]![0]).toMatchObject({ visitorId: 'v1', user: { id: 'u1' }, token: 'token-1' });
  });

  it("opens the next leader's connection with the language and page its visitor frames gave", async () => {
    const b = start();
    const [a, next] = [b.tab(), b.tab()];
    await until(() => [a, next].every((t) => t!.sink.last === 'open'));
    next!.transport.send({ type: 'visitor', locale: 'fr', page: { url: 'https://shop.example/', title: 'Boutique' } });
    a!.transport.close();
    await until(() => next!.link().isLeader && next!.sink.last === 'open', 'the next tab to lead');
    expect(next!.innerOpen.mock.calls[0]![0]).toMatchObject({ visitorId: 'v1', locale: 'fr', page: { url: 'https://shop.example/', title: 'Boutique' } });
  });

  it('gives a tab that joined while no tab led what the new leader had before', async () => {
    const b = start();
    const old = b.tab();
    await until(() => old.link().isLeader);
    const release = blocker(b, cleanup);
    const heir = b.tab();
    b.backend.reply('v1', 'said before the gap');
    await until(() => heir.sink.texts().length === 1);
    old.transport.close();
    // Opened from storage that did not have that message yet, while the stuck tab holds the lock.
    const late = b.tab();
    await until(() => late.sink.last === 'reconnecting');
    release();
    await until(() => heir.link().isLeader && late.sink.last === 'open', 'the heir to lead');
    await until(() => late.sink.texts().length === 1, 'the catch-up');
    // The heir reconnected after what it had, so the backend replayed nothing: the message came from its ring.
    expect(heir.innerOpen.mock.calls[0]![0].cursor).toBe('1');
    expect(late.sink.texts()).toEqual(['said before the gap']);
  });

  it('reports closed once, whether the tab leads or follows, and can open again', async () => {
    const b = start();
    const [a, f] = [b.tab(), b.tab()];
    await until(() => f.sink.last === 'open');
    f.transport.close();
    f.transport.close();
    a.transport.close();
    a.transport.close();
    await settle();
    expect(f.sink.states).toEqual(['connecting', 'open', 'closed']);
    expect(a.sink.states).toEqual(['connecting', 'open', 'closed']);
    f.transport.open({ visitorId: 'v1', cursor: null }, f.sink);
    await until(() => f.sink.last === 'open' && f.link().isLeader, 'the reopened tab to lead');
  });
});
