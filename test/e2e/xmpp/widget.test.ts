/**
 * The widget on XMPP, as a customer uses it: the built script stages (natter.js loading
 * natter-app-xmpp.js for `data-transport="xmpp"`) in real Chromium with real IndexedDB, Debian's Prosody,
 * the routing service, and an agent on an ordinary XMPP account.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import { launchChromium, startSite } from '../harness.ts';
import { el, type XmppClient } from './client.ts';
import { enterRoom, RouterFixture, roomMessage, visitorAccount } from './router-fixture.ts';
import { openPanel, says, shown } from './widget-page.ts';

const f = new RouterFixture();
let chromium: Awaited<ReturnType<typeof launchChromium>>;
let browser: Browser;
let site: Awaited<ReturnType<typeof startSite>>;
let customer: BrowserContext;
let shop: Page;
let ana: XmppClient;
let room = '';

const page = (endpoint: string) => `<!doctype html><html lang="en"><head><title>Shop on XMPP</title></head><body><h1>Shop</h1>
<script async src="/natter.js" data-endpoint="${endpoint}" data-transport="xmpp" data-team-name="Shop"></script></body></html>`;

beforeAll(async () => {
  await f.start(['ana']);
  // The XMPP domain is the endpoint's host name: localhost, as Prosody serves it (on 127.0.0.1).
  site = await startSite('unused', { '/xmpp.html': page(`ws://localhost:${f.prosody.ports.http}/xmpp-websocket`) });
  chromium = await launchChromium();
  browser = chromium.browser;
  customer = await browser.newContext();
  shop = await customer.newPage();
  ana = await f.agent('ana');
  shop.on('console', (message) => logs.push(`${message.type()}: ${message.text()}`));
});

/** The customer's console, printed when a story fails. */
const logs: string[] = [];
afterEach((context) => {
  if (context.task.result?.state === 'fail') console.info(`customer's console:\n${logs.join('\n')}\nrouter:\n${f.logs.slice(-20).join('\n')}`);
  logs.length = 0;
});

afterAll(async () => {
  await chromium?.dispose();
  await site?.close();
  await f.stop();
});

const statuses = (p: Page) => p.getByTestId('message').evaluateAll((nodes) => nodes.filter((node) => node.getAttribute('data-role') === 'visitor').map((node) => node.getAttribute('data-status')));

/** After a Prosody restart: Ana logs in again once the router is back, and enters the room. */
async function anaBack() {
  for (let i = 0; i < 300 && !f.router!.component.online; i++) await new Promise((resolve) => setTimeout(resolve, 100));
  ana = await f.agent('ana');
  await enterRoom(ana, room, 'Ana');
}

/** Ana follows the router's invitation into the visitor's room (once). */
async function anaEnters() {
  const invitation = await ana.waitFor((s) => s.name === 'message' && s.child('x', 'jabber:x:conference') !== undefined, { timeoutMs: 10_000, what: 'invitation' });
  room = invitation.child('x', 'jabber:x:conference')!.attrs.jid!;
  await enterRoom(ana, room, 'Ana');
}

test('the customer writes, the agent answers from an XMPP client, and the widget shows it', async () => {
  const errors: string[] = [];
  // (The site serves no favicon.)
  shop.on('console', (message) => message.type() === 'error' && !message.text().includes('404') && errors.push(message.text()));
  await shop.goto(`${site.url}/xmpp.html`);
  await openPanel(shop);
  await says(shop, 'Hello, is the blue teapot in stock?');
  await expect.poll(() => statuses(shop), { timeout: 15_000 }).toEqual(['sent']);
  await anaEnters();
  ana.send(roomMessage(room, 'ana-1', 'Yes, 3 left. <b>Shall I reserve one?</b>'));
  await expect.poll(() => shown(shop), { timeout: 10_000 }).toEqual(['visitor: Hello, is the blue teapot in stock?', 'agent: Yes, 3 left. <b>Shall I reserve one?</b>']);
  expect(await shop.getByRole('dialog').locator('b').count()).toBe(0);
  expect(errors).toEqual([]);
});

test('a reload shows the history from IndexedDB with the server down, and catches up when it is back', async () => {
  await f.prosody.stop();
  await shop.reload();
  await openPanel(shop);
  await expect.poll(() => shown(shop)).toEqual(['visitor: Hello, is the blue teapot in stock?', 'agent: Yes, 3 left. <b>Shall I reserve one?</b>']);

  // Written while Prosody is down: waits in the outbox.
  await says(shop, 'Please reserve one for me.');
  await expect.poll(() => statuses(shop)).toEqual(['sent', 'sending']);
  await f.prosody.start();
  await expect.poll(() => statuses(shop), { timeout: 30_000 }).toEqual(['sent', 'sent']);
  await anaBack();
  ana.send(roomMessage(room, 'ana-2', 'Reserved!'));
  await expect.poll(() => shown(shop), { timeout: 15_000 }).toEqual([
    'visitor: Hello, is the blue teapot in stock?',
    'agent: Yes, 3 left. <b>Shall I reserve one?</b>',
    'visitor: Please reserve one for me.',
    'agent: Reserved!',
  ]);
});

