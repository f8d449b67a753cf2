/**
 * The customer's language end to end, and the API site owners expect, in Chromium against the reference
 * backend (bot on, nobody from the team there): German, French and Arabic pages get the bot's greeting, its
 * quick replies and the away message in the page's language, the Arabic one mirrored; a site's own button
 * opens the chat (`launcher: false`); `Natter.update` at run time; the current page in the agent inbox.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser, ConsoleMessage, Page } from 'playwright-core';
import { DEFAULT_AWAY_MESSAGES } from '../../demo/texts';
import path from 'node:path';
import { Backend, freePort, launchChromium, root, startSite } from './harness';

/** With NATTER_SCREENSHOTS=1, the Arabic panel's picture goes to docs/screenshots/ (see docs/screenshots.md). */
const SHOTS = process.env.NATTER_SCREENSHOTS === '1' ? path.join(root, 'docs/screenshots') : undefined;

let backend: Backend;
let site: Awaited<ReturnType<typeof startSite>>;
let chromium: Awaited<ReturnType<typeof launchChromium>>;
let browser: Browser;

const endpoint = () => `ws://127.0.0.1:${backend.port}/natter`;
const tag = () => `<script async src="/natter.js" data-endpoint="${endpoint()}"></script>`;
const page = (body: string, lang: string, dir = 'ltr') =>
  `<!doctype html><html lang="${lang}" dir="${dir}"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Shop</title></head><body>${body}</body></html>`;

beforeAll(async () => {
  backend = new Backend(await freePort(), { BOT: 'on' });
  await backend.start();
  site = await startSite(endpoint(), {
    '/de': page(tag(), 'de'),
    '/fr': page(tag(), 'fr-FR'),
    '/ar': page(tag(), 'ar', 'rtl'),
    '/own-button': page(
      `<button id="help">Help <span id="count">0</span></button>
       <script>window.NatterSettings = { launcher: false };</script>
       <script>window.Natter = window.Natter || { q: [] };
         ['open','close','toggle','send','identify','on','off','shutdown','setMode','consent','invite','startLive','rate','leaveEmail','update','unmount'].forEach(function (m) { Natter[m] = Natter[m] || function () { Natter.q.push([m, arguments]); }; });
         Natter.on('unread', function (n) { document.getElementById('count').textContent = String(n); });
         document.getElementById('help').onclick = function () { Natter.open(); };</script>${tag()}`,
      'en',
    ),
    '/queued-api': page(
      `<script>window.Natter = window.Natter || { q: [] };
         ['open','close','toggle','send','identify','on','off','shutdown','setMode','consent','invite','startLive','rate','leaveEmail','update','unmount'].forEach(function (m) { Natter[m] = Natter[m] || function () { Natter.q.push([m, arguments]); }; });
         Natter.update({ locale: 'fr' });</script>
       <script src="/natter.js" data-endpoint="${endpoint()}"></script>
       <script>Natter.update({ position: 'left' });
         window.email = Natter.leaveEmail('ana@example.com').then(function () { return 'saved'; }, function (e) { return 'refused: ' + e.message; });
         window.rating = Natter.rate(5).then(function () { return 'rated'; }, function (e) { return 'refused: ' + e.message; });</script>`,
      'en',
    ),
    '/spa': page(`${tag()}<script>window.go = function (path, title) { history.pushState({}, '', path); document.title = title; };</script>`, 'en'),
  });
  chromium = await launchChromium();
  browser = chromium.browser;
});

afterAll(async () => {
  await chromium?.dispose();
  await backend?.dispose();
  await site?.close();
});

async function open(pathname: string): Promise<{ tab: Page; printed: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
  const tab = await context.newPage();
  const printed: string[] = [];
  tab.on('console', (message: ConsoleMessage) => printed.push(`${message.type()}: ${message.text()}`));
  tab.on('pageerror', (error) => printed.push(`pageerror: ${error}`));
  await tab.goto(`${site.url}${pathname}`);
  return { tab, printed };
}

const CASES = [
  { path: '/de', lang: 'de', dir: 'ltr', launcher: 'Chat öffnen', greeting: 'Hallo! Ich bin Natter Bot', quick: 'Versand', away: DEFAULT_AWAY_MESSAGES.de },
  { path: '/fr', lang: 'fr-FR', dir: 'ltr', launcher: 'Ouvrir le chat', greeting: 'Bonjour ! Je suis Natter Bot', quick: 'Livraison', away: DEFAULT_AWAY_MESSAGES.fr },
  { path: '/ar', lang: 'ar', dir: 'rtl', launcher: 'فتح المحادثة', greeting: 'مرحبًا! أنا Natter Bot', quick: 'الشحن', away: DEFAULT_AWAY_MESSAGES.ar },
];

