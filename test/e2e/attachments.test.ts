/**
 * Files, as a customer and an agent send them, in real Chromium against the real reference backend: by
 * button, paste and drop; through an outage and a reload mid-upload (delivered once); the agent sees them
 * and answers with one; and hostile files and names that never run, in the widget or the inbox.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startStory, type Story } from './harness';

let story: Story;
let shop: Page;
let inbox: Page;
/** Any `alert` or `confirm` a hostile file or name managed to raise, in either page. */
const dialogs: string[] = [];

const PNG = Buffer.concat([
  Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5e2d3e00000000049454e44ae426082', 'hex'),
]);

beforeAll(async () => {
  story = await startStory({ BOT: 'off', LIMIT_FILE_BYTES: '300000' });
  ({ shop, inbox } = story);
  for (const page of [shop, inbox]) page.on('dialog', (dialog) => void (dialogs.push(dialog.message()), dialog.dismiss()));
  await shop.goto(`${story.site.url}/`);
  await shop.getByRole('button', { name: /^open chat/i }).click();
  await story.inbox.goto(`${story.backend.url}/inbox`);
});

afterAll(() => story?.dispose());

const panel = () => shop.getByRole('dialog');
const messages = () => shop.getByTestId('message');
const fileInput = () => panel().locator('input[type="file"]');
/** The widget's messages: text, status and, for files, what is shown (`img` or `link`). */
const shown = () =>
  messages().evaluateAll((nodes) =>
    nodes.map((node) => {
      const file = node.querySelector('[data-testid="file"]');
      const kind = file ? (file.querySelector('img') ? '[img]' : '[link]') : '';
      const text = node.querySelector('.bubble')?.textContent?.trim();
      return [`${node.getAttribute('data-role')}:`, text, kind, `(${node.getAttribute('data-status')})`].filter(Boolean).join(' ');
    }),
  );
const storedFiles = () => readdirSync(path.join(story.backend.dataDir, 'files')).filter((name) => name.endsWith('.json')).length;
const inboxTexts = () => inbox.getByTestId('message').allTextContents();

/** Hands `files` to the page as a paste on the text box, or a drop on the composer, as a browser would. */
function dispatch(kind: 'paste' | 'drop', files: { name: string; type: string; base64: string }[]) {
  return shop.evaluate(
    ({ kind, files }) => {
      const root = document.querySelector('[data-natter-widget]')!.shadowRoot!;
      const data = new DataTransfer();
      for (const f of files) data.items.add(new File([Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0))], f.name, { type: f.type }));
      const target = root.querySelector(kind === 'paste' ? 'textarea' : 'form')!;
      const event = kind === 'paste' ? new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }) : new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true });
      target.dispatchEvent(event);
    },
    { kind, files },
  );
}

test('a photo by button reaches the agent as a thumbnail; the agent answers with a PDF', async () => {
  await fileInput().setInputFiles({ name: 'chipped-mug.png', mimeType: 'image/png', buffer: PNG });
  await expect.poll(shown).toEqual(['visitor: [img] (sent)']);
  // The thumbnail is the server's file, loaded, and opens full size in a new tab.
  const thumb = panel().locator('[data-testid="file"] img');
  await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(1);
  expect(await thumb.getAttribute('src')).toMatch(new RegExp(`^${story.backend.url}/files/[\\w-]{22}\\?k=`));
  expect(await panel().locator('[data-testid="file"] a').first().getAttribute('target')).toBe('_blank');

  await inbox.getByTestId('conversation').first().click();
  await expect.poll(() => inbox.locator('[data-testid="message"] img.thumb').evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).naturalWidth))).toEqual([1]);
  await inbox.getByTestId('reply-file').setInputFiles({ name: 'return-label.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.7\n%%EOF\n') });
  await expect.poll(shown).toEqual(['visitor: [img] (sent)', 'agent: return-label.pdf (1 kB) [link] (sent)']);
  const link = messages().last().locator('[data-testid="file"] a');
  expect(await link.getAttribute('download')).toBe('return-label.pdf');
  const served = await fetch((await link.getAttribute('href'))!);
  expect(served.headers.get('content-disposition')).toMatch(/^attachment;/);
  expect(storedFiles()).toBe(2);
});

test('paste and drop send each file once', async () => {
  const png = PNG.toString('base64');
  await dispatch('paste', [{ name: 'pasted.png', type: 'image/png', base64: png }]);
  await dispatch('drop', [{ name: 'dropped.png', type: 'image/png', base64: png }, { name: 'notes.txt', type: 'text/plain', base64: Buffer.from('order 1234').toString('base64') }]);
  await expect.poll(async () => (await shown()).slice(2)).toEqual(['visitor: [img] (sent)', 'visitor: [img] (sent)', 'visitor: notes.txt (1 kB) [link] (sent)']);
  await expect.poll(async () => (await inboxTexts()).length).toBe(5);
  expect(storedFiles()).toBe(5);
});

