/** The reference backend's conversation files: a conversation is written by the first thing stored in it. */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { ConversationStore } from '../../demo/conversation-store.ts';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const files = (dir: string) => readdirSync(path.join(dir, 'conversations'));

test('opening the chat creates no file; the first message writes it whole, and a restart reads it back', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'natter-store-'));
  dirs.push(dir);
  const store = ConversationStore.open(dir);
  const conversation = store.create('visitor-1', { name: 'Vera' }, 'de');
  store.updateMeta(conversation.meta.id, { user: { email: 'vera@example.com' } });
  expect(files(dir)).toEqual([]);
  expect(store.findByVisitor('visitor-1')?.meta.id).toBe(conversation.meta.id);

  store.append(conversation.meta.id, { clientId: 'c1', author: { role: 'visitor' }, text: 'Hello' });
  expect(files(dir)).toEqual([`${conversation.meta.id}.jsonl`]);
  const first = JSON.parse(readFileSync(path.join(dir, 'conversations', files(dir)[0]!), 'utf8').split('\n')[0]!);
  expect(first).toMatchObject({ type: 'conversation', visitorId: 'visitor-1', locale: 'de', user: { name: 'Vera', email: 'vera@example.com' } });

  const reopened = ConversationStore.open(dir);
  expect(reopened.findByVisitor('visitor-1')?.items.map((item) => item.text)).toEqual(['Hello']);
});

test('a visitor who only opened the chat is forgotten by a restart', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'natter-store-'));
  dirs.push(dir);
  ConversationStore.open(dir).create('visitor-2');
  expect(ConversationStore.open(dir).findByVisitor('visitor-2')).toBeUndefined();
});
