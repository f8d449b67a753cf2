/**
 * A verified customer on XMPP, on two devices: the built script stages in real Chromium (one browser
 * profile per device, so one visitor secret and one XMPP account each), Prosody, and the router with
 * IDENTITY_SECRET. The site's server is played by `signIdentity`.
 */
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import { launchChromium, startSite } from '../harness.ts';
import { IDENTITY_SECRET, RouterFixture, signIdentity } from './router-fixture.ts';
import { openPanel, says, shown } from './widget-page.ts';

const f = new RouterFixture();
let chromium: Awaited<ReturnType<typeof launchChromium>>;
let site: Awaited<ReturnType<typeof startSite>>;
const logs: string[] = [];

const page = (endpoint: string) => `<!doctype html><html lang="en"><head><title>Shop on XMPP</title></head><body><h1>Shop</h1>
<script async src="/natter.js" data-endpoint="${endpoint}" data-transport="xmpp" data-team-name="Shop"></script></body></html>`;

beforeAll(async () => {
  await f.start(['ana'], { bot: false, identity: { secret: IDENTITY_SECRET } });
  site = await startSite('unused', { '/xmpp.html': page(`ws://localhost:${f.prosody.ports.http}/xmpp-websocket`) });
  chromium = await launchChromium();
});

afterEach((context) => {
  if (context.task.result?.state === 'fail') console.info(`consoles:\n${logs.join('\n')}\nrouter:\n${f.logs.slice(-20).join('\n')}`);
});

afterAll(async () => {
  await chromium?.dispose();
  await site?.close();
  await f.stop();
});

/** The shop in a browser profile of its own (a device), with the widget's `error` events recorded. */
async function device(name: string): Promise<Page> {
  const context = await chromium.browser.newContext();
  const p = await context.newPage();
  p.on('console', (message) => logs.push(`${name} ${message.type()}: ${message.text()}`));
  await p.goto(`${site.url}/xmpp.html`);
  await expect.poll(() => p.evaluate(() => 'Natter' in window), { timeout: 10_000 }).toBe(true);
  await p.evaluate(() => {
    const w = window as unknown as { natterErrors: { code: string; message: string }[]; Natter: { on(e: string, l: (error: Error & { code: string }) => void): void } };
    w.natterErrors = [];
    w.Natter.on('error', (error) => w.natterErrors.push({ code: error.code, message: error.message }));
  });
  return p;
}

const errors = (p: Page) => p.evaluate(() => (window as unknown as { natterErrors: { code: string; message: string }[] }).natterErrors);
/** Sends `text` and waits until the server has it. */
async function saysSent(p: Page, text: string) {
  await says(p, text);
  await expect.poll(() => p.getByTestId('message').last().getAttribute('data-status'), { timeout: 15_000 }).toBe('sent');
}

function identify(p: Page, user: { id?: string; token?: string }): Promise<void> {
  return p.evaluate((u) => (window as unknown as { Natter: { identify(user: object): Promise<void> } }).Natter.identify(u), user);
}

test("a customer's second device shows their conversation once it identifies, and each device sees what the other writes", async () => {
  const a = await device('A');
  await identify(a, { id: 'cust-7', token: await signIdentity('cust-7') });
  await openPanel(a);
  await saysSent(a, 'A1: where is my parcel?');

  const b = await device('B');
  await openPanel(b);
  await saysSent(b, 'B1: written before logging in');
  await identify(b, { id: 'cust-7', token: await signIdentity('cust-7') });
  const thread = ['visitor: A1: where is my parcel?', 'visitor: B1: written before logging in'];
  await expect.poll(() => shown(b), { timeout: 20_000 }).toEqual(thread);
  await expect.poll(() => shown(a), { timeout: 15_000 }).toEqual(thread);

  await saysSent(b, 'B2: from the laptop');
  await expect.poll(() => shown(a), { timeout: 15_000 }).toEqual([...thread, 'visitor: B2: from the laptop']);
  await saysSent(a, 'A2: from the phone');
  await expect.poll(() => shown(b), { timeout: 15_000 }).toEqual([...thread, 'visitor: B2: from the laptop', 'visitor: A2: from the phone']);
  expect(await errors(a)).toEqual([]);
  expect(await errors(b)).toEqual([]);

  // A forged token: refused with what to fix; the device stays in its own conversation.
  const c = await device('C');
  await openPanel(c);
  await saysSent(c, 'C1: am I Ana?');
  await identify(c, { id: 'cust-7', token: await signIdentity('cust-7', 'not-the-secret-but-also-32-bytes-long!') });
  await expect.poll(() => errors(c), { timeout: 10_000 }).toEqual([{ code: 'identity', message: expect.stringMatching(/signature does not match.*IDENTITY_SECRET/) }]);
  await saysSent(c, 'C2: still me');
  await c.waitForTimeout(500); // a move to the customer's room would show their thread by now
  expect(await shown(c)).toEqual(['visitor: C1: am I Ana?', 'visitor: C2: still me']);
  expect(await shown(a)).toEqual([...thread, 'visitor: B2: from the laptop', 'visitor: A2: from the phone']);
});
