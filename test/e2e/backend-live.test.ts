/**
 * The reference backend's live chat, for real over WebSockets: queue → accept → live (typing both ways)
 * → end → rate once → email, and all of it still there after a restart. Plus the transitions it refuses,
 * leaving the queue, and the inactivity timeout.
 */
import { afterEach, expect, test } from 'vitest';
import { TestBackend, say, type Frame } from './backend-peer';

let backend: TestBackend;

afterEach(async () => {
  expect(backend.invalidFrames()).toEqual([]);
  await backend.dispose();
});

const isEvent = (kind: string) => (f: Frame) => f.type === 'item' && f.item.event?.kind === kind;

test('a live chat from queue to rating, then messaging in the same thread, all kept across a restart', async () => {
  backend = new TestBackend({ bot: false });
  await backend.start();
  const alex = await backend.agent('Alex');
  const { peer: vera, welcome } = await backend.visitor('visitor-vera-0001', { user: { name: 'Vera' } });

  expect(welcome).toMatchObject({
    available: true,
    availability: { agents: true, open: true, replyMinutes: 120, awayMessage: expect.stringContaining('Leave a message') },
    mode: null,
    session: null,
  });
  expect(welcome.availability.nextOpenAt).toBeUndefined();
  const conversationId: string = welcome.conversationId;

  // Queued.
  vera.send({ type: 'live', action: 'start' });
  const queuedItem = (await vera.take(isEvent('queued'))).item;
  expect(queuedItem).toMatchObject({ author: { role: 'system' }, text: 'Waiting for an agent', event: { kind: 'queued' } });
  expect(queuedItem.clientId).toBeUndefined();
  const queued = (await vera.type('session')).session;
  expect(queued).toMatchObject({ state: 'queued', position: 1, waitSeconds: 120 });
  const seen = await alex.peer.type('conversation', (f) => f.conversation.session?.state === 'queued');
  expect(seen.conversation).toMatchObject({ id: conversationId, session: { id: queued.id, position: 1 }, ratings: [], needsPerson: false });

  // A second visitor queues behind; when Vera is taken, Otto moves up.
  const { peer: otto } = await backend.visitor('visitor-otto-0001');
  otto.send({ type: 'live', action: 'start' });
  expect((await otto.type('session')).session).toMatchObject({ state: 'queued', position: 2, waitSeconds: 240 });

  // Accepted: live with Alex.
  alex.peer.send({ type: 'accept', conversationId });
  const joined = (await vera.take(isEvent('joined'))).item;
  expect(joined).toMatchObject({ text: 'Alex joined', event: { kind: 'joined', name: 'Alex' } });
  const live = (await vera.type('session')).session;
  expect(live).toMatchObject({ id: queued.id, state: 'live', agent: { role: 'agent', id: alex.snapshot.you.id, name: 'Alex' } });
  expect((await otto.type('session')).session).toMatchObject({ state: 'queued', position: 1 });

  // Only one agent per session.
  const sam = await backend.agent('Sam');
  sam.peer.send({ type: 'accept', conversationId });
  expect(await sam.peer.type('error')).toMatchObject({ code: 'invalid_transition', message: expect.stringContaining('already live with Alex') });

  // Typing, both ways.
  vera.send({ type: 'typing', typing: true });
  expect(await alex.peer.type('typing')).toEqual({ type: 'typing', conversationId, typing: true });
  alex.peer.send({ type: 'typing', conversationId, typing: true });
  expect(await vera.type('typing')).toEqual({ type: 'typing', typing: true, author: { role: 'agent', id: alex.snapshot.you.id, name: 'Alex' } });
  alex.peer.send({ type: 'reply', conversationId, clientId: 'r1', text: 'Hi Vera!' });
  await vera.type('item', (f) => f.item.text === 'Hi Vera!');

  // The agent ends it.
  alex.peer.send({ type: 'end', conversationId });
  const ended = (await vera.take(isEvent('ended'))).item;
  expect(ended).toMatchObject({ author: { role: 'system' }, event: { kind: 'ended', by: 'agent' } });
  expect(ended.text).toMatch(/Chat ended/);
  expect((await vera.type('session')).session).toMatchObject({ id: queued.id, state: 'ended', endedBy: 'agent', rated: false });

  // Typing means nothing any more.
  alex.peer.skipAll();
  vera.send({ type: 'typing', typing: true });
  await alex.peer.none((f) => f.type === 'typing');

  // Rated once, with a comment the agents see.
  vera.send({ type: 'rate', sessionId: queued.id, score: 4, comment: '  Quick and kind.  ' });
  expect((await vera.take(isEvent('rated'))).item.event).toEqual({ kind: 'rated', score: 4 });
  expect((await vera.type('session')).session).toMatchObject({ id: queued.id, state: 'ended', rated: true });
  const rated = await alex.peer.type('conversation', (f) => f.conversation.ratings.length > 0);
  expect(rated.conversation.ratings).toEqual([{ sessionId: queued.id, score: 4, comment: 'Quick and kind.', at: expect.any(Number) }]);

  vera.skipAll();
  vera.send({ type: 'rate', sessionId: queued.id, score: 1 });
  expect(await vera.type('error')).toMatchObject({ code: 'invalid_transition', message: expect.stringContaining('already rated') });
  await vera.none((f) => f.type === 'item' || f.type === 'session');

  // Email capture.
  vera.send({ type: 'email', email: 'vera@example.com' });
  expect((await vera.take(isEvent('email'))).item).toMatchObject({ text: "We'll email you at vera@example.com when we reply", event: { kind: 'email', email: 'vera@example.com' } });
  expect((await alex.peer.type('conversation', (f) => f.conversation.user.email !== undefined)).conversation.user).toEqual({ name: 'Vera', email: 'vera@example.com' });

  // The thread goes on as messaging.
  const ack = await say(vera, 'One more question, by message.');
  expect(ack.seq).toBeGreaterThan(ended.seq);

  // Restart: everything is still there.
  await backend.stop();
  await backend.start();
  const again = await backend.visitor('visitor-vera-0001');
  expect(again.welcome.conversationId).toBe(conversationId);
  expect(again.welcome.session).toEqual({ id: queued.id, state: 'ended', agent: { role: 'agent', id: alex.snapshot.you.id, name: 'Alex' }, endedBy: 'agent', rated: true });
  expect(again.items.map((i) => i.event?.kind ?? i.author.role)).toEqual(['queued', 'joined', 'agent', 'ended', 'rated', 'email', 'visitor']);
  const { snapshot } = await backend.agent('Alex');
  const stored = snapshot.conversations.find((c: Frame) => c.id === conversationId);
  expect(stored).toMatchObject({
    user: { name: 'Vera', email: 'vera@example.com' },
    session: { id: queued.id, state: 'ended', endedBy: 'agent', rated: true },
    ratings: [{ sessionId: queued.id, score: 4, comment: 'Quick and kind.' }],
  });
  // The rating still counts: no second one.
  again.peer.send({ type: 'rate', sessionId: queued.id, score: 5 });
  expect(await again.peer.type('error')).toMatchObject({ code: 'invalid_transition' });
  // Otto is still waiting, first in line.
  const ottoAgain = await backend.visitor('visitor-otto-0001');
  expect(ottoAgain.welcome.session).toMatchObject({ state: 'queued', position: 1 });
});

