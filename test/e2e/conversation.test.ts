/**
 * The whole product, as a customer and an agent use it: the built dist/natter.js on the demo shop, the
 * real reference backend, real IndexedDB in real Chromium.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { startStory, type Story } from './harness';

let story: Story;
let backend: Story['backend'];
let site: Story['site'];
let shop: Page;
let inbox: Page;

beforeAll(async () => {
  story = await startStory();
  ({ backend, site, shop, inbox } = story);
});

afterAll(() => story?.dispose());

const launcher = (page: Page) => page.getByRole('button', { name: /^open chat/i });
const composer = (page: Page) => page.getByRole('dialog').getByRole('textbox', { name: /your message/i });
const widgetMessages = (page: Page) => page.getByTestId('message');
const inboxMessages = () => inbox.getByTestId('message');

async function openPanel(page: Page) {
  await launcher(page).click();
  await expect.poll(() => page.getByRole('dialog').isVisible()).toBe(true);
}

async function customerSays(text: string) {
  await composer(shop).fill(text);
  await composer(shop).press('Enter');
}

async function agentSays(text: string) {
  await inbox.getByTestId('reply-input').fill(text);
  await inbox.getByTestId('reply-send').click();
}

/** The texts of the messages shown, by role, in order. */
async function shown(page: Page): Promise<string[]> {
  return widgetMessages(page).evaluateAll((nodes) =>
    nodes.map((node) => `${node.getAttribute('data-role')}: ${node.querySelector('.bubble')?.textContent ?? ''}`),
  );
}

test('a customer writes, the agent answers, and a reload shows it all with the backend stopped', async () => {
  await shop.goto(`${site.url}/`);
  await expect.poll(() => launcher(shop).isVisible()).toBe(true);

  await openPanel(shop);
  await customerSays('Hello, is the blue teapot in stock?');
  await expect.poll(() => widgetMessages(shop).first().getAttribute('data-status')).toBe('sent');

  await inbox.goto(`${backend.url}/inbox`);
  await inbox.getByTestId('conversation').first().click();
  await expect.poll(() => inboxMessages().allTextContents()).toEqual([expect.stringContaining('Hello, is the blue teapot in stock?')]);
  await agentSays('Yes, we have 3 left. <b>Shall I reserve one?</b>');

  await expect.poll(() => shown(shop)).toEqual([
    'visitor: Hello, is the blue teapot in stock?',
    'agent: Yes, we have 3 left. <b>Shall I reserve one?</b>',
  ]);
  // The agent's markup arrived as text, not as HTML.
  expect(await shop.getByRole('dialog').locator('b').count()).toBe(0);

  await backend.stop();
  await shop.reload();
  await openPanel(shop);
  await expect.poll(() => shown(shop)).toEqual([
    'visitor: Hello, is the blue teapot in stock?',
    'agent: Yes, we have 3 left. <b>Shall I reserve one?</b>',
  ]);
});

test('a message written while the backend is down is delivered once when it is back', async () => {
  await customerSays('Please reserve one for me.');
  await expect.poll(() => widgetMessages(shop).last().getAttribute('data-status')).toBe('sending');
  await shop.waitForTimeout(1500); // several reconnection attempts fail meanwhile
  expect(await widgetMessages(shop).last().getAttribute('data-status')).toBe('sending');

  await backend.start();
  await expect.poll(() => widgetMessages(shop).last().getAttribute('data-status'), { timeout: 40_000 }).toBe('sent');

  // The inbox reconnects by itself and shows the message exactly once.
  await expect.poll(() => inboxMessages().allTextContents(), { timeout: 40_000 }).toHaveLength(3);
  const texts = await inboxMessages().allTextContents();
  expect(texts.filter((text) => text.includes('Please reserve one for me.'))).toHaveLength(1);
});

test('after a backend restart the conversation goes on, and a final reload shows it whole and once', async () => {
  await backend.stop();
  await backend.start();
  await expect.poll(() => inbox.getByTestId('connection').textContent(), { timeout: 40_000 }).toMatch(/^connected/i);
  await inbox.getByTestId('conversation').first().click();
  await agentSays('Reserved! It will wait for you until Friday.');
  await expect.poll(() => shown(shop), { timeout: 40_000 }).toEqual([
    'visitor: Hello, is the blue teapot in stock?',
    'agent: Yes, we have 3 left. <b>Shall I reserve one?</b>',
    'visitor: Please reserve one for me.',
    'agent: Reserved! It will wait for you until Friday.',
  ]);

  await shop.reload();
  await openPanel(shop);
  await expect.poll(() => shown(shop)).toEqual([
    'visitor: Hello, is the blue teapot in stock?',
    'agent: Yes, we have 3 left. <b>Shall I reserve one?</b>',
    'visitor: Please reserve one for me.',
    'agent: Reserved! It will wait for you until Friday.',
  ]);
  await shop.waitForTimeout(500); // let the sync after the reload land: it must not double anything
  expect(await shown(shop)).toHaveLength(4);
});
