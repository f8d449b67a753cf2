/**
 * The routing service on a real Prosody: rooms, welcome, the bot, email capture, and what a visitor
 * cannot do (enter another visitor's room, have the router let them in, send it garbage).
 */
import { DatabaseSync } from 'node:sqlite';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { BOT_AUTHOR, decide, INITIAL_BOT_STATE } from '../../../demo/bot.ts';
import { el, StanzaError } from './client.ts';
import { enterRoom, frameJson, isRoomMessage, RouterFixture, roomMessage } from './router-fixture.ts';

const f = new RouterFixture();
beforeAll(() => f.start(['ana']));
afterAll(() => f.stop());

test("hello creates the visitor's members-only, persistent, archived, hidden room and answers welcome", async () => {
  const visitor = await f.visitor('secret-one');
  const welcome = await f.hello(visitor, { locale: 'en' });
  const room = `${visitor.jid.split('@')[0]}@${f.prosody.rooms}`;
  expect(welcome).toEqual({
    type: 'welcome',
    room,
    nick: 'Visitor',
    team: 'Natter Demo Shop',
    availability: expect.objectContaining({ agents: false, open: true }),
    mode: null,
    session: null,
  });
  const info = await visitor.iq(el('iq', { type: 'get', to: room }, el('query', { xmlns: 'http://jabber.org/protocol/disco#info' })));
  const features = info.child('query')!.elements('feature').map((feature) => feature.attrs.var);
  expect(features).toEqual(expect.arrayContaining(['muc_membersonly', 'muc_persistent', 'muc_hidden', 'urn:xmpp:mam:2']));
  const self = await enterRoom(visitor, room, 'Visitor');
  expect(self.attrs.type).toBeUndefined();
  // The router sits in the room as Natter.
  await visitor.waitFor((s) => s.name === 'presence' && s.attrs.from === `${room}/Natter`, { what: 'the router in the room' });
});

test('a second hello (another tab) gets the same room, and the visitor stays a member', async () => {
  const tab1 = await f.visitor('secret-two');
  const first = await f.hello(tab1);
  const tab2 = await f.visitor('secret-two');
  const second = await f.hello(tab2);
  expect(second.room).toBe(first.room);
  await enterRoom(tab2, String(second.room), 'Visitor');
  const rooms = await tab2.iq(el('iq', { type: 'get', to: f.prosody.rooms }, el('query', { xmlns: 'http://jabber.org/protocol/disco#items' })));
  // Hidden rooms are not listed to anyone.
  expect(rooms.child('query')!.elements('item')).toEqual([]);
});

test("a first visitor message gets the reference backend's bot answer from Natter, and the archive keeps both", async () => {
  const visitor = await f.visitor('secret-bot');
  const { room } = (await f.hello(visitor, { locale: 'en' })) as { room: string };
  await enterRoom(visitor, room, 'Visitor');
  const text = 'How long does shipping take?';
  visitor.send(roomMessage(room, 'client-1', text));
  const expected = decide({ text, locale: 'en', state: INITIAL_BOT_STATE, firstVisitorMessage: true, someoneAvailable: false, hours: undefined });
  expect(expected.replies).toHaveLength(2);
  for (const reply of expected.replies) {
    const line = await visitor.waitFor(isRoomMessage(room, (body) => body === reply.text), { what: `bot reply "${reply.text.slice(0, 30)}…"` });
    expect(line.attrs.from).toBe(`${room}/Natter`);
    expect(frameJson(line, 'natter')).toEqual({ author: BOT_AUTHOR, quickReplies: reply.quickReplies });
  }
  const archive = await visitor.mam(room);
  const bodies = archive.items.map((item) => item.message.childText('body'));
  expect(bodies).toEqual([text, ...expected.replies.map((r) => r.text)]);
  expect(archive.items[0]!.message.child('origin-id')?.attrs.id).toBe('client-1');
  expect(frameJson(archive.items[1]!.message, 'natter')).toMatchObject({ author: { role: 'bot' } });
});

test('an email is stored (SQLite in DATA_DIR) and announced in the room as a system line', async () => {
  const visitor = await f.visitor('secret-email');
  const { room } = (await f.hello(visitor)) as { room: string };
  await enterRoom(visitor, room, 'Visitor');
  expect(await f.request(visitor, { type: 'email', email: 'ana@example.com' })).toEqual({ type: 'ok' });
  const line = await visitor.waitFor(isRoomMessage(room, (body) => body.includes('ana@example.com')), { what: 'email line' });
  expect(frameJson(line, 'natter')).toEqual({ author: { role: 'system' }, event: { kind: 'email', email: 'ana@example.com' } });
  f.router!.store.flush();
  const db = new DatabaseSync(path.join(f.dataDir, 'natter.db'), { readOnly: true });
  const rows = db.prepare('SELECT user FROM conversations WHERE visitor_id = ?').all(visitor.jid.split('/')[0]!) as Array<{ user: string }>;
  db.close();
  expect(rows.map((row) => JSON.parse(row.user))).toEqual([{ email: 'ana@example.com' }]);
  expect(await f.request(visitor, { type: 'email', email: 'not an address' })).toMatchObject({ type: 'error', code: 'invalid_frame' });
});