test('Prosody restarting mid-conversation loses nothing and doubles nothing', async () => {
  await says(shop, 'One more question.');
  await f.prosody.stop('SIGKILL');
  await says(shop, 'Do you ship to Belgium?');
  await f.prosody.start();
  // The outbox goes out once the transport is back; the agent answers what they have read.
  await expect.poll(() => statuses(shop), { timeout: 30_000 }).toEqual(['sent', 'sent', 'sent', 'sent']);
  await anaBack();
  ana.send(roomMessage(room, 'ana-3', 'We do.'));
  const expected = [
    'visitor: Hello, is the blue teapot in stock?',
    'agent: Yes, 3 left. <b>Shall I reserve one?</b>',
    'visitor: Please reserve one for me.',
    'agent: Reserved!',
    'visitor: One more question.',
    'visitor: Do you ship to Belgium?',
    'agent: We do.',
  ];
  await expect.poll(() => shown(shop), { timeout: 30_000 }).toEqual(expected);
  await expect.poll(() => statuses(shop), { timeout: 15_000 }).toEqual(['sent', 'sent', 'sent', 'sent']);
  // The archive has each message once.
  const archive = await ana.mam(room);
  const bodies = archive.items.map((item) => item.message.childText('body')).filter((body) => body !== 'Ana joined' && body);
  for (const line of expected) expect(bodies.filter((body) => line.endsWith(`: ${body}`))).toHaveLength(1);
});

test('two tabs show one conversation, each with what the other sends', async () => {
  const second = await customer.newPage();
  await second.goto(`${site.url}/xmpp.html`);
  await openPanel(second);
  await expect.poll(() => shown(second), { timeout: 15_000 }).toEqual(await shown(shop));
  await says(second, 'Written in the second tab.');
  await expect.poll(() => shown(shop), { timeout: 15_000 }).toContain('visitor: Written in the second tab.');
  ana.send(roomMessage(room, 'ana-4', 'Seen in both.'));
  await expect.poll(() => shown(second), { timeout: 15_000 }).toContain('agent: Seen in both.');
  await expect.poll(() => shown(shop), { timeout: 15_000 }).toContain('agent: Seen in both.');
  expect(await shown(shop)).toEqual(await shown(second));
  await second.close();
});

test('what the agent wrote while no page was open comes from the archive after the stored history', async () => {
  const before = await shown(shop);
  await shop.close();
  ana.send(roomMessage(room, 'ana-5', 'Are you still there?'));
  await ana.waitFor((s) => s.name === 'message' && s.childText('body') === 'Are you still there?', { what: 'the reflection' });
  shop = await customer.newPage();
  shop.on('console', (message) => logs.push(`${message.type()}: ${message.text()}`));
  const queries: string[] = [];
  shop.on('websocket', (socket) => socket.on('framesent', ({ payload }) => String(payload).includes('urn:xmpp:mam:2') && queries.push(String(payload))));
  await shop.goto(`${site.url}/xmpp.html`);
  await openPanel(shop);
  await expect.poll(() => shown(shop), { timeout: 15_000 }).toEqual([...before, 'agent: Are you still there?']);
  // Only what came after the stored cursor was asked for.
  expect(queries.length).toBeGreaterThan(0);
  for (const query of queries) expect(query).toMatch(/<after>[^<]+<\/after>/);
  expect(logs.filter((line) => /does not know item|starting over/.test(line))).toEqual([]);
});

test('a visitor cannot enter, read or write another visitor\'s room', async () => {
  const other = await f.visitor('another-visitor');
  await f.hello(other);
  await expect(enterRoom(other, room, 'Mallory')).rejects.toThrow(/registration-required|forbidden/);
  await expect(other.mam(room)).rejects.toThrow(/forbidden|registration-required|not-allowed/);
  other.send(roomMessage(room, 'm1', 'let me in'));
  const { username } = visitorAccount('another-visitor');
  const bounced = await other.waitFor((s) => s.name === 'message' && s.attrs.type === 'error', { what: 'bounced message' });
  expect(bounced.attrs.from).toBe(room);
  expect(username).not.toBe('');
  const archive = await ana.mam(room);
  expect(archive.items.map((item) => item.message.childText('body'))).not.toContain('let me in');
  other.send(el('presence', { type: 'unavailable' }));
});
