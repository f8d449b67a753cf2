/**
 * Verified customers (issue 8, points 1–2), as a site and its customer use them: the built dist/natter.js on
 * the demo shop, the reference backend as a child process started with IDENTITY_SECRET, real Chromium.
 * The site's server is played by `sign` (jose, as the README shows it).
 */
import { SignJWT } from 'jose';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { Peer, type Frame } from './backend-peer';
import { Backend, freePort, launchChromium, startSite } from './harness';

const SECRET = 'a-test-secret-of-at-least-32-bytes-for-hs256!';
const AUDIENCE = 'shop.test';

let backend: Backend;
let site: Awaited<ReturnType<typeof startSite>>;
let chromium: Awaited<ReturnType<typeof launchChromium>>;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  backend = new Backend(await freePort(), { BOT: 'off', IDENTITY_SECRET: SECRET, IDENTITY_AUDIENCE: AUDIENCE });
  await backend.start();
  site = await startSite(`ws://127.0.0.1:${backend.port}/natter`);
  chromium = await launchChromium();
});

afterAll(async () => {
  await chromium?.dispose();
  await backend?.dispose();
  await site?.close();
});

/** What the site's server does when its customer is logged in. */
function sign(sub: string, options: { secret?: string; audience?: string; expires?: string | number; name?: string; email?: string } = {}): Promise<string> {
  const { name = 'Ana Customer', email = 'ana@example.com' } = options;
  return new SignJWT({ name, email })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setAudience(options.audience ?? AUDIENCE)
    .setExpirationTime(options.expires ?? '10m')
    .sign(new TextEncoder().encode(options.secret ?? SECRET));
}

/** A shop tab in a browser profile of its own (a device), with the widget's `error` events recorded. */
async function device(): Promise<Page> {
  const context = await chromium.browser.newContext();
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(`${site.url}/`);
  await recordErrors(page);
  return page;
}

async function recordErrors(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { natterErrors: { code: string; message: string }[]; Natter: { on(e: string, l: (error: Error & { code: string }) => void): void } };
    w.natterErrors = [];
    w.Natter.on('error', (error) => w.natterErrors.push({ code: error.code, message: error.message }));
  });
}

const errors = (page: Page) => page.evaluate(() => (window as unknown as { natterErrors: { code: string; message: string }[] }).natterErrors);
const launcher = (page: Page) => page.getByRole('button', { name: /^open chat/i });
const composer = (page: Page) => page.getByRole('dialog').getByRole('textbox', { name: /your message/i });
const messages = (page: Page) => page.getByTestId('message');

async function openPanel(page: Page) {
  await expect.poll(() => launcher(page).isVisible(), { timeout: 10_000 }).toBe(true);
  await launcher(page).click();
  await expect.poll(() => page.getByRole('dialog').isVisible()).toBe(true);
}

async function say(page: Page, text: string) {
  await composer(page).fill(text);
  await composer(page).press('Enter');
  await expect.poll(() => messages(page).last().getAttribute('data-status'), { timeout: 10_000 }).toBe('sent');
}

/** The messages shown, as `role: text`, in order. */
function shown(page: Page): Promise<string[]> {
  return messages(page).evaluateAll((nodes) => nodes.map((node) => `${node.getAttribute('data-role')}: ${node.querySelector('.bubble')?.textContent ?? ''}`));
}

function identify(page: Page, user: { id?: string; name?: string; token?: string }): Promise<void> {
  return page.evaluate((u) => (window as unknown as { Natter: { identify(user: object): Promise<void> } }).Natter.identify(u), user);
}

/** The agents' view of every conversation (the inbox's snapshot), with their items' texts. */
async function conversations(): Promise<Array<Frame & { texts: string[] }>> {
  const peer = await Peer.open(`ws://127.0.0.1:${backend.port}/agent`, false);
  try {
    peer.send({ type: 'hello', name: 'Sam' });
    const snapshot = await peer.type('snapshot');
    return snapshot.conversations.map((c: Frame) => ({ ...c, texts: c.items.map((item: Frame) => item.text) }));
  } finally {
    await peer.close();
  }
}

async function conversationWith(text: string): Promise<Frame & { texts: string[] }> {
  const found = (await conversations()).filter((c) => c.texts.includes(text));
  expect(found, `one conversation holds "${text}"`).toHaveLength(1);
  return found[0]!;
}

test('a forged, an expired and a wrong-audience token, and an id without one, are refused with what to fix; nothing is lost', async () => {
  const page = await device();
  await openPanel(page);
  await say(page, 'An anonymous question');

  // Without the id here: a new id would make the widget start a fresh conversation (another user signed in).
  await identify(page, { token: await sign('cust-forged', { secret: 'another-secret-that-is-32-bytes-long!!' }) });
  await identify(page, { token: await sign('cust-expired', { expires: Math.floor(Date.now() / 1000) - 120 }) });
  await identify(page, { token: await sign('cust-audience', { audience: 'another-site.test' }) });
  await identify(page, { id: 'cust-claimed', name: 'Claimed' });

  await expect.poll(() => errors(page), { timeout: 10_000 }).toHaveLength(4);
  const refusals = await errors(page);
  expect(refusals.map((e) => e.code)).toEqual(['identity', 'identity', 'identity', 'identity']);
  expect(refusals[0]!.message).toMatch(/signature does not match.*IDENTITY_SECRET/);
  expect(refusals[1]!.message).toMatch(/expired.*sign a fresh one/);
  expect(refusals[2]!.message).toMatch(/audience \("aud"\) must be "shop\.test"/);
  expect(refusals[3]!.message).toMatch(/id "cust-claimed" without a valid token.*Natter\.identify\(\{ id, token \}\)/);
  expect(refusals.every((e) => e.message.includes('anonymously'))).toBe(true);

  // The conversation goes on, anonymously: nothing lost, nothing claimed.
  await say(page, 'Still here');
  expect(await shown(page)).toEqual(['visitor: An anonymous question', 'visitor: Still here']);
  const conversation = await conversationWith('An anonymous question');
  expect(conversation.texts).toEqual(['An anonymous question', 'Still here']);
  expect(conversation.user.id).toBeUndefined();
  expect(conversation.user.verified).toBeUndefined();
  expect(conversation.user.name).toBe('Claimed'); // an unverified name is still the customer's to give
});

