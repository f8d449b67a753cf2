/**
 * The widget with the keyboard only, in real Chromium on the demo shop against the real backend: every flow
 * (messaging with the bot and its handoff, live chat to the rating, away with the email field) by Tab, the
 * arrow keys, Enter and Escape, with axe at 0 in every state; 200 % and 400 % zoom and 320 px wide; the
 * full-screen panel as a modal dialog on a phone; a focused page link never under the panel.
 * With NATTER_SCREENSHOTS=1 it also saves the states it passes through under docs/screenshots/.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { Backend, freePort, launchChromium, root, startSite } from './harness';

let backend: Backend;
let site: Awaited<ReturnType<typeof startSite>>;
let chromium: Awaited<ReturnType<typeof launchChromium>>;
let browser: Browser;

const AXE = readFileSync(path.join(root, 'node_modules/axe-core/axe.min.js'), 'utf8');
const SHOTS = process.env.NATTER_SCREENSHOTS === '1' ? path.join(root, 'docs/screenshots') : undefined;

beforeAll(async () => {
  backend = new Backend(await freePort(), { REPLY_MINUTES: '10' });
  await backend.start();
  site = await startSite(`ws://127.0.0.1:${backend.port}/natter`);
  chromium = await launchChromium();
  browser = chromium.browser;
  if (SHOTS) mkdirSync(SHOTS, { recursive: true });
});

afterAll(async () => {
  await chromium?.dispose();
  await backend?.dispose();
  await site?.close();
});

async function shop(options: BrowserContextOptions = { viewport: { width: 1280, height: 800 } }): Promise<Page> {
  const tab = await (await browser.newContext(options)).newPage();
  await tab.goto(`${site.url}/`);
  await expect.poll(() => tab.getByRole('button', { name: /^open chat/i }).isVisible()).toBe(true);
  return tab;
}

/** What has the focus, through the widget's shadow root: its name, test id and whether it is in the widget. */
function focused(tab: Page) {
  return tab.evaluate(() => {
    let active = document.activeElement;
    const inWidget = active?.hasAttribute('data-natter-widget') ?? false;
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
    return {
      inWidget,
      tag: active?.tagName.toLowerCase() ?? '',
      name: (active?.getAttribute('aria-label') ?? active?.textContent ?? '').trim(),
      testId: active?.getAttribute('data-testid') ?? '',
    };
  });
}

/**
 * Presses Shift+Tab (at most 30 times) until the focus is on what `wanted` says: from the text box, backwards
 * is the short way to everything above it. The launcher is reached forwards, from the page.
 */
async function tabTo(tab: Page, wanted: (f: Awaited<ReturnType<typeof focused>>) => boolean, what: string, key = 'Shift+Tab') {
  const stops: string[] = [];
  for (let i = 0; i < 30; i++) {
    const f = await focused(tab);
    if (wanted(f)) return;
    stops.push(`${f.inWidget ? '' : 'page:'}${f.tag}${f.testId ? `[${f.testId}]` : ''} ${f.name.slice(0, 20)}`);
    await tab.keyboard.press(key);
  }
  throw new Error(`Tab never reached ${what}; the stops: ${stops.join(' | ')}`);
}

/** axe's violations in the widget (its shadow root included). */
async function axe(tab: Page): Promise<string[]> {
  if (!(await tab.evaluate(() => 'axe' in window))) await tab.addScriptTag({ content: AXE });
  return tab.evaluate(async () => {
    const run = (window as unknown as { axe: { run(c: unknown, o: unknown): Promise<{ violations: { id: string; nodes: unknown[] }[] }> } }).axe;
    const result = await run.run({ include: [['[data-natter-widget]']] }, { resultTypes: ['violations'] });
    return result.violations.map((v) => `${v.id} (${v.nodes.length})`);
  });
}

/** axe at 0 in this state; the state's picture when asked for. */
async function check(tab: Page, state: string) {
  expect(await axe(tab), state).toEqual([]);
  // On a desktop, the panel's corner of the page.
  const clip = tab.viewportSize()!.width > 1000 ? { x: 860, y: 100, width: 420, height: 700 } : undefined;
  if (SHOTS) await tab.screenshot({ path: path.join(SHOTS, `${state}.png`), clip });
}