test('a file sent while the backend is down waits, with its preview, and is delivered once', async () => {
  await story.backend.stop();
  await fileInput().setInputFiles({ name: 'offline.png', mimeType: 'image/png', buffer: PNG });
  await expect.poll(async () => (await shown()).at(-1)).toBe('visitor: Cancel [img] (sending)');
  // The preview is the stored bytes, not a server address.
  expect(await messages().last().locator('img').getAttribute('src')).toMatch(/^blob:/);
  await story.backend.start();
  await expect.poll(async () => (await shown()).at(-1), { timeout: 20_000 }).toBe('visitor: [img] (sent)');
  await expect.poll(async () => (await inboxTexts()).length, { timeout: 10_000 }).toBe(6);
  expect(storedFiles()).toBe(6);
});

test('a reload in the middle of an upload finds the file stored and delivers it once', async () => {
  let held = 0;
  // The first PUT never finishes: the page is reloaded while it is under way.
  await shop.route('**/files/**', (route) => (route.request().method() === 'PUT' && held++ === 0 ? undefined : route.continue()));
  await fileInput().setInputFiles({ name: 'mid-upload.png', mimeType: 'image/png', buffer: PNG });
  await expect.poll(() => held).toBe(1);
  await expect.poll(() => messages().last().locator('progress').count()).toBe(1);
  await shop.reload();
  await shop.getByRole('button', { name: /^open chat/i }).click();
  await expect.poll(async () => (await shown()).at(-1), { timeout: 20_000 }).toBe('visitor: [img] (sent)');
  await shop.unroute('**/files/**');
  expect((await shown()).filter((line) => line.startsWith('visitor'))).toHaveLength(6);
  await expect.poll(async () => (await inboxTexts()).length, { timeout: 10_000 }).toBe(7);
  await inbox.waitForTimeout(500);
  expect((await inboxTexts()).length).toBe(7);
  expect(storedFiles()).toBe(7);
});

test('refused before upload, in words: empty, too big, a type not taken (an SVG with script)', async () => {
  const alert = panel().getByRole('alert');
  await fileInput().setInputFiles({ name: 'empty.png', mimeType: 'image/png', buffer: Buffer.alloc(0) });
  await expect.poll(() => alert.textContent()).toBe('empty.png is empty.');
  await fileInput().setInputFiles({ name: 'huge.png', mimeType: 'image/png', buffer: Buffer.concat([PNG, Buffer.alloc(300_001)]) });
  await expect.poll(() => alert.textContent()).toBe('huge.png is too big (max. 300 kB).');
  await fileInput().setInputFiles({ name: 'evil.svg', mimeType: 'image/svg+xml', buffer: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>') });
  await expect.poll(() => alert.textContent()).toBe("evil.svg: this type of file can't be sent.");
  expect((await shown()).length).toBe(7);
  expect(storedFiles()).toBe(7);
});

test('an HTML page renamed .png is refused from its bytes and never runs; a hostile name stays text', async () => {
  const name = '<img src=x onerror=alert(3)>\u202Egnp.exe.png';
  await fileInput().setInputFiles({ name: 'mug.png', mimeType: 'image/png', buffer: Buffer.from('<html><script>alert(4)</script></html>') });
  await expect.poll(async () => (await shown()).at(-1)).toBe('visitor: Cancel [img] (failed)');
  // Nothing of it was shown from the server, and a retry fails the same way: the bytes do not change.
  await messages().last().getByTestId('retry').click();
  await expect.poll(async () => (await shown()).at(-1)).toBe('visitor: Cancel [img] (failed)');
  const before = await messages().count();
  await fileInput().setInputFiles({ name, mimeType: 'image/png', buffer: PNG });
  await expect.poll(() => messages().count()).toBe(before + 1);
  // Sent, it takes its place in the server's order, before the failed one (which is still unsent).
  await expect.poll(async () => (await shown()).slice(-2)).toEqual(['visitor: [img] (sent)', 'visitor: Cancel [img] (failed)']);
  const hostile = panel().locator('img[alt="<img src=x onerror=alert(3)>gnp.exe.png"]');
  expect(await hostile.count()).toBe(1);
  expect(await messages().nth(before - 1).locator('img').getAttribute('alt')).toBe('<img src=x onerror=alert(3)>gnp.exe.png');
  // The customer takes the refused file back: it is gone.
  await messages().last().getByTestId('cancel').click();
  await expect.poll(async () => (await shown()).length).toBe(8);
  // In the inbox the name is the alt text of the thumbnail, and the list shows it as text.
  await expect.poll(() => inbox.locator('[data-testid="message"] img.thumb').last().getAttribute('alt')).toBe('<img src=x onerror=alert(3)>gnp.exe.png');
  expect(await inbox.locator('img[src="x"]').count()).toBe(0);
  expect(await panel().locator('img[src="x"]').count()).toBe(0);
  await shop.waitForTimeout(300);
  expect(dialogs).toEqual([]);
  expect(storedFiles()).toBe(8);
});
