import { fireEvent } from '@testing-library/preact';
import axe from 'axe-core';
import { describe, expect, it } from 'vitest';
import { mountTestWidget, until } from './helpers';

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
});
