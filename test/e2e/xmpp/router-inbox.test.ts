/**
 * The agent inbox served by the router (`inboxPort`) on a real Prosody: an agent on the agent socket sees
 * a visitor's XMPP messages, answers into the visitor's room as the router with the agent as author, counts
 * as available, accepts and ends live chat, and sees the visitor online while in the room — with the reference backend's sign-in rules on the socket.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { AgentAccounts, accountsPath } from '../../../demo/auth-accounts.ts';
import { hashPassword } from '../../../demo/auth-password.ts';
import { Peer, type Frame } from '../backend-peer.ts';
import { el } from './client.ts';
import { enterRoom, frameJson, isPush, isRoomMessage, RouterFixture, roomMessage } from './router-fixture.ts';

const f = new RouterFixture();
let token: string;
let agentUrl: string;

beforeAll(async () => {
  // Locked, as a real deployment is: one account, and its agent token for this client without Origin.
  const accounts = new AgentAccounts(accountsPath(f.dataDir));
  accounts.add({ email: 'alex@example.com', name: 'Alex Kim', password: await hashPassword('correct horse battery staple'), passwordChangedAt: Date.now() });
  token = accounts.createToken('alex@example.com');
  await f.start([], { inboxPort: 0, bot: false });
  agentUrl = `${f.router!.inbox!.url.replace('http', 'ws')}/agent`;
});
afterAll(() => f.stop());

/** The HTTP status an agent socket upgrade with `headers` gets. */
function upgradeStatus(headers: Record<string, string>): Promise<number> {
  return Peer.open(agentUrl, false, { headers }).then(
    async (peer) => {
      await peer.close();
      return 101;
    },
    (error: Error) => Number(/Unexpected server response: (\d+)/.exec(error.message)?.[1] ?? NaN),
  );
}

test('the agent socket keeps the reference backend\'s rules: a token or a session, and the inbox origin', async () => {
  expect(await upgradeStatus({})).toBe(401);
  expect(await upgradeStatus({ Authorization: 'Bearer natter_agent_not-a-real-token' })).toBe(401);
  expect(await upgradeStatus({ Origin: 'http://evil.example', Authorization: `Bearer ${token}` })).toBe(403);
  expect(await upgradeStatus({ Authorization: `Bearer ${token}` })).toBe(101);
  const page = await fetch(`${f.router!.inbox!.url}/inbox`);
  expect(page.status).toBe(200);
  // Signed out: the sign-in page, not the inbox.
  expect(await page.text()).toContain('inbox-login.js');
});

