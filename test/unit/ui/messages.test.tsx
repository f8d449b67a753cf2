import { fireEvent, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { mountTestWidget, until } from './helpers';

/** An open widget whose visitor has written once, so the backend knows them and can reply. */
async function conversation(options: Parameters<typeof mountTestWidget>[0] = {}) {
  const t = await mountTestWidget(options);
  fireEvent.click(t.launcher());
  await until(() => t.active() === t.input(), 'focus in the text box');
  const send = (text: string) => {
    fireEvent.input(t.input(), { target: { value: text } });
    fireEvent.keyDown(t.input(), { key: 'Enter' });
  };
  const last = () => t.messages().at(-1)!;
  const find = (text: string) => t.messages().find((m) => m.querySelector('.bubble')!.textContent === text);
  /** Sends `text` and waits until the server has it, so that replies come after it. */
  const sendAndWait = async (text: string) => {
    send(text);
    await until(() => find(text)?.dataset.status === 'sent', `"${text}" to be sent`);
  };
  return { ...t, send, last, find, sendAndWait };
}

describe('message list', () => {
  it('is a polite log that announces additions only, with a name', async () => {
    const t = await conversation();
    const log = t.screen.getByRole('log', { name: 'Messages' });
    expect(log.getAttribute('aria-live')).toBe('polite');
    expect(log.getAttribute('aria-relevant')).toBe('additions');
  });

  it('greets in the empty conversation, and the greeting gives way to the first message', async () => {
    const t = await conversation();
    expect(t.screen.getByText('Ask us anything — we usually answer here.')).toBeTruthy();
    t.send('Hi');
    await until(() => t.messages().length === 1, 'the message');
    expect(t.screen.queryByText('Ask us anything — we usually answer here.')).toBeNull();
  });

  it("shows the visitor's message as sending, then sent", async () => {
    const t = await conversation();
    t.backend.sendAcks = false;
    t.send('Where is my order?');
    await until(() => t.messages().length === 1, 'the message');
    const message = t.last();
    expect(message.dataset.role).toBe('visitor');
    expect(message.dataset.status).toBe('sending');
    expect(within(message).getByText('Where is my order?')).toBeTruthy();
    expect(within(message).getByText('Sending…')).toBeTruthy();
    expect(within(message).getByText('You')).toBeTruthy();

    // The link drops before the acknowledgement; on reconnecting the outbox sends it again and it is stored once.
    t.backend.sendAcks = true;
    t.backend.online = false;
    t.backend.online = true;
    await until(() => message.dataset.status === 'sent', 'the message to be sent');
    expect(within(message).getByText('Sent')).toBeTruthy();
    expect(within(message).queryByText('Sending…')).toBeNull();
    expect(t.backend.messages(t.visitorId())).toHaveLength(1);
  });

  it('waits for the connection while offline, and sends once it is back', async () => {
    const t = await mountTestWidget();
    t.backend.online = false;
    fireEvent.click(t.launcher());
    fireEvent.input(t.input(), { target: { value: 'Are you there?' } });
    fireEvent.keyDown(t.input(), { key: 'Enter' });
    await until(() => t.messages().length === 1, 'the message');
    const message = t.messages()[0]!;
    await until(() => message.textContent!.includes('Waiting for connection…'), 'the waiting status');
    expect(message.dataset.status).toBe('sending');

    t.backend.online = true;
    await until(() => message.dataset.status === 'sent', 'the message to be sent');
    expect(within(message).getByText('Sent')).toBeTruthy();
  });

  it('says "Sent" only under the latest of the visitor\'s messages', async () => {
    const t = await conversation();
    t.send('One');
    await until(() => t.last().dataset.status === 'sent', 'the first message to be sent');
    t.send('Two');
    await until(() => t.messages().length === 2 && t.last().dataset.status === 'sent', 'the second message to be sent');
    const [first, second] = t.messages();
    expect(first!.textContent).not.toContain('Sent');
    expect(second!.textContent).toContain('Sent');
  });

  it("shows an agent's reply on the left with the agent's name and initials", async () => {
    const t = await conversation();
    await t.sendAndWait('Hello');
    t.backend.reply(t.visitorId(), 'Hi, I am here to help.', { role: 'agent', id: 'a7', name: 'Alex Kim' });
    await until(() => t.last().dataset.role === 'agent', 'the reply');
    const reply = t.last();
    expect(reply.dataset.status).toBe('sent');
    expect(within(reply).getByText('Alex Kim')).toBeTruthy();
    expect(within(reply).getByText('Hi, I am here to help.')).toBeTruthy();
    const avatar = reply.querySelector('.avatar')!;
    expect(avatar.textContent).toBe('AK');
    expect(avatar.getAttribute('aria-hidden')).toBe('true');
    // The visitor's own status line is not shown on the team's messages.
    expect(reply.querySelector('.status')).toBeNull();
  });

  it('labels bot messages with "Bot", and shows system messages as notices', async () => {
    const t = await conversation();
    await t.sendAndWait('Hello');
    t.backend.reply(t.visitorId(), 'I can help with orders.', { role: 'bot', name: 'Natter Assistant' });
    await until(() => t.last().dataset.role === 'bot', 'the bot message');
    expect(within(t.last()).getByText('Bot')).toBeTruthy();
    expect(within(t.last()).getByText('Natter Assistant')).toBeTruthy();

    t.backend.reply(t.visitorId(), 'Alex joined the conversation', { role: 'system' });
    await until(() => t.last().dataset.role === 'system', 'the notice');
    expect(t.last().classList.contains('msg--system')).toBe(true);
    expect(within(t.last()).getByText('Notice')).toBeTruthy();
  });

  it('shows the time of each message in a <time> element with the machine-readable date', async () => {
    const t = await conversation();
    t.send('Hello');
    await until(() => t.messages().length === 1, 'the message');
    const time = t.last().querySelector('time')!;
    const at = new Date(time.dateTime).getTime();
    expect(Math.abs(at - Date.now())).toBeLessThan(5000);
    expect(time.textContent).toBe(new Intl.DateTimeFormat('en', { hour: 'numeric', minute: '2-digit' }).format(at));
  });

  it('keeps the DOM nodes of existing messages when new ones arrive', async () => {
    const t = await conversation();
    t.send('One');
    await until(() => t.last().dataset.status === 'sent', 'the first message to be sent');
    const first = t.messages()[0];
    t.backend.reply(t.visitorId(), 'Two');
    await until(() => t.messages().length === 2, 'the reply');
    expect(t.messages()[0]).toBe(first);
  });

  it('shows a failed message with Retry, and Retry sends it again, once', async () => {
    const t = await conversation({ natter: { ackTimeoutMs: 100 } });
    t.backend.receiving = false;
    t.send('Please call me back');
    await until(() => t.last().dataset.status === 'failed', 'the message to fail');
    expect(within(t.last()).getByText('Failed to send')).toBeTruthy();
    const retry = within(t.last()).getByTestId('retry');
    expect(retry.textContent).toBe('Retry');

    t.backend.receiving = true;
    fireEvent.click(retry);
    await until(() => t.last().dataset.status === 'sent', 'the message to be sent');
    expect(within(t.last()).queryByTestId('retry')).toBeNull();
    expect(t.backend.messages(t.visitorId()).filter((m) => m.text === 'Please call me back')).toHaveLength(1);
  });

  it('follows new messages while at the bottom, and stays put while the visitor reads older ones', async () => {
    const t = await conversation();
    // The scrolling list holds the live region (the newest messages) and, above it, older ones scrolled back to.
    const log = t.screen.getByRole('log').closest<HTMLElement>('.log')!;
    let height = 1000;
    Object.defineProperty(log, 'scrollHeight', { get: () => height, configurable: true });
    Object.defineProperty(log, 'clientHeight', { get: () => 300, configurable: true });

    t.send('One');
    await until(() => t.messages().length === 1, 'the message');
    await until(() => log.scrollTop === 1000, 'the list to scroll down');

    log.scrollTop = 100; // the visitor scrolls up to read
    fireEvent.scroll(log);
    height = 1200;
    t.backend.reply(t.visitorId(), 'A reply while reading');
    await until(() => t.messages().length === 2, 'the reply');
    expect(log.scrollTop).toBe(100);

    height = 1400; // writing brings the visitor back down
    t.send('Two');
    await until(() => log.scrollTop === 1400, 'the list to scroll to the new message');
  });
});

describe('message text', () => {
  it('renders HTML from the network as text, never as elements', async () => {
    const t = await conversation();
    await t.sendAndWait('Hello');
    const evil = '<img src=x onerror=alert(1)> <script>alert(2)</script> javascript:alert(3)';
    t.backend.reply(t.visitorId(), evil, { role: 'agent', name: '<b>Eve</b>' });
    await until(() => t.last().dataset.role === 'agent', 'the reply');
    expect(t.widget.root.querySelector('img, script, b')).toBeNull();
    expect(t.last().querySelector('.bubble')!.textContent).toBe(evil);
    expect(within(t.last()).getByText('<b>Eve</b>')).toBeTruthy();
    expect(t.last().querySelector('a')).toBeNull();
  });

  it('makes web and mailto addresses into safe links', async () => {
    const t = await conversation();
    await t.sendAndWait('Hello');
    t.backend.reply(t.visitorId(), 'See https://example.com/help. Or write to mailto:help@example.com');
    await until(() => t.last().dataset.role === 'agent', 'the reply');
    const links = [...t.last().querySelectorAll('a')];
    expect(links.map((a) => a.getAttribute('href'))).toEqual(['https://example.com/help', 'mailto:help@example.com']);
    for (const link of links) {
      expect(link.getAttribute('rel')).toBe('noopener noreferrer');
      expect(link.getAttribute('target')).toBe('_blank');
    }
  });

  it('keeps line breaks in the text', async () => {
    const t = await conversation();
    t.send('line one\nline two');
    await until(() => t.messages().length === 1, 'the message');
    expect(t.last().querySelector('.bubble')!.textContent).toBe('line one\nline two');
  });
});
