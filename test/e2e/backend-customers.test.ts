/**
 * demo/customers.ts, the verified-customer rules both backends share (the reference backend's visitor socket
 * and the XMPP router), on a store over in-memory storage: what of a claimed user is taken, and which
 * conversation a verified customer follows.
 */
import { SignJWT } from 'jose';
import { afterEach, expect, test } from 'vitest';
import { ConversationStore } from '../../demo/conversation-store.ts';
import { adoptCustomer, vetUser } from '../../demo/customers.ts';
import { DEFAULT_IDENTITY_AUDIENCE, IdentityVerifier } from '../../demo/identity.ts';
import type { StorageRecord } from '../../demo/storage.ts';

const SECRET = 'y'.repeat(32);
const identity = new IdentityVerifier({ secret: SECRET });
const stores: ConversationStore[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
});

function memoryStore(): { store: ConversationStore; written: StorageRecord[] } {
  const written: StorageRecord[] = [];
  const store = new ConversationStore({ load: () => [], write: (records) => void written.push(...records), close() {} }, []);
  stores.push(store);
  return { store, written };
}

function sign(sub: string, secret = SECRET): Promise<string> {
  return new SignJWT({ name: 'Ana' }).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setAudience(DEFAULT_IDENTITY_AUDIENCE).setExpirationTime('5m').sign(new TextEncoder().encode(secret));
}

test('without a secret everything is taken as sent', async () => {
  const { store } = memoryStore();
  const token = await sign('c1');
  expect(vetUser(store, undefined, { id: 'c1', name: 'Ana' }, token, undefined, undefined)).toEqual({ user: { id: 'c1', name: 'Ana' } });
});

test('with a secret, an id needs a valid token for that id; the rest of the user is kept', async () => {
  const { store } = memoryStore();
  const noToken = vetUser(store, identity, { id: 'c1', name: 'Ana' }, undefined, undefined, undefined);
  expect(noToken).toEqual({ user: { name: 'Ana' }, refused: expect.stringContaining('Natter.identify was given the id "c1" without a valid token') });
  const forged = await sign('c1', 'z'.repeat(32));
  expect(vetUser(store, identity, { id: 'c1' }, forged, await identity.verify(forged), undefined)).toEqual({ user: {}, refused: expect.stringContaining('signature does not match') });
  const valid = await sign('c1');
  const verdict = await identity.verify(valid);
  expect(vetUser(store, identity, { id: 'c2' }, valid, verdict, undefined)).toEqual({ user: {}, refused: expect.stringContaining('("c2") is not the identity token\'s "sub" ("c1")') });
  expect(vetUser(store, identity, { id: 'c1', email: 'a@example.com' }, valid, verdict, undefined)).toEqual({
    user: { id: 'c1', name: 'Ana', email: 'a@example.com' },
    customer: { id: 'c1', name: 'Ana' },
  });
});

test("the customer's own conversation: their id needs no token again, and an old token of theirs is no refusal", async () => {
  const { store } = memoryStore();
  const id = store.create('visitor-1').meta.id;
  store.claim(id, { id: 'c1' });
  expect(vetUser(store, identity, { id: 'c1' }, undefined, undefined, id)).toEqual({ user: {} });
  const expired = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('c1').setAudience(DEFAULT_IDENTITY_AUDIENCE).setExpirationTime(Math.floor(Date.now() / 1000) - 120).sign(new TextEncoder().encode(SECRET));
  expect(vetUser(store, identity, { id: 'c1' }, expired, await identity.verify(expired), id)).toEqual({ user: {} });
  expect(vetUser(store, identity, { id: 'c9' }, undefined, undefined, id).refused).toContain('"c9" without a valid token');
});

test('adoptCustomer: the first device claims its conversation, the second joins it with its items, a shared device starts afresh', () => {
  const { store } = memoryStore();
  const phone = store.create('phone').meta.id;
  store.append(phone, { clientId: 'p1', author: { role: 'visitor' }, text: 'from the phone' });
  expect(adoptCustomer(store, 'phone', phone, { id: 'c1' })).toEqual({ id: phone, appended: [], claimed: true });
  expect(store.findByCustomer('c1')?.meta.id).toBe(phone);
  // Claimed already: nothing changes.
  expect(adoptCustomer(store, 'phone', phone, { id: 'c1' })).toEqual({ id: phone, appended: [] });

  const laptop = store.create('laptop').meta.id;
  store.append(laptop, { clientId: 'l1', author: { role: 'visitor' }, text: 'from the laptop' });
  const joined = adoptCustomer(store, 'laptop', laptop, { id: 'c1' });
  expect(joined.id).toBe(phone);
  expect(joined.appended.map((item) => [item.seq, item.clientId, item.text])).toEqual([[2, 'l1', 'from the laptop']]);
  expect(store.get(laptop)).toBeUndefined();
  expect(store.findByVisitor('laptop')?.meta.id).toBe(phone);

  // The phone goes on as another customer: a conversation of its own (by default), or the caller's.
  const fresh = adoptCustomer(store, 'phone', phone, { id: 'c2' });
  expect(fresh.id).not.toBe(phone);
  expect(store.findByCustomer('c2')?.meta.id).toBe(fresh.id);
  expect(store.findByCustomer('c1')?.meta.id).toBe(phone);
  let made = '';
  const chosen = adoptCustomer(store, 'laptop', phone, { id: 'c3' }, () => (made = store.create('elsewhere').meta.id));
  expect(chosen.id).toBe(made);
  expect(store.findByCustomer('c3')?.meta.visitorId).toBe('elsewhere');
});
