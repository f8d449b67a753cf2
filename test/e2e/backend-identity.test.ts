/**
 * The reference backend's verified customers, frame by frame: IDENTITY_SECRET's checks at start, the claims
 * it refuses, one conversation per customer that a second device's anonymous messages join once, and all
 * of it read back after a restart. The browser's side is in identity.test.ts.
 */
import { SignJWT } from 'jose';
import { afterEach, expect, test } from 'vitest';
import { optionsFromEnv } from '../../demo/server.ts';
import { DEFAULT_IDENTITY_AUDIENCE } from '../../demo/identity.ts';
import { agent, say, TestBackend, type Frame } from './backend-peer';

const SECRET = 'x'.repeat(32);
const backends: TestBackend[] = [];
afterEach(async () => {
  for (const backend of backends.splice(0)) await backend.dispose();
});

async function started(): Promise<TestBackend> {
  const backend = new TestBackend({ bot: false, identity: { secret: SECRET } });
  backends.push(backend);
  await backend.start();
  return backend;
}

function sign(sub: string, claims: Record<string, string> = {}): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setAudience(DEFAULT_IDENTITY_AUDIENCE).setExpirationTime('5m').sign(new TextEncoder().encode(SECRET));
}

async function snapshot(backend: TestBackend): Promise<Frame[]> {
  const { peer, snapshot } = await agent(backend.server, 'Sam', (await backend.account('Sam')).token);
  await peer.close();
  return snapshot.conversations;
}

test('IDENTITY_SECRET under 32 bytes, or an audience without a secret, stops the server at start with what to do', () => {
  expect(() => optionsFromEnv({ IDENTITY_SECRET: 'x'.repeat(31) })).toThrow(/IDENTITY_SECRET must be at least 32 bytes long \(it has 31\).*openssl rand/);
  expect(() => optionsFromEnv({ IDENTITY_AUDIENCE: 'shop' })).toThrow(/IDENTITY_AUDIENCE is set but IDENTITY_SECRET is not/);
  expect(optionsFromEnv({ IDENTITY_SECRET: SECRET }).identity).toEqual({ secret: SECRET });
  expect(optionsFromEnv({ IDENTITY_SECRET: SECRET, IDENTITY_AUDIENCE: 'shop' }).identity).toEqual({ secret: SECRET, audience: 'shop' });
  expect(optionsFromEnv({}).identity).toBeUndefined();
});

test('a claim to an id is refused without a token, or with one for another sub; the visitor goes on anonymously', async () => {
  const backend = await started();
  const { peer } = await backend.visitor('v-claim', { user: { id: 'cust-1', name: 'Mallory' } });
  expect((await peer.type('error')).code).toBe('unverified');
  await say(peer, 'hello');
  peer.send({ type: 'identify', user: { id: 'cust-2' }, token: await sign('cust-3') });
  expect((await peer.type('error')).message).toMatch(/\("cust-2"\) is not the identity token's "sub" \("cust-3"\)/);
  const [conversation] = await snapshot(backend);
  expect(conversation?.user).toEqual({ name: 'Mallory' });
  expect(backend.invalidFrames()).toEqual([]);
});

test("a second device's hello with a token joins the customer's conversation: its own messages appended once, kept after a restart", async () => {
  const backend = await started();
  // Device A: the customer's conversation.
  const a = await backend.visitor('v-a', { user: { id: 'cust-9' }, token: await sign('cust-9', { name: 'Nina' }) });
  await say(a.peer, 'A1');
  // Device B wrote anonymously before logging in.
  const b = await backend.visitor('v-b');
  const b1 = await say(b.peer, 'B1');
  await b.peer.close();
  // B comes back logged in: hello with the token.
  const again = await backend.visitor('v-b', { user: { id: 'cust-9' }, token: await sign('cust-9', { name: 'Nina' }) });
  expect(again.welcome.conversationId).toBe(a.welcome.conversationId);
  expect(again.items.map((item) => [item.seq, item.text, item.clientId])).toEqual([[1, 'A1', expect.any(String)], [2, 'B1', b1.clientId]]);
  expect((await a.peer.type('item', (f) => f.item.text === 'B1')).item.seq).toBe(2);
  // B's unsent message, sent again after the switch with its id, is stored once.
  again.peer.send({ type: 'send', clientId: b1.clientId, text: 'B1', createdAt: 1 });
  expect((await again.peer.type('ack', (f) => f.clientId === b1.clientId)).seq).toBe(2);
  // Later hellos of B, without a token but with the verified id, open the customer's conversation.
  await again.peer.close();
  await backend.stop();
  await backend.start();
  const later = await backend.visitor('v-b', { user: { id: 'cust-9' } });
  expect(later.welcome.conversationId).toBe(a.welcome.conversationId);
  expect(later.items.map((item) => item.text)).toEqual(['A1', 'B1']);
  await later.peer.none((f) => f.type === 'error');
  const conversations = await snapshot(backend);
  expect(conversations.map((c) => [c.user, c.items.map((item: Frame) => item.text)])).toEqual([[{ id: 'cust-9', name: 'Nina', verified: true }, ['A1', 'B1']]]);
  expect(backend.invalidFrames()).toEqual([]);
});

test("another connection of the same visitor follows it into the customer's conversation at its next frame", async () => {
  const backend = await started();
  await say((await backend.visitor('v-first', { user: { id: 'cust-5' }, token: await sign('cust-5') })).peer, 'first device');
  // Two connections of one browser (tabs without a shared connection), anonymous.
  const one = await backend.visitor('v-two');
  const other = await backend.visitor('v-two');
  await say(one.peer, 'before login');
  one.peer.send({ type: 'identify', user: { id: 'cust-5' }, token: await sign('cust-5') });
  const switched = await one.peer.type('welcome');
  expect(switched.seq).toBe(2);
  // The other connection is still on the retired conversation: its next message goes to the customer's.
  const ack = await say(other.peer, 'from the other tab');
  expect((await other.peer.type('welcome')).conversationId).toBe(switched.conversationId);
  expect(ack.seq).toBe(3);
  const [conversation] = await snapshot(backend);
  expect(conversation?.items.map((item: Frame) => item.text)).toEqual(['first device', 'before login', 'from the other tab']);
  expect(backend.invalidFrames()).toEqual([]);
});


test('identify with a token mid-conversation: the team sees the verified customer at once', async () => {
  const backend = await started();
  const { peer: sam } = await agent(backend.server, 'Sam', (await backend.account('Sam')).token);
  const { peer } = await backend.visitor('v-late', {});
  await say(peer, 'Where is my parcel?');
  peer.send({ type: 'identify', user: { id: 'cust-late' }, token: await sign('cust-late', { name: 'Lena', email: 'lena@example.com' }) });
  const seen = await sam.type('conversation', (f) => (f.conversation as { user?: { verified?: boolean } }).user?.verified === true);
  expect((seen.conversation as { user: unknown }).user).toEqual({ id: 'cust-late', name: 'Lena', email: 'lena@example.com', verified: true });
  await sam.close();
});
