import { fireEvent, within } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FULL_SCREEN } from '../../../src/ui/use-modal';
import { mountTestWidget, openConnected, until, waitFor } from './helpers';

const bot = { role: 'bot' as const, id: 'b1', name: 'Helper' };

afterEach(() => {
  vi.restoreAllMocks();
  document.body.replaceChildren();
});

/** Makes `matchMedia(FULL_SCREEN)` say the screen is a phone's (happy-dom's window is a desktop's). */
function phone() {
  const real = window.matchMedia.bind(window);
  vi.spyOn(window, 'matchMedia').mockImplementation((query) => (query === FULL_SCREEN ? ({ ...real(query), matches: true } as MediaQueryList) : real(query)));
}

describe('focus', () => {
  it('Escape closes the panel from the launcher too, and focus stays there', async () => {
    const t = await openConnected();
    const launcher = t.launcher();
    launcher.focus();
    fireEvent.keyDown(launcher, { key: 'Escape' });
    await until(() => launcher.getAttribute('aria-expanded') === 'false', 'the panel to close');
    expect(t.active()).toBe(launcher);
  });

  it('goes to the text box when Retry, having been used, goes away', async () => {
    const t = await openConnected({ natter: { ackTimeoutMs: 100 } });
    t.backend.receiving = false;
    t.send('Please call me back');
    const retry = await waitFor(() => t.byTestId('retry'), 'Retry');
    t.backend.receiving = true;
    retry.focus();
    fireEvent.click(retry);
    await until(() => t.byTestId('retry') === null, 'Retry to go');
    expect(t.active()).toBe(t.input());
  });

  it('goes to the text box when "Talk to a person" goes away', async () => {
    const t = await openConnected();
    t.send('Where is my order?');
    await until(() => t.backend.messages(t.visitorId()).length === 1, 'the question');
    t.backend.reply(t.visitorId(), 'I am a bot.', bot);
    const handoff = await waitFor(() => t.byTestId('handoff'), 'the handoff button');
    handoff.focus();
    fireEvent.click(handoff);
    await until(() => t.byTestId('handoff') === null, 'the button to go');
    expect(t.active()).toBe(t.input());
  });
});

describe('announcements', () => {
  it('says "Failed to send" once, politely, outside the log', async () => {
    const t = await openConnected({ natter: { ackTimeoutMs: 100 } });
    const said = t.byTestId('said')!;
    expect(said.getAttribute('role')).toBe('status');
    expect(said.closest('[role="log"], [role="dialog"]')).toBeNull();
    t.backend.receiving = false;
    t.send('One');
    await until(() => said.textContent === 'Failed to send', 'the failure to be said');
    t.send('Two');
    // The same words again: changed by an invisible space, so that a screen reader says them again.
    await until(() => said.textContent === 'Failed to send\u00a0', 'the second failure to be said');
  });

  it('says how many replies wait while the panel is closed, and nothing while it is open', async () => {
    const t = await openConnected();
    const said = t.byTestId('said')!;
    t.send('Hello');
    await until(() => t.backend.messages(t.visitorId()).length === 1, 'the message');
    t.backend.reply(t.visitorId(), 'Hi there');
    await until(() => t.messages().length === 2, 'the reply');
    expect(said.textContent).toBe('');
    t.client.close();
    t.backend.reply(t.visitorId(), 'Are you still there?');
    await until(() => said.textContent === '1 unread message', 'the unread reply to be said');
    // The badge stays hidden from screen readers: the launcher's name and this line say it.
    expect(t.widget.root.querySelector('.badge')!.getAttribute('aria-hidden')).toBe('true');
  });
});

describe('the full-screen panel is modal', () => {
  it('makes the rest of the page inert while open, and gives back exactly what was there', async () => {
    phone();
    const page = document.createElement('main');
    const already = document.createElement('aside');
    already.setAttribute('inert', '');
    document.body.prepend(page, already);
    const t = await mountTestWidget();
    fireEvent.click(t.launcher());
    const dialog = await t.screen.findByRole('dialog');
    await until(() => page.hasAttribute('inert'), 'the page to be inert');
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    expect(t.widget.host.hasAttribute('inert')).toBe(false);
    t.client.close();
    await until(() => !page.hasAttribute('inert'), 'the page to be back');
    expect(already.hasAttribute('inert')).toBe(true);
  });

  it('is not modal beside the page on a desktop', async () => {
    const page = document.createElement('main');
    document.body.prepend(page);
    const t = await mountTestWidget();
    fireEvent.click(t.launcher());
    const dialog = await t.screen.findByRole('dialog');
    await until(() => dialog.getAttribute('aria-modal') === 'false', 'aria-modal');
    expect(page.hasAttribute('inert')).toBe(false);
  });
});

describe('what the panel says', () => {
  it('adds no banner landmark to the page', async () => {
    const t = await openConnected();
    expect(t.widget.root.querySelector('header, [role="banner"]')).toBeNull();
  });

  it('greets with the team, its usual reply time and who answers', async () => {
    const t = await mountTestWidget();
    t.backend.setAvailability({ agents: true, open: true, replyMinutes: 12 });
    fireEvent.click(t.launcher());
    const greeting = await waitFor(() => t.widget.root.querySelector('.greeting'), 'the greeting');
    await until(() => greeting.textContent!.includes('We usually reply within 15 minutes'), 'the reply time');
    expect(greeting.querySelector('.team')!.textContent).toBe('Memory Team'); // the backend's name for the team
    expect(greeting.textContent).toContain('Ask us anything');
  });

  it('shows the chosen stars by shape, and names its Send apart from the composer', async () => {
    const t = await openConnected();
    await t.goLive();
    t.backend.end(t.visitorId(), 'agent');
    const rating = await waitFor(() => t.byTestId('rating'), 'the rating card');
    fireEvent.click(within(rating).getByRole('radio', { name: '3 stars' }));
    await until(() => rating.querySelector('[role="radiogroup"]')!.textContent === '★★★☆☆', 'three filled stars');
    expect(within(rating).getByRole('button', { name: 'Send How was this chat?' })).toBeTruthy();
    expect(t.screen.getAllByRole('button', { name: 'Send' })).toHaveLength(1);
  });
});
