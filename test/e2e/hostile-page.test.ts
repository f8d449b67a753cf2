/**
 * Host pages that break what the script relies on, as real pages do by accident (an old library's
 * prototype additions, a logging wrapper) or on purpose. On each, the script either works completely or fails
 * closed: exactly one console error, no widget element, a `window.Natter` whose methods do nothing, no promise
 * left waiting; and the page's own button still works.
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

/** A host page: `before` runs before the script tag (in the head), and the page has a button of its own. */
const page = (before: string, src = '/natter.js') =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><script>${before}</script><title>Host page</title></head>` +
  `<body><button id="own" onclick="this.textContent='still works'">Click me</button>` +
  `<script async src="${src}" data-endpoint="ws://127.0.0.1:${backend.port}/natter"></script></body></html>`;

/** Pages on which the widget must work completely. */
const working: Record<string, string> = {
  // Enumerable keys on Object.prototype, as a careless script adds them.
  '/polluted-object': `Object.prototype.polluted = 'yes'; Object.prototype.fn = function () { return 1; };`,
  // Prototype.js and MooTools style additions (enumerable, as assignment makes them).
  '/polluted-array': `Array.prototype.each = function (f) { for (var i = 0; i < this.length; i++) f(this[i]); }; Array.prototype.last = 1;`,
  '/frozen-prototypes': `Object.freeze(Object.prototype); Object.freeze(Array.prototype); Object.freeze(Function.prototype);`,
  // An analytics script's wrapper: a function, not a subclass, that counts the sockets it hands out.
  '/wrapped-websocket': `var Original = WebSocket; window.sockets = 0;
    window.WebSocket = function (url, protocols) { window.sockets++; return new Original(url, protocols); };
    window.WebSocket.prototype = Original.prototype;`,
  // A logging wrapper around JSON, and one installed later by a script the page loads afterwards.
  '/wrapped-json': `var parse = JSON.parse, stringify = JSON.stringify; window.jsonCalls = 0;
    JSON.parse = function (text, reviver) { window.jsonCalls++; return parse(text, reviver); };
    JSON.stringify = function (value, replacer, space) { window.jsonCalls++; return stringify(value, replacer, space); };
    addEventListener('load', function () { setTimeout(function () { JSON.parse = function () { return {}; }; JSON.stringify = function () { return '{}'; }; }, 2000); });`,
  '/natter-is-a-number': `window.Natter = 42;`,
  // A loader stub's queue with things in it that are not calls; the one real call opens the panel.
  '/natter-odd-queue': `window.Natter = { q: [1, null, 'open', ['no-such-method'], ['toString', []], ['open', null, 5]] };`,
};

/** Pages on which the widget must stay away, saying why once. */
const closed: Record<string, { before: string; says: RegExp; src?: string }> = {
  '/broken-json': { before: `JSON.parse = function () { return {}; }; JSON.stringify = function () { return '{}'; };`, says: /replaced JSON\.parse or JSON\.stringify/ },
  // Prototype.js 1.6's Array#toJSON made JSON.stringify encode arrays as strings: the send journal would not read back.
  '/array-tojson': { before: `Array.prototype.toJSON = function () { return 'an array'; };`, says: /replaced JSON\.parse or JSON\.stringify/ },
  '/natter-unwritable': {
    before: `Object.defineProperty(window, 'Natter', { configurable: false, get: function () { return undefined; }, set: function () { throw new TypeError('window.Natter is taken'); } });`,
    says: /Natter failed to start/,
  },
  '/natter-throws': { before: `Object.defineProperty(window, 'Natter', { get: function () { throw new Error('no peeking'); } });`, says: /Natter failed to start/ },
  // The second stage cannot be loaded: a call made meanwhile is rejected, never left waiting.
  '/lone/': {
    before: `window.addEventListener('load', function () { Natter.send('hello?').then(function () { document.title = 'sent'; }, function (e) { document.title = 'rejected: ' + e.message; }); });`,
    says: /could not load .*natter-app\.js/,
    src: '/lone/natter.js',
  },
};

beforeAll(async () => {
  backend = new Backend(await freePort(), { BOT: 'off' });
  await backend.start();
  const pages: Parameters<typeof startSite>[1] = {
    // natter.js alone, with no natter-app.js next to it.
    '/lone/natter.js': { body: readFileSync(path.join(root, 'dist/natter.js'), 'utf8'), headers: { 'content-type': 'text/javascript' } },
  };
  for (const [pathname, before] of Object.entries(working)) pages[pathname] = page(before);
  for (const [pathname, { before, src }] of Object.entries(closed)) pages[pathname] = page(before, src);
  site = await startSite(`ws://127.0.0.1:${backend.port}/natter`, pages);
  chromium = await launchChromium();
  browser = chromium.browser;
});

