/**
 * The drop-in script on host pages a site owner would write: one global, mounted once, calls queued before
 * it loaded, bad settings, host CSS, languages, keyboard, accessibility, phones.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser, ConsoleMessage, Page } from 'playwright-core';
import { Backend, freePort, launchChromium, root, startSite } from './harness';

let backend: Backend;
let site: Awaited<ReturnType<typeof startSite>>;
let chromium: Awaited<ReturnType<typeof launchChromium>>;
let browser: Browser;

const endpoint = () => `ws://127.0.0.1:${backend.port}/natter`;
const tag = (attributes = `data-endpoint="${endpoint()}"`) => `<script async src="/natter.js" ${attributes}></script>`;
const page = (body: string, lang = 'en', head = '') => `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">${head}<title>Host page</title></head><body>${body}</body></html>`;

const STUB = `<script>window.Natter = window.Natter || { q: [] };
['open','close','toggle','send','identify','on','off','shutdown','setMode'].forEach(function (m) { Natter[m] = Natter[m] || function () { Natter.q.push([m, arguments]); }; });</script>`;

beforeAll(async () => {
  backend = new Backend(await freePort(), { BOT: 'off' });
  await backend.start();
  const pages: Parameters<typeof startSite>[1] = {
    '/csp': {
      body: page(tag()),
      headers: {
        // The backend's http origin too, for files: their upload (connect-src) and their thumbnails (img-src).
        'content-security-policy': `default-src 'none'; script-src 'self'; style-src 'self'; connect-src ws://127.0.0.1:${backend.port} ${backend.url}; img-src 'self' blob: ${backend.url}`,
      },
    },
    '/plain': page(`<button id="own">The page's own button</button>${tag()}`),
    '/twice': page(`${tag()}${tag()}`),
    '/queued': page(`${STUB}<script>Natter.on('open', function () { document.title = 'opened by a queued call'; }); Natter.open();</script>${tag()}`),
    '/bad': page(`<button id="own" onclick="this.textContent='still works'">Click me</button>${tag('data-endpoint="htp://x"')}`),
    '/german': page(tag(), 'de'),
    '/dutch': page(tag(), 'nl'),
    '/hostile-css': page(
      `${tag()}`,
      'en',
      `<style>* { color: red !important; font-size: 40px !important; } button { display: none !important; } div { width: 5px !important; } [role=dialog] { visibility: hidden !important; }</style>`,
    ),
  };
  site = await startSite(endpoint(), pages);
  chromium = await launchChromium();
  browser = chromium.browser;
});

afterAll(async () => {
  await chromium?.dispose();
  await backend?.dispose();
  await site?.close();
});

/** What the page printed: console messages, and uncaught errors as type `pageerror`. */
type Printed = { type(): string; text(): string };

async function open(pathname: string, options: Parameters<Browser['newContext']>[0] = {}): Promise<{ tab: Page; console: Printed[] }> {
  const context = await browser.newContext(options);
  const tab = await context.newPage();
  const console: Printed[] = [];
  tab.on('console', (message: ConsoleMessage) => console.push(message));
  tab.on('pageerror', (error) => console.push({ type: () => 'pageerror', text: () => String(error) }));
  await tab.goto(`${site.url}${pathname}`);
  return { tab, console };
}

const launcher = (tab: Page) => tab.getByRole('button', { name: /^(open chat|chat öffnen|chat openen)/i });

test('adds only window.Natter to the page, and its API is there once loaded', async () => {
  const { tab } = await open('/plain');
  await expect.poll(() => tab.evaluate(() => typeof (window as { Natter?: unknown }).Natter)).toBe('object');
  const added = await tab.evaluate(() => {
    const frame = document.createElement('iframe');
    document.body.append(frame);
    const pristine = new Set(Object.getOwnPropertyNames(frame.contentWindow!));
    // (Index names such as "0" are the frames on the page, this probe's own iframe among them.)
    return Object.getOwnPropertyNames(window).filter((name) => !pristine.has(name) && !/^\d+$/.test(name));
  });
  expect(added).toEqual(['Natter']);
  expect(await tab.evaluate(() => Object.keys((window as unknown as { Natter: object }).Natter).sort())).toEqual(
    ['close', 'consent', 'getState', 'identify', 'invite', 'leaveEmail', 'off', 'on', 'open', 'rate', 'send', 'setMode', 'shutdown', 'startLive', 'toggle', 'unmount', 'update'],
  );
  await expect.poll(() => launcher(tab).isVisible()).toBe(true);
  await tab.context().close();
});

test('loading the script twice mounts one widget and says so on the console', async () => {
  const { tab, console } = await open('/twice');
  await expect.poll(() => launcher(tab).isVisible()).toBe(true);
  await expect.poll(() => console.filter((m) => m.text().includes('the script is on this page twice')).length).toBe(1);
  expect(await tab.locator('[data-natter-widget]').count()).toBe(1);
  await tab.context().close();
});

test('calls made before the script loaded are replayed in order', async () => {
  const { tab } = await open('/queued');
  await expect.poll(() => tab.title()).toBe('opened by a queued call');
  await expect.poll(() => tab.getByRole('dialog').isVisible()).toBe(true);
  await tab.context().close();
});

test('invalid settings: one clear console error, no widget, and the page keeps working', async () => {
  const { tab, console } = await open('/bad');
  await expect.poll(() => tab.evaluate(() => typeof (window as { Natter?: unknown }).Natter)).toBe('object');
  const errors = console.filter((m) => m.type() === 'error' || m.type() === 'pageerror');
  expect(errors.map((m) => m.text())).toEqual([expect.stringContaining('setting "endpoint" must be a ws:// or wss:// URL')]);
  expect(await tab.locator('[data-natter-widget]').count()).toBe(0);
  await tab.evaluate(() => (window as unknown as { Natter: { open(): void } }).Natter.open());
  await tab.locator('#own').click();
  expect(await tab.locator('#own').textContent()).toBe('still works');
  await tab.context().close();
});