test.each(CASES)("$path: the bot's greeting, its quick replies and the away message are in the page's language", async ({ path, lang, dir, launcher, greeting, quick, away }) => {
  const { tab, printed } = await open(path);
  await tab.getByRole('button', { name: launcher }).click();
  const root = tab.locator('[data-natter-widget] .natter');
  await expect.poll(() => root.getAttribute('lang')).toBe(lang);
  expect(await root.getAttribute('dir')).toBe(dir);
  // Nobody from the team is there: the backend's away message, in this language.
  await expect.poll(() => tab.getByText(away).count()).toBe(1);
  const box = tab.locator('[data-natter-widget] .composer textarea');
  await box.fill('Hi');
  await box.press('Enter');
  await expect.poll(() => tab.getByText(greeting, { exact: false }).count(), { timeout: 10_000 }).toBe(1);
  await expect.poll(() => tab.getByRole('button', { name: quick, exact: true }).count()).toBe(1);
  expect(printed.filter((line) => /^(error|pageerror)/.test(line))).toEqual([]);
  await tab.context().close();
});

test('the Arabic page is mirrored: launcher and panel on the left, the visitor’s own message on the left', async () => {
  const { tab } = await open('/ar');
  const launcher = tab.getByRole('button', { name: 'فتح المحادثة' });
  // (Polled: the second stage takes the launcher over from the first, which briefly leaves no box to measure.)
  await expect.poll(async () => {
    const box = await launcher.boundingBox();
    return box && box.x + box.width / 2;
  }).toBeLessThan(600);
  await launcher.click();
  const panel = tab.getByRole('dialog');
  await expect.poll(async () => (await panel.boundingBox())?.x ?? 9999).toBeLessThan(100);
  // The send arrow points the way Arabic runs: to the left.
  expect(await tab.locator('[data-natter-widget] .send svg').evaluate((svg) => getComputedStyle(svg).transform)).toBe('matrix(-1, 0, 0, 1, 0, 0)');
  const box = tab.locator('[data-natter-widget] .composer textarea');
  await box.fill('مرحبا');
  await box.press('Enter');
  const own = tab.getByTestId('message').first();
  await expect.poll(() => own.getAttribute('data-status')).toBe('sent');
  const panelBox = (await panel.boundingBox())!;
  const ownBox = (await own.locator('.bubble, .text, p').first().boundingBox())!;
  // Right to left, the visitor's own messages sit at the start: the left.
  expect(ownBox.x - panelBox.x).toBeLessThan(panelBox.x + panelBox.width - (ownBox.x + ownBox.width));
  if (SHOTS) {
    await expect.poll(() => tab.getByTestId('message').count()).toBeGreaterThan(1); // the bot's answer too
    await tab.waitForTimeout(300);
    await tab.screenshot({ path: path.join(SHOTS, 'rtl-arabic.png'), clip: { x: 0, y: Math.max(0, panelBox.y - 20), width: 440, height: Math.min(720, panelBox.height + 120) } });
  }
  await tab.context().close();
});

test("launcher: false — the site's own button opens the chat, and its own badge shows the unread count", async () => {
  const { tab, printed } = await open('/own-button');
  await expect.poll(() => tab.evaluate(() => !!document.querySelector('[data-natter-widget]'))).toBe(true);
  expect(await tab.locator('[data-natter-widget] .launcher').count()).toBe(0);
  // A message sent while the panel is closed: the bot's greeting comes back unread.
  await tab.evaluate(() => (window as unknown as { Natter: { send(text: string): Promise<void> } }).Natter.send('Hello'));
  await expect.poll(() => tab.locator('#count').textContent(), { timeout: 10_000 }).toBe('1');
  await tab.locator('#help').click();
  await expect.poll(() => tab.getByRole('dialog').isVisible()).toBe(true);
  await expect.poll(() => tab.locator('#count').textContent()).toBe('0');
  expect(await tab.locator('[data-natter-widget] .launcher').count()).toBe(0);
  expect(printed.filter((line) => /^(error|pageerror)/.test(line))).toEqual([]);
  await tab.context().close();
});

