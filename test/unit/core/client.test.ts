import { describe, expect, it, vi } from 'vitest';
import { createNatter } from '../../../src/natter';
import { NatterError } from '../../../src/core/errors';
import { memoryKeyValue, type KeyValue } from '../../../src/storage/kv';
import { MemoryBackend } from '../../../src/transports/memory-backend';
import type { Transport } from '../../../src/core/transport';
import { setup, until } from './helpers';

describe('sending', () => {
  it('gives every message a client id and shows it as sending at once, then sent when acknowledged', async () => {
    const { natter, backend } = setup();
    await natter.start();
    const message = await natter.send('  Hello there  ');
    expect(message.clientId).toMatch(/^[\w-]{21}$/);
    expect(message.text).toBe('Hello there');
    expect(message.status).toBe('sending');
    await until(() => natter.getState().messages[0]?.status === 'sent', 'the ack');
    const [stored] = backend.messages(backend.visitorIds()[0]!);
    expect(stored).toMatchObject({ clientId: message.clientId, text: 'Hello there' });
  });

  it('hands the message to the network without waiting for its storage write, and stores it', async () => {
    const order: string[] = [];
    const base = memoryKeyValue();
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const kv: KeyValue = { ...base, update: async (entries, deletes) => { order.push(`store:${entries.length}`); await held; await base.update(entries, deletes); } };
    const { natter, transport } = setup({ kv });
    const send = transport.send.bind(transport);
    transport.send = (frame) => { order.push(`network:${frame.type}`); return send(frame); };
    await natter.start();
    natter.open();
    await until(() => natter.getState().connection === 'open');
    await natter.send('first');
    expect(order).toContain('network:message');
    release();
    await until(() => natter.getState().messages[0]?.status === 'sent', 'the ack');
    const stored = await base.getUnder(['visitor']);
    expect(stored.map((record) => (record.value as { text?: string }).text)).toContain('first');
  });

  it('refuses empty and over-long text with an error that says what to do', async () => {
    const { natter } = setup({ maxLength: 10 });
    const errors: NatterError[] = [];
    natter.on('error', (error) => errors.push(error));
    await expect(natter.send('   ')).rejects.toThrow(/non-empty string/);
    await expect(natter.send('x'.repeat(11))).rejects.toThrow('the message has 11 characters; the limit is 10. Shorten it.');
    expect(errors.map((e) => e.code)).toEqual(['invalid_input', 'invalid_input']);
    expect(natter.getState().messages).toHaveLength(0);
  });

  it('keeps a message written during an outage and delivers it exactly once when the backend is back', async () => {
    const { natter, backend } = setup();
    await natter.send('before');
    await until(() => natter.getState().messages[0]?.status === 'sent');
    backend.online = false;
    await until(() => natter.getState().connection === 'reconnecting');
    await natter.send('during the outage');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(natter.getState().messages[1]?.status).toBe('sending');
    backend.online = true;
    await until(() => natter.getState().messages.every((m) => m.status === 'sent'), 'delivery after the outage');
    expect(backend.messages(backend.visitorIds()[0]!).map((m) => m.text)).toEqual(['before', 'during the outage']);
  });

  it('reconciles a lost acknowledgement while the link stays open: asks the server, and shows it sent, stored once', async () => {
    const { natter, backend, transport } = setup({ ackTimeoutMs: 100 });
    await natter.start();
    backend.sendAcks = false; // stored, but neither ack nor echo reaches the browser
    const send = vi.spyOn(transport, 'send');
    const message = await natter.send('lost ack');
    await until(() => natter.getState().messages[0]?.status === 'sent', 'the reconciliation');
    expect(send.mock.calls.map(([frame]) => frame.type)).toContain('resync');
    expect(natter.getState().messages[0]?.status).not.toBe('failed');
    const stored = backend.messages(backend.visitorIds()[0]!);
    expect(stored).toHaveLength(1);
    expect(stored[0]?.clientId).toBe(message.clientId);
  });

  it('shows a message as failed only after three unanswered tries, and Retry then sends it once', async () => {
    const { natter, backend, transport } = setup({ ackTimeoutMs: 100 });
    await natter.start();
    backend.receiving = false; // the link looks open, the server hears nothing
    const send = vi.spyOn(transport, 'send');
    const message = await natter.send('into the void');
    await until(() => natter.getState().messages[0]?.status === 'failed', 'three tries');
    expect(natter.getState().messages[0]?.error).toMatch(/no acknowledgement/);
    expect(send.mock.calls.filter(([frame]) => frame.type === 'message')).toHaveLength(3);
    backend.receiving = true;
    natter.retry(message.key);
    await until(() => natter.getState().messages[0]?.status === 'sent', 'the retry');
    const stored = backend.messages(backend.visitorIds()[0]!);
    expect(stored).toHaveLength(1);
    expect(stored[0]?.clientId).toBe(message.clientId);
  });

  it('shows a message the server refused as failed, without resending it by itself', async () => {
    let sink: Parameters<Transport['open']>[1] | undefined;
    const transport: Transport = {
      name: 'refusing',
      open: (_options, s) => {
        sink = s;
        s.state('connecting');
        queueMicrotask(() => s.state('open'));
      },
      send: (frame) => {
        if (frame.type === 'message') queueMicrotask(() => sink?.frame({ type: 'reject', clientId: frame.clientId, reason: 'too_long: over the limit' }));
        return true;
      },
      close: () => {},
    };
    const natter = createNatter({ transport, storage: 'memory' });
    const errors: string[] = [];
    natter.on('error', (error) => errors.push(error.message));
    await natter.send('refused');
    await until(() => natter.getState().messages[0]?.status === 'failed');
    expect(natter.getState().messages[0]).toMatchObject({ rejected: true, error: 'too_long: over the limit' });
    expect(errors.join()).toMatch(/server refused a message/);
  });
});

