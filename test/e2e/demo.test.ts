/**
 * The README's "try it" flow on the demo as it ships: one server is both the shop and the chat backend, so
 * the shop keeps its own offline copy (demo/shop-sw.js) and still opens when that server is stopped.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { Backend, freePort, launchChromium } from './harness';

let backend: Backend;
let chromium: Awaited<ReturnType<typeof launchChromium>>;

beforeAll(async () => {
  backend = new Backend(await freePort(), { BOT: 'off' });
  await backend.start();
  chromium = await launchChromium();
});

afterAll(async () => {
  await chromium?.dispose();
  await backend?.dispose();
});

test('stop the demo server and reload the shop: the conversation is all there, from the browser', async () => {
  const shop = await (await chromium.browser.newContext()).newPage();
  await shop.goto(`${backend.url}/`);
  await shop.evaluate(() => navigator.serviceWorker.ready.then(() => true));
  await shop.getByRole('button', { name: /^open chat/i }).click();
  const composer = shop.getByRole('textbox', { name: /your message/i });
  await composer.fill('Do you ship to Vienna?');
  await composer.press('Enter');
  await expect.poll(() => shop.getByTestId('message').first().getAttribute('data-status')).toBe('sent');
  // "Sent" shows when the ack arrives; the browser records it a moment later (a reload in that moment shows
  // the message as waiting, and the next connection settles it). The story is about a stored conversation.
  await expect.poll(() => storedStatuses(shop)).toEqual(['sent']);

  await backend.stop();
  await shop.reload();
  await shop.getByRole('button', { name: /^open chat/i }).click();
  await expect.poll(() => shop.getByTestId('message').first().textContent()).toContain('Do you ship to Vienna?');
  expect(await shop.getByTestId('message').first().getAttribute('data-status')).toBe('sent');
});

/** The statuses of the messages stored in the page's IndexedDB (Natter's records, format 2). */
function storedStatuses(page: import('playwright-core').Page): Promise<string[]> {
  return page.evaluate(
    () =>
      new Promise<string[]>((resolve, reject) => {
        const open = indexedDB.open('natter-default');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const request = open.result.transaction('records').objectStore('records').getAll();
          request.onsuccess = () => {
            open.result.close();
            resolve((request.result as { v?: number; status?: string; text?: string }[]).filter((r) => r.v === 2 && r.text !== undefined).map((r) => r.status!));
          };
        };
      }),
  );
}