test('Natter.update at run time: a wrong value gets the load-time console error; a right one changes the widget', async () => {
  const { tab, printed } = await open('/de');
  await tab.getByRole('button', { name: 'Chat öffnen' }).click();
  await expect.poll(() => tab.getByRole('dialog').isVisible()).toBe(true);
  await tab.evaluate(() => (window as unknown as { Natter: { update(s: unknown): void } }).Natter.update({ color: 'red' }));
  expect(printed).toContain('error: Natter: setting "color" must be a hex colour such as "#0a7cff", got "red". Pass it to Natter.update; Natter.update changed nothing.');
  await tab.evaluate(() => (window as unknown as { Natter: { update(s: unknown): void } }).Natter.update({ position: 'left', color: '#aa0000' }));
  await expect.poll(() => tab.locator('[data-natter-widget] .natter--left').count()).toBe(1);
  const accent = await tab.evaluate(() => document.querySelector<HTMLElement>('[data-natter-widget]')!.style.getPropertyValue('--natter-accent'));
  expect(accent).toBe('#aa0000');
  await tab.context().close();
});

test('calls made before the second stage loaded: update chooses the language and corner, and the new methods settle once it loaded', async () => {
  const { tab, printed } = await open('/queued-api');
  // Any language before the second stage loads: the French one loads.
  await expect.poll(() => tab.evaluate(() => (window as unknown as { email?: Promise<string> }).email)).toBe('saved');
  expect(await tab.evaluate(() => [...document.scripts].map((script) => script.src.split('/').pop()))).toContain('natter-app-fr.js');
  expect(await tab.locator('[data-natter-widget] .natter').getAttribute('lang')).toBe('fr');
  expect(await tab.locator('[data-natter-widget] .natter--left').count()).toBe(1);
  // No live chat ended: nothing to rate, said in words.
  expect(await tab.evaluate(() => (window as unknown as { rating?: Promise<string> }).rating)).toMatch(/^refused: Natter.rate: /);
  // Within the loaded language, at once.
  await tab.evaluate(() => (window as unknown as { Natter: { update(s: unknown): void } }).Natter.update({ locale: 'fr-CA' }));
  await expect.poll(() => tab.locator('[data-natter-widget] .natter').getAttribute('lang')).toBe('fr-CA');
  await tab.evaluate(() => (window as unknown as { Natter: { unmount(): void } }).Natter.unmount());
  expect(await tab.locator('[data-natter-widget]').count()).toBe(0);
  await tab.context().close();
});