test('a visitor leaves the queue; the ones behind move up', async () => {
  backend = new TestBackend({ bot: false });
  await backend.start();
  const alex = await backend.agent('Alex');
  const first = await backend.visitor('visitor-first-001');
  const second = await backend.visitor('visitor-second-01');
  first.peer.send({ type: 'live', action: 'start' });
  await first.peer.type('session');
  second.peer.send({ type: 'live', action: 'start' });
  expect((await second.peer.type('session')).session.position).toBe(2);

  first.peer.send({ type: 'live', action: 'end' });
  expect((await first.peer.take(isEvent('ended'))).item.event).toEqual({ kind: 'ended', by: 'visitor' });
  expect((await first.peer.type('session')).session).toMatchObject({ state: 'ended', endedBy: 'visitor', rated: false });
  expect((await second.peer.type('session')).session).toMatchObject({ state: 'queued', position: 1 });
  const view = await alex.peer.type('conversation', (f) => f.conversation.id === first.welcome.conversationId && f.conversation.session?.state === 'ended');
  expect(view.conversation.session.endedBy).toBe('visitor');

  // Ended: the agent can no longer accept it.
  alex.peer.send({ type: 'accept', conversationId: first.welcome.conversationId });
  expect(await alex.peer.type('error')).toMatchObject({ code: 'invalid_transition', message: expect.stringContaining('already ended') });
});