const panel = (tab: Page) => tab.getByRole('dialog');
const typeAndSend = async (tab: Page, text: string) => {
  await tab.keyboard.type(text);
  await tab.keyboard.press('Enter');
};

test('messaging with the bot, by keyboard: open, write, quick reply, "Talk to a person", close', async () => {
  const tab = await shop();
  await tabTo(tab, (f) => f.inWidget && /^open chat/i.test(f.name), 'the launcher', 'Tab');
  await tab.keyboard.press('Enter');
  await expect.poll(() => focused(tab)).toMatchObject({ inWidget: true, tag: 'textarea' });
  await expect.poll(() => panel(tab).locator('.greeting').textContent()).toMatch(/within 10 minutes/);
  await check(tab, 'empty');

  await typeAndSend(tab, 'Hello, is the blue teapot in stock?');
  await expect.poll(() => tab.getByTestId('handoff').isVisible()).toBe(true);
  await typeAndSend(tab, 'Shipping');
  // The bot's answer to it, with its own chips (the greeting's go when it comes: tabbing before it would race it).
  await expect.poll(() => tab.getByTestId('message').last().textContent()).toContain('orders leave our warehouse');
  await expect.poll(() => tab.getByTestId('quick-reply').count()).toBeGreaterThan(0);
  await check(tab, 'bot');

  await tabTo(tab, (f) => f.testId === 'quick-reply', 'a quick reply');
  const chip = (await focused(tab)).name;
  await tab.keyboard.press('Enter');
  await expect.poll(() => tab.getByTestId('message').last().textContent()).toContain(chip);
  await expect.poll(() => focused(tab)).toMatchObject({ tag: 'textarea' });

  await tabTo(tab, (f) => f.testId === 'handoff', '"Talk to a person"');
  await tab.keyboard.press('Enter');
  await expect.poll(() => tab.getByTestId('handoff').count()).toBe(0);
  // The button went: the focus is in the text box, not at the top of the page.
  await expect.poll(() => focused(tab)).toMatchObject({ inWidget: true, tag: 'textarea' });
  await check(tab, 'handed-over');

  await tab.keyboard.press('Escape');
  await expect.poll(() => panel(tab).isVisible()).toBe(false);
  expect(await focused(tab)).toMatchObject({ inWidget: true, name: expect.stringMatching(/^open chat/i) });
  await check(tab, 'closed');
  await tab.context().close();
});

