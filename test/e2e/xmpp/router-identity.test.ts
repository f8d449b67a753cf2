/**
 * Verified customers on the router (IDENTITY_SECRET), on a real Prosody: a valid token's customer is who
 * the token says, and follows their one conversation — its room — from a second device; a claim without a
 * valid token is refused in the reference backend's words and lets nobody into anyone's room.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { routerOptionsFromEnv } from '../../../demo/xmpp/router.ts';
import type { XmlElement, XmppClient } from './client.ts';
import { enterRoom, frameJson, IDENTITY_SECRET, isPush, isRoomMessage, RouterFixture, roomMessage, signIdentity } from './router-fixture.ts';

const f = new RouterFixture();
beforeAll(() => f.start(['ana'], { bot: false, identity: { secret: IDENTITY_SECRET } }));
afterAll(() => f.stop());

const bare = (client: XmppClient): string => client.jid.split('/')[0]!;
const ownRoom = (client: XmppClient): string => `${client.jid.split('@')[0]}@${f.prosody.rooms}`;

test('IDENTITY_SECRET and IDENTITY_AUDIENCE are read as on the reference backend', () => {
  const base = { XMPP_COMPONENT_DOMAIN: 'r.x', XMPP_COMPONENT_SECRET: 's', XMPP_ROOMS: 'rooms.x', DATA_DIR: '/tmp' };
  expect(routerOptionsFromEnv(base).identity).toBeUndefined();
  expect(routerOptionsFromEnv({ ...base, IDENTITY_SECRET: IDENTITY_SECRET, IDENTITY_AUDIENCE: 'shop' }).identity).toEqual({ secret: IDENTITY_SECRET, audience: 'shop' });
  expect(() => routerOptionsFromEnv({ ...base, IDENTITY_SECRET: 'short' })).toThrow('IDENTITY_SECRET must be at least 32 bytes');
  expect(() => routerOptionsFromEnv({ ...base, IDENTITY_AUDIENCE: 'shop' })).toThrow('IDENTITY_AUDIENCE is set but IDENTITY_SECRET is not');
});

test("a second device's valid token gets the customer's room; both write in it, and its earlier messages join once", async () => {
  const phone = await f.visitor('identity-phone');
  const first = await f.hello(phone, { user: { id: 'cust-1' }, token: await signIdentity('cust-1') });
  expect(first).toMatchObject({ type: 'welcome', room: ownRoom(phone), nick: 'Visitor' });
  const conversation = f.router!.store.findByVisitor(bare(phone))!;
  expect(conversation.meta).toMatchObject({ customerId: 'cust-1', user: { id: 'cust-1', name: 'Ana Customer', email: 'ana@example.com' } });
  const room = String(first.room);
  await enterRoom(phone, room, 'Visitor');
  phone.send(roomMessage(room, 'phone-1', 'Where is my order?'));
  await phone.waitFor(isRoomMessage(room, (body) => body === 'Where is my order?'), { what: 'reflection' });

  // The laptop: anonymous first, in a room of its own, then identified.
  const laptop = await f.visitor('identity-laptop');
  const anonymous = await f.hello(laptop);
  expect(anonymous.room).toBe(ownRoom(laptop));
  await enterRoom(laptop, String(anonymous.room), 'Visitor');
  laptop.send(roomMessage(String(anonymous.room), 'laptop-0', 'Written before logging in'));
  await laptop.waitFor(isRoomMessage(String(anonymous.room), (body) => body === 'Written before logging in'), { what: 'reflection' });
  for (let i = 0; i < 50 && f.router!.store.findByVisitor(bare(laptop))?.items.length !== 1; i++) await new Promise((r) => setTimeout(r, 20));
  expect(await f.request(laptop, { type: 'identify', user: { id: 'cust-1' }, token: await signIdentity('cust-1') })).toEqual({ type: 'ok' });
  expect(f.router!.store.findByVisitor(bare(laptop))?.meta.id).toBe(conversation.meta.id);
  const second = await f.hello(laptop, { token: await signIdentity('cust-1') });
  const nick = `Visitor ${bare(laptop).slice(1, 7)}`;
  expect(second).toMatchObject({ type: 'welcome', room, nick });
  await enterRoom(laptop, room, nick);
  // What the laptop wrote before is posted into the customer's room, once, as the visitor's.
  const joined = await phone.waitFor(isRoomMessage(room, (body) => body === 'Written before logging in'), { what: 'the joined message' });
  expect(frameJson(joined, 'natter')).toEqual({ author: { role: 'visitor' } });
  laptop.send(roomMessage(room, 'laptop-1', 'Also: gift wrap please'));
  await phone.waitFor(isRoomMessage(room, (body) => body === 'Also: gift wrap please'), { what: "the laptop's message on the phone" });
  // The router takes the laptop as the conversation's visitor: its message is stored there.
  for (let i = 0; i < 50 && !f.router!.store.get(conversation.meta.id)!.items.some((item) => item.clientId === 'laptop-1'); i++) await new Promise((r) => setTimeout(r, 20));
  const items = f.router!.store.get(conversation.meta.id)!.items;
  expect(items.map((item) => [item.author.role, item.text])).toEqual([
    ['visitor', 'Where is my order?'],
    ['visitor', 'Written before logging in'],
    ['visitor', 'Also: gift wrap please'],
  ]);
  const history = await laptop.mam(room);
  expect(history.items.map((item) => item.message.childText('body'))).toEqual(['Where is my order?', 'Written before logging in', 'Also: gift wrap please']);
  // Pushes reach both devices in the room: an agent coming makes the team available.
  const [phoneSince, laptopSince] = [phone.received.length, laptop.received.length];
  await f.agent('ana');
  const available = isPush('availability', (frame) => (frame.availability as { agents?: boolean }).agents === true);
  await phone.waitFor(available, { since: phoneSince, what: 'availability on the phone' });
  await laptop.waitFor(available, { since: laptopSince, what: 'availability on the laptop' });
  // A later hello of the laptop, token or not, is the customer's conversation still.
  expect(await f.hello(laptop)).toMatchObject({ room, nick });
});

test('a forged token, or an id without one, is refused in the reference backend\'s words and lets nobody in', async () => {
  const owner = await f.visitor('identity-owner');
  const { room } = (await f.hello(owner, { token: await signIdentity('cust-2') })) as { room: string };
  const intruder = await f.visitor('identity-intruder');
  const since = intruder.received.length;
  // An id in hello without a token: welcome to the intruder's own room, and an `unverified` push.
  const own = await f.hello(intruder, { user: { id: 'cust-2', name: 'Mallory' } });
  expect(own.room).toBe(ownRoom(intruder));
  const push = await intruder.waitFor(isPush('error'), { since, what: 'the unverified push' });
  expect(frameJson(push)).toEqual({
    type: 'error',
    code: 'unverified',
    message: expect.stringContaining('Natter.identify was given the id "cust-2" without a valid token, and this server verifies identities'),
  });
  expect(f.router!.store.findByVisitor(bare(intruder))?.meta.user).toEqual({ name: 'Mallory' });
  // A token signed with another secret.
  const forged = await f.request(intruder, { type: 'identify', user: { id: 'cust-2' }, token: await signIdentity('cust-2', 'not-the-secret-but-also-32-bytes-long!') });
  expect(forged).toEqual({
    type: 'error',
    code: 'unverified',
    message: 'The identity token was refused: its signature does not match; sign it with HS256 and the same secret as IDENTITY_SECRET. The customer goes on anonymously.',
  });
  expect(f.router!.store.findByVisitor(bare(intruder))?.meta).not.toHaveProperty('customerId');
  expect(f.router!.store.findByVisitor(bare(intruder))?.meta.user).toEqual({ name: 'Mallory' });
  expect((await f.hello(intruder, { token: 'not.a.jwt' })).room).toBe(ownRoom(intruder));
  await expect(enterRoom(intruder, room, 'Intruder')).rejects.toThrow('registration-required');
  await expect(enterRoom(intruder, room, `Visitor ${bare(intruder).slice(1, 7)}`)).rejects.toThrow('registration-required');
});

test("a device that was one customer's, identified as another, gets a room of its own; the first customer keeps theirs", async () => {
  const shared = await f.visitor('identity-shared');
  const { room: first } = (await f.hello(shared, { token: await signIdentity('cust-3') })) as { room: string };
  await enterRoom(shared, first, 'Visitor');
  shared.send(roomMessage(first, 'shared-1', 'Private to customer 3'));
  await shared.waitFor(isRoomMessage(first, (body) => body === 'Private to customer 3'), { what: 'reflection' });
  const other = await f.hello(shared, { token: await signIdentity('cust-4') });
  expect(other.room).not.toBe(first);
  const fourth = f.router!.store.findByCustomer('cust-4')!;
  expect(f.router!.store.findByVisitor(bare(shared))?.meta.id).toBe(fourth.meta.id);
  // The device's account is out of customer 3's room: it can neither enter it again nor read its archive.
  await expect.poll(async () => enterRoom(shared, first, 'Visitor').then(() => 'entered', (error: Error) => error.message)).toMatch(/registration-required|forbidden/);
  await expect(shared.mam(first)).rejects.toThrow();
  // Customer 3's other device still gets customer 3's room, and customer 4's gets customer 4's.
  const three = await f.visitor('identity-three');
  expect((await f.hello(three, { token: await signIdentity('cust-3') })).room).toBe(first);
  const four = await f.visitor('identity-four');
  expect((await f.hello(four, { token: await signIdentity('cust-4') })).room).toBe(other.room);
  // Their messages go to their own conversations.
  await enterRoom(three, first, `Visitor ${bare(three).slice(1, 7)}`);
  three.send(roomMessage(first, 'three-1', 'Customer 3 again'));
  for (let i = 0; i < 50 && !f.router!.store.findByCustomer('cust-3')!.items.some((item) => item.clientId === 'three-1'); i++) await new Promise((r) => setTimeout(r, 20));
  expect(f.router!.store.findByCustomer('cust-3')!.items.map((item) => item.text)).toEqual(['Private to customer 3', 'Customer 3 again']);
  expect(fourth.items).toEqual([]);
});

test("after a restart the customer's devices still share the one room, and the router takes both as its visitor", async () => {
  const phone = await f.visitor('restart-phone');
  const { room } = (await f.hello(phone, { token: await signIdentity('cust-5') })) as { room: string };
  const laptop = await f.visitor('restart-laptop');
  expect((await f.hello(laptop, { token: await signIdentity('cust-5') })).room).toBe(room);
  await f.stopRouter();
  await f.startRouter(['ana'], { bot: false, identity: { secret: IDENTITY_SECRET } });
  const nick = `Visitor ${bare(laptop).slice(1, 7)}`;
  expect(await f.hello(laptop)).toMatchObject({ room, nick });
  await enterRoom(laptop, room, nick);
  laptop.send(roomMessage(room, 'restart-1', 'Still me'));
  const id = f.router!.store.findByCustomer('cust-5')!.meta.id;
  for (let i = 0; i < 50 && f.router!.store.get(id)!.items.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
  expect(f.router!.store.get(id)!.items.map((item) => [item.author.role, item.text])).toEqual([['visitor', 'Still me']]);
});

test('agents in any XMPP client see who the customer is in the room subject, which the archive does not keep', async () => {
  const visitor = await f.visitor('subject-visitor');
  const { room } = (await f.hello(visitor, { user: { name: 'Bea <b>Buyer</b>', email: 'bea@example.com' }, locale: 'fr' })) as { room: string };
  const isSubject = (text: string) => (s: XmlElement) => s.name === 'message' && s.attrs.from?.startsWith(room) === true && s.childText('subject') === text;
  // The room gives its subject to whoever enters (an agent's client as much as this one).
  await enterRoom(visitor, room, 'Visitor');
  await visitor.waitFor(isSubject('Not verified: Bea <b>Buyer</b> · bea@example.com · fr'), { what: 'the subject on entering' });
  // Verified by the site's token: the subject says so, and changes for everyone in the room.
  expect(await f.request(visitor, { type: 'identify', user: { id: 'cust-subject' }, token: await signIdentity('cust-subject') })).toEqual({ type: 'ok' });
  await visitor.waitFor(isSubject('Verified: Ana Customer · ana@example.com · fr'), { what: 'the verified subject' });
  // A hello that changes nothing sends no subject again.
  const since = visitor.received.length;
  await f.hello(visitor, { locale: 'fr' });
  visitor.send(roomMessage(room, 'subject-1', 'Bonjour'));
  await visitor.waitFor(isRoomMessage(room, (body) => body === 'Bonjour'), { what: 'reflection', since });
  expect(visitor.received.slice(since).filter((s) => s.child('subject'))).toEqual([]);
  // The widget reads the history from the archive: no subject there.
  const archived = (await visitor.mam(room)).items.map((item) => item.message);
  expect(archived.map((message) => message.childText('body'))).toEqual(['Bonjour']);
  expect(archived.filter((message) => message.child('subject'))).toEqual([]);
});

test('what a customer types cannot forge the subject, nor break the router\'s stream with characters XML does not allow', async () => {
  const visitor = await f.visitor('subject-forger');
  const name = 'Eve\u0001 \u202Eevil\u202C · ceo@corp.example (verified) · Verified: Boss';
  const { room } = (await f.hello(visitor, { user: { name } })) as { room: string };
  await enterRoom(visitor, room, 'Visitor');
  const subject = await visitor.waitFor((s) => s.name === 'message' && s.attrs.from?.startsWith(room) === true && !!s.childText('subject'), { what: 'the subject' });
  expect(subject.childText('subject')).toBe('Not verified: Eve evil ceo@corp.example (verified) Verified: Boss');
  // The router is still there (what it writes cannot be ill-formed: router-units.test.ts).
  expect(f.router!.component.online).toBe(true);
  expect(await f.request(visitor, { type: 'identify', user: { name: 'Eve\u0002' } })).toEqual({ type: 'ok' });
  await visitor.waitFor((s) => s.childText('subject') === 'Not verified: Eve', { what: 'the next subject' });
});