test('speaks German and Dutch on German and Dutch pages', async () => {
  for (const [pathname, name, composer] of [
    ['/german', /^chat öffnen/i, /ihre nachricht/i],
    ['/dutch', /^chat openen/i, /uw bericht/i],
  ] as const) {
    const { tab } = await open(pathname);
    await tab.getByRole('button', { name }).click();
    await expect.poll(() => tab.getByRole('textbox', { name: composer }).isVisible()).toBe(true);
    await tab.context().close();
  }
});

test("the host page's CSS cannot reach into the widget", async () => {
  const { tab } = await open('/hostile-css');
  await launcher(tab).click();
  const dialog = tab.getByRole('dialog');
  await expect.poll(() => dialog.isVisible()).toBe(true);
  const style = await tab.getByRole('textbox', { name: /your message/i }).evaluate((node) => {
    const computed = getComputedStyle(node);
    return { color: computed.color, fontSize: computed.fontSize };
  });
  expect(style.color).not.toBe('rgb(255, 0, 0)');
  expect(style.fontSize).toBe('16px'); // 16px: iOS does not zoom into the field
  await tab.context().close();
});

test('keyboard: Escape closes the panel and gives focus back to the launcher', async () => {
  const { tab } = await open('/plain');
  await launcher(tab).focus();
  await tab.keyboard.press('Enter');
  await expect.poll(() => tab.getByRole('dialog').isVisible()).toBe(true);
  await expect.poll(() => tab.evaluate(() => document.querySelector('[data-natter-widget]')!.shadowRoot!.activeElement?.tagName)).toBe('TEXTAREA');
  await tab.keyboard.press('Escape');
  await expect.poll(() => tab.getByRole('dialog').isVisible()).toBe(false);
  expect(await tab.evaluate(() => document.querySelector('[data-natter-widget]')!.shadowRoot!.activeElement?.getAttribute('aria-expanded'))).toBe('false');
  await tab.context().close();
});

test('axe finds no accessibility violations in the open widget', async () => {
  const { tab } = await open('/plain');
  await launcher(tab).click();
  await tab.getByRole('textbox', { name: /your message/i }).fill('Hello from an accessibility test');
  await tab.keyboard.press('Enter');
  await expect.poll(() => tab.getByTestId('message').count()).toBe(1);
  await tab.addScriptTag({ content: readFileSync(path.join(root, 'node_modules/axe-core/axe.min.js'), 'utf8') });
  const violations = await tab.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: { id: string; nodes: unknown[] }[] }> } }).axe;
    const result = await axe.run({ include: [['[data-natter-widget]']] }, { resultTypes: ['violations'] });
    return result.violations.map((v) => `${v.id} (${v.nodes.length})`);
  });
  expect(violations).toEqual([]);
  await tab.context().close();
});

test("works under a strict Content-Security-Policy: no 'unsafe-inline', no 'unsafe-eval', no violations", async () => {
  const context = await browser.newContext();
  await context.addInitScript(() => {
    const seen: string[] = [];
    Object.defineProperty(window, '__cspViolations', { value: seen });
    document.addEventListener('securitypolicyviolation', (event) => seen.push(`${event.violatedDirective}: ${event.blockedURI} ${event.sample}`));
  });
  const tab = await context.newPage();
  await tab.goto(`${site.url}/csp`);
  await launcher(tab).click();
  await tab.getByRole('textbox', { name: /your message/i }).fill('Hello from a strict page');
  await tab.keyboard.press('Enter');
  await expect.poll(() => tab.getByTestId('message').first().getAttribute('data-status')).toBe('sent');
  // The stylesheet applied: the launcher wears the default accent colour (#005fcc).
  const accent = await tab.locator('button[aria-expanded]').evaluate((node) => getComputedStyle(node).backgroundColor);
  expect(accent).toBe('rgb(0, 95, 204)');
  // The files part loads on the first file, from where natter.js came, and its upload and thumbnail pass too.
  const filesLoaded = () => tab.evaluate(() => performance.getEntriesByType('resource').filter((entry) => entry.name.endsWith('/natter-files.js')).length);
  expect(await filesLoaded()).toBe(0);
  const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5e2d3e00000000049454e44ae426082', 'hex');
  await tab.getByRole('dialog').locator('input[type="file"]').setInputFiles({ name: 'mug.png', mimeType: 'image/png', buffer: png });
  await expect.poll(() => tab.getByTestId('message').last().getAttribute('data-status')).toBe('sent');
  await expect.poll(() => tab.locator('[data-testid="file"] img').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(1);
  expect(await filesLoaded()).toBe(1);
  expect(await tab.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations)).toEqual([]);
  await context.close();
});

test('full screen on a narrow phone', async () => {
  const { tab } = await open('/plain', { viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true });
  await launcher(tab).click();
  // Polled: the panel slides in.
  await expect
    .poll(async () => {
      const box = await tab.getByRole('dialog').boundingBox();
      return box && [box.x, box.y, box.width, Math.round(box.height)];
    })
    .toEqual([0, 0, 375, 667]);
  // Nothing covers the composer's Send button: the launcher steps aside while the panel fills the screen.
  const send = tab.getByRole('button', { name: /^send$/i });
  await tab.getByRole('textbox', { name: /your message/i }).fill('Hi from a phone');
  await send.click({ trial: true });
  await tab.context().close();
});