test("a visitor cannot enter another visitor's room, create rooms, or get the router to let them in", async () => {
  const owner = await f.visitor('secret-owner');
  const { room } = (await f.hello(owner)) as { room: string };
  const intruder = await f.visitor('secret-intruder');
  await expect(enterRoom(intruder, room, 'Intruder')).rejects.toThrow('registration-required');
  // The visitor's nick is reserved for the visitor's account.
  await expect(enterRoom(intruder, room, 'Visitor')).rejects.toThrow('conflict');
  // The router derives the room from the sender alone: a hello names no room, and the intruder gets their own.
  const own = await f.hello(intruder, { visitorId: room, user: { id: room } });
  expect(own.room).not.toBe(room);
  await expect(enterRoom(intruder, room, 'Intruder')).rejects.toThrow('registration-required');
  // Nobody but the router creates rooms.
  await expect(enterRoom(intruder, `v${'0'.repeat(40)}@${f.prosody.rooms}`, 'Visitor')).rejects.toThrow('not-allowed');
});

test('requests from non-visitors are refused and logged; malformed frames get an error frame', async () => {
  const stranger = await f.login('mallory', 'password-of-mallory');
  const refused = f.hello(stranger);
  await expect(refused).rejects.toBeInstanceOf(StanzaError);
  await expect(refused).rejects.toMatchObject({ condition: 'forbidden' });
  expect(f.logs.some((line) => line.includes('ignored a request from mallory@'))).toBe(true);
  const visitor = await f.visitor('secret-garbage');
  expect(await f.request(visitor, { type: 'send', clientId: 'x', text: 'hi', createdAt: 1 })).toMatchObject({ type: 'error', code: 'invalid_frame' });
  expect(await f.request(visitor, { type: 'live', action: 'start' })).toMatchObject({ type: 'error', code: 'not_ready' });
  expect(await f.hello(visitor, { v: 99 })).toMatchObject({ type: 'error', code: 'unsupported_version' });
  const bad = await visitor.iq(el('iq', { type: 'set', to: f.prosody.router }, el('frame', { xmlns: 'urn:natter:router:0' }, '{not json')));
  expect(frameJson(bad)).toMatchObject({ type: 'error', code: 'invalid_frame', message: 'the frame is not JSON' });
});

test('identify is stored; handoff with nobody available goes to the inbox with a system line, and quiets the bot', async () => {
  const visitor = await f.visitor('secret-handoff');
  const { room } = (await f.hello(visitor)) as { room: string };
  await enterRoom(visitor, room, 'Visitor');
  expect(await f.request(visitor, { type: 'identify', user: { name: 'Chris', email: 'chris@example.com' } })).toEqual({ type: 'ok' });
  expect(f.router!.store.findByVisitor(visitor.jid.split('/')[0]!)?.meta.user).toEqual({ name: 'Chris', email: 'chris@example.com' });
  expect(await f.request(visitor, { type: 'handoff' })).toEqual({ type: 'ok' });
  const line = await visitor.waitFor(isRoomMessage(room, (body) => body === 'A person will reply here as soon as possible'), { what: 'handoff line' });
  expect(frameJson(line, 'natter')).toEqual({ author: { role: 'system' }, event: { kind: 'handoff', to: 'messaging' } });
  visitor.send(roomMessage(room, 'h-1', 'What about shipping?'));
  await visitor.waitFor(isRoomMessage(room, (body) => body === 'What about shipping?'), { what: 'reflection' });
  // The bot stays quiet until an agent has replied, as on the reference backend.
  await new Promise((resolve) => setTimeout(resolve, 300));
  // (Its lines: a subject change is no line.)
  const fromNatter = visitor.received.filter(isRoomMessage(room, (_body, s) => s.attrs.from === `${room}/Natter` && s.child('subject') === undefined));
  expect(fromNatter.map((s) => s.childText('body'))).toEqual(['A person will reply here as soon as possible']);
  // The room said it had no subject when the visitor entered; then the router set who the customer is.
  expect(visitor.received.filter((s) => s.child('subject')).map((s) => s.childText('subject'))).toEqual(['', 'Not verified: Chris · chris@example.com']);
});