test('live chat to the rating, and away with the email field, by keyboard', async () => {
  const inbox = await (await browser.newContext()).newPage();
  await inbox.goto(`${backend.url}/inbox`);
  await expect.poll(() => inbox.getByTestId('connection').textContent()).toBe('connected');
  const tab = await shop();
  await tabTo(tab, (f) => f.inWidget && /^open chat/i.test(f.name), 'the launcher', 'Tab');
  await tab.keyboard.press('Enter');
  await expect.poll(() => focused(tab)).toMatchObject({ tag: 'textarea' });

  await expect.poll(() => tab.getByTestId('start-live').isVisible()).toBe(true);
  await tabTo(tab, (f) => f.testId === 'start-live', '"Chat live with us"');
  await tab.keyboard.press('Enter');
  await expect.poll(() => panel(tab).getByText(/waiting for an agent/i).first().isVisible()).toBe(true);
  await check(tab, 'queued');
  await expect.poll(() => inbox.getByTestId('accept').first().isVisible()).toBe(true);
  await inbox.getByTestId('accept').first().click();
  await expect.poll(() => tab.getByTestId('end-live').isVisible()).toBe(true);
  await inbox.getByTestId('reply-input').fill('Hi, Alex here. How can I help?');
  await inbox.getByTestId('reply-send').click();
  await expect.poll(() => tab.getByTestId('message').last().textContent()).toContain('Alex here');
  await check(tab, 'live');

  await tabTo(tab, (f) => f.testId === 'end-live', '"End chat"');
  await tab.keyboard.press('Enter');
  await expect.poll(() => tab.getByTestId('rating').isVisible()).toBe(true);
  await check(tab, 'rating');
  await tabTo(tab, (f) => f.tag === 'input' && /star/.test(f.name), 'the stars');
  // The arrow keys choose; the filled stars are the chosen score, the others outlined.
  await tab.keyboard.press('ArrowLeft');
  await tab.keyboard.press('ArrowLeft');
  const score = await tab.getByTestId('rating').locator('input').evaluateAll((inputs) => inputs.findIndex((i) => (i as HTMLInputElement).checked) + 1);
  expect(score).toBeGreaterThan(0);
  await expect.poll(() => tab.getByTestId('rating').locator('[role=radiogroup]').textContent()).toBe('★'.repeat(score) + '☆'.repeat(5 - score));
  await tabTo(tab, (f) => f.testId === 'rating-submit', 'the rating Send', 'Tab');
  await tab.keyboard.press('Enter');
  await expect.poll(() => tab.getByTestId('rating').count()).toBe(0);
  await expect.poll(() => focused(tab)).toMatchObject({ inWidget: true, tag: 'textarea' });
  await check(tab, 'rated');

  // The team goes away; the customer writes on, as messages.
  await inbox.getByTestId('availability-toggle').click();
  await typeAndSend(tab, 'One more thing: can I change the address?');
  await expect.poll(() => tab.getByTestId('email-ask').isVisible()).toBe(true);
  // One line: the away message cut short beside its button.
  expect((await tab.locator('.away').boundingBox())!.height).toBeLessThan(60);
  await check(tab, 'away');
  await tabTo(tab, (f) => f.testId === 'email-ask', '"Get the reply by email"');
  await tab.keyboard.press('Enter');
  await expect.poll(() => focused(tab)).toMatchObject({ tag: 'input' });
  await typeAndSend(tab, 'ana@');
  await expect.poll(() => tab.getByTestId('email-error').isVisible()).toBe(true);
  await check(tab, 'away-email-error');
  await tab.keyboard.press('Control+A');
  await typeAndSend(tab, 'ana@example.com');
  await expect.poll(() => tab.getByTestId('email-form').count()).toBe(0);
  await expect.poll(() => focused(tab)).toMatchObject({ inWidget: true, tag: 'textarea' });
  await check(tab, 'away-email-saved');
  await inbox.getByTestId('availability-toggle').click();
  await inbox.context().close();
  await tab.context().close();
});

/** The panel's layout at one viewport: what is in view, and how much room the messages have. */
function layout(tab: Page) {
  return tab.evaluate(() => {
    const root = document.querySelector('[data-natter-widget]')!.shadowRoot!;
    const box = (selector: string) => root.querySelector(selector)!.getBoundingClientRect();
    const panel = root.querySelector<HTMLElement>('.panel')!;
    return {
      log: Math.round(box('.log').height),
      panelOverflowsSideways: panel.scrollWidth > panel.clientWidth,
      pageOverflowsSideways: document.documentElement.scrollWidth > innerWidth,
      panel: box('.panel').toJSON() as DOMRect,
    };
  });
}

/**
 * Whether the element the focus is on is in view: its whole width, its top edge and 40 px of it (a text box
 * taller than that scrolls inside; the caret's line is in view), or all of it if it is smaller.
 */
const focusInView = (tab: Page) =>
  tab.evaluate(() => {
    let active = document.activeElement;
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
    const r = active!.getBoundingClientRect();
    // 1 px for sub-pixel layout.
    const ok = r.top >= -1 && r.left >= -1 && r.right <= innerWidth + 1 && Math.min(r.bottom, innerHeight) - Math.max(r.top, 0) >= Math.min(r.height, 40) - 1;
    return ok || JSON.stringify(r);
  });

