import { describe, expect, it } from 'vitest';
import { memoryKeyValue, type KeyValue } from '../../../src/storage/kv';
import { openConnected, until, waitFor } from './helpers';

describe('what the widget says when delivery or storage goes wrong', () => {
  it('shows a neutral line where the server has a message it cannot read, and the messages after it', async () => {
    const t = await openConnected();
    t.send('Hello');
    await until(() => t.client.getState().messages[0]?.status === 'sent', 'the message');
    t.backend.reply(t.visitorId(), '', { role: 'system' }, { unreadable: true });
    t.backend.reply(t.visitorId(), 'Still here');
    await until(() => t.messages().length === 3, 'both replies');
    const line = t.messages()[1]!;
    expect(line.hasAttribute('data-natter-unreadable')).toBe(true);
    expect(line.textContent).toBe('A message could not be shown here.');
    expect(t.messages()[2]!.textContent).toContain('Still here');
  });

  it("tells the customer, in their language, when the browser cannot keep the chat, and goes on", async () => {
    const base = memoryKeyValue();
    const kv: KeyValue = { ...base, update: async () => { throw new DOMException('The quota has been exceeded.', 'QuotaExceededError'); } };
    const t = await openConnected({ natter: { storage: kv, locale: 'de' }, widget: { locale: 'de' } });
    t.send('Hallo');
    const notice = await waitFor(() => t.widget.root.querySelector<HTMLElement>('[data-natter-notice="storage"]'), 'the notice');
    expect(notice.textContent).toBe('Dieser Chat kann auf diesem Gerät nicht gespeichert werden.');
    expect(notice.getAttribute('role')).toBe('status');
    await until(() => t.client.getState().messages[0]?.status === 'sent', 'the message to go out all the same');
  });
});

describe('a backend that asks to slow down', () => {
  it('says so above the text box, politely, and keeps what the customer wrote', async () => {
    const t = await openConnected();
    t.send('Hello');
    await until(() => t.client.getState().messages[0]?.status === 'sent', 'the message');
    t.backend.deliver(t.visitorId(), { type: 'slow', retryInMs: 300 });
    const notice = await waitFor(() => t.widget.root.querySelector<HTMLElement>('[data-natter-notice="slow"]'), 'the notice');
    expect(notice.textContent).toBe('Slow down a moment — your messages will go out shortly.');
    expect(notice.getAttribute('role')).toBe('status');
    await until(() => t.widget.root.querySelector('[data-natter-notice="slow"]') === null, 'the notice to go');
  });
});