afterAll(async () => {
  await chromium?.dispose();
  await backend?.dispose();
  await site?.close();
});

/** Opens a host page in a fresh profile, collecting console errors and uncaught exceptions. */
async function visit(pathname: string): Promise<{ tab: Page; errors: string[] }> {
  const context = await browser.newContext();
  const tab = await context.newPage();
  const errors: string[] = [];
  // (The browser's own line about a failed request is not the script's.)
  tab.on('console', (message) => message.type() === 'error' && !message.text().startsWith('Failed to load resource') && errors.push(message.text()));
  tab.on('pageerror', (error) => errors.push(`uncaught: ${String(error)}`));
  await tab.goto(`${site.url}${pathname}`);
  return { tab, errors };
}

async function ownButtonWorks(tab: Page): Promise<void> {
  await tab.locator('#own').click();
  expect(await tab.locator('#own').textContent()).toBe('still works');
}

test.each(Object.keys(working))('%s: the widget works completely', async (pathname) => {
  const { tab, errors } = await visit(pathname);
  const dialog = tab.getByRole('dialog');
  if (pathname !== '/natter-odd-queue') await tab.getByRole('button', { name: /^open chat/i }).click();
  await expect.poll(() => dialog.isVisible()).toBe(true);
  await dialog.getByRole('textbox', { name: /your message/i }).fill(`Hello from ${pathname}`);
  await tab.keyboard.press('Enter');
  await expect.poll(() => tab.getByTestId('message').first().getAttribute('data-status'), { timeout: 10_000 }).toBe('sent');
  expect(await tab.evaluate(() => Object.keys((window as unknown as { Natter: object }).Natter).sort())).toEqual(
    ['close', 'consent', 'getState', 'identify', 'invite', 'leaveEmail', 'off', 'on', 'open', 'rate', 'send', 'setMode', 'shutdown', 'startLive', 'toggle', 'unmount', 'update'],
  );
  if (pathname === '/wrapped-websocket') expect(await tab.evaluate(() => (window as unknown as { sockets: number }).sockets)).toBeGreaterThan(0);
  if (pathname === '/wrapped-json') {
    expect(await tab.evaluate(() => (window as unknown as { jsonCalls: number }).jsonCalls)).toBeGreaterThan(0);
    // Once the page has broken JSON for good, what the widget sends and reads keeps working.
    await tab.waitForFunction(() => JSON.stringify([1]) === '{}');
    await dialog.getByRole('textbox', { name: /your message/i }).fill('After JSON was replaced');
    await tab.keyboard.press('Enter');
    await expect.poll(() => tab.getByTestId('message').nth(1).getAttribute('data-status'), { timeout: 10_000 }).toBe('sent');
  }
  await ownButtonWorks(tab);
  expect(errors).toEqual([]);
  await tab.context().close();
});

test.each(Object.keys(closed))('%s: fails closed with one console error, and the page keeps working', async (pathname) => {
  const { tab, errors } = await visit(pathname);
  await expect.poll(() => errors.length).toBeGreaterThan(0);
  if (pathname === '/lone/') await expect.poll(() => tab.title()).toMatch(/^rejected: Natter: could not load/);
  // Long enough for a second stage, an idle callback or a late error to have happened.
  await tab.waitForTimeout(1000);
  expect(errors).toEqual([expect.stringMatching(closed[pathname]!.says)]);
  expect(await tab.locator('[data-natter-widget]').count()).toBe(0);
  await ownButtonWorks(tab);
  // Whatever window.Natter is now, calling it throws nothing into the page.
  expect(
    await tab.evaluate(() => {
      let natter: { open?(): void } | undefined;
      try {
        natter = (window as unknown as { Natter?: { open?(): void } }).Natter;
      } catch {
        return 'the page’s own getter threw';
      }
      natter?.open?.();
      return 'no throw';
    }),
  ).toMatch(/no throw|own getter/);
  await tab.context().close();
});
