/**
 * Live chat through the router on a real Prosody: availability from agents' presence, the queue, the
 * invitation and assignment, the session pushed to the visitor, the rating stored — and the room working
 * on with the router stopped.
 */
import { DatabaseSync } from 'node:sqlite';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { el, type XmppClient } from './client.ts';
import { enterRoom, frameJson, isPush, isRoomMessage, RouterFixture, roomMessage } from './router-fixture.ts';

const f = new RouterFixture();
beforeAll(() => f.start(['ana', 'ben', 'cy']));
afterAll(() => f.stop());

const isInvitation = (room: string) => (s: { name: string; child: XmppClient['received'][number]['child'] }) =>
  s.name === 'message' && s.child('x', 'jabber:x:conference')?.attrs.jid === room;

test('agents\' presence makes the team available; live start queues, invites one agent, and goes live when they enter', async () => {
  const visitor = await f.visitor('live-visitor');
  const { room, availability } = (await f.hello(visitor)) as { room: string; availability: { agents: boolean } };
  expect(availability.agents).toBe(false);
  await enterRoom(visitor, room, 'Visitor');

  const ana = await f.agent('ana');
  await visitor.waitFor(isPush('availability', (frame) => (frame.availability as { agents: boolean }).agents), { what: 'availability: agents' });
  expect(((await f.hello(visitor)) as { availability: { agents: boolean } }).availability.agents).toBe(true);

  expect(await f.request(visitor, { type: 'live', action: 'start' })).toEqual({ type: 'ok' });
  const queued = await visitor.waitFor(isPush('session', (frame) => (frame.session as { state: string }).state === 'queued'), { what: 'queued session' });
  expect((frameJson(queued).session as { position: number }).position).toBe(1);
  await visitor.waitFor(isRoomMessage(room, (body) => body === 'Waiting for an agent'), { what: 'queued line' });

  const invitation = await ana.waitFor(isInvitation(room), { what: 'invitation' });
  expect(invitation.attrs.from).toBe(f.prosody.router);
  await enterRoom(ana, room, 'Ana');
  const live = await visitor.waitFor(isPush('session', (frame) => (frame.session as { state: string }).state === 'live'), { what: 'live session' });
  const session = frameJson(live).session as { id: string; agent: { role: string; name: string } };
  expect(session.agent).toEqual({ role: 'agent', id: f.agentJid('ana'), name: 'Ana' });
  const joined = await visitor.waitFor(isRoomMessage(room, (body) => body === 'Ana joined'), { what: 'joined line' });
  expect(frameJson(joined, 'natter')).toEqual({ author: { role: 'system' }, event: { kind: 'joined', name: 'Ana' } });

  ana.send(roomMessage(room, 'agent-1', 'Hi, Ana here. How can I help?'));
  await visitor.waitFor(isRoomMessage(room, (body, s) => body === 'Hi, Ana here. How can I help?' && s.attrs.from === `${room}/Ana`), { what: 'agent answer' });
  visitor.send(roomMessage(room, 'visitor-1', 'My parcel is late'));
  await ana.waitFor(isRoomMessage(room, (body) => body === 'My parcel is late'), { what: 'visitor message at the agent' });

  // A second request while live is refused by the desk, as on the reference backend.
  expect(await f.request(visitor, { type: 'live', action: 'start' })).toMatchObject({ type: 'error', code: 'invalid_transition' });
  expect(await f.request(visitor, { type: 'live', action: 'end' })).toEqual({ type: 'ok' });
  await visitor.waitFor(isPush('session', (frame) => (frame.session as { state: string }).state === 'ended'), { what: 'ended session' });
  expect(await f.request(visitor, { type: 'rate', sessionId: session.id, score: 5, comment: 'Quick and kind' })).toEqual({ type: 'ok' });
  await visitor.waitFor(isPush('session', (frame) => (frame.session as { rated?: boolean }).rated === true), { what: 'rated session' });
  expect(await f.request(visitor, { type: 'rate', sessionId: session.id, score: 1 })).toMatchObject({ type: 'error', code: 'invalid_transition' });

  f.router!.store.flush();
  const db = new DatabaseSync(path.join(f.dataDir, 'natter.db'), { readOnly: true });
  const stored = db.prepare('SELECT session FROM sessions WHERE id = ?').get(session.id) as { session: string };
  db.close();
  expect(JSON.parse(stored.session)).toMatchObject({ state: 'ended', endedBy: 'visitor', rated: true, rating: { score: 5, comment: 'Quick and kind' } });

  // The archive replays the session's lines for any later device.
  const archived = (await visitor.mam(room)).items.map((item) => item.message.childText('body'));
  expect(archived).toEqual(expect.arrayContaining(['Waiting for an agent', 'Ana joined', 'Hi, Ana here. How can I help?', 'Rated 5 out of 5 — thank you!']));

  ana.send(el('presence', { to: f.prosody.router, type: 'unavailable' }));
  await visitor.waitFor(isPush('availability', (frame) => !(frame.availability as { agents: boolean }).agents), { what: 'availability: nobody', since: visitor.received.length });
});

