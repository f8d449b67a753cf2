import { describe, expect, it, vi } from 'vitest';
import { memoryKeyValue } from '../../../src/storage/kv';
import { MemoryBackend } from '../../../src/transports/memory-backend';
import { setup, until } from './helpers';

async function connected(options: Parameters<typeof setup>[0] = {}) {
  const context = setup(options);
  await context.natter.start();
  context.natter.open();
  await until(() => context.natter.getState().connection === 'open', 'the connection');
  return context;
}

describe('live chat in the client', () => {
  it('offers live chat while agents are available, messaging otherwise, and fires modechange', async () => {
    const { natter, backend } = await connected();
    expect(natter.getState().offeredMode).toBe('live');
    const changes: unknown[] = [];
    const available: boolean[] = [];
    natter.on('modechange', (change) => changes.push(change));
    natter.on('availability', (value) => available.push(value));
    backend.setAvailability({ agents: false, open: true, replyMinutes: 120 });
    await until(() => natter.getState().offeredMode === 'messaging');
    expect(natter.getState().mode.availability?.replyMinutes).toBe(120);
    expect(natter.getState().available).toBe(false);
    expect(changes).toEqual([{ mode: 'messaging', phase: 'messaging' }]);
    expect(available).toEqual([false]);
    await expect(natter.startLive()).rejects.toThrow(/live chat is not offered now; send a message instead/);
  });

  it('queue → agent joins → typing → agent ends → rating → the customer writes on as messaging', async () => {
    const { natter, backend } = await connected();
    await natter.startLive();
    await until(() => natter.getState().mode.phase === 'queued', 'the queue');
    expect(natter.getState().mode.session).toMatchObject({ position: 1, waitSeconds: 60 });
    const visitorId = backend.visitorIds()[0]!;

    backend.join(visitorId, { role: 'agent', id: 'a1', name: 'Alex' });
    await until(() => natter.getState().mode.phase === 'live', 'the agent');
    expect(natter.getState().mode.session?.agent?.name).toBe('Alex');
    expect(natter.getState().messages.at(-1)?.event).toEqual({ kind: 'joined', name: 'Alex' });

    backend.typing(visitorId, true);
    await until(() => natter.getState().typing?.name === 'Alex', 'the typing indicator');
    natter.setTyping();
    natter.setTyping(); // throttled: one frame
    await until(() => backend.received(visitorId).some((f) => f.type === 'typing'));
    expect(backend.received(visitorId).filter((f) => f.type === 'typing')).toEqual([{ type: 'typing', typing: true }]);
    await natter.send('my order number is 123');
    await until(() => backend.received(visitorId).filter((f) => f.type === 'typing').length === 2, 'typing stopped on send');
    backend.reply(visitorId, 'Found it!');
    await until(() => natter.getState().typing === undefined, 'the typing indicator to clear with the reply');

    backend.end(visitorId, 'agent');
    await until(() => natter.getState().mode.phase === 'ended', 'the end');
    expect(natter.getState().mode.session).toMatchObject({ endedBy: 'agent', rated: false });
    natter.rate(5, 'Quick and kind');
    expect(natter.getState().mode.session?.rated).toBe(true);
    await until(() => backend.session(visitorId)?.rated === true);
    expect(backend.received(visitorId).find((f) => f.type === 'rating')).toEqual({ type: 'rating', sessionId: backend.session(visitorId)!.id, score: 5, comment: 'Quick and kind' });
    expect(() => natter.rate(4)).toThrow(/already rated/);

    await natter.send('One more question');
    expect(natter.getState().mode.phase).toBe('messaging');
  });

  it('refuses illegal session changes from the backend with a warning, changing nothing', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { natter, backend } = await connected();
    await natter.startLive();
    await until(() => natter.getState().mode.phase === 'queued');
    const visitorId = backend.visitorIds()[0]!;
    backend.end(visitorId, 'timeout');
    await until(() => natter.getState().mode.phase === 'ended');
    const before = natter.getState().mode;
    // A confused backend: an agent joins the ended session, then a session nobody asked for ends.
    backend.deliver(visitorId, { type: 'session', session: { id: before.session!.id, state: 'live', agent: { role: 'agent', name: 'Sam' } } });
    backend.deliver(visitorId, { type: 'session', session: { id: 'ghost', state: 'ended', endedBy: 'agent' } });
    await until(() => warn.mock.calls.length >= 2, 'the warnings');
    expect(warn.mock.calls.map(([message]) => message)).toEqual([
      `Natter: ignored a mode change: cannot join session ${before.session!.id} in phase ended`,
      'Natter: ignored a mode change: cannot end session ghost in phase ended',
    ]);
    expect(natter.getState().mode).toBe(before);
    warn.mockRestore();
  });

  it('a live session survives a reload: same phase and agent at once, then confirmed by the backend', async () => {
    const kv = memoryKeyValue();
    const backend = new MemoryBackend();
    const first = await connected({ kv, backend });
    await first.natter.startLive();
    await until(() => first.natter.getState().mode.phase === 'queued');
    backend.join(backend.visitorIds()[0]!, { role: 'agent', id: 'a1', name: 'Alex' });
    await until(() => first.natter.getState().mode.phase === 'live');
    first.natter.stop();

    backend.online = false;
    const second = setup({ kv, backend });
    await second.natter.start();
    expect(second.natter.getState().mode).toMatchObject({ phase: 'live', session: { agent: { name: 'Alex' } } });
    backend.online = true;
    await until(() => second.natter.getState().connection === 'open');
    expect(second.natter.getState().mode.phase).toBe('live');
  });

  it('email capture: validated, stored with the user, sent to the backend', async () => {
    const { natter, backend } = await connected();
    backend.setAvailability({ agents: false, open: false, awayMessage: 'We are closed.' });
    await expect(natter.leaveEmail('ana@')).rejects.toThrow(/not an email address/);
    expect(backend.visitorIds().flatMap((id) => backend.received(id))).toEqual([]);
    await natter.leaveEmail(' ana@example.com ');
    expect(natter.getState().email).toBe('ana@example.com');
    const visitorId = backend.visitorIds()[0]!;
    await until(() => backend.user(visitorId)?.email === 'ana@example.com');
    await until(() => natter.getState().messages.some((m) => m.event?.kind === 'email'));
  });

  it('handoff goes to the live queue when agents are there, or stays messaging with a note', async () => {
    const { natter, backend } = await connected();
    await natter.handoff();
    await until(() => natter.getState().mode.phase === 'queued');
    expect(natter.getState().messages.at(-1)?.event).toEqual({ kind: 'handoff', to: 'live' });

    const other = await connected();
    other.backend.setAvailability({ agents: false, open: true });
    await until(() => other.natter.getState().offeredMode === 'messaging');
    await other.natter.handoff();
    await until(() => other.natter.getState().messages.some((m) => m.event?.kind === 'handoff'));
    expect(other.natter.getState().mode.phase).toBe('messaging');
  });

  it('setMode refuses unknown modes with a clear error', async () => {
    const { natter } = await connected();
    expect(() => natter.setMode('video' as never)).toThrow('Natter.setMode: cannot use mode "video" (unknown; use "live", "messaging" or "auto").');
    natter.setMode('messaging');
    expect(natter.getState().offeredMode).toBe('messaging');
  });
});
