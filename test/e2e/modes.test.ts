/**
 * Live chat and messaging in one thread, as a customer and an agent live it: the built widget on the demo
 * shop (served by the shop's own server), the real reference backend, the agent inbox as a second page.
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

const panel = () => shop.getByRole('dialog');
const composer = () => panel().getByRole('textbox', { name: /your message/i });
const visible = (page: Page, testId: string) => page.getByTestId(testId).first().isVisible();

/** The timeline as the customer sees it: role and text of every message, in order. */
function timeline(): Promise<string[]> {
  return shop.getByTestId('message').evaluateAll((nodes) =>
    nodes.map((node) => `${node.getAttribute('data-role')}: ${node.querySelector('.bubble')?.textContent?.trim() ?? ''}`),
  );
}

async function openPanel() {
  await shop.getByRole('button', { name: /^open chat/i }).click();
  await expect.poll(() => panel().isVisible()).toBe(true);
}

async function customerSays(text: string) {
  await composer().fill(text);
  await composer().press('Enter');
}

async function agentSays(text: string) {
  await inbox.getByTestId('reply-input').fill(text);
  await inbox.getByTestId('reply-send').click();
}

test('live chat with a queue, typing both ways, a reload mid-session, the end and a rating', async () => {
  await inbox.goto(`${backend.url}/inbox`);
  await expect.poll(() => inbox.getByTestId('connection').textContent()).toBe('connected');

  await shop.goto(`${site.url}/`);
  await openPanel();
  await expect.poll(() => visible(shop, 'start-live')).toBe(true);
  await shop.getByTestId('start-live').click();
  await expect.poll(() => panel().getByText(/waiting for an agent/i).first().isVisible()).toBe(true);

  await expect.poll(() => visible(inbox, 'accept')).toBe(true);
  await inbox.getByTestId('accept').first().click();
  await expect.poll(() => panel().locator('.header').textContent()).toMatch(/Alex/);
  await expect.poll(() => timeline()).toContainEqual(expect.stringMatching(/^system: Alex joined/));

  // Typing, both ways.
  await composer().pressSequentially('I need help with', { delay: 20 });
  await expect.poll(() => visible(inbox, 'visitor-typing')).toBe(true);
  await inbox.getByTestId('reply-input').pressSequentially('Sure, one', { delay: 20 });
  await expect.poll(() => visible(shop, 'typing')).toBe(true);
  expect(await shop.getByTestId('typing').textContent()).toMatch(/Alex/);
  await composer().press('Enter');
  await inbox.getByTestId('reply-input').fill('');
  await agentSays('Sure, what is your order number?');
  await expect.poll(() => timeline()).toContainEqual('agent: Sure, what is your order number?');
  await expect.poll(() => visible(shop, 'typing')).toBe(false);

  // A reload mid-session: still live, with the same agent.
  await shop.reload();
  await openPanel();
  await expect.poll(() => panel().locator('.header').textContent()).toMatch(/Alex/);
  await expect.poll(() => visible(shop, 'end-live')).toBe(true);
  await customerSays('It is 12345.');
  await expect.poll(() => inbox.getByTestId('message').last().textContent()).toContain('It is 12345.');

  // The agent ends the chat; the customer rates it.
  await inbox.getByTestId('end-session').click();
  await expect.poll(() => timeline()).toContainEqual(expect.stringMatching(/^system: Chat ended/));
  await expect.poll(() => visible(shop, 'rating')).toBe(true);
  // The customer clicks the fourth star (the radio button under it is what assistive technology sees).
  await shop.getByTestId('rating').locator('label').nth(3).click();
  expect(await shop.getByRole('radio', { name: /^4 stars$/i }).isChecked()).toBe(true);
  await shop.getByTestId('rating').getByRole('textbox').fill('Quick and friendly');
  await shop.getByTestId('rating-submit').click();
  await expect.poll(() => visible(shop, 'rating')).toBe(false);
  await expect.poll(() => inbox.getByTestId('rating').first().getAttribute('data-score')).toBe('4');
});

test('after the chat the customer keeps writing as messaging; away brings the away message and email capture; back, the same thread goes on', async () => {
  await customerSays('One more thing: can I change the address?');
  await expect.poll(() => inbox.getByTestId('message').last().textContent()).toContain('can I change the address?');
  await expect.poll(() => inbox.getByTestId('thread-mode').textContent()).toMatch(/messaging/i);

  // The agent goes away.
  await inbox.getByTestId('availability-toggle').click();
  await expect.poll(() => inbox.getByTestId('availability-toggle').textContent()).toMatch(/away/i);
  await expect.poll(() => visible(shop, 'email-ask')).toBe(true);
  await expect.poll(() => panel().textContent()).toMatch(/we're away right now/i);
  await shop.getByTestId('email-ask').click();
  await expect.poll(() => visible(shop, 'email-form')).toBe(true);
  expect(await visible(shop, 'start-live')).toBe(false);

  const email = shop.getByTestId('email-form').getByRole('textbox');
  await email.fill('ana@');
  await email.press('Enter');
  await expect.poll(() => visible(shop, 'email-error')).toBe(true);
  expect(await inbox.getByTestId('visitor-email').textContent()).not.toContain('@');
  await email.fill('ana@example.com');
  await email.press('Enter');
  await expect.poll(() => inbox.getByTestId('visitor-email').textContent()).toBe('ana@example.com');
  // Said once, in the conversation, where the backend put it (not in the card as well).
  await expect.poll(() => panel().textContent()).toContain("We'll email you at ana@example.com when we reply.");
  expect((await panel().textContent())!.split("We'll email you at").length - 1).toBe(1);

  // The agent comes back: the away card goes; a person already answered in this thread, so the customer
  // is not offered a second way to reach one: they write, and the agent answers here.
  await inbox.getByTestId('availability-toggle').click();
  await expect.poll(() => visible(shop, 'email-form')).toBe(false);
  expect(await visible(shop, 'start-live')).toBe(false);
  expect(await visible(shop, 'handoff')).toBe(false);
});

test('one timeline throughout, intact after a final reload', async () => {
  const before = await timeline();
  expect(before).toEqual([
    expect.stringMatching(/^system: /), // waiting for an agent
    expect.stringMatching(/^system: Alex joined/),
    'visitor: I need help with',
    'agent: Sure, what is your order number?',
    'visitor: It is 12345.',
    expect.stringMatching(/^system: Chat ended/),
    expect.stringMatching(/^system: Thanks for rating this chat 4\/5/),
    'visitor: One more thing: can I change the address?',
    expect.stringMatching(/^system: We'll email you at ana@example.com/),
  ]);
  await shop.reload();
  await openPanel();
  await expect.poll(() => timeline()).toEqual(before);
  await shop.waitForTimeout(500); // the sync after the reload must not double anything
  expect(await timeline()).toEqual(before);
});