test('one conversation per verified customer: pre-login messages join it once, on every device; logout leaves nothing', async () => {
  const sub = 'cust-42';
  // Device A: anonymous first, then the customer logs in; they have no conversation yet, so this one becomes theirs.
  const a = await device();
  await openPanel(a);
  await say(a, 'A1 before login');
  await say(a, 'A2 before login');
  await identify(a, { id: sub, token: await sign(sub) });
  await expect.poll(async () => (await conversationWith('A1 before login')).user, { timeout: 10_000 }).toEqual({
    id: sub,
    name: 'Ana Customer',
    email: 'ana@example.com',
    verified: true,
  });

  // Device B: anonymous too, then logs in as the same customer: B's message joins the customer's thread, once.
  const b = await device();
  await openPanel(b);
  await say(b, 'B1 before login');
  const bConversationBefore = (await conversationWith('B1 before login')).id;
  await identify(b, { id: sub, token: await sign(sub) });
  const thread = ['visitor: A1 before login', 'visitor: A2 before login', 'visitor: B1 before login'];
  await expect.poll(() => shown(b), { timeout: 10_000 }).toEqual(thread);
  await expect.poll(() => shown(a), { timeout: 10_000 }).toEqual(thread);
  expect(await errors(b)).toEqual([]);

  // What B writes now shows on A, and the other way round.
  await say(b, 'B2 after login');
  await expect.poll(() => shown(a), { timeout: 10_000 }).toEqual([...thread, 'visitor: B2 after login']);
  await say(a, 'A3 after login');
  await expect.poll(() => shown(b), { timeout: 10_000 }).toEqual([...thread, 'visitor: B2 after login', 'visitor: A3 after login']);

  // Device C, fresh and logged in from the start (the token goes with hello): the whole thread, from the server.
  const c = await device();
  await identify(c, { id: sub, token: await sign(sub) });
  await openPanel(c);
  await expect.poll(() => shown(c), { timeout: 10_000 }).toEqual([...thread, 'visitor: B2 after login', 'visitor: A3 after login']);
  expect(await errors(c)).toEqual([]);

  // On the server: one conversation, verified, each message once; B's anonymous one is retired.
  const all = await conversations();
  const customer = all.filter((c) => c.user.id === sub);
  expect(customer).toHaveLength(1);
  expect(customer[0]!.user.verified).toBe(true);
  expect(customer[0]!.texts).toEqual(['A1 before login', 'A2 before login', 'B1 before login', 'B2 after login', 'A3 after login']);
  expect(all.some((c) => c.id === bConversationBefore)).toBe(false);

  // The inbox marks the customer verified.
  const inbox = await (await chromium.browser.newContext()).newPage();
  contexts.push(inbox.context());
  await inbox.goto(`${backend.url}/inbox`);
  await expect.poll(() => inbox.locator(`[data-testid="conversation"][data-conversation-id="${customer[0]!.id}"] [data-testid="verified"]`).count(), { timeout: 10_000 }).toBe(1);

  // B reconnects later (a reload) with no token: its visitor id leads to the customer's conversation, and
  // the thread was kept on B: shown from storage with the backend down.
  await backend.stop();
  await b.reload();
  await openPanel(b);
  await expect.poll(() => shown(b), { timeout: 10_000 }).toEqual([...thread, 'visitor: B2 after login', 'visitor: A3 after login']);
  await backend.start();
  await recordErrors(b);
  await say(b, 'B3 after reload');
  await expect.poll(() => shown(a), { timeout: 40_000 }).toContain('visitor: B3 after reload');
  expect(await errors(b)).toEqual([]);

  // Logout on A: nothing of the customer stays there; the next visitor on A starts clean.
  await a.evaluate(() => (window as unknown as { Natter: { shutdown(): Promise<void> } }).Natter.shutdown());
  await a.reload();
  await openPanel(a);
  await a.waitForTimeout(500); // a sync that wrongly found the customer would show their thread by now
  expect(await shown(a)).toEqual([]);
  await say(a, 'I am somebody else');
  await a.waitForTimeout(500);
  expect(await shown(a)).toEqual(['visitor: I am somebody else']);
  const next = await conversationWith('I am somebody else');
  expect(next.texts).toEqual(['I am somebody else']);
  expect(next.user.verified).toBeUndefined();
  expect((await conversations()).find((c) => c.user.id === sub)!.texts).not.toContain('I am somebody else');
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
});
