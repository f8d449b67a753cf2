import { fireEvent } from '@testing-library/preact';
import axe from 'axe-core';
import { describe, expect, it } from 'vitest';
import { mountTestWidget, openConnected, until, waitFor } from './helpers';

async function violations(context: Element) {
  // Colour contrast needs layout, which the test DOM does not do; the palette is checked in theme.test.ts.
  const result = await axe.run(context, { rules: { 'color-contrast': { enabled: false } }, resultTypes: ['violations'] });
  return result.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}

describe('accessibility (axe)', () => {
  it('finds nothing wrong with the closed widget or an open conversation', async () => {
    document.documentElement.lang = 'en';
    const t = await mountTestWidget();
    expect(await violations(document.body)).toEqual([]);

    fireEvent.click(t.launcher());
    fireEvent.input(t.input(), { target: { value: 'Hello, see https://example.com' } });
    fireEvent.keyDown(t.input(), { key: 'Enter' });
    await until(() => t.messages()[0]?.dataset.status === 'sent', 'the message to be sent');
    t.backend.reply(t.visitorId(), 'Hi! How can I help?', { role: 'agent', name: 'Alex Kim' });
    t.backend.reply(t.visitorId(), 'I can also help.', { role: 'bot' });
    await until(() => t.messages().length === 3, 'the replies');
    expect(await violations(document.body)).toEqual([]);
  });

  it('finds nothing wrong with a failed message and its Retry', async () => {
    document.documentElement.lang = 'en';
    const t = await openConnected({ natter: { ackTimeoutMs: 100 } });
    t.backend.receiving = false;
    t.send('This one fails');
    await waitFor(() => t.byTestId('retry'), 'Retry');
    expect(await violations(document.body)).toEqual([]);
  });
});

describe('accessibility of the live chat and away states (axe)', () => {
  it('finds nothing wrong while live with typing, on the rating card, or on the away form with an error', async () => {
    document.documentElement.lang = 'en';
    const t = await openConnected();
    await t.goLive();
    t.backend.typing(t.visitorId(), true);
    await until(() => t.byTestId('typing') !== null, 'typing');
    expect(await violations(document.body)).toEqual([]);

    t.backend.end(t.visitorId(), 'agent');
    await until(() => t.byTestId('rating') !== null, 'the rating card');
    expect(await violations(document.body)).toEqual([]);

    t.send('One more thing');
    t.backend.setAvailability({ agents: false, open: false });
    fireEvent.click(await waitFor(() => t.byTestId('email-ask'), 'the email button'));
    const form = await waitFor(() => t.byTestId('email-form'), 'the email form');
    fireEvent.input(form.querySelector('input')!, { target: { value: 'nope' } });
    fireEvent.submit(form);
    await until(() => t.byTestId('email-error') !== null, 'the error');
    expect(await violations(document.body)).toEqual([]);
  });
});
