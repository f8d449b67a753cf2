/**
 * Files picked, pasted or dropped: refused on the spot, in the customer's language, before anything is
 * stored or uploaded; sent otherwise, each as a message of its own.
 */
import { describe, expect, it } from 'vitest';
import { NatterClient } from '../../../src/core/client';
import { de } from '../../../src/i18n/de';
import { en } from '../../../src/i18n/en';
import { nl } from '../../../src/i18n/nl';
import { MemoryTransport } from '../../../src/transports/memory';
import { MemoryBackend } from '../../../src/transports/memory-backend';
import { attach, fileSize } from '../../../src/ui/attach';

async function client(files?: ConstructorParameters<typeof NatterClient>[0]['files']) {
  const backend = new MemoryBackend();
  backend.fileLimits = { maxBytes: 2_500_000, types: ['image/*', 'application/pdf'] };
  const natter = new NatterClient({ transport: new MemoryTransport(backend, 10), ...(files !== undefined && { files }) });
  await natter.start();
  natter.open();
  await until(() => natter.getState().connection === 'open');
  return natter;
}

async function until(predicate: () => boolean) {
  for (let i = 0; i < 200 && !predicate(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(predicate()).toBe(true);
}

const file = (name: string, type: string, bytes: number) => new File([new Uint8Array(bytes)], name, { type });

describe('attach', () => {
  it('says what is wrong in the customer’s language, and sends nothing of it', async () => {
    const natter = await client();
    expect(attach(natter, de, [file('leer.png', 'image/png', 0)])).toBe('leer.png ist leer.');
    expect(attach(natter, nl, [file('groot.png', 'image/png', 2_500_001)])).toBe(`groot.png is te groot (max. ${fileSize(2_500_000)}).`);
    expect(attach(natter, en, [file('page.html', 'text/html', 10)])).toBe("page.html: this type of file can't be sent.");
    expect(attach(natter, en, Array.from({ length: 6 }, (_, i) => file(`${i}.png`, 'image/png', 1)))).toBe('Send up to 5 files at a time.');
    expect(natter.getState().messages).toEqual([]);
  });

  it("takes the site's narrower limits: a count of 2, PNG only", async () => {
    const natter = await client({ maxCount: 2, types: ['image/png'] });
    expect(attach(natter, en, [file('a.png', 'image/png', 1), file('b.png', 'image/png', 1), file('c.png', 'image/png', 1)])).toBe('Send up to 2 files at a time.');
    expect(attach(natter, en, [file('a.jpg', 'image/jpeg', 1)])).toBe("a.jpg: this type of file can't be sent.");
  });

  it('sends the good ones of a mixed drop and names the others', async () => {
    const natter = await client();
    expect(attach(natter, en, [file('ok.pdf', 'application/pdf', 10), file('empty.pdf', 'application/pdf', 0)])).toBe('empty.pdf is empty.');
    await until(() => natter.getState().messages.length === 1);
    expect(natter.getState().messages[0]!.text).toBe('ok.pdf');
  });

  it('writes sizes as people read them', () => {
    expect(fileSize(999)).toMatch(/^1\s?kB$/);
    expect(fileSize(2_500_000)).toMatch(/^2[.,]5\s?MB$/);
  });
});
