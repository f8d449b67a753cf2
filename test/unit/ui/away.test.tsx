import { fireEvent, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { openConnected, until, waitFor } from './helpers';

async function away(awayMessage?: string) {
  const t = await openConnected();
  t.backend.setAvailability({ agents: false, open: false, ...(awayMessage && { awayMessage }) });
  // One line until asked for: the button brings the form, and puts the visitor in its field.
  fireEvent.click(await waitFor(() => t.byTestId('email-ask'), 'the email button'));
  const form = await waitFor(() => t.byTestId('email-form'), 'the email form');
  const field = within(form).getByRole('textbox') as HTMLInputElement;
  const save = (value: string) => {
    fireEvent.input(field, { target: { value } });
    fireEvent.submit(form);
  };
  return { ...t, form, field, save };
}

describe('away message and email capture', () => {
  it("shows the team's away message as text, and a labelled email field", async () => {
    const t = await away('Back on Monday at 9 <img src=x onerror=alert(1)>');
    expect(t.form.parentElement!.textContent).toContain('Back on Monday at 9 <img src=x onerror=alert(1)>');
    expect(t.widget.root.querySelector('img')).toBeNull();
    expect(t.field).toBe(within(t.form).getByRole('textbox', { name: 'Get the reply by email' }));
    expect(t.field.type).toBe('email');
    expect(t.field.getAttribute('autocomplete')).toBe('email');
    expect(within(t.form).getByRole('button', { name: 'Save' })).toBeTruthy();
  });

  it('is one line until asked: the message and a button, which brings the form and focuses its field', async () => {
    const t = await openConnected();
    t.backend.setAvailability({ agents: false, open: false });
    const ask = await waitFor(() => t.byTestId('email-ask'), 'the email button');
    expect(ask.textContent).toBe('Get the reply by email');
    const card = ask.closest('.card')!;
    expect(card.querySelector('input, form')).toBeNull();
    // The message is cut to one line on screen, whole for screen readers; whole again once asked.
    expect(card.querySelector('p')!.className).toBe('clip');
    expect(card.querySelector('p')!.textContent).toBe("We're away right now.");
    fireEvent.click(ask);
    const form = await waitFor(() => t.byTestId('email-form'), 'the email form');
    expect(t.active()).toBe(form.querySelector('input'));
    expect(t.byTestId('email-ask')).toBeNull();
  });

  it('falls back to its own away message', async () => {
    const t = await away();
    expect(t.form.parentElement!.textContent).toContain("We're away right now.");
  });

  it('refuses an invalid address in the widget language, linked to the field, and sends nothing', async () => {
    document.documentElement.lang = 'de';
    const t = await away();
    t.save('ana@example');
    const error = await waitFor(() => t.byTestId('email-error'), 'the error');
    expect(error.textContent).toBe('Bitte geben Sie eine E-Mail-Adresse wie name@example.com ein');
    expect(t.field.getAttribute('aria-invalid')).toBe('true');
    expect(t.field.getAttribute('aria-describedby')).toBe(error.id);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(t.backend.received(t.visitorId())).toEqual([]);
    expect(t.client.getState().email).toBeUndefined();

    // Typing again clears the error.
    fireEvent.input(t.field, { target: { value: 'ana@example.co' } });
    await until(() => t.byTestId('email-error') === null, 'the error to clear');
    expect(t.field.hasAttribute('aria-invalid')).toBe(false);
  });

  it('saves a valid address and says where the reply will go, in place of the form', async () => {
    const t = await away();
    t.save(' ana@example.com ');
    await until(() => t.byTestId('email-form') === null, 'the form to go');
    expect(t.backend.received(t.visitorId())).toEqual([{ type: 'email', email: 'ana@example.com' }]);
    // The backend's notice is said in the widget's words, in the log; the card does not say it a second time.
    await until(() => t.messages().some((m) => m.textContent!.includes("We'll email you at ana@example.com when we reply.")), 'the notice');
    expect(t.byTestId('email-saved')).toBeNull();
    expect(t.widget.root.textContent!.split("We'll email you at").length - 1).toBe(1);
  });

  it('counts an address given with identify({ email }): no question, and the card says where the reply goes', async () => {
    const t = await away();
    await t.client.identify({ email: 'ana@example.com' });
    const saved = await waitFor(() => t.byTestId('email-saved'), 'the saved line');
    expect(saved.textContent).toBe("We'll email you at ana@example.com when we reply.");
    expect(t.byTestId('email-form')).toBeNull();
  });

  it('shows no form when the address is already known, and nothing while the team is there', async () => {
    const t = await openConnected();
    await t.client.leaveEmail('ana@example.com');
    expect(t.byTestId('email-form')).toBeNull();
    t.backend.setAvailability({ agents: false, open: true });
    await until(() => t.widget.root.querySelector('.card') !== null, 'the away card');
    expect(t.byTestId('email-form')).toBeNull();
    expect(t.widget.root.textContent!.split("We'll email you at").length - 1).toBe(1); // the log's line, once
    t.backend.setAvailability({ agents: true, open: true });
    await until(() => t.widget.root.querySelector('.card') === null, 'the away card to go');
  });
});
