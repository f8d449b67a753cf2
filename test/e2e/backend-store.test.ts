/**
 * The reference backend's conversation store on SQLite: a conversation is written by the first thing stored
 * in it, writes of one event-loop turn are committed together and nothing waiting for them runs before, a
 * failing disk holds everything back instead of acknowledging it, and a restart reads it all back. The
 * JSON-lines files of the version before are imported on the first start of a real backend process.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, expect, test, vi } from 'vitest';
import { ConversationStore } from '../../demo/conversation-store.ts';
import { StorageUnavailableError } from '../../demo/group-commit.ts';
import type { ConversationStorage, StorageRecord } from '../../demo/storage.ts';
import { say, TestBackend, visitor } from './backend-peer';
import { Backend, freePort } from './harness';

const dirs: string[] = [];
const stores: ConversationStore[] = [];
afterEach(() => {
  stores.splice(0).forEach((store) => store.close());
  dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true }));
});

function open(dir = mkdtempSync(path.join(tmpdir(), 'natter-store-'))): { dir: string; store: ConversationStore } {
  if (!dirs.includes(dir)) dirs.push(dir);
  const store = ConversationStore.open(dir);
  stores.push(store);
  return { dir, store };
}

/** What another connection to the database sees: only what was committed. */
function rows(dir: string, sql: string): Array<Record<string, unknown>> {
  const db = new DatabaseSync(path.join(dir, 'natter.db'));
  try {
    return db.prepare(sql).all() as Array<Record<string, unknown>>;
  } finally {
    db.close();
  }
}
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

test('opening the chat stores nothing; the first message writes it whole, and a restart reads it back', async () => {
  const { dir, store } = open();
  const conversation = store.create('visitor-1', { name: 'Vera' }, 'de');
  store.updateMeta(conversation.meta.id, { user: { email: 'vera@example.com' } });
  await nextTurn();
  expect(rows(dir, 'SELECT id FROM conversations')).toEqual([]);
  expect(store.findByVisitor('visitor-1')?.meta.id).toBe(conversation.meta.id);
  expect(store.isWritten(conversation.meta.id)).toBe(false);

  store.append(conversation.meta.id, { clientId: 'c1', author: { role: 'visitor' }, text: 'Hello' });
  store.saveSession(conversation.meta.id, { id: 's1', state: 'queued', queuedAt: 1, rated: false });
  store.setBot(conversation.meta.id, { greeted: true, quiet: false });
  store.updateMeta(conversation.meta.id, { user: { name: 'Vera B.' } });
  store.flush();
  expect(rows(dir, 'SELECT visitor_id, user, locale, bot_greeted FROM conversations')).toEqual([
    { visitor_id: 'visitor-1', user: JSON.stringify({ name: 'Vera B.', email: 'vera@example.com' }), locale: 'de', bot_greeted: 1 },
  ]);

  store.close();
  const again = open(dir).store.findByVisitor('visitor-1');
  expect(again?.meta).toMatchObject({ id: conversation.meta.id, locale: 'de', user: { name: 'Vera B.', email: 'vera@example.com' } });
  expect(again?.items.map((item) => [item.seq, item.clientId, item.text])).toEqual([[1, 'c1', 'Hello']]);
  expect(again?.sessions).toEqual([{ id: 's1', state: 'queued', queuedAt: 1, rated: false }]);
  expect(again?.bot).toEqual({ greeted: true, quiet: false });
});

test('a visitor who only opened the chat is forgotten when they leave, and by a restart', () => {
  const { dir, store } = open();
  const idle = store.create('visitor-2');
  const written = store.create('visitor-3');
  store.append(written.meta.id, { author: { role: 'system' }, text: 'Waiting for an agent' });
  expect(store.forget(idle.meta.id)).toBe(true);
  expect(store.forget(written.meta.id)).toBe(false);
  expect(store.findByVisitor('visitor-2')).toBeUndefined();
  store.create('visitor-4');
  store.close();
  const reopened = open(dir).store;
  expect(reopened.findByVisitor('visitor-4')).toBeUndefined();
  expect(reopened.findByVisitor('visitor-3')?.items).toHaveLength(1);
});

