import { fireEvent } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { mountTestWidget, until } from './helpers';

describe('widget language', () => {
  it('is German when the page says lang="de"', async () => {
    document.documentElement.lang = 'de-DE';
    const t = await mountTestWidget();
    expect(t.screen.getByRole('button', { name: 'Chat öffnen' })).toBeTruthy();
    fireEvent.click(t.launcher());
    await until(() => t.active() === t.input(), 'focus in the text box');
    expect(t.screen.getByRole('textbox', { name: 'Ihre Nachricht' }).getAttribute('placeholder')).toBe('Schreiben Sie eine Nachricht…');
    expect(t.screen.getByRole('button', { name: 'Senden' })).toBeTruthy();
    expect(t.screen.getByRole('log', { name: 'Nachrichten' })).toBeTruthy();
  });

  it('is Dutch when the page says lang="nl"', async () => {
    document.documentElement.lang = 'nl';
    const t = await mountTestWidget();
    expect(t.screen.getByRole('button', { name: 'Chat openen' })).toBeTruthy();
    fireEvent.click(t.launcher());
    await until(() => t.active() === t.input(), 'focus in the text box');
    expect(t.screen.getByRole('textbox', { name: 'Uw bericht' })).toBeTruthy();
    expect(t.screen.getByText('Stel gerust uw vraag – we antwoorden meestal hier.')).toBeTruthy();
  });

  it('prefers the locale option over the page, and counts unread in that language', async () => {
    document.documentElement.lang = 'de';
    const t = await mountTestWidget({ widget: { locale: 'nl-BE' } });
    fireEvent.click(t.launcher());
    fireEvent.input(t.input(), { target: { value: 'Hallo' } });
    fireEvent.keyDown(t.input(), { key: 'Enter' });
    await until(() => t.messages()[0]?.dataset.status === 'sent', 'the message to be sent');
    expect(t.screen.getByText('Verzonden')).toBeTruthy();
    fireEvent.click(t.launcher());
    await until(() => !t.client.getState().isOpen, 'the panel to close');
    t.backend.reply(t.visitorId(), 'Hoi!');
    t.backend.reply(t.visitorId(), 'Waarmee kan ik helpen?');
    await t.screen.findByRole('button', { name: 'Chat openen, 2 ongelezen berichten' });
  });

  it('falls back to English for languages it does not speak', async () => {
    document.documentElement.lang = 'fr';
    const t = await mountTestWidget();
    expect(t.screen.getByRole('button', { name: 'Open chat' })).toBeTruthy();
  });

  it('uses the texts the site overrides', async () => {
    const t = await mountTestWidget({ widget: { strings: { launcherOpen: 'Talk to Acme', greeting: 'Questions about your order?' } } });
    expect(t.screen.getByRole('button', { name: 'Talk to Acme' })).toBeTruthy();
    fireEvent.click(t.launcher());
    expect(await t.screen.findByText('Questions about your order?')).toBeTruthy();
  });
});
