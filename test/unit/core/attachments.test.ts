/**
 * Files on their way: checked before anything is stored, kept with the message in storage until uploaded,
 * uploaded once to the slot the backend grants, then sent once — through outages, failed uploads and reloads.
 */
import { Blob as NodeBlob, File as NodeFile } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { NatterClient } from '../../../src/core/client';
import { fileLimits, fileName, fileProblem } from '../../../src/core/files';
import { parseSettings } from '../../../src/embed/settings';
import { createNatter } from '../../../src/natter';
import { History } from '../../../src/storage/history';
import { memoryKeyValue, type KeyValue } from '../../../src/storage/kv';
import { MemoryTransport } from '../../../src/transports/memory';
import { MemoryBackend } from '../../../src/transports/memory-backend';
import { until } from './helpers';

function client(backend: MemoryBackend, kv: KeyValue) {
  return new NatterClient({ transport: new MemoryTransport(backend, 10), storage: () => new History(kv, () => {}), ackTimeoutMs: 200 });
}

const png = (bytes = 64) => new File([new Uint8Array(bytes).fill(7)], 'mug.png', { type: 'image/png' });
// Node's own Blob and File: Node's structuredClone keeps them (as IndexedDB does in a browser), happy-dom's it cannot.
const Blob = NodeBlob as unknown as typeof globalThis.Blob;
const File = NodeFile as unknown as typeof globalThis.File;
/** Opens the link (files are only known once the backend said which it takes). */
async function connected(natter: NatterClient) {
  await natter.start();
  natter.open();
  await until(() => natter.getState().files !== undefined, 'the file limits');
}

describe('checks before upload', () => {
  const limits = { maxBytes: 100, types: ['image/*', 'application/pdf'] };
  it('refuses empty, too big, refused types and a backend without files', () => {
    expect(fileProblem(new Blob([]), limits)).toBe('empty');
    expect(fileProblem(new Blob([new Uint8Array(101)], { type: 'image/png' }), limits)).toBe('size');
    expect(fileProblem(new Blob(['<svg/>'], { type: 'text/html' }), limits)).toBe('type');
    expect(fileProblem(new Blob(['x'], { type: 'image/png' }), undefined)).toBe('none');
    expect(fileProblem(new Blob([new Uint8Array(100)], { type: 'image/webp' }), limits)).toBeUndefined();
    expect(fileProblem(new Blob(['%PDF'], { type: 'application/pdf' }), limits)).toBeUndefined();
  });

  it("narrows the backend's limits by the site's `files` setting", () => {
    const backend = { maxBytes: 1_000_000, types: ['image/*', 'application/pdf'] };
    expect(fileLimits(backend, undefined)).toEqual(backend);
    expect(fileLimits(backend, false)).toBeUndefined();
    expect(fileLimits(backend, { maxBytes: 500_000, types: ['image/png', 'text/plain'], maxCount: 2 })).toEqual({ maxBytes: 500_000, types: ['image/png'], maxCount: 2 });
    expect(fileLimits(backend, { maxBytes: 5_000_000 })).toEqual(backend);
  });

  it('checks the `files` setting in createNatter and the script tag', () => {
    const transport = new MemoryTransport(new MemoryBackend());
    expect(() => createNatter({ transport, files: { maxBytes: 0 } })).toThrow(/option files.maxBytes: must be at least 1/);
    expect(() => createNatter({ transport, files: true as unknown as false })).toThrow(/option files/);
    expect(createNatter({ transport, files: false })).toBeInstanceOf(NatterClient);
    const endpoint = 'wss://chat.example.com/natter';
    expect(parseSettings({ endpoint, files: { types: ['image/png'], maxCount: 3 } })).toMatchObject({ ok: true, settings: { files: { types: ['image/png'], maxCount: 3 } } });
    expect(parseSettings({ endpoint, files: { maxCount: 99 } })).toMatchObject({ ok: false, error: expect.stringMatching(/"files"/) });
  });

  it('makes names harmless text: no path, no bidi or control characters', () => {
    expect(fileName('../../etc/passwd')).toBe('passwd');
    expect(fileName('C:\\Users\\ana\\mug.png')).toBe('mug.png');
    expect(fileName('invoice\u202Egpj.exe')).toBe('invoicegpj.exe');
    expect(fileName('a\u0000b\nc.png')).toBe('abc.png');
    expect(fileName('<img src=x onerror=alert(1)>.png')).toBe('<img src=x onerror=alert(1)>.png');
    expect(fileName('/')).toBe('file');
    expect([...fileName('😀'.repeat(300))]).toHaveLength(255);
  });

  it('sendFile throws before storing or uploading anything', async () => {
    const backend = new MemoryBackend();
    const natter = client(backend, memoryKeyValue());
    await connected(natter);
    await expect(natter.sendFile(new File([], 'empty.png', { type: 'image/png' }))).rejects.toThrow(/refused \(empty\)/);
    await expect(natter.sendFile(png(1_000_001))).rejects.toThrow(/refused \(size\)/);
    await expect(natter.sendFile(new File(['<html>'], 'page.html', { type: 'text/html' }))).rejects.toThrow(/refused \(type\)/);
    expect(natter.getState().messages).toEqual([]);
    expect(backend.files.size).toBe(0);
  });
});