test('the writes of one turn are committed together, and what waits for them runs only after the commit', async () => {
  const { dir, store } = open();
  const id = store.create('visitor-5').meta.id;
  // Nothing pending: at once.
  let ranAtOnce = false;
  store.afterCommit(() => (ranAtOnce = true));
  expect(ranAtOnce).toBe(true);

  const seenByWaiters: number[] = [];
  for (let n = 1; n <= 50; n++) {
    const { item } = store.append(id, { clientId: `c${n}`, author: { role: 'visitor' }, text: `m${n}` });
    expect(item.seq).toBe(n);
    store.afterCommit(() => seenByWaiters.push(rows(dir, 'SELECT count(*) AS n FROM items')[0]!.n as number));
  }
  // A resend of a stored client id: the same item, nothing new.
  expect(store.append(id, { clientId: 'c7', author: { role: 'visitor' }, text: 'again' })).toMatchObject({ created: false, item: { seq: 7, text: 'm7' } });
  expect(store.hasClientId(id, 'c7')).toBe(true);
  expect(rows(dir, 'SELECT count(*) AS n FROM items')).toEqual([{ n: 0 }]);
  expect(seenByWaiters).toEqual([]);
  await nextTurn();
  expect(seenByWaiters).toEqual(Array(50).fill(50));
  expect(rows(dir, 'SELECT seq FROM items ORDER BY seq').map((r) => r.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
});

test('a failing disk: nothing is let out or taken in until a retry stores the held records', () => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  let failures = 2;
  const written: StorageRecord[] = [];
  const storage: ConversationStorage = {
    load: () => [],
    write(records) {
      if (failures-- > 0) throw new Error('SQLITE_FULL: database or disk is full');
      written.push(...records);
    },
    close() {},
  };
  const store = new ConversationStore(storage, []);
  stores.push(store);
  const id = store.create('visitor-6').meta.id;
  store.append(id, { clientId: 'c1', author: { role: 'visitor' }, text: 'Hello' });
  let acked = false;
  store.afterCommit(() => (acked = true));
  const errors: unknown[] = [];
  const error = console.error;
  console.error = (...args: unknown[]) => errors.push(args[0]);
  try {
    store.flush();
    expect(acked).toBe(false);
    expect(() => store.append(id, { clientId: 'c2', author: { role: 'visitor' }, text: 'More' })).toThrow(StorageUnavailableError);
    expect(store.get(id)?.items).toHaveLength(1);
    // Retried every second: the second try fails too, the third stores.
    vi.advanceTimersByTime(1000);
    expect(acked).toBe(false);
    vi.advanceTimersByTime(1000);
  } finally {
    console.error = error;
    vi.useRealTimers();
  }
  expect(errors).toHaveLength(1);
  expect(acked).toBe(true);
  expect(written.map((r) => r.type)).toEqual(['create', 'item']);
  expect(store.append(id, { clientId: 'c2', author: { role: 'visitor' }, text: 'More' }).item.seq).toBe(2);
});

test('the first start on a data directory of the JSON-lines version imports it once and leaves the files as they were', async () => {
  const backend = new Backend(await freePort(), { BOT: 'off' });
  dirs.push(backend.dataDir);
  const dir = path.join(backend.dataDir, 'conversations');
  mkdirSync(dir);
  const line = (record: object) => `${JSON.stringify(record)}\n`;
  const olga = 'c0000000-0000-4000-8000-000000000001';
  const session = { id: 's-old', state: 'queued', queuedAt: 1_700_000_000_500, rated: false };
  const files: Record<string, string> = {
    [`${olga}.jsonl`]:
      line({ type: 'conversation', id: olga, visitorId: 'visitor-old-olga', user: { name: 'Olga' }, locale: 'nl', createdAt: 1_700_000_000_000, updatedAt: 1_700_000_000_000 }) +
      line({ type: 'item', item: { id: 'i1', seq: 1, clientId: 'old-c1', author: { role: 'visitor', name: 'Olga' }, text: 'Waar is mijn pakket?', sentAt: 1_700_000_000_100 } }) +
      line({ type: 'session', session }) +
      line({ type: 'item', item: { id: 'i2', seq: 2, author: { role: 'system' }, text: 'Waiting for an agent', sentAt: 1_700_000_000_500, event: { kind: 'queued' } } }) +
      line({ type: 'session', session: { ...session, state: 'ended', endedAt: 1_700_000_000_900, endedBy: 'visitor' } }) +
      line({ type: 'bot', greeted: true, quiet: true }) +
      line({ type: 'meta', user: { name: 'Olga', email: 'olga@example.com' }, locale: 'nl', updatedAt: 1_700_000_001_000 }) +
      '{"type":"item","item":{"id":"i3","seq":3,', // cut short by a crash
    'c0000000-0000-4000-8000-000000000002.jsonl':
      line({ type: 'conversation', id: 'c0000000-0000-4000-8000-000000000002', visitorId: 'visitor-old-piet', user: {}, createdAt: 1_700_000_002_000, updatedAt: 1_700_000_002_000 }) +
      line({ type: 'item', item: { id: 'j1', seq: 1, clientId: 'p1', author: { role: 'visitor' }, text: 'Hallo', sentAt: 1_700_000_002_100 } }),
    'broken.jsonl': line({ type: 'item', item: {} }),
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  const filesNow = () => Object.fromEntries(readdirSync(dir).map((name) => [name, readFileSync(path.join(dir, name), 'utf8')]));

  try {
    await backend.start();
    expect(backend.output).toContain('imported 2 conversation(s)');
    expect(backend.output).toContain('broken.jsonl:1: the first line is not a conversation header');
    const server = { url: backend.url };
    const { peer, welcome, items } = await visitor(server, 'visitor-old-olga');
    expect(welcome).toMatchObject({ conversationId: olga, seq: 2, session: { id: 's-old', state: 'ended', endedBy: 'visitor', rated: false } });
    expect(items.map((item) => [item.id, item.seq, item.text])).toEqual([['i1', 1, 'Waar is mijn pakket?'], ['i2', 2, 'Waiting for an agent']]);
    // A resend of an imported message is recognised; a new one continues the seq.
    peer.send({ type: 'send', clientId: 'old-c1', text: 'Waar is mijn pakket?', createdAt: Date.now() });
    expect(await peer.type('ack')).toMatchObject({ clientId: 'old-c1', id: 'i1', seq: 1 });
    expect(await say(peer, 'Nog een vraag')).toMatchObject({ seq: 3 });
    await peer.close();
    expect(filesNow()).toEqual(files);

    // Files added later are not read: the import ran once.
    await backend.stop();
    const later = 'c0000000-0000-4000-8000-000000000003';
    writeFileSync(path.join(dir, `${later}.jsonl`), line({ type: 'conversation', id: later, visitorId: 'visitor-old-late', user: {}, createdAt: 1, updatedAt: 1 }));
    await backend.start();
    expect(backend.output.match(/imported \d+ conversation/g)).toHaveLength(1);
    const late = await visitor(server, 'visitor-old-late');
    expect(late.welcome.conversationId).not.toBe(later);
    const olgaAgain = await visitor(server, 'visitor-old-olga');
    expect(olgaAgain.items.map((item) => item.seq)).toEqual([1, 2, 3]);
    await Promise.all([late.peer.close(), olgaAgain.peer.close()]);
  } finally {
    await backend.stop();
  }
});

test('a visitor who only opened the chat leaves nothing behind; one who wrote keeps their conversation', async () => {
  const backend = new TestBackend({ bot: false });
  await backend.start();
  try {
    const idle = await backend.visitor('visitor-idle-01');
    const writer = await backend.visitor('visitor-writer-1');
    await say(writer.peer, 'Hello');
    // A second tab keeps the conversation while the first one closes.
    const idleTab = await backend.visitor('visitor-idle-01');
    expect(idleTab.welcome.conversationId).toBe(idle.welcome.conversationId);
    await idle.peer.close();
    expect((await backend.visitor('visitor-idle-01')).welcome.conversationId).toBe(idle.welcome.conversationId);
    await Promise.all([idleTab.peer.close(), writer.peer.close(), ...backend.peers.map((p) => p.close())]);
    await new Promise((resolve) => setTimeout(resolve, 50));

    const again = await backend.visitor('visitor-idle-01');
    expect(again.welcome).toMatchObject({ seq: 0 });
    expect(again.welcome.conversationId).not.toBe(idle.welcome.conversationId);
    expect((await backend.visitor('visitor-writer-1')).welcome).toMatchObject({ conversationId: writer.welcome.conversationId, seq: 1 });
    expect(rows(backend.dataDir, 'SELECT visitor_id FROM conversations')).toEqual([{ visitor_id: 'visitor-writer-1' }]);
  } finally {
    await backend.dispose();
  }
});
