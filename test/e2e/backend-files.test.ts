/**
 * The reference backend's files, over a real socket and real HTTP: a slot only for what the limits allow,
 * the bytes checked by their magic numbers (an HTML page named mug.png is refused), random names, a file
 * served only with its key and never as something that runs, a message or reply naming only a file of its
 * own conversation, and a slot asked for again answered with the same place.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanName, disposition, sniff } from '../../demo/files-check';
import { fileLimitsFromEnv } from '../../demo/files';
import { DEFAULT_FILE_LIMITS } from '../../demo/start';
import { TestBackend, type Frame } from './backend-peer';

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(56, 1)]);
const HTML = Buffer.from('<html><script>alert(document.cookie)</script></html>');
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');

// Slots count as messages: room for the 20 asked for in one test.
const backend = new TestBackend({ files: { maxBytes: 1000, types: DEFAULT_FILE_LIMITS.types }, limits: { messagesPerMinute: 100, addressMessagesPerMinute: 200 } });
// An agent account locks the team side, as on a real deployment (an open one serves this machine as an agent).
beforeAll(async () => {
  await backend.account('Ana');
  await backend.start();
});
afterAll(() => backend.dispose());

async function slot(peer: { send(f: Frame): void; take(m: (f: Frame) => boolean): Promise<Frame> }, clientId: string, size: number, mediaType: string, name = 'mug.png') {
  peer.send({ type: 'slot', clientId, name, size, mediaType });
  return peer.take((f) => f.clientId === clientId && (f.type === 'slot' || f.type === 'error'));
}

describe('checks from the bytes', () => {
  it('knows raster images, PDF and text by their magic numbers, nothing else', () => {
    expect(sniff(PNG)).toBe('image/png');
    expect(sniff(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
    expect(sniff(Buffer.from('GIF89a...'))).toBe('image/gif');
    expect(sniff(Buffer.from('RIFF\0\0\0\0WEBPVP8 '))).toBe('image/webp');
    expect(sniff(Buffer.from('%PDF-1.7'))).toBe('application/pdf');
    expect(sniff(HTML)).toBe('text/plain');
    expect(sniff(Buffer.from([0x4d, 0x5a, 0x90, 0x00]))).toBeUndefined(); // an .exe
  });

  it('serves only raster images inline, with a name that cannot break the header', () => {
    expect(disposition('image/png', 'a.png')).toMatch(/^inline;/);
    expect(disposition('text/plain', 'a.svg')).toMatch(/^attachment;/);
    expect(disposition('application/pdf', 'x";\r\nSet-Cookie: a=b.pdf')).not.toMatch(/[\r\n]|filename="x";/);
    expect(cleanName('..\\..\\evil\u202Egpj.exe')).toBe('evilgpj.exe');
  });

  it('reads LIMIT_FILE_BYTES and LIMIT_FILE_TYPES, refusing types it cannot check', () => {
    expect(fileLimitsFromEnv({ LIMIT_FILE_BYTES: '2048', LIMIT_FILE_TYPES: 'image/png, application/pdf' }, DEFAULT_FILE_LIMITS)).toEqual({ maxBytes: 2048, types: ['image/png', 'application/pdf'] });
    expect(() => fileLimitsFromEnv({ LIMIT_FILE_BYTES: '0' }, DEFAULT_FILE_LIMITS)).toThrow(/LIMIT_FILE_BYTES/);
    expect(() => fileLimitsFromEnv({ LIMIT_FILE_TYPES: 'image/svg+xml' }, DEFAULT_FILE_LIMITS)).toThrow(/cannot be checked from the bytes/);
  });
});

describe('slots, uploads and downloads', () => {
  it('says its limits in the welcome and refuses a slot over them', async () => {
    const { peer, welcome } = await backend.visitor('visitor-limits-0001');
    expect(welcome.files).toEqual({ maxBytes: 1000, types: DEFAULT_FILE_LIMITS.types });
    expect(await slot(peer, 'big', 1001, 'image/png')).toMatchObject({ type: 'error', code: 'file_refused', message: expect.stringMatching(/limit is 1000/) });
    expect(await slot(peer, 'svg', SVG.length, 'image/svg+xml', 'x.svg')).toMatchObject({ type: 'error', code: 'file_refused' });
    expect(backend.invalidFrames()).toEqual([]);
  });

  it('stores a PNG under a random name once, serves it only with its key, and delivers the message once', async () => {
    const { peer } = await backend.visitor('visitor-png-000001');
    const granted = await slot(peer, 'c-png', PNG.length, 'image/png', '../../<img src=x onerror=alert(1)>\u202E.png');
    expect(granted).toMatchObject({ type: 'slot', put: expect.stringMatching(/\/files\/[\w-]{22}\?k=/), get: expect.stringMatching(/\/files\/[\w-]{22}\?k=/) });
    // An upload cut short is refused; the slot stays usable.
    expect((await fetch(granted.put, { method: 'PUT', body: PNG.subarray(0, 20) })).status).toBe(400);
    const put = await fetch(granted.put, { method: 'PUT', body: PNG });
    expect(put.status).toBe(201);
    expect(put.headers.get('access-control-allow-origin')).toBe('*');
    // Asked again (a reload): the same place, nothing to upload.
    expect(await slot(peer, 'c-png', PNG.length, 'image/png')).toEqual({ type: 'slot', clientId: 'c-png', get: granted.get });
    const file = { name: 'x', size: PNG.length, type: 'image/png', url: granted.get };
    peer.send({ type: 'send', clientId: 'c-png', text: 'x', createdAt: 0, file });
    peer.send({ type: 'send', clientId: 'c-png', text: 'x', createdAt: 0, file });
    const [first, second] = [await peer.type('ack'), await peer.type('ack')];
    expect(second.id).toBe(first.id);
    const item = (await peer.type('item', (f) => f.item.clientId === 'c-png')).item;
    expect(item.file).toEqual({ name: '<img src=x onerror=alert(1)>.png', size: PNG.length, type: 'image/png', url: granted.get });
    expect(item.text).toBe('<img src=x onerror=alert(1)>.png');
    const stored = readdirSync(path.join(backend.dataDir, 'files'));
    expect(stored.every((name) => /^[\w-]{22}(\.json)?$/.test(name))).toBe(true);

    const got = await fetch(granted.get);
    expect(got.status).toBe(200);
    expect(Buffer.from(await got.arrayBuffer())).toEqual(PNG);
    expect(Object.fromEntries(['content-type', 'x-content-type-options', 'content-security-policy'].map((h) => [h, got.headers.get(h)]))).toEqual({
      'content-type': 'image/png',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; sandbox; frame-ancestors 'none'",
    });
    expect(got.headers.get('content-disposition')).toMatch(/^inline;/);
    expect((await fetch(granted.get.replace(/k=.*/, 'k=wrong'))).status).toBe(404);
    expect((await fetch(granted.get.replace(/\?.*/, ''))).status).toBe(404);
    // An agent needs no key: its own credentials do.
    const headers = { Authorization: `Bearer ${(await backend.account('Ana')).token}` };
    expect((await fetch(granted.get.replace(/\?.*/, ''), { headers })).status).toBe(200);
  });

  it('refuses an HTML page renamed .png, from its bytes, and a send naming no uploaded file', async () => {
    const { peer } = await backend.visitor('visitor-html-00001');
    const granted = await slot(peer, 'c-html', HTML.length, 'image/png', 'mug.png');
    const put = await fetch(granted.put, { method: 'PUT', body: HTML });
    expect(put.status).toBe(415);
    expect(await put.text()).toMatch(/bytes are text\/plain, not image\/png/);
    expect((await fetch(granted.get)).status).toBe(404);
    peer.send({ type: 'send', clientId: 'c-html', text: 'x', createdAt: 0, file: { name: 'x', size: HTML.length, type: 'image/png', url: granted.get } });
    expect(await peer.type('error')).toMatchObject({ code: 'file_refused', clientId: 'c-html' });
  });

  it("serves text as a download, and never lets a conversation send another's file", async () => {
    const a = await backend.visitor('visitor-text-00001');
    const granted = await slot(a.peer, 'c-svg', SVG.length, 'text/plain', 'evil.svg');
    expect((await fetch(granted.put, { method: 'PUT', body: SVG })).status).toBe(201);
    const got = await fetch(granted.get);
    expect(got.headers.get('content-type')).toBe('text/plain');
    expect(got.headers.get('content-disposition')).toMatch(/^attachment; filename="evil.svg"/);
    const b = await backend.visitor('visitor-text-00002');
    b.peer.send({ type: 'send', clientId: 'steal', text: 'x', createdAt: 0, file: { name: 'x', size: SVG.length, type: 'text/plain', url: granted.get } });
    expect(await b.peer.type('error')).toMatchObject({ code: 'file_refused', clientId: 'steal' });
  });

  it('grants at most 20 slots waiting for their bytes per conversation', async () => {
    const { peer } = await backend.visitor('visitor-slots-0001');
    for (let i = 0; i < 20; i++) expect(await slot(peer, `w${i}`, PNG.length, 'image/png')).toMatchObject({ type: 'slot' });
    expect(await slot(peer, 'w20', PNG.length, 'image/png')).toMatchObject({ type: 'error', code: 'file_refused', message: expect.stringMatching(/20 files of this conversation are waiting/) });
    // Asking again for one of them is still answered: it is the same slot.
    expect(await slot(peer, 'w3', PNG.length, 'image/png')).toMatchObject({ type: 'slot' });
  });

  it('lets an agent reply with a file through a slot of its own', async () => {
    const v = await backend.visitor('visitor-agent-0001');
    v.peer.send({ type: 'send', clientId: 'hello', text: 'my mug is chipped', createdAt: 0 });
    await v.peer.type('ack');
    const { conversationId } = v.welcome;
    const { peer } = await backend.agent('Ana');
    peer.send({ type: 'slot', conversationId, clientId: 'r1', name: 'label.pdf', size: 9, mediaType: 'application/pdf' });
    const granted = await peer.type('slot');
    expect((await fetch(granted.put, { method: 'PUT', body: '%PDF-1.7\n' })).status).toBe(201);
    peer.send({ type: 'reply', conversationId, clientId: 'r1', text: 'label.pdf', file: { name: 'label.pdf', size: 9, type: 'application/pdf', url: granted.get } });
    await peer.type('ack');
    const item = (await v.peer.type('item', (f) => f.item.clientId === 'r1')).item;
    expect(item).toMatchObject({ author: { role: 'agent' }, file: { name: 'label.pdf', type: 'application/pdf', size: 9 } });
    expect((await fetch(item.file.url)).headers.get('content-disposition')).toMatch(/^attachment;/);
  });
});