describe('delivery', () => {
  it('uploads once, then sends once; the file message carries the address, not the bytes', async () => {
    const backend = new MemoryBackend();
    const natter = client(backend, memoryKeyValue());
    await connected(natter);
    const message = await natter.sendFile(png(), '..\\x/<img src=x onerror=alert(1)>\u202E.png');
    expect(message.text).toBe('<img src=x onerror=alert(1)>.png');
    await until(() => natter.getState().messages[0]?.status === 'sent', 'the file to be sent');
    const [visitorId] = backend.visitorIds();
    const stored = backend.messages(visitorId!);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.file).toEqual({ name: '<img src=x onerror=alert(1)>.png', size: 64, type: 'image/png', url: `https://memory.invalid/files/${visitorId}/${message.key}` });
    expect([...backend.files.values()].map((f) => f.uploads)).toEqual([1]);
    expect(natter.getState().messages[0]!.file!.blob).toBeUndefined();
    expect(natter.getState().uploads).toEqual({});
  });

  it('files go out in the order they were added though the later one uploads first; a text does not wait', async () => {
    const backend = new MemoryBackend();
    backend.uploadMs = (blob) => (blob.size > 100 ? 80 : 0);
    const natter = client(backend, memoryKeyValue());
    await connected(natter);
    const big = await natter.sendFile(png(200));
    const small = await natter.sendFile(png(64));
    // The small one is uploaded long before the big one, and waits for it.
    await until(() => [...backend.files.values()].length === 1, 'the small upload');
    await natter.send('this is the chip');
    await until(() => natter.getState().messages.every((m) => m.status === 'sent'), 'everything sent');
    const stored = backend.messages(backend.visitorIds()[0]!);
    expect(stored.map((m) => m.clientId)).toEqual([natter.getState().messages.find((m) => m.text === 'this is the chip')!.key, big.key, small.key]);
    expect([...backend.files.values()].map((f) => f.uploads)).toEqual([1, 1]);
  });

  it('after a reconnection too, an uploaded file waits for the one added before it', async () => {
    const backend = new MemoryBackend();
    backend.uploadMs = (blob) => (blob.size > 100 ? 80 : 0);
    const natter = client(backend, memoryKeyValue());
    await connected(natter);
    backend.online = false;
    await until(() => natter.getState().connection !== 'open', 'the link to drop');
    const big = await natter.sendFile(png(200));
    const small = await natter.sendFile(png(64));
    backend.online = true;
    await until(() => natter.getState().messages.every((m) => m.status === 'sent'), 'everything sent');
    expect(backend.messages(backend.visitorIds()[0]!).map((m) => m.clientId)).toEqual([big.key, small.key]);
  });

  it('a file shown failed while it waited offline behind another goes out by itself after it, once the link is back', async () => {
    const backend = new MemoryBackend();
    backend.uploadMs = (blob) => (blob.size > 100 ? 80 : 0);
    const natter = new NatterClient({ transport: new MemoryTransport(backend, 10), storage: () => new History(memoryKeyValue(), () => {}), ackTimeoutMs: 200, offlineNoticeMs: 30 });
    await connected(natter);
    const big = await natter.sendFile(png(200));
    const small = await natter.sendFile(png(64));
    await until(() => natter.getState().messages.find((m) => m.key === small.key)?.file?.url !== undefined, 'the small file uploaded');
    backend.online = false;
    await until(() => natter.getState().messages.every((m) => m.status === 'failed'), 'both shown failed offline');
    backend.online = true;
    await until(() => natter.getState().messages.every((m) => m.status === 'sent'), 'both sent, without a retry');
    expect(backend.messages(backend.visitorIds()[0]!).map((m) => m.clientId)).toEqual([big.key, small.key]);
  });

  it('a file message the backend refuses is not sent again', async () => {
    const backend = new MemoryBackend();
    backend.refuseMessage = (text) => (text === 'mug.png' ? 'file_refused: not today' : undefined);
    const natter = client(backend, memoryKeyValue());
    const errors: string[] = [];
    natter.on('error', (error) => errors.push(error.message));
    await connected(natter);
    await natter.sendFile(png());
    await until(() => natter.getState().messages[0]?.rejected === true, 'the refusal');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(errors).toEqual(['Natter: the server refused a message (file_refused: not today).']);
    expect(natter.getState().messages[0]).toMatchObject({ status: 'failed', rejected: true });
  });

  it('waits offline with the bytes in storage, and goes out once when the link is back', async () => {
    const backend = new MemoryBackend();
    const kv = memoryKeyValue();
    const natter = client(backend, kv);
    await connected(natter);
    backend.online = false;
    await until(() => natter.getState().connection !== 'open', 'the link to drop');
    await natter.sendFile(png());
    await new Promise((resolve) => setTimeout(resolve, 20));
    const out = await kv.getUnder(['visitor']);
    expect(out.some((r) => (r.value as { file?: { blob?: Blob } }).file?.blob?.size === 64)).toBe(true);
    backend.online = true;
    await until(() => natter.getState().messages[0]?.status === 'sent', 'the file to be sent');
    expect(backend.messages(backend.visitorIds()[0]!)).toHaveLength(1);
    expect([...backend.files.values()][0]!.uploads).toBe(1);
  });

  it('an upload that fails midway is shown failed, retried on demand, and sent once', async () => {
    const backend = new MemoryBackend();
    backend.failUploads = 1;
    const natter = client(backend, memoryKeyValue());
    await connected(natter);
    const message = await natter.sendFile(png());
    await until(() => natter.getState().messages[0]?.status === 'failed', 'the upload to fail');
    expect(natter.getState().messages[0]!.error).toMatch(/upload failed \(Error: connection reset\)/);
    expect(backend.messages(backend.visitorIds()[0]!)).toHaveLength(0);
    natter.retry(message.key);
    await until(() => natter.getState().messages[0]?.status === 'sent', 'the retry to be sent');
    expect(backend.messages(backend.visitorIds()[0]!)).toHaveLength(1);
    expect([...backend.files.values()][0]!.uploads).toBe(1);
  });

  it('a reload before the upload finds the file in storage and delivers it once', async () => {
    const backend = new MemoryBackend();
    const kv = memoryKeyValue();
    const first = client(backend, kv);
    await connected(first);
    backend.receiving = false; // the slot request is lost: the page is closed before the upload began
    await first.sendFile(png(32));
    await new Promise((resolve) => setTimeout(resolve, 20));
    first.stop();
    backend.receiving = true;
    const reloaded = client(backend, kv);
    await reloaded.start();
    expect(reloaded.getState().messages.map((m) => [m.text, m.status, m.file?.blob?.size])).toEqual([['mug.png', 'sending', 32]]);
    await until(() => reloaded.getState().messages[0]?.status === 'sent', 'the reloaded file to be sent');
    expect(backend.messages(backend.visitorIds()[0]!)).toHaveLength(1);
    expect([...backend.files.values()][0]!.uploads).toBe(1);
  });

  it('a slot asked for again after the bytes arrived is not uploaded twice', async () => {
    const backend = new MemoryBackend();
    backend.sendAcks = false; // the message's ack is lost: the outbox asks again
    const natter = client(backend, memoryKeyValue());
    await connected(natter);
    await natter.sendFile(png());
    await until(() => backend.messages(backend.visitorIds()[0]!).length === 1, 'the message to be stored');
    backend.sendAcks = true;
    natter.stop();
    await natter.start();
    natter.open();
    await until(() => natter.getState().messages[0]?.status === 'sent', 'the echo');
    expect(backend.messages(backend.visitorIds()[0]!)).toHaveLength(1);
    expect([...backend.files.values()][0]!.uploads).toBe(1);
  });

  it('cancel takes back a file not sent yet, from the timeline and storage', async () => {
    const backend = new MemoryBackend();
    const kv = memoryKeyValue();
    const natter = client(backend, kv);
    await connected(natter);
    backend.online = false;
    const message = await natter.sendFile(png());
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(natter.cancel(message.key)).toBe(true);
    expect(natter.getState().messages).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await kv.getUnder(['visitor'])).filter((r) => r.key[2] === 'out')).toEqual([]);
    backend.online = true;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(backend.files.size).toBe(0);
  });

  it('bytes the backend refuses fail for good: not uploaded again at every reconnection', async () => {
    const backend = new MemoryBackend();
    backend.refuseUploads = true;
    const natter = client(backend, memoryKeyValue());
    await connected(natter);
    await natter.sendFile(png());
    await until(() => natter.getState().messages[0]?.rejected === true, 'the refusal');
    expect(natter.getState().messages[0]).toMatchObject({ status: 'failed', error: 'upload failed (Error: HTTP 415)' });
    backend.online = false;
    await until(() => natter.getState().connection !== 'open', 'the link to drop');
    backend.refuseUploads = false;
    backend.online = true;
    await until(() => natter.getState().connection === 'open', 'the link back');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(backend.files.size).toBe(0);
    expect(natter.getState().messages[0]!.status).toBe('failed');
  });

  it('a refused file fails for good', async () => {
    const backend = new MemoryBackend();
    const natter = client(backend, memoryKeyValue());
    await connected(natter);
    backend.fileLimits = { maxBytes: 10, types: ['image/*'] }; // the backend changed its mind after the welcome
    await natter.sendFile(png());
    await until(() => natter.getState().messages[0]?.rejected === true, 'the refusal');
    expect(backend.files.size).toBe(0);
  });
});

