/**
 * The widget's one question where the site asks before storing (`persist: 'after-consent'`): a small,
 * labelled group above the text box, in the customer's language, shown once there is a conversation to keep,
 * gone once answered, with the keyboard focus back in the text box.
 */
import { fireEvent, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { openConnected, until, waitFor } from './helpers';

const asking = (natter = {}) => openConnected({ natter: { persist: 'after-consent', ...natter } });

describe('the question about keeping the chat', () => {
  it('is not asked before the customer has written, then asked as a labelled group above the text box', async () => {
    const t = await asking();
    expect(t.byTestId('keep')).toBeNull();
    t.send('Hello');
    const group = await waitFor(() => t.byTestId('keep'), 'the question');
    expect(t.screen.getByRole('group', { name: 'Keep this chat on this device?' })).toBe(group);
    expect(within(group).getAllByRole('button').map((b) => b.textContent)).toEqual(['Yes', 'No']);
    // Above the text box: the next thing a keyboard user reaches going back from it.
    expect(group.compareDocumentPosition(t.input()) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
  });

  it('Yes keeps the chat, and the question goes with focus back in the text box', async () => {
    const t = await asking();
    t.send('Hello');
    const group = await waitFor(() => t.byTestId('keep'));
    fireEvent.click(within(group).getByRole('button', { name: 'Yes' }));
    await until(() => t.client.getState().consent === true, 'the yes');
    await until(() => t.byTestId('keep') === null, 'the question to go');
    expect(t.active()).toBe(t.input());
  });

  it('No keeps it in memory only, and is not asked again on this page', async () => {
    const t = await asking();
    t.send('Hello');
    fireEvent.click(within(await waitFor(() => t.byTestId('keep'))).getByRole('button', { name: 'No' }));
    await until(() => t.client.getState().consent === false, 'the no');
    t.send('Another');
    await until(() => t.messages().length === 2);
    expect(t.byTestId('keep')).toBeNull();
  });

  it("asks in the customer's language", async () => {
    document.documentElement.lang = 'de';
    const t = await asking();
    t.send('Hallo');
    const group = await waitFor(() => t.byTestId('keep'));
    expect(group.getAttribute('aria-labelledby')).toBe('natter-keep');
    expect(group.textContent).toBe('Diesen Chat auf diesem Gerät speichern?JaNein');
  });

  it.each([['always'], ['never']] as const)("is never asked with persist '%s'", async (persist) => {
    const t = await asking({ persist });
    t.send('Hello');
    await until(() => t.messages().length === 1);
    expect(t.byTestId('keep')).toBeNull();
  });
});
