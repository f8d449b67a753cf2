import { fireEvent } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { mountTestWidget, until } from './helpers';

/** The visitor opens the panel, writes "Hello", waits for it to arrive, and closes the panel again. */
async function writeThenClose(t: Awaited<ReturnType<typeof mountTestWidget>>): Promise<void> {
    fireEvent.click(t.launcher());
    fireEvent.input(t.input(), { target: { value: 'Hello' } });
    fireEvent.keyDown(t.input(), { key: 'Enter' });
    await until(() => t.backend.visitorIds().length === 1 && t.backend.messages(t.visitorId()).length === 1, 'the message to arrive');
    fireEvent.click(t.launcher());
    await until(() => !t.client.getState().isOpen, 'the panel to close');
}

describe('launcher and panel', () => {
  it('has an accessible name and opens and closes the dialog it controls', async () => {
    const t = await mountTestWidget();
    t.backend.online = false; // the default name shows until the server names the team
    const launcher = t.screen.getByRole('button', { name: 'Open chat' });
    expect(launcher.getAttribute('aria-expanded')).toBe('false');
    const panelId = launcher.getAttribute('aria-controls')!;
    expect(t.screen.queryByRole('dialog')).toBeNull();

    fireEvent.click(launcher);
    const dialog = await t.screen.findByRole('dialog', { name: 'Customer support' });
    expect(dialog.id).toBe(panelId);
    expect(dialog.getAttribute('aria-modal')).toBe('false');
    expect(launcher.getAttribute('aria-expanded')).toBe('true');
    expect(launcher.getAttribute('aria-label')).toBe('Close chat');
    expect(t.client.getState().isOpen).toBe(true);

    fireEvent.click(launcher);
    await until(() => t.screen.queryByRole('dialog') === null, 'the dialog to close');
    expect(t.client.getState().isOpen).toBe(false);
    expect(launcher.getAttribute('aria-expanded')).toBe('false');
  });

  it('follows the client: natter.open() and natter.close() show and hide the panel', async () => {
    const t = await mountTestWidget();
    t.client.open();
    await t.screen.findByRole('dialog');
    t.client.close();
    await until(() => t.screen.queryByRole('dialog') === null, 'the dialog to close');
  });

  it('moves focus to the text box on opening', async () => {
    const t = await mountTestWidget();
    fireEvent.click(t.launcher());
    await until(() => t.active() === t.input(), 'focus in the text box');
  });

  it('does not take focus when the page opens the panel without a click or key press (on load)', async () => {
    const t = await mountTestWidget();
    Object.defineProperty(navigator, 'userActivation', { value: { isActive: false }, configurable: true });
    try {
      t.client.open();
      await t.screen.findByRole('dialog');
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(t.active()).toBeNull();
    } finally {
      delete (navigator as { userActivation?: unknown }).userActivation;
    }
  });

  it('closes on Escape anywhere in the panel and returns focus to the launcher', async () => {
    const t = await mountTestWidget();
    fireEvent.click(t.launcher());
    await until(() => t.active() === t.input(), 'focus in the text box');
    fireEvent.keyDown(t.input(), { key: 'Escape' });
    await until(() => t.screen.queryByRole('dialog') === null, 'the dialog to close');
    expect(t.client.getState().isOpen).toBe(false);
    expect(t.active()).toBe(t.screen.getByRole('button', { name: 'Open chat' }));

    // From the message list too.
    fireEvent.click(t.launcher());
    await t.screen.findByRole('dialog');
    fireEvent.keyDown(t.screen.getByRole('log'), { key: 'Escape' });
    await until(() => !t.client.getState().isOpen, 'the panel to close');
  });

  it('closes with the header button and returns focus to the launcher', async () => {
    const t = await mountTestWidget();
    fireEvent.click(t.launcher());
    const dialog = await t.screen.findByRole('dialog');
    const close = dialog.querySelector<HTMLButtonElement>('.header button')!;
    expect(close.getAttribute('aria-label')).toBe('Close chat');
    close.focus();
    fireEvent.click(close);
    await until(() => t.screen.queryByRole('dialog') === null, 'the dialog to close');
    expect(t.active()).toBe(t.launcher());
  });

  it('hands focus back to the launcher when the page closes the panel while focus is in it', async () => {
    const t = await mountTestWidget();
    fireEvent.click(t.launcher());
    await until(() => t.active() === t.input(), 'focus in the text box');
    t.client.close();
    await until(() => t.active() === t.launcher(), 'focus on the launcher');
  });

  it('counts replies from the team in a badge while closed, and clears it on opening', async () => {
    const t = await mountTestWidget();
    await writeThenClose(t);
    expect(t.screen.queryByTestId('unread')).toBeNull();

    t.backend.reply(t.visitorId(), 'Hi!');
    t.backend.reply(t.visitorId(), 'How can I help?');
    const badge = await t.screen.findByTestId('unread');
    await until(() => badge.textContent === '2', 'the badge to say 2');
    expect(badge.getAttribute('aria-hidden')).toBe('true');
    expect(t.screen.getByRole('button', { name: 'Open chat, 2 unread messages' })).toBe(t.launcher());

    fireEvent.click(t.launcher());
    await until(() => t.screen.queryByTestId('unread') === null, 'the badge to go');
    expect(t.client.getState().unread).toBe(0);
    expect(t.launcher().getAttribute('aria-label')).toBe('Close chat');
  });

  it('says "1 unread message" for one, and shows 9+ above nine', async () => {
    const t = await mountTestWidget();
    await writeThenClose(t);

    t.backend.reply(t.visitorId(), 'One');
    await t.screen.findByRole('button', { name: 'Open chat, 1 unread message' });
    for (let i = 2; i <= 12; i++) t.backend.reply(t.visitorId(), `Reply ${i}`);
    await until(() => t.screen.queryByTestId('unread')?.textContent === '9+', 'the badge to say 9+');
    expect(t.launcher().getAttribute('aria-label')).toBe('Open chat, 12 unread messages');
  });

  it('shows the team name from the server over the option, and the option over the default', async () => {
    const t = await mountTestWidget({ widget: { teamName: 'Acme support' } });
    t.backend.online = false;
    fireEvent.click(t.launcher());
    await t.screen.findByRole('dialog', { name: 'Acme support' });
    // Once connected, the memory backend names its team.
    t.backend.online = true;
    await t.screen.findByRole('dialog', { name: 'Memory Team' });
    expect(t.screen.getByRole('heading', { name: 'Memory Team' })).toBeTruthy();
  });

  it('shows availability and connection trouble under the title', async () => {
    const t = await mountTestWidget();
    t.backend.setAvailability({ agents: false, open: true });
    fireEvent.click(t.launcher());
    await t.screen.findByText("Away — we'll reply here as soon as we can");

    t.backend.online = false;
    await t.screen.findByText('Reconnecting…');
    t.backend.setAvailability({ agents: true, open: true });
    t.backend.online = true;
    await t.screen.findByText('Online — we reply in minutes');
  });

  it('puts the launcher and panel on the left when asked', async () => {
    const t = await mountTestWidget({ widget: { position: 'left' } });
    expect(t.widget.root.querySelector('.natter--left')).not.toBeNull();
    expect(t.widget.root.querySelector('.natter--right')).toBeNull();
  });
});