test('the transitions that make no sense are refused and change nothing', async () => {
  backend = new TestBackend({ bot: false });
  await backend.start();
  const alex = await backend.agent('Alex');
  const { peer, welcome } = await backend.visitor('visitor-refused-1');
  const conversationId = welcome.conversationId;

  peer.send({ type: 'rate', sessionId: 'no-such-session', score: 5 });
  expect(await peer.type('error')).toMatchObject({ code: 'invalid_transition', message: expect.stringContaining('no live chat') });
  peer.send({ type: 'live', action: 'end' });
  expect(await peer.type('error')).toMatchObject({ code: 'invalid_transition' });
  alex.peer.send({ type: 'accept', conversationId });
  expect(await alex.peer.type('error')).toMatchObject({ code: 'invalid_transition', message: expect.stringContaining('no live chat request') });
  alex.peer.send({ type: 'end', conversationId });
  expect(await alex.peer.type('error')).toMatchObject({ code: 'invalid_transition' });
  alex.peer.send({ type: 'accept', conversationId: 'nope' });
  expect(await alex.peer.type('error')).toMatchObject({ code: 'unknown_conversation' });
  await peer.none((f) => f.type === 'item' || f.type === 'session', 100);

  // Queued: rating is premature, a second start is refused.
  peer.send({ type: 'live', action: 'start' });
  const session = (await peer.type('session')).session;
  peer.send({ type: 'rate', sessionId: session.id, score: 5 });
  expect(await peer.type('error')).toMatchObject({ code: 'invalid_transition', message: expect.stringContaining('has not ended') });
  peer.send({ type: 'live', action: 'start' });
  expect(await peer.type('error')).toMatchObject({ code: 'invalid_transition', message: expect.stringContaining('already waiting') });
  peer.send({ type: 'handoff' });
  expect(await peer.type('error')).toMatchObject({ code: 'invalid_transition' });

  // Accepting the same session twice.
  alex.peer.send({ type: 'accept', conversationId });
  await peer.type('session', (f) => f.session.state === 'live');
  alex.peer.send({ type: 'accept', conversationId });
  expect(await alex.peer.type('error')).toMatchObject({ code: 'invalid_transition', message: expect.stringContaining('already live with you') });

  // A malformed rating is a frame error, not a transition.
  peer.send({ type: 'rate', sessionId: session.id, score: 9 });
  expect(await peer.type('error')).toMatchObject({ code: 'invalid_frame' });
  peer.send({ type: 'email', email: 'not an address' });
  expect(await peer.type('error')).toMatchObject({ code: 'invalid_frame' });
});

test('a live session without messages ends by timeout; messages keep it going', async () => {
  backend = new TestBackend({ bot: false, sessionTimeoutMs: 600 });
  await backend.start();
  const alex = await backend.agent('Alex');
  const { peer, welcome } = await backend.visitor('visitor-timeout-1');
  peer.send({ type: 'live', action: 'start' });
  await peer.type('session');
  alex.peer.send({ type: 'accept', conversationId: welcome.conversationId });
  await peer.type('session', (f) => f.session.state === 'live');
  const liveAt = Date.now();

  // A message at 400 ms pushes the end to about 1000 ms.
  await new Promise((resolve) => setTimeout(resolve, 400));
  await say(peer, 'Still here');
  const ended = await peer.take(isEvent('ended'), 3000);
  expect(Date.now() - liveAt).toBeGreaterThanOrEqual(950);
  expect(ended.item.event).toEqual({ kind: 'ended', by: 'timeout' });
  expect((await peer.type('session')).session).toMatchObject({ state: 'ended', endedBy: 'timeout', rated: false });
  expect((await alex.peer.type('conversation', (f) => f.conversation.session?.state === 'ended')).conversation.session.endedBy).toBe('timeout');
});

test('after a restart a queued session is still queued and a live one still live; another agent can carry on', async () => {
  backend = new TestBackend({ bot: false });
  await backend.start();
  const alex = await backend.agent('Alex');
  const live = await backend.visitor('visitor-restart-live');
  const waiting = await backend.visitor('visitor-restart-wait');
  live.peer.send({ type: 'live', action: 'start' });
  await live.peer.type('session');
  waiting.peer.send({ type: 'live', action: 'start' });
  await waiting.peer.type('session');
  alex.peer.send({ type: 'accept', conversationId: live.welcome.conversationId });
  await live.peer.type('session', (f) => f.session.state === 'live');

  await backend.stop();
  await backend.start();
  const liveAgain = await backend.visitor('visitor-restart-live');
  expect(liveAgain.welcome.session).toMatchObject({ state: 'live', agent: { name: 'Alex' } });
  const waitingAgain = await backend.visitor('visitor-restart-wait');
  expect(waitingAgain.welcome.session).toMatchObject({ state: 'queued', position: 1 });

  // Alex's old connection is gone; Sam takes the live chat over, and the queue still works.
  const sam = await backend.agent('Sam');
  const views = new Map(sam.snapshot.conversations.map((c: Frame) => [c.id, c]));
  expect(views.get(live.welcome.conversationId)).toMatchObject({ session: { state: 'live', agent: { name: 'Alex' } } });
  expect(views.get(waiting.welcome.conversationId)).toMatchObject({ session: { state: 'queued', position: 1 } });
  sam.peer.send({ type: 'accept', conversationId: live.welcome.conversationId });
  expect((await liveAgain.peer.take(isEvent('joined'))).item.text).toBe('Sam joined');
  expect((await liveAgain.peer.type('session')).session).toMatchObject({ state: 'live', agent: { name: 'Sam' } });
  sam.peer.send({ type: 'accept', conversationId: waiting.welcome.conversationId });
  expect((await waitingAgain.peer.type('session')).session).toMatchObject({ state: 'live', agent: { name: 'Sam' } });
});