test('an agent ends the chat by telling the router "end"; "queue" lists who waits', async () => {
  const ana = await f.agent('ana');
  const visitor = await f.visitor('ended-by-agent');
  const { room } = (await f.hello(visitor)) as { room: string };
  await enterRoom(visitor, room, 'Visitor');
  const chat = (text: string) => ana.send(el('message', { type: 'chat', to: f.prosody.router }, el('body', {}, text)));
  const answer = (test: (body: string) => boolean) =>
    ana.waitFor((s) => s.name === 'message' && s.attrs.type === 'chat' && s.attrs.from === f.prosody.router && test(s.childText('body') ?? ''), { what: 'the router\'s answer' });
  expect(await f.request(visitor, { type: 'live', action: 'start' })).toEqual({ type: 'ok' });
  chat('queue');
  expect((await answer((body) => body.startsWith('Waiting'))).childText('body')).toContain(`1. ${room}`);
  await ana.waitFor(isInvitation(room), { what: 'invitation' });
  await enterRoom(ana, room, 'Ana');
  await visitor.waitFor(isPush('session', (frame) => (frame.session as { state: string }).state === 'live'), { what: 'live session' });
  chat('end');
  const ended = await visitor.waitFor(isPush('session', (frame) => (frame.session as { state: string }).state === 'ended'), { what: 'ended session' });
  expect(frameJson(ended).session).toMatchObject({ state: 'ended', endedBy: 'agent', rated: false });
  await visitor.waitFor(isRoomMessage(room, (body) => body === "Chat ended — write here any time and we'll reply"), { what: 'ended line' });
  expect((await answer((body) => body.startsWith('Ended'))).childText('body')).toBe(`Ended the chat in ${room}.`);
  chat('end');
  await answer((body) => body === 'You have no live chat to end.');
  chat('what?');
  await answer((body) => body.startsWith('Commands:'));
  ana.send(el('presence', { to: f.prosody.router, type: 'unavailable' }));
});

test('a visitor message in a room without agents is announced to the available agents', async () => {
  const ben = await f.agent('ben');
  const visitor = await f.visitor('notify-visitor');
  const { room } = (await f.hello(visitor)) as { room: string };
  await enterRoom(visitor, room, 'Visitor');
  visitor.send(roomMessage(room, 'n-1', 'Is anyone there?'));
  const note = await ben.waitFor(isInvitation(room), { what: 'announcement' });
  expect(note.childText('body')).toContain('Is anyone there?');
  await enterRoom(ben, room, 'Ben');
});

test('with the router stopped, visitor and agent still write and read in the room; it comes back by itself', async () => {
  const visitor = await f.visitor('router-down');
  const { room } = (await f.hello(visitor)) as { room: string };
  await enterRoom(visitor, room, 'Visitor');
  const ana = await f.agent('ana');
  visitor.send(roomMessage(room, 'd-0', 'Hello?'));
  await ana.waitFor(isInvitation(room), { what: 'invitation' });
  await enterRoom(ana, room, 'Ana');

  await f.stopRouter();
  await visitor.waitFor((s) => s.name === 'presence' && s.attrs.from === `${room}/Natter` && s.attrs.type === 'unavailable', { what: 'router leaving' });
  await expect(f.hello(visitor)).rejects.toMatchObject({ condition: expect.stringMatching(/service-unavailable|remote-server-not-found|remote-server-timeout/) });
  visitor.send(roomMessage(room, 'd-1', 'Still there?'));
  await ana.waitFor(isRoomMessage(room, (body) => body === 'Still there?'), { what: 'visitor message, router down' });
  ana.send(roomMessage(room, 'd-2', 'Yes, still here.'));
  await visitor.waitFor(isRoomMessage(room, (body) => body === 'Yes, still here.'), { what: 'agent message, router down' });
  const archived = (await visitor.mam(room)).items.map((item) => item.message.childText('body'));
  expect(archived.slice(-2)).toEqual(['Still there?', 'Yes, still here.']);
  // Nobody speaks as the router or as the visitor, even while they are out: those nicks are reserved.
  const second = await f.login('ben', 'password-of-ben');
  await expect(enterRoom(second, room, 'Natter')).rejects.toThrow('conflict');
  await expect(enterRoom(second, room, 'Visitor')).rejects.toThrow('conflict');

  await f.startRouter(['ana', 'ben', 'cy']);
  expect(await f.hello(visitor)).toMatchObject({ type: 'welcome', room });
});

test('an agent who subscribed to the router once is seen at every later login without directed presence', async () => {
  const first = await f.login('cy', 'password-of-cy');
  // Pre-approve the router's request back, then subscribe (docs/xmpp.md, "Agents' clients").
  first.send(el('presence', { type: 'subscribed', to: f.prosody.router }));
  first.send(el('presence', { type: 'subscribe', to: f.prosody.router }));
  await first.waitFor((s) => s.name === 'presence' && s.attrs.from === f.prosody.router && s.attrs.type === undefined, { what: "the router's presence" });
  for (let i = 0; i < 100 && !f.router!.availableAgents().includes(f.agentJid('cy')); i++) await new Promise((r) => setTimeout(r, 20));
  expect(f.router!.availableAgents()).toContain(f.agentJid('cy'));
  first.close();
  for (let i = 0; i < 100 && f.router!.availableAgents().includes(f.agentJid('cy')); i++) await new Promise((r) => setTimeout(r, 20));
  expect(f.router!.availableAgents()).not.toContain(f.agentJid('cy'));
  await f.login('cy', 'password-of-cy');
  for (let i = 0; i < 100 && !f.router!.availableAgents().includes(f.agentJid('cy')); i++) await new Promise((r) => setTimeout(r, 20));
  expect(f.router!.availableAgents()).toContain(f.agentJid('cy'));
});