describe('history', () => {
  it('shows the stored conversation after a reload before the network answers', async () => {
    const kv = memoryKeyValue();
    const first = setup({ kv });
    await first.natter.send('Where is my order?');
    await until(() => first.natter.getState().messages[0]?.status === 'sent');
    first.backend.reply(first.backend.visitorIds()[0]!, 'It ships today.');
    await until(() => first.natter.getState().messages.length === 2);
    first.natter.stop();

    const neverConnects: Transport = { name: 'down', open: (_o, sink) => sink.state('connecting'), send: () => false, close: () => {} };
    const reloaded = createNatter({ transport: neverConnects, storage: kv });
    await reloaded.start();
    expect(reloaded.getState().connection).toBe('connecting');
    expect(reloaded.getState().messages.map((m) => [m.author.role, m.text, m.status])).toEqual([
      ['visitor', 'Where is my order?', 'sent'],
      ['agent', 'It ships today.', 'sent'],
    ]);
    // Whose chat this is, too: the team's name is kept with the conversation.
    expect(reloaded.getState().teamName).toBe('Memory Team');
  });

  it('reconciles with the server after a reload without duplicates, fetching only what is new', async () => {
    const kv = memoryKeyValue();
    const backend = new MemoryBackend();
    const first = setup({ kv, backend });
    await first.natter.send('one');
    await until(() => first.natter.getState().messages[0]?.status === 'sent');
    first.natter.stop();
    const visitorId = backend.visitorIds()[0]!;
    backend.reply(visitorId, 'two (while the page was gone)');

    const second = setup({ kv, backend });
    const seen: string[] = [];
    second.natter.on('message', (m) => seen.push(m.text));
    await second.natter.start();
    await until(() => second.natter.getState().messages.length === 2);
    await until(() => second.natter.getState().connection === 'open');
    expect(second.natter.getState().messages.map((m) => m.text)).toEqual(['one', 'two (while the page was gone)']);
    expect(seen).toEqual(['two (while the page was gone)']);
    expect(second.natter.getState().unread).toBe(1);
  });

  it('writes nothing to storage until the customer writes', async () => {
    const kv = memoryKeyValue();
    const spy = vi.spyOn(kv, 'update');
    const { natter } = setup({ kv });
    await natter.start();
    natter.open();
    await until(() => natter.getState().connection === 'open');
    expect(spy).not.toHaveBeenCalled();
    await natter.send('hi');
    expect(spy).toHaveBeenCalled();
  });

  it('resends messages left unsent by a previous page, with their original client ids', async () => {
    const kv = memoryKeyValue();
    const backend = new MemoryBackend();
    backend.online = false;
    const first = setup({ kv, backend });
    const message = await first.natter.send('written offline, then the tab closed');
    first.natter.stop();
    backend.online = true;
    const second = setup({ kv, backend });
    await second.natter.start();
    await until(() => second.natter.getState().messages[0]?.status === 'sent');
    expect(backend.messages(backend.visitorIds()[0]!).map((m) => m.clientId)).toEqual([message.clientId]);
  });
});