test('a language switch at run time (a single-page app\'s own switcher): its texts load, the widget speaks it, mirrored for Arabic', async () => {
  const { tab, printed } = await open('/fr');
  const update = (settings: unknown) => tab.evaluate((s) => (window as unknown as { Natter: { update(s: unknown): void } }).Natter.update(s), settings);
  const widget = tab.locator('[data-natter-widget] .natter');
  await tab.getByRole('button', { name: 'Ouvrir le chat' }).click();
  await expect.poll(() => tab.getByRole('dialog').isVisible()).toBe(true);
  await expect.poll(() => tab.getByRole('button', { name: 'Fermer le chat' }).count()).toBeGreaterThan(0);
  await update({ locale: 'de', color: '#aa0000' });
  await expect.poll(() => widget.getAttribute('lang')).toBe('de');
  expect(await tab.getByRole('button', { name: 'Chat schließen' }).count()).toBeGreaterThan(0);
  // The rest of the same update applies with it.
  expect(await tab.evaluate(() => document.querySelector<HTMLElement>('[data-natter-widget]')!.style.getPropertyValue('--natter-accent'))).toBe('#aa0000');
  expect(await tab.evaluate(() => [...document.scripts].map((script) => script.src.split('/').pop()))).toContain('natter-lang-de.js');
  await update({ locale: 'ar' });
  await expect.poll(() => widget.getAttribute('dir')).toBe('rtl');
  expect(await tab.getByRole('button', { name: 'إغلاق المحادثة' }).count()).toBeGreaterThan(0);
  // Back to a language it has learned: at once, no file loaded again.
  const scripts = await tab.evaluate(() => document.scripts.length);
  await update({ locale: 'de-AT' });
  await expect.poll(() => widget.getAttribute('lang')).toBe('de-AT');
  expect(await tab.evaluate(() => document.scripts.length)).toBe(scripts);
  // Two switches in a row: the last one asked for wins, whichever comes first, learned already or not.
  const slow = (file: string) =>
    tab.route(`**/${file}`, async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      await route.continue();
    });
  const accent = () => tab.evaluate(() => document.querySelector<HTMLElement>('[data-natter-widget]')!.style.getPropertyValue('--natter-accent'));
  await slow('natter-lang-es.js');
  await update({ locale: 'es' });
  await update({ locale: 'de' });
  await expect.poll(() => widget.getAttribute('lang')).toBe('de');
  await tab.waitForTimeout(600);
  expect(await widget.getAttribute('lang')).toBe('de');
  // The rest of an update applies at once, the language when its texts are there; a later update stays.
  await slow('natter-lang-en.js');
  await update({ locale: 'en', color: '#00aa00' });
  await expect.poll(accent).toBe('#00aa00');
  expect(await widget.getAttribute('lang')).toBe('de');
  await update({ color: '#0000aa' });
  await expect.poll(() => widget.getAttribute('lang')).toBe('en');
  expect(await accent()).toBe('#0000aa');
  // Its texts cannot be had (not served, or not this release's): said once, and the language stays.
  await tab.route('**/natter-lang-nl.js', (route) => route.fulfill({ status: 404, body: '' }));
  await update({ locale: 'nl' });
  await expect.poll(() => printed.find((line) => line.includes('natter-lang-nl.js'))).toMatch(/^error: Natter: could not load .*natter-lang-nl\.js; serve it next to natter\.js \(the page is unaffected\)\. The language stays as it was\.$/);
  await tab.unroute('**/natter-lang-nl.js');
  await tab.route('**/natter-lang-nl.js', (route) => route.fulfill({ contentType: 'text/javascript', body: 'document.currentScript.natterApp?.({ "title": 5 });' }));
  await update({ locale: 'nl' });
  await expect.poll(() => printed.filter((line) => line.includes('natter-lang-nl.js')).at(-1)).toBe(
    "error: Natter: natter-lang-nl.js does not have this version's texts; serve the files of one release together. The language stays as it was.",
  );
  expect(await widget.getAttribute('lang')).toBe('en');
  // Unmounted while a language is on its way: nothing comes back when it arrives.
  await slow('natter-lang-fr.js');
  await update({ locale: 'fr' });
  await tab.evaluate(() => (window as unknown as { Natter: { unmount(): void } }).Natter.unmount());
  await tab.waitForTimeout(600);
  expect(await tab.locator('[data-natter-widget]').count()).toBe(0);
  // The only errors: the browser's and Natter's for the missing file, and Natter's for the wrong one.
  expect(printed.filter((line) => line.startsWith('pageerror') || line.startsWith('error'))).toEqual([
    'error: Failed to load resource: the server responded with a status of 404 (Not Found)',
    expect.stringMatching(/^error: Natter: could not load .*natter-lang-nl\.js/),
    expect.stringMatching(/^error: Natter: natter-lang-nl\.js does not have/),
  ]);
  await tab.context().close();
});

test("the agent inbox shows the customer's language, attributes and current page, following a single-page app's route", async () => {
  const { tab } = await open('/spa');
  await tab.evaluate(() => (window as unknown as { Natter: { update(s: unknown): void } }).Natter.update({ attributes: { plan: 'pro' } }));
  await tab.getByRole('button', { name: 'Open chat' }).click();
  const box = tab.locator('[data-natter-widget] .composer textarea');
  await box.fill('Where is my order?');
  await box.press('Enter');
  await expect.poll(() => tab.getByTestId('message').first().getAttribute('data-status')).toBe('sent');
  await tab.evaluate(() => (window as unknown as { go(path: string, title: string): void }).go('/spa/shoes', 'Shoes'));
  const inbox = await tab.context().newPage();
  await inbox.goto(`${backend.url}/inbox`);
  await inbox.getByTestId('conversation').first().click();
  await expect.poll(() => inbox.getByTestId('visitor-page').textContent(), { timeout: 10_000 }).toContain('/spa/shoes');
  expect(await inbox.getByTestId('visitor-page').textContent()).toContain('Shoes');
  expect(await inbox.getByTestId('visitor-locale').textContent()).toBe('English (en)');
  expect(await inbox.getByTestId('visitor-attributes').textContent()).toBe('plan: pro');
  await tab.evaluate(() => (window as unknown as { go(path: string, title: string): void }).go('/spa/cart', 'Cart'));
  await expect.poll(() => inbox.getByTestId('visitor-page').textContent()).toContain('/spa/cart');
  await tab.context().close();
});
