import { fireEvent } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { openConnected, until } from './helpers';

function setVisibility(state: 'hidden' | 'visible') {
  Object.defineProperty(document, 'visibilityState', { value: state, configurable: true });
  document.dispatchEvent(new Event('visibilitychange'));
}

afterEach(() => {
  delete (document as { visibilityState?: string }).visibilityState;
  document.title = '';
});

/** A visitor who wrote, closed the panel, and went to another tab. */
async function inBackground() {
  document.title = 'Shop';
  const t = await openConnected();
  t.send('Hello');
  await until(() => t.backend.messages(t.visitorId()).length === 1, 'the message to arrive');
  fireEvent.click(t.launcher());
  await until(() => !t.client.getState().isOpen, 'the panel to close');
  setVisibility('hidden');
  return t;
}

describe('unread notice in the page title', () => {
  it('counts unread replies while the tab is hidden, and restores the exact title when shown', async () => {
    const t = await inBackground();
    expect(document.title).toBe('Shop');
    t.backend.reply(t.visitorId(), 'Hi!');
    await until(() => document.title === '(1) New message · Shop', 'the notice');
    t.backend.reply(t.visitorId(), 'Still there?');
    await until(() => document.title === '(2) New message · Shop', 'the count to go up');
    setVisibility('visible');
    expect(document.title).toBe('Shop');
  });

  it('restores the title when the replies are read, and on unmount', async () => {
    const t = await inBackground();
    t.backend.reply(t.visitorId(), 'Hi!');
    await until(() => document.title === '(1) New message · Shop', 'the notice');
    t.client.markRead();
    await until(() => document.title === 'Shop', 'the title back after reading');

    t.backend.reply(t.visitorId(), 'Again');
    await until(() => document.title === '(1) New message · Shop', 'the notice again');
    t.widget.unmount();
    await until(() => document.title === 'Shop', 'the title back after unmounting');
  });

  it('shows nothing while the tab is visible, and leaves a title the page changed alone', async () => {
    const t = await inBackground();
    setVisibility('visible');
    t.backend.reply(t.visitorId(), 'Hi!');
    await until(() => t.client.getState().unread === 1, 'the reply');
    expect(document.title).toBe('Shop');
    setVisibility('hidden');
    expect(document.title).toBe('(1) New message · Shop');
    document.title = 'Checkout'; // a single-page app moves on
    setVisibility('visible');
    expect(document.title).toBe('Checkout');
  });

  it('is in the widget language', async () => {
    document.documentElement.lang = 'nl';
    const t = await inBackground();
    t.backend.reply(t.visitorId(), 'Hallo!');
    await until(() => document.title === '(1) Nieuw bericht · Shop', 'the Dutch notice');
  });
});