describe('unread and panel', () => {
  it('counts team messages while closed, and clears the count on open', async () => {
    const { natter, backend } = setup();
    const counts: number[] = [];
    natter.on('unread', (n) => counts.push(n));
    await natter.send('hello');
    await until(() => natter.getState().messages[0]?.status === 'sent');
    const visitorId = backend.visitorIds()[0]!;
    backend.reply(visitorId, 'a');
    backend.reply(visitorId, 'b', { role: 'bot', name: 'Helper' });
    await until(() => natter.getState().unread === 2);
    natter.open();
    expect(natter.getState().unread).toBe(0);
    backend.reply(visitorId, 'c');
    await until(() => natter.getState().messages.length === 4);
    expect(natter.getState().unread).toBe(0);
    expect(counts).toEqual([1, 2, 0]);
  });

  it('counts replies as unread while the page is hidden, even with the panel open', async () => {
    const { natter, backend } = setup();
    await natter.send('hello');
    await until(() => natter.getState().messages[0]?.status === 'sent');
    natter.open();
    natter.setPageVisible(false);
    backend.reply(backend.visitorIds()[0]!, 'while you were in another tab');
    await until(() => natter.getState().unread === 1);
    natter.setPageVisible(true);
    expect(natter.getState().unread).toBe(0);
  });

  it('fires open and close, and toggle alternates', async () => {
    const { natter } = setup();
    const events: string[] = [];
    natter.on('open', () => events.push('open')).on('close', () => events.push('close'));
    natter.toggle();
    natter.toggle();
    natter.close();
    expect(events).toEqual(['open', 'close']);
  });

  it('lists agents and bots as participants', async () => {
    const { natter, backend } = setup();
    await natter.send('hi');
    await until(() => natter.getState().messages[0]?.status === 'sent');
    backend.reply(backend.visitorIds()[0]!, 'Hello', { role: 'agent', id: 'a7', name: 'Sam' });
    await until(() => natter.getState().participants.length === 1);
    expect(natter.getState().participants[0]).toEqual({ role: 'agent', id: 'a7', name: 'Sam' });
  });
});

describe('identity', () => {
  it('validates identify and passes the user to the backend', async () => {
    const { natter, backend } = setup();
    await expect(natter.identify({ email: 'not-an-email' })).rejects.toThrow(/email: must be an email address/);
    await natter.identify({ id: 'u1', name: 'Ana', email: 'ana@example.com' });
    await natter.send('hi');
    await until(() => natter.getState().messages[0]?.status === 'sent');
    expect(backend.user(backend.visitorIds()[0]!)).toEqual({ id: 'u1', name: 'Ana', email: 'ana@example.com' });
  });

  it('starts a fresh conversation and wipes the old one when a different user signs in', async () => {
    const kv = memoryKeyValue();
    const { natter } = setup({ kv });
    await natter.identify({ id: 'alice' });
    await natter.send('alice secret');
    await until(() => natter.getState().messages[0]?.status === 'sent');
    await natter.identify({ id: 'bob' });
    expect(natter.getState().messages).toEqual([]);
    expect(await kv.getUnder(['visitor'])).toEqual([]);
  });

  it('shutdown closes the connection and deletes everything stored for the visitor', async () => {
    const kv = memoryKeyValue();
    const { natter } = setup({ kv });
    await natter.send('to be forgotten');
    await until(() => natter.getState().messages[0]?.status === 'sent');
    expect((await kv.getUnder([])).length).toBeGreaterThan(0);
    await natter.shutdown();
    expect(await kv.getUnder([])).toEqual([]);
    expect(natter.getState()).toMatchObject({ messages: [], connection: 'idle', unread: 0 });
  });
});

describe('options', () => {
  it('names the wrong option and what it must be', () => {
    expect(() => createNatter({} as never)).toThrow('option "transport" must be a Transport (open, send, close)');
    const transport = { name: 't', open() {}, send: () => false, close() {} };
    expect(() => createNatter({ transport, siteId: 'bad id!' })).toThrow(/siteId: must be 1–64 letters/);
    expect(() => createNatter({ transport, persist: 'later' as never })).toThrow(/persist: must be one of always, after-consent, never/);
    expect(() => createNatter({ transport, retentionDays: 0 })).toThrow(/retentionDays: must be at least 1/);
  });
});