describe('tabs', () => {
  it("a follower tab's file goes through the leader's connection: slot, upload and message, once", async () => {
    const { FakeLocks, uniqueName } = await import('../tabs/helpers');
    const { openTabLink } = await import('../../../src/tabs/tab-link');
    const { TabTransport } = await import('../../../src/tabs/tab-transport');
    const { openTabBus } = await import('../../../src/tabs/tab-bus');
    let tabs = 0;
    const backend = new MemoryBackend();
    const kv = memoryKeyValue();
    const locks = new FakeLocks();
    const name = uniqueName();
    const tab = (id = `tab${++tabs}`) =>
      new NatterClient({
        transport: new TabTransport(new MemoryTransport(backend, 10), () => openTabLink(name, { locks: locks.manager }), 100),
        storage: () => new History(kv, () => {}),
        tabs: () => openTabBus(`${name}-bus`, id, { locks: locks.manager }),
      });
    const leader = tab();
    await connected(leader);
    const follower = tab();
    await connected(follower);
    await follower.sendFile(png(), 'from-follower.png');
    await until(() => follower.getState().messages[0]?.status === 'sent', "the follower's file to be sent");
    await until(() => leader.getState().messages.length === 1, 'the leader to show it');
    // Each tab greeted the backend before they agreed on one visitor: the file is in that one's conversation.
    expect(backend.visitorIds().flatMap((id) => backend.messages(id).map((m) => m.text))).toEqual(['from-follower.png']);
    expect([...backend.files.values()].map((f) => f.uploads)).toEqual([1]);
    expect(leader.getState().messages[0]!.file).toMatchObject({ name: 'from-follower.png', url: expect.stringContaining('/files/') });
    leader.stop();
    follower.stop();
  });
});

describe('storage', () => {
  it('keeps a file message as format 3, which an older release skips instead of rewriting it without its file', async () => {
    const backend = new MemoryBackend();
    const kv = memoryKeyValue();
    const natter = client(backend, kv);
    await connected(natter);
    backend.online = false;
    await natter.sendFile(png());
    await natter.send('and a text');
    await new Promise((resolve) => setTimeout(resolve, 20));
    const out = (await kv.getUnder(['visitor'])).filter((r) => r.key[2] === 'out').map((r) => r.value as { v: number; text: string });
    expect(out.map((r) => [r.text, r.v]).sort()).toEqual([['and a text', 2], ['mug.png', 3]]);
  });
});