for (const [zoom, width, height, minLog] of [
  ['200 %', 640, 400, 140],
  ['400 %', 320, 200, 90],
  ['320 px wide', 320, 640, 180],
] as const) {
  test(`at ${zoom} (${width}×${height} CSS px) the messages keep room, and the text box, Send and × are reachable`, async () => {
    const tab = await shop({ viewport: { width, height } });
    await tabTo(tab, (f) => f.inWidget && /^open chat/i.test(f.name), 'the launcher', 'Tab');
    await tab.keyboard.press('Enter');
    await expect.poll(() => focused(tab)).toMatchObject({ tag: 'textarea' });
    // A long draft and the away card: the composer grows, the messages keep room.
    await tab.keyboard.type('Hello');
    await tab.keyboard.press('Enter');
    await expect.poll(() => tab.getByTestId('message').count()).toBeGreaterThan(0);
    for (let i = 0; i < 8; i++) await tab.keyboard.press('Shift+Enter');
    await tab.keyboard.type('A long draft');
    await expect.poll(async () => (await layout(tab)).panel.y).toBe(0); // it slides in
    const { log, panelOverflowsSideways, pageOverflowsSideways, panel: box } = await layout(tab);
    expect(log).toBeGreaterThanOrEqual(minLog);
    expect([panelOverflowsSideways, pageOverflowsSideways]).toEqual([false, false]);
    expect([box.x, box.y, box.width, Math.round(box.height)]).toEqual([0, 0, width, height]);
    // The growing text box scrolls itself into view after the frame that laid it out: polled, same criterion.
    await expect.poll(() => focusInView(tab), { message: 'the text box in view' }).toBe(true);
    await tabTo(tab, (f) => f.name === 'Send', 'Send', 'Tab');
    expect(await focusInView(tab), 'Send in view').toBe(true);
    await tabTo(tab, (f) => f.name === 'Close chat', 'the × button');
    expect(await focusInView(tab), '× in view').toBe(true);
    if (SHOTS && width === 640) await tab.screenshot({ path: path.join(SHOTS, 'zoom-200.png') });
    await tab.keyboard.press('Enter');
    await expect.poll(() => panel(tab).isVisible()).toBe(false);
    await tab.context().close();
  });
}

test('at 400 %, replies that come while the customer writes a long draft leave the text box in view', async () => {
  const tab = await (await browser.newContext({ viewport: { width: 320, height: 200 } })).newPage();
  // The backend's frames wait here until the draft is written, so everything they add lands above it.
  let hold = true;
  const held: (() => void)[] = [];
  await tab.routeWebSocket(/\/natter/, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((frame) => server.send(frame));
    server.onMessage((frame) => (hold ? held.push(() => ws.send(frame)) : ws.send(frame)));
  });
  await tab.goto(`${site.url}/`);
  await tab.getByRole('button', { name: /^open chat/i }).click();
  await expect.poll(() => focused(tab)).toMatchObject({ tag: 'textarea' });
  hold = false;
  for (const send of held.splice(0)) send();
  await expect.poll(async () => (await layout(tab)).panel.y).toBe(0);
  hold = true;
  await tab.keyboard.type('Hello');
  await tab.keyboard.press('Enter');
  for (let i = 0; i < 8; i++) await tab.keyboard.press('Shift+Enter');
  await tab.keyboard.type('A long draft');
  expect(await focusInView(tab), 'the text box in view while writing').toBe(true);
  const panelScroll = () => tab.evaluate(() => document.querySelector('[data-natter-widget]')!.shadowRoot!.querySelector('.panel')!.scrollTop);
  const scrolled = await panelScroll();
  hold = false;
  for (const send of held.splice(0)) send();
  // The bot answers: its reply, and "Talk to a person" above the text box.
  await expect.poll(() => tab.getByTestId('handoff').count()).toBe(1);
  await tab.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  expect(await focusInView(tab), 'the text box in view after the replies').toBe(true);
  expect(await panelScroll()).toBeGreaterThan(scrolled);
  // The customer scrolls up to read, the text box out of view, focus still in it: a part of the panel that
  // changes then (here the hand-off button's words, as a site's update would) leaves the panel where they put it.
  await tab.evaluate(() => {
    document.querySelector('[data-natter-widget]')!.shadowRoot!.querySelector('.panel')!.scrollTop = 0;
  });
  await expect.poll(() => focusInView(tab)).not.toBe(true);
  const longer = 'Talk to a person from our team, who answers you right here';
  await tab.evaluate((handoff) => (window as unknown as { Natter: { update(s: unknown): void } }).Natter.update({ strings: { handoff } }), longer);
  await expect.poll(() => tab.getByTestId('handoff').textContent()).toBe(longer);
  await tab.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  expect(await panelScroll(), 'left where the customer scrolled').toBe(0);
  expect(await focused(tab)).toMatchObject({ tag: 'textarea' });
  await tab.context().close();
});

