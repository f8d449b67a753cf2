/** The site's signed identity token on the client: checked, passed through to the backend, never stored. */
import { describe, expect, it } from 'vitest';
import type { NatterError } from '../../../src/core/errors';
import type { OutboundFrame, Transport, TransportOpenOptions, TransportSink } from '../../../src/core/transport';
import { createNatter } from '../../../src/natter';
import { memoryKeyValue } from '../../../src/storage/kv';
import { until } from './helpers';

const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MSJ9.c2lnbmF0dXJlLW9mLXRoZS1zaXRl';

/** A backend that acknowledges every message and records what the client said. */
class SpyTransport implements Transport {
  readonly name = 'spy';
  readonly opened: TransportOpenOptions[] = [];
  readonly sent: OutboundFrame[] = [];
  sink: TransportSink | undefined;
  #seq = 0;
  open(options: TransportOpenOptions, sink: TransportSink): void {
    this.opened.push(options);
    this.sink = sink;
    sink.state('connecting');
    queueMicrotask(() => sink.state('open'));
  }
  send(frame: OutboundFrame): boolean {
    this.sent.push(frame);
    if (frame.type === 'message') {
      const order = String(++this.#seq).padStart(8, '0');
      queueMicrotask(() => this.sink?.frame({ type: 'ack', clientId: frame.clientId, id: `s${order}`, sentAt: 1, order }));
    }
    return true;
  }
  close(): void {
    this.sink?.state('closed');
  }
}

function setup(options: { userToken?: string } = {}) {
  const transport = new SpyTransport();
  const kv = memoryKeyValue();
  const natter = createNatter({ transport, storage: kv, ...options });
  const errors: NatterError[] = [];
  natter.on('error', (error) => errors.push(error));
  return { transport, kv, natter, errors };
}

describe('identify({ token })', () => {
  it('refuses a token that is not a text of 1–4096 characters, naming the field', async () => {
    const { natter } = setup();
    await expect(natter.identify({ token: '' })).rejects.toThrow(/token: /);
    await expect(natter.identify({ token: 'x'.repeat(4097) })).rejects.toThrow(/token: /);
    await expect(natter.identify({ token: 42 as unknown as string })).rejects.toMatchObject({ code: 'invalid_input' });
  });

  it('sends the token with identify and in hello, and stores it nowhere', async () => {
    const { natter, transport, kv } = setup();
    await natter.identify({ id: 'u1', name: 'Ana', token: TOKEN });
    await natter.send('hello');
    await until(() => natter.getState().messages[0]?.status === 'sent', 'the ack');
    expect(transport.opened[0]).toMatchObject({ user: { id: 'u1', name: 'Ana' }, token: TOKEN });
    expect(transport.opened[0]!.user).not.toHaveProperty('token');
    const identify = transport.sent.find((frame) => frame.type === 'identify');
    expect(identify).toEqual({ type: 'identify', user: { id: 'u1', name: 'Ana' }, token: TOKEN });
    expect(natter.getState().user).toEqual({ id: 'u1', name: 'Ana' });
    const stored = JSON.stringify(await kv.getUnder([]));
    expect(stored).toContain('hello');
    expect(stored).not.toContain(TOKEN);
  });

  it('takes the userToken option as the token, and forgets it on shutdown', async () => {
    const { natter, transport } = setup({ userToken: TOKEN });
    await natter.send('before logout');
    await until(() => transport.opened.length === 1, 'the first connection');
    expect(transport.opened[0]!.token).toBe(TOKEN);
    await natter.shutdown();
    await natter.send('the next visitor');
    await until(() => transport.opened.length === 2, 'the next connection');
    expect(transport.opened[1]).not.toHaveProperty('token');
    expect(transport.opened[1]!.visitorId).not.toBe(transport.opened[0]!.visitorId);
  });

  it('refuses a userToken option that is not a text of 1–4096 characters', () => {
    expect(() => createNatter({ transport: new SpyTransport(), userToken: '' })).toThrow(/userToken/);
  });

  it("turns the backend's refusal into an identity error and keeps the conversation", async () => {
    const { natter, transport, errors } = setup();
    await natter.send('kept');
    await until(() => natter.getState().messages[0]?.status === 'sent', 'the ack');
    transport.sink!.frame({ type: 'identity', message: 'The identity token was refused: it has expired.' });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'identity', message: 'Natter: The identity token was refused: it has expired.' });
    expect(natter.getState().messages.map((message) => [message.text, message.status])).toEqual([['kept', 'sent']]);
  });
});
