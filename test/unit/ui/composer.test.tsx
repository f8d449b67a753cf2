import { fireEvent } from '@testing-library/preact';
import { describe, expect, it, vi } from 'vitest';
import { NatterError } from '../../../src/core/errors';
import { mountTestWidget, until } from './helpers';

async function openWidget(options: Parameters<typeof mountTestWidget>[0] = {}) {
  const t = await mountTestWidget(options);
  fireEvent.click(t.launcher());
  await until(() => t.active() === t.input(), 'focus in the text box');
  const type = (value: string) => fireEvent.input(t.input(), { target: { value } });
  const sendButton = () => t.screen.getByRole('button', { name: 'Send' }) as HTMLButtonElement;
  return { ...t, type, sendButton };
}

describe('composer', () => {
  it('has a labelled text box with a placeholder', async () => {
    const t = await openWidget();
    const box = t.screen.getByRole('textbox', { name: 'Your message' });
    expect(box).toBe(t.input());
    expect(box.getAttribute('placeholder')).toBe('Write a message…');
  });

  it('sends on Enter, clears the box and keeps focus in it', async () => {
    const t = await openWidget();
    t.type('Where is my order?');
    fireEvent.keyDown(t.input(), { key: 'Enter' });
    await until(() => t.messages().length === 1, 'the message on screen');
    expect(t.client.getState().messages[0]!.text).toBe('Where is my order?');
    expect(t.input().value).toBe('');
    expect(t.active()).toBe(t.input());
  });

  it('sends with the Send button and puts focus back in the box', async () => {
    const t = await openWidget();
    t.type('Hello');
    t.sendButton().focus();
    fireEvent.click(t.sendButton());
    await until(() => t.messages().length === 1, 'the message on screen');
    expect(t.active()).toBe(t.input());
  });

  it('does not send on Shift+Enter, which is a new line', async () => {
    const t = await openWidget();
    t.type('first line');
    const event = fireEvent.keyDown(t.input(), { key: 'Enter', shiftKey: true });
    expect(event).toBe(true); // not prevented: the browser inserts the line break
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(t.client.getState().messages).toHaveLength(0);
    expect(t.input().value).toBe('first line');
  });

  it('does not send on the Enter that confirms an input method composition', async () => {
    const t = await openWidget();
    t.type('にほんご');
    fireEvent.keyDown(t.input(), { key: 'Enter', isComposing: true });
    fireEvent.keyDown(t.input(), { key: 'Enter', keyCode: 229 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(t.client.getState().messages).toHaveLength(0);
    expect(t.input().value).toBe('にほんご');
  });

  it('sends nothing for an empty or blank text, and disables Send', async () => {
    const t = await openWidget();
    expect(t.sendButton().disabled).toBe(true);
    t.type('   \n  ');
    expect(t.sendButton().disabled).toBe(true);
    fireEvent.keyDown(t.input(), { key: 'Enter' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(t.client.getState().messages).toHaveLength(0);
    t.type('ok');
    expect(t.sendButton().disabled).toBe(false);
  });

  it('shows what is left only near the limit', async () => {
    const t = await openWidget({ natter: { maxLength: 100 } });
    t.type('x'.repeat(89));
    expect(t.screen.queryByText(/characters? left/)).toBeNull();
    t.type('x'.repeat(90));
    expect(t.screen.getByText('10 characters left')).toBeTruthy();
    t.type('x'.repeat(99));
    expect(t.screen.getByText('1 character left')).toBeTruthy();
  });

  it('over the limit: says by how much, links it to the box, disables sending, and never cuts the text', async () => {
    const t = await openWidget({ natter: { maxLength: 20 } });
    const text = 'This is twenty-five chars';
    t.type(text);
    const warning = t.screen.getByText('Shorten your message by 5 characters');
    expect(t.input().getAttribute('aria-describedby')).toContain(warning.id);
    expect(t.input().getAttribute('aria-invalid')).toBe('true');
    expect(t.sendButton().disabled).toBe(true);
    fireEvent.keyDown(t.input(), { key: 'Enter' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(t.client.getState().messages).toHaveLength(0);
    expect(t.input().value).toBe(text);

    t.type(text.slice(0, 20));
    expect(t.screen.queryByText(/Shorten your message/)).toBeNull();
    expect(t.input().hasAttribute('aria-invalid')).toBe(false);
    expect(t.sendButton().disabled).toBe(false);
  });

  it('shows an error and gives the text back when the client refuses it', async () => {
    const t = await openWidget();
    vi.spyOn(t.client, 'send').mockRejectedValueOnce(new NatterError('invalid_input', 'Natter.send: no.'));
    t.type('Hello');
    fireEvent.keyDown(t.input(), { key: 'Enter' });
    const alert = await t.screen.findByRole('alert');
    expect(alert.textContent).toBe('Failed to send');
    expect(t.input().value).toBe('Hello');
    expect(t.input().getAttribute('aria-describedby')).toContain(alert.id);
    t.type('Hello!');
    await until(() => t.screen.queryByRole('alert') === null, 'the error to clear when typing');
  });
});
