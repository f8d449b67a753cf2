import { fireEvent } from '@testing-library/preact';
import { describe, expect, it, vi } from 'vitest';
import { mountTestWidget, until } from './helpers';
import { MemoryBackend } from '../../../src/transports/memory-backend';
import { MemoryTransport } from '../../../src/transports/memory';

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

  it('falls back to English for languages it does not speak, and says so on its root', async () => {
    document.documentElement.lang = 'ja';
    const t = await mountTestWidget();
    expect(t.screen.getByRole('button', { name: 'Open chat' })).toBeTruthy();
    expect(t.widget.root.querySelector('.natter')!.getAttribute('lang')).toBe('en');
  });

  it('marks its own language and direction: French on a French page, left to right', async () => {
    document.documentElement.lang = 'fr-CA';
    const t = await mountTestWidget();
    const root = t.widget.root.querySelector('.natter')!;
    expect([root.getAttribute('lang'), root.getAttribute('dir')]).toEqual(['fr-CA', 'ltr']);
    expect(t.screen.getByRole('button', { name: 'Ouvrir le chat' })).toBeTruthy();
  });

  it('is Arabic and mirrored on an Arabic page: right to left, launcher on the left, Arabic plurals', async () => {
    document.documentElement.lang = 'ar';
    const t = await mountTestWidget();
    const root = t.widget.root.querySelector('.natter')!;
    expect([root.getAttribute('lang'), root.getAttribute('dir')]).toEqual(['ar', 'rtl']);
    expect(root.classList.contains('natter--left')).toBe(true);
    fireEvent.click(t.launcher());
    fireEvent.input(t.input(), { target: { value: 'مرحبا' } });
    fireEvent.keyDown(t.input(), { key: 'Enter' });
    await until(() => t.messages()[0]?.dataset.status === 'sent', 'the message to be sent');
    fireEvent.click(t.launcher());
    await until(() => !t.client.getState().isOpen, 'the panel to close');
    t.backend.reply(t.visitorId(), '١');
    await t.screen.findByRole('button', { name: 'فتح المحادثة, رسالة واحدة غير مقروءة' });
    t.backend.reply(t.visitorId(), '٢');
    await t.screen.findByRole('button', { name: 'فتح المحادثة, رسالتان غير مقروءتين' });
    for (let n = 3; n <= 11; n++) t.backend.reply(t.visitorId(), String(n));
    // 11 is Arabic's "many" category: the singular noun after the number.
    await t.screen.findByRole('button', { name: 'فتح المحادثة, 11 رسالة غير مقروءة' });
  });

  it('an explicit position wins over the direction', async () => {
    document.documentElement.lang = 'ar';
    const t = await mountTestWidget({ widget: { position: 'right' } });
    expect(t.widget.root.querySelector('.natter--right')).toBeTruthy();
  });

  it("tells the backend the widget's language even when it comes from <html lang>, and a new one at run time", async () => {
    document.documentElement.lang = 'de-AT';
    const backend = new MemoryBackend();
    const transport = new MemoryTransport(backend, 10);
    const open = vi.spyOn(transport, 'open');
    const t = await mountTestWidget({ backend, natter: { transport } });
    fireEvent.click(t.launcher());
    await until(() => open.mock.calls.length > 0, 'the connection');
    expect(open.mock.calls[0]![0].locale).toBe('de-AT');
    await until(() => t.client.getState().connection === 'open', 'the connection to open');
    t.widget.update({ locale: 'fr' });
    await until(() => backend.received(t.visitorId()).some((frame) => frame.type === 'visitor' && frame.locale === 'fr'), 'the new language at the backend');
    expect(t.screen.getByRole('textbox', { name: 'Votre message' })).toBeTruthy();
    expect(t.widget.root.querySelector('.natter')!.getAttribute('lang')).toBe('fr');
  });

  it('update refuses a wrong value with the same message as at mount, and changes nothing', async () => {
    const t = await mountTestWidget({ widget: { color: '#112233' } });
    expect(() => t.widget.update({ color: 'red' })).toThrow('widget option "color" must be a hex colour such as "#0a7cff", got "red"');
    t.widget.update({ color: '#445566', teamName: 'Acme' });
    expect(t.widget.host.style.getPropertyValue('--natter-accent')).toBe('#445566');
    expect(t.screen.getByRole('dialog', { hidden: true }).getAttribute('aria-label')).toBe('Acme');
  });

  it("launcher: false shows no launcher; the site opens the panel itself, and gets focus back on close", async () => {
    const own = document.body.appendChild(document.createElement('button'));
    const t = await mountTestWidget({ widget: { launcher: false } });
    expect(t.widget.root.querySelector('.launcher')).toBeNull();
    own.focus();
    t.client.open();
    await until(() => !t.screen.getByRole('dialog', { hidden: true }).hidden, 'the panel to open');
    await until(() => t.active() === t.input(), 'focus in the text box');
    fireEvent.keyDown(t.input(), { key: 'Escape' });
    await until(() => document.activeElement === own, "focus back on the site's button");
    own.remove();
  });

  it('uses the texts the site overrides', async () => {
    const t = await mountTestWidget({ widget: { strings: { launcherOpen: 'Talk to Acme', greeting: 'Questions about your order?' } } });
    expect(t.screen.getByRole('button', { name: 'Talk to Acme' })).toBeTruthy();
    fireEvent.click(t.launcher());
    expect(await t.screen.findByText('Questions about your order?')).toBeTruthy();
  });
});
