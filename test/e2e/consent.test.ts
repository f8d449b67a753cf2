/**
 * Consent before storage, in real Chromium against the reference backend: what a visitor leaves in the
 * browser's storage (IndexedDB databases, localStorage keys) before they write, before they agree, after
 * they withdraw, and after a stored conversation has been idle past the site's retention.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { Backend, freePort, launchChromium, root, startSite } from './harness';

let backend: Backend;
let site: Awaited<ReturnType<typeof startSite>>;
let chromium: Awaited<ReturnType<typeof launchChromium>>;
let browser: Browser;

/** A host page with the script tag and `attributes` on it. */
const page = (attributes = '') =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Host page</title></head><body>` +
  `<script async src="/natter.js" data-endpoint="ws://127.0.0.1:${backend.port}/natter" ${attributes}></script></body></html>`;

beforeAll(async () => {
  backend = new Backend(await freePort(), { BOT: 'off' });
  await backend.start();
  site = await startSite(`ws://127.0.0.1:${backend.port}/natter`, {
    '/always': page(),
    '/after-consent': page('data-persist="after-consent"'),
    '/never': page('data-persist="never"'),
    '/after-consent-de': page('data-persist="after-consent" data-locale="de"'),
    // A consent tool that answers before the script has loaded: the loader stub queues the call.
    '/consent-early':
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Host page</title>` +
      `<script>window.Natter = window.Natter || { q: [] }; ['consent'].forEach(function (m) { Natter[m] = function () { Natter.q.push([m, arguments]); }; }); Natter.consent(true);</script>` +
      `</head><body><script async src="/natter.js" data-endpoint="ws://127.0.0.1:${backend.port}/natter" data-persist="after-consent"></script></body></html>`,
  });
  chromium = await launchChromium();
  browser = chromium.browser;
});

afterAll(async () => {
  await chromium?.dispose();
  await backend?.dispose();
  await site?.close();
});

type Natter = { getState(): { ready: boolean; connection: string; messages: unknown[]; consent?: boolean }; consent(yes: boolean): Promise<void> };
const natter = (tab: Page) => ({
  consent: (yes: boolean) => tab.evaluate((yes) => (window as unknown as { Natter: Natter }).Natter.consent(yes), yes),
  state: () => tab.evaluate(() => (window as unknown as { Natter: Natter }).Natter.getState()),
});

/** Everything of Natter's in this origin's storage: IndexedDB databases and localStorage keys named natter-…. */
function traces(tab: Page): Promise<string[]> {
  return tab.evaluate(async () => [
    ...(await indexedDB.databases()).flatMap((db) => (db.name?.startsWith('natter') ? [`indexedDB ${db.name}`] : [])),
    ...Object.keys(localStorage).flatMap((key) => (key.startsWith('natter') ? [`localStorage ${key}`] : [])),
  ]);
}

/** Opens a page in a fresh profile and waits until the second stage has read the (absent) stored conversation. */
async function visit(pathname: string, context?: Awaited<ReturnType<Browser['newContext']>>): Promise<Page> {
  const tab = await (context ?? (await browser.newContext())).newPage();
  await tab.goto(`${site.url}${pathname}`);
  await tab.waitForFunction(() => (window as unknown as { Natter: Natter }).Natter.getState().ready);
  return tab;
}

const dialog = (tab: Page) => tab.getByRole('dialog');
const launcher = (tab: Page) => tab.getByRole('button', { name: /^(open|close) chat/i }).last();

async function write(tab: Page, text: string): Promise<void> {
  await dialog(tab).getByRole('textbox', { name: /your message/i }).fill(text);
  await tab.keyboard.press('Enter');
  await expect.poll(() => tab.getByTestId('message').last().getAttribute('data-status')).toBe('sent');
}

test('a visitor who opens and closes the panel without writing leaves nothing: no database, no localStorage key', async () => {
  const tab = await visit('/always');
  await launcher(tab).click();
  await expect.poll(() => dialog(tab).isVisible()).toBe(true);
  // The panel reached the backend (availability, team name) and still stored nothing.
  await expect.poll(() => tab.evaluate(() => (window as unknown as { Natter: Natter }).Natter.getState().connection)).toBe('open');
  await launcher(tab).click();
  await expect.poll(() => dialog(tab).isVisible()).toBe(false);
  await tab.reload();
  await tab.waitForFunction(() => (window as unknown as { Natter: Natter }).Natter.getState().ready);
  expect(await traces(tab)).toEqual([]);
  // With `persist` at its default, the first message is what stores the conversation.
  await launcher(tab).click();
  await write(tab, 'Now I have written');
  await expect.poll(() => traces(tab)).toEqual(['indexedDB natter-default', 'localStorage natter-default-active']);
  await tab.context().close();
});

test("persist 'after-consent': nothing stored until Natter.consent(true), all of it then, and nothing after consent(false)", async () => {
  const context = await browser.newContext();
  const tab = await visit('/after-consent', context);
  await launcher(tab).click();
  await write(tab, 'Before any answer');
  expect(await traces(tab)).toEqual([]);
  await natter(tab).consent(true);
  await expect.poll(() => traces(tab)).toEqual(['indexedDB natter-default', 'localStorage natter-default-active']);

  // Another page of the site: the conversation is read from the device, and the yes is not asked again.
  const other = await visit('/after-consent', context);
  expect((await natter(other).state()).consent).toBe(true);
  await expect.poll(async () => (await natter(other).state()).messages.length).toBe(1);

  // Withdrawn in one page: every page deletes and keeps the conversation in memory only.
  await natter(other).consent(false);
  await expect.poll(async () => (await natter(tab).state()).consent).toBe(false);
  await expect.poll(() => traces(tab)).toEqual([]);
  await write(tab, 'After no');
  await tab.waitForTimeout(300);
  expect(await traces(tab)).toEqual([]);
  await context.close();
});

test('a yes queued before the script loaded stores the conversation from the first message, with no question', async () => {
  const tab = await visit('/consent-early');
  expect((await natter(tab).state()).consent).toBe(true);
  expect(await traces(tab)).toEqual([]);
  await launcher(tab).click();
  await write(tab, 'Agreed before I wrote');
  expect(await dialog(tab).getByRole('group').count()).toBe(0);
  await expect.poll(() => traces(tab)).toEqual(['indexedDB natter-default', 'localStorage natter-default-active']);
  await tab.context().close();
});

test("persist 'never': the conversation works and leaves nothing, not even the send journal", async () => {
  const tab = await visit('/never');
  await launcher(tab).click();
  // The journal would be written in the very call that sends: look before the acknowledgement.
  await dialog(tab).getByRole('textbox', { name: /your message/i }).fill('Never stored');
  await tab.keyboard.press('Enter');
  expect(await traces(tab)).toEqual([]);
  await expect.poll(() => tab.getByTestId('message').last().getAttribute('data-status')).toBe('sent');
  expect(await traces(tab)).toEqual([]);
  expect((await natter(tab).state()).consent).toBe(false);
  await tab.context().close();
});

test('the panel asks once, accessibly and in the customer\'s language; a yes stores the chat and is not asked again', async () => {
  const context = await browser.newContext();
  const tab = await visit('/after-consent-de', context);
  await tab.getByRole('button', { name: /^chat öffnen/i }).click();
  await dialog(tab).getByRole('textbox', { name: /ihre nachricht/i }).fill('Hallo');
  await tab.keyboard.press('Enter');
  const question = dialog(tab).getByRole('group', { name: 'Diesen Chat auf diesem Gerät speichern?' });
  await expect.poll(() => question.isVisible()).toBe(true);
  await tab.addScriptTag({ content: readFileSync(path.join(root, 'node_modules/axe-core/axe.min.js'), 'utf8') });
  const violations = await tab.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: { id: string }[] }> } }).axe;
    return (await axe.run({ include: [['[data-natter-widget]']] }, { resultTypes: ['violations'] })).violations.map((v) => v.id);
  });
  expect(violations).toEqual([]);
  expect(await traces(tab)).toEqual([]);
  // By keyboard: from the text box back to "Nein", then to "Ja".
  await tab.keyboard.press('Shift+Tab');
  await tab.keyboard.press('Shift+Tab');
  expect(await tab.evaluate(() => document.querySelector('[data-natter-widget]')!.shadowRoot!.activeElement?.textContent)).toBe('Ja');
  await tab.keyboard.press('Enter');
  await expect.poll(() => question.count()).toBe(0);
  await expect.poll(() => traces(tab)).toEqual(['indexedDB natter-default', 'localStorage natter-default-active']);

  const next = await visit('/after-consent-de', context);
  await next.getByRole('button', { name: /^chat öffnen/i }).click();
  await expect.poll(() => next.getByTestId('message').count()).toBe(1);
  expect(await dialog(next).getByRole('group').count()).toBe(0);
  await context.close();
});

test('an invitation is a local bubble: nothing stored, nothing sent, until the customer answers; then it goes with the answer', async () => {
  const context = await browser.newContext();
  const tab = await context.newPage();
  const frames: string[] = [];
  tab.on('websocket', (socket) => socket.on('framesent', ({ payload }) => frames.push(String(payload))));
  await tab.goto(`${site.url}/always`);
  // Called on the first stage's window.Natter, as a site would a while after the page loaded.
  await tab.evaluate(() => (window as unknown as { Natter: { invite(text: string): Promise<void> } }).Natter.invite('Need help choosing a size?'));
  const badged = tab.getByRole('button', { name: 'Open chat, 1 unread message' });
  await expect.poll(() => badged.isVisible()).toBe(true);
  await badged.click();
  await expect.poll(() => tab.getByTestId('invitation').textContent()).toBe('Need help choosing a size?');
  await expect.poll(() => natter(tab).state().then((s) => s.connection)).toBe('open');
  expect(frames.filter((frame) => frame.includes('Need help'))).toEqual([]);
  expect(await traces(tab)).toEqual([]);

  await write(tab, 'Yes, for boots');
  const sends = frames.map((frame) => JSON.parse(frame) as { type: string; text?: string; context?: string }).filter((frame) => frame.type === 'send');
  expect(sends).toEqual([expect.objectContaining({ text: 'Yes, for boots', context: 'Need help choosing a size?' })]);
  await expect.poll(() => traces(tab)).toContain('indexedDB natter-default');
  await context.close();
});
