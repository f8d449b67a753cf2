import { describe, expect, it } from 'vitest';
import { openConnected, until } from './helpers';

const order = (seq: number) => String(seq).padStart(16, '0');

describe('history that arrives above what is shown', () => {
  it('is shown at once: another conversation taken after a reset (a verified customer on a second device)', async () => {
    const t = await openConnected();
    t.send('B1 before login');
    await until(() => t.client.getState().messages[0]?.status === 'sent', 'the ack');
    const b1 = t.client.getState().messages[0]!;
    // The backend switches this browser to the customer's conversation: its history comes from the start,
    // with this browser's own message last.
    t.backend.deliver(t.visitorId(), { type: 'reset' });
    t.backend.deliver(t.visitorId(), { type: 'message', order: order(1), message: { id: 'x1', clientId: 'a-1', author: { role: 'visitor' }, text: 'A1 from the phone', sentAt: 1 } });
    t.backend.deliver(t.visitorId(), { type: 'message', order: order(2), message: { id: 'x2', clientId: 'a-2', author: { role: 'visitor' }, text: 'A2 from the phone', sentAt: 2 } });
    t.backend.deliver(t.visitorId(), { type: 'message', order: order(3), message: { id: 'x3', clientId: b1.clientId!, author: { role: 'visitor' }, text: 'B1 before login', sentAt: 3 } });
    await until(() => t.client.getState().messages.length === 3, 'the history');
    await until(() => t.messages().length === 3, 'the history in the DOM');
    expect(t.messages().map((node) => node.querySelector('.bubble')?.textContent)).toEqual(['A1 from the phone', 'A2 from the phone', 'B1 before login']);
  });
});
