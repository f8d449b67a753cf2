import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_RESENDS, Outbox, type OutboxHost } from '../../../src/core/outbox';
import type { OutboundFrame } from '../../../src/core/transport';
import type { Message } from '../../../src/model/types';

afterEach(() => vi.useRealTimers());

/** An outbox over a plain map of messages, recording what it sends and every status it sets. */
function harness(accept = true) {
  const messages = new Map<string, Message>();
  const sent: OutboundFrame[] = [];
  const statuses: string[] = [];
  const host: OutboxHost = {
    send: (frame) => (accept ? (sent.push(frame), true) : false),
    find: (key) => messages.get(key),
    pending: () => [...messages.values()].filter((m) => m.status !== 'sent' && !m.rejected),
    update: (message) => {
      messages.set(message.key, message);
      statuses.push(`${message.key}:${message.status}`);
    },
    upload: () => false,
  };
  const outbox = new Outbox(host, 100, 1000);
  const add = (key: string) => {
    const message: Message = { key, clientId: key, author: { role: 'visitor' }, text: key, createdAt: 0, status: 'sending' };
    messages.set(key, message);
    return message;
  };
  return { outbox, messages, sent, statuses, add };
}

describe('Outbox', () => {
  it('waits while the link is down, then sends everything pending, oldest first, once', () => {
    const t = harness();
    t.outbox.offer(t.add('a'));
    t.outbox.offer(t.add('b'));
    expect(t.sent).toEqual([]);
    t.outbox.linkChanged(true);
    expect(t.sent.map((f) => f.type === 'message' && f.clientId)).toEqual(['a', 'b']);
    t.outbox.offer(t.messages.get('a')!); // already on its way: not again
    expect(t.sent).toHaveLength(2);
  });

  it('on an overdue ack while open, asks the server (resync) and sends again with the same id; failed only after the last try', () => {
    vi.useFakeTimers();
    const t = harness();
    t.outbox.linkChanged(true);
    t.outbox.offer(t.add('a'));
    for (let i = 1; i < MAX_RESENDS; i++) {
      vi.advanceTimersByTime(100);
      expect(t.sent.at(-2)).toEqual({ type: 'resync' });
      expect(t.sent.at(-1)).toMatchObject({ type: 'message', clientId: 'a' });
    }
    expect(t.messages.get('a')!.status).toBe('sending');
    vi.advanceTimersByTime(100);
    expect(t.messages.get('a')!.status).toBe('failed');
    expect(t.sent.filter((f) => f.type === 'message')).toHaveLength(MAX_RESENDS);
  });

  it('stops asking once the server answered', () => {
    vi.useFakeTimers();
    const t = harness();
    t.outbox.linkChanged(true);
    t.outbox.offer(t.add('a'));
    t.outbox.settle('a');
    vi.advanceTimersByTime(1000);
    expect(t.sent).toHaveLength(1);
  });

  it('tells the customer after a long outage, and still sends by itself when the link is back', () => {
    vi.useFakeTimers();
    const t = harness();
    t.outbox.offer(t.add('a'));
    vi.advanceTimersByTime(999);
    expect(t.messages.get('a')!.status).toBe('sending');
    vi.advanceTimersByTime(1);
    expect(t.messages.get('a')!.status).toBe('failed');
    t.outbox.linkChanged(true);
    expect(t.sent).toMatchObject([{ type: 'message', clientId: 'a' }]);
    expect(t.messages.get('a')!.status).toBe('sending');
  });

  it('never resends a refused message by itself; a retry starts a fresh round', () => {
    vi.useFakeTimers();
    const t = harness();
    const message = { ...t.add('a'), status: 'failed' as const, rejected: true };
    t.messages.set('a', message);
    t.outbox.linkChanged(true);
    expect(t.sent).toEqual([]);
    t.outbox.retry(message);
    expect(t.sent).toMatchObject([{ type: 'message', clientId: 'a' }]);
    expect(t.messages.get('a')).toMatchObject({ status: 'sending', rejected: undefined });
  });
});
