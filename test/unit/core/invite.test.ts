/**
 * Proactive invitations: a local message from the team that is stored and sent nowhere until the customer
 * answers, and then goes along with the answer as its context.
 */
import { describe, expect, it, vi } from 'vitest';
import type { OutboundFrame } from '../../../src/core/transport';
import { setup, until } from './helpers';

describe('invite', () => {
  it('shows the invitation and neither stores nor sends anything, nor makes the backend open a conversation', async () => {
    const { natter, backend, kv, transport } = setup();
    const sent: OutboundFrame[] = [];
    const send = transport.send.bind(transport);
    transport.send = (frame) => (sent.push(frame), send(frame));
    await natter.start();
    natter.invite('  Need help choosing a size?  ');
    expect(natter.getState().invitation).toBe('Need help choosing a size?');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(natter.getState().messages).toEqual([]);
    expect(sent).toEqual([]);
    expect(backend.visitorIds()).toEqual([]);
    expect(await kv.keysUnder([])).toEqual([]);
  });

  it('sends the invitation with the answer, keeps it on the stored message, and is then gone', async () => {
    const { natter, kv, transport } = setup();
    const sent: OutboundFrame[] = [];
    const send = transport.send.bind(transport);
    transport.send = (frame) => (sent.push(frame), send(frame));
    natter.invite('Need help choosing a size?');
    const answer = await natter.send('Yes, for boots');
    expect(answer.context).toBe('Need help choosing a size?');
    expect(natter.getState().invitation).toBeUndefined();
    await until(() => natter.getState().messages[0]?.status === 'sent', 'the ack');
    expect(sent.filter((f) => f.type === 'message')).toEqual([expect.objectContaining({ text: 'Yes, for boots', context: 'Need help choosing a size?' })]);
    // The acknowledged message keeps its context, in the state and in storage.
    expect(natter.getState().messages[0]?.context).toBe('Need help choosing a size?');
    await vi.waitFor(async () => {
      const records = (await kv.getUnder(['visitor'])).map((r) => r.value as { context?: string; text?: string; status?: string });
      expect(records.find((r) => r.text === 'Yes, for boots')).toMatchObject({ status: 'sent', context: 'Need help choosing a size?' });
    });
    // The next message answers nothing.
    expect((await natter.send('And laces?')).context).toBeUndefined();
  });

  it('refuses what is not a text of 1–1000 characters, saying so', () => {
    const { natter } = setup();
    expect(() => natter.invite('   ')).toThrow('Natter.invite(text) needs a text of 1–1000 characters.');
    expect(() => natter.invite('x'.repeat(1001))).toThrow(/1–1000/);
    expect(() => natter.invite(42 as never)).toThrow(/1–1000/);
    expect(natter.getState().invitation).toBeUndefined();
  });
});