test('on a phone the full-screen panel is modal: Tab stays in it, the page behind is inert, and comes back as it was', async () => {
  const tab = await shop({ viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true });
  const inertBefore = await tab.evaluate(() => document.querySelectorAll('[inert]').length);
  await tab.getByRole('button', { name: /^open chat/i }).focus();
  await tab.keyboard.press('Enter');
  await expect.poll(() => focused(tab)).toMatchObject({ tag: 'textarea' });
  expect(await panel(tab).getAttribute('aria-modal')).toBe('true');
  const stops: boolean[] = [];
  for (let i = 0; i < 12; i++) {
    await tab.keyboard.press('Tab');
    const f = await focused(tab);
    // The browser's own UI may take a turn between rounds; the page's content never does.
    stops.push(f.inWidget || f.tag === 'body' || f.tag === '');
  }
  expect(stops).toEqual(Array(12).fill(true));
  // Screen readers reach nothing behind it: every other element of the body is inert.
  expect(await tab.evaluate(() => [...document.body.children].filter((e) => !e.hasAttribute('data-natter-widget') && !e.hasAttribute('inert')).map((e) => e.tagName))).toEqual([]);
  await check(tab, 'phone');
  await tab.keyboard.press('Escape');
  await expect.poll(() => panel(tab).isVisible()).toBe(false);
  expect(await tab.evaluate(() => document.querySelectorAll('[inert]').length)).toBe(inertBefore);
  await tab.context().close();
});

test('on a desktop a page link focused under the open panel is scrolled out from under it, or the panel closes', async () => {
  const tab = await shop({ viewport: { width: 1280, height: 700 } });
  await tab.getByRole('button', { name: /^open chat/i }).focus();
  await tab.keyboard.press('Enter');
  await expect.poll(() => panel(tab).isVisible()).toBe(true);
  expect(await panel(tab).getAttribute('aria-modal')).toBe('false');
  // Two links of the page's own under the panel: one the page can scroll away, one fixed in the corner.
  await tab.evaluate(() => {
    const add = (tag: string, style: Partial<CSSStyleDeclaration>, href = '') => {
      const element = Object.assign(document.createElement(tag), href && { href, textContent: href });
      Object.assign(element.style, style);
      document.body.append(element);
    };
    add('a', { position: 'absolute', right: '60px', top: `${scrollY + innerHeight - 200}px` }, '#scrolls');
    add('a', { position: 'fixed', right: '60px', bottom: '200px' }, '#fixed');
    add('div', { height: '3000px' }); // room to scroll
  });
  const hidden = () =>
    tab.evaluate(() => {
      const p = document.querySelector('[data-natter-widget]')!.shadowRoot!.querySelector('.panel')!;
      const a = document.activeElement!.getBoundingClientRect();
      const b = p.getBoundingClientRect();
      return !p.hasAttribute('hidden') && a.right > b.left && a.left < b.right && a.top < b.bottom && a.top + 20 > b.top;
    });
  await tab.evaluate(() => document.querySelector<HTMLElement>('a[href="#scrolls"]')!.focus());
  await expect.poll(hidden).toBe(false);
  expect(await panel(tab).isVisible()).toBe(true); // moved, the panel stays
  await tab.evaluate(() => document.querySelector<HTMLElement>('a[href="#fixed"]')!.focus());
  await expect.poll(() => panel(tab).isVisible()).toBe(false); // nowhere to move it: the panel goes
  expect(await tab.evaluate(() => document.activeElement!.getAttribute('href'))).toBe('#fixed');
  await tab.context().close();
});