test('an inbox agent sees the visitor\'s XMPP messages, answers into the room, and takes live chat', async () => {
  const agent = await Peer.open(agentUrl, false, { headers: { Authorization: `Bearer ${token}` } });
  agent.send({ type: 'hello', name: 'whatever' });
  const snapshot = await agent.type('snapshot');
  expect(snapshot.you.name).toBe('Alex Kim');

  // No XMPP agent is there: the inbox agent alone makes the team available.
  const visitor = await f.visitor('inbox-visitor');
  const welcome = (await f.hello(visitor)) as { room: string; availability: { agents: boolean } };
  expect(welcome.availability.agents).toBe(true);
  const room = welcome.room;
  await enterRoom(visitor, room, 'Visitor');
  // Online once in the room, as a visitor with a tab open is on the reference backend.
  const conversation = await agent.type('conversation', (frame: Frame) => frame.conversation.online === true, 5000);
  const conversationId = conversation.conversation.id as string;

  visitor.send(roomMessage(room, 'visitor-1', 'Where is my parcel?'));
  const seen = await agent.type('item', (frame) => frame.conversationId === conversationId && frame.item.text === 'Where is my parcel?', 5000);
  expect(seen.item).toMatchObject({ author: { role: 'visitor' }, clientId: 'visitor-1' });

  agent.send({ type: 'reply', conversationId, clientId: 'reply-1', text: 'It left the warehouse today.' });
  const ack = await agent.type('ack', (frame) => frame.clientId === 'reply-1');
  const line = await visitor.waitFor(isRoomMessage(room, (body) => body === 'It left the warehouse today.'), { what: 'the agent\'s answer' });
  expect(line.attrs.from).toBe(`${room}/Natter`);
  const author = { role: 'agent', id: snapshot.you.id, name: 'Alex Kim' };
  expect(frameJson(line, 'natter')).toEqual({ author });
  // Stored once, with the room's echo not taken for another message.
  const stored = f.router!.store.get(conversationId)!.items.filter((item) => item.text === 'It left the warehouse today.');
  expect(stored).toEqual([expect.objectContaining({ id: ack.id, author })]);

  // The room's archive keeps it, as any later device of the visitor replays it.
  const archived = (await visitor.mam(room)).items.find((item) => item.message.childText('body') === 'It left the warehouse today.');
  expect(archived?.message.attrs.from).toBe(`${room}/Natter`);
  expect(frameJson(archived!.message, 'natter')).toEqual({ author });

  // Live chat: queued, accepted from the inbox, ended from the inbox — pushed to the visitor as usual.
  expect(await f.request(visitor, { type: 'live', action: 'start' })).toEqual({ type: 'ok' });
  await agent.type('conversation', (frame: Frame) => frame.conversation.id === conversationId && frame.conversation.session?.state === 'queued');
  agent.send({ type: 'accept', conversationId });
  const live = await visitor.waitFor(isPush('session', (frame) => (frame.session as { state: string }).state === 'live'), { what: 'live session' });
  expect((frameJson(live).session as { agent: unknown }).agent).toEqual(author);
  await visitor.waitFor(isRoomMessage(room, (body) => body === 'Alex Kim joined'), { what: 'joined line' });
  // The visitor's chat state in the room is their typing in the inbox.
  visitor.send(el('message', { type: 'groupchat', to: room }, el('composing', { xmlns: 'http://jabber.org/protocol/chatstates' })));
  await agent.type('typing', (frame: Frame) => frame.conversationId === conversationId && frame.typing === true, 5000);
  agent.send({ type: 'end', conversationId });
  await visitor.waitFor(isPush('session', (frame) => (frame.session as { state: string }).state === 'ended'), { what: 'ended session' });

  // Away in the inbox, and nobody else: visitors hear the team went away.
  const since = visitor.received.length;
  agent.send({ type: 'status', available: false });
  await visitor.waitFor(isPush('availability', (frame) => !(frame.availability as { agents: boolean }).agents), { what: 'availability: nobody', since });
  // Leaving the room is going offline.
  visitor.send(el('presence', { to: `${room}/Visitor`, type: 'unavailable' }));
  await agent.type('conversation', (frame: Frame) => frame.conversation.id === conversationId && frame.conversation.online === false, 5000);
  await agent.close();
});

test("the inbox shows an XMPP visitor's page and attributes, and follows their route and language", async () => {
  const agent = await Peer.open(agentUrl, false, { headers: { Authorization: `Bearer ${token}` } });
  agent.send({ type: 'hello', name: 'whatever' });
  await agent.type('snapshot');
  const visitor = await f.visitor('inbox-page-visitor');
  const page = { url: 'https://shop.example/cart', title: 'Your cart' };
  await f.hello(visitor, { locale: 'en', page, attributes: { plan: 'pro', cartValue: 129.5 } });
  const id = f.router!.store.findByVisitor(visitor.jid.split('/')[0]!)!.meta.id;
  const shown = (test: (c: Frame) => boolean) => agent.type('conversation', (frame) => frame.conversation.id === id && test(frame.conversation));
  expect((await shown((c) => c.page?.url === page.url)).conversation).toMatchObject({ page, attributes: { plan: 'pro', cartValue: 129.5 }, locale: 'en' });
  // A single-page app's route change, then another language: the inbox follows; the away message follows the language.
  const checkout = { url: 'https://shop.example/checkout', title: 'Checkout' };
  expect(await f.request(visitor, { type: 'visitor', page: checkout })).toEqual({ type: 'ok' });
  expect((await shown((c) => c.page?.url === checkout.url)).conversation.attributes).toEqual({ plan: 'pro', cartValue: 129.5 });
  const since = visitor.received.length;
  expect(await f.request(visitor, { type: 'visitor', locale: 'de' })).toEqual({ type: 'ok' });
  expect((await shown((c) => c.locale === 'de')).conversation.page).toEqual(checkout);
  await visitor.waitFor(isPush('availability'), { what: 'availability for the new language', since });
  await agent.close();
});
