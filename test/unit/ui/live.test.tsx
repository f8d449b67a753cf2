import { fireEvent, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { openConnected, until, waitFor } from './helpers';

describe('live chat', () => {
  it('offers "Chat live with us" while live chat is offered, and it joins the queue', async () => {
    const t = await openConnected();
    const start = await waitFor(() => t.byTestId('start-live'), 'the live chat offer');
    expect(start.textContent).toBe('Chat live with us');
    expect(start.tagName).toBe('BUTTON');
    fireEvent.click(start);
    await until(() => t.client.getState().mode.phase === 'queued', 'the queue');
    expect(t.byTestId('start-live')).toBeNull();
    // The same button, so keyboard focus stays on it.
    expect(t.byTestId('end-live')).toBe(start);
    expect(start.textContent).toBe('Leave queue');
  });

  it('offers no live chat in messaging mode', async () => {
    const t = await openConnected({ natter: { mode: 'messaging' } });
    await until(() => t.client.getState().available === true, 'the availability');
    expect(t.byTestId('start-live')).toBeNull();
    t.client.setMode('auto');
    await waitFor(() => t.byTestId('start-live'), 'the offer once auto');
  });

  it('"Leave queue" and "End chat" end the session', async () => {
    const t = await openConnected();
    fireEvent.click(await waitFor(() => t.byTestId('start-live')));
    await until(() => t.byTestId('end-live')?.textContent === 'Leave queue', 'Leave queue');
    fireEvent.click(t.byTestId('end-live')!);
    await until(() => t.client.getState().mode.phase === 'ended', 'the end');
    expect(t.backend.session(t.visitorId())).toMatchObject({ state: 'ended', endedBy: 'visitor' });

    await t.goLive();
    await until(() => t.byTestId('end-live')?.textContent === 'End chat', 'End chat');
    fireEvent.click(t.byTestId('end-live')!);
    await until(() => t.client.getState().mode.phase === 'ended', 'the end of the live chat');
    expect(t.byTestId('end-live')).toBeNull();
  });

  it("shows the team's typing below the conversation, outside the log, in its own live region", async () => {
    const t = await openConnected();
    await t.goLive();
    expect(t.byTestId('typing')).toBeNull();
    t.backend.typing(t.visitorId(), true, { role: 'agent', id: 'a1', name: 'Alex Kim' });
    const typing = await waitFor(() => t.byTestId('typing'), 'the typing indicator');
    expect(typing.textContent).toBe('Alex Kim is typing…');
    expect(typing.closest('[role="log"]')).toBeNull();
    expect(typing.parentElement!.getAttribute('aria-live')).toBe('polite');
    expect(typing.querySelector('.dots')!.getAttribute('aria-hidden')).toBe('true');

    t.backend.reply(t.visitorId(), 'Here I am');
    await until(() => t.byTestId('typing') === null, 'the indicator to go with the message');
  });

  it('tells the team when the visitor types', async () => {
    const t = await openConnected();
    await t.goLive();
    fireEvent.input(t.input(), { target: { value: 'H' } });
    await until(() => t.backend.received(t.visitorId()).some((frame) => frame.type === 'typing' && frame.typing), 'a typing frame');
  });

  it('says who joined and that the chat ended, in the widget language', async () => {
    document.documentElement.lang = 'de';
    const t = await openConnected();
    await t.goLive({ role: 'agent', id: 'a1', name: 'Alex Kim' });
    const notice = (text: string) => t.messages().find((m) => m.dataset.role === 'system' && m.textContent!.includes(text));
    await waitFor(() => notice('Alex Kim ist dem Chat beigetreten'), 'the joined notice');
    // The notices are said in the widget's language, not the backend's fallback text.
    expect(t.messages().some((m) => m.querySelector('.bubble')!.textContent === 'joined')).toBe(false);
    t.backend.end(t.visitorId(), 'timeout');
    await waitFor(() => notice('Chat beendet – schreiben Sie hier, wir antworten'), 'the ended notice');
  });
});

describe('rating card', () => {
  async function ended() {
    const t = await openConnected();
    await t.goLive();
    t.backend.end(t.visitorId(), 'agent');
    const card = await waitFor(() => t.byTestId('rating'), 'the rating card');
    return { ...t, card };
  }

  it('asks "How was this chat?" with five labelled stars in a radio group', async () => {
    const t = await ended();
    const group = within(t.card).getByRole('radiogroup', { name: 'How was this chat?' });
    const stars = within(group).getAllByRole('radio');
    expect(stars.map((star) => star.getAttribute('aria-label'))).toEqual(['1 star', '2 stars', '3 stars', '4 stars', '5 stars']);
    // Native radios of one name: the browser moves between them with the arrow keys.
    for (const star of stars) {
      expect(star).toBeInstanceOf(HTMLInputElement);
      expect((star as HTMLInputElement).type).toBe('radio');
      expect((star as HTMLInputElement).name).toBe(stars[0]!.getAttribute('name'));
    }
    expect(within(t.card).getByRole('textbox', { name: 'Comment (optional)' })).toBeTruthy();
    expect((t.byTestId('rating-submit') as HTMLButtonElement).disabled).toBe(true);
  });

  it('chooses a star by keyboard (as the arrow keys do) and sends the score and comment', async () => {
    const t = await ended();
    const stars = within(t.card).getAllByRole('radio') as HTMLInputElement[];
    stars[3]!.focus();
    fireEvent.click(stars[3]!); // what a browser does on arrow keys or Space: check it and fire change
    await until(() => t.card.querySelectorAll('.star.on').length === 4, 'four stars lit');
    expect(stars[3]!.checked).toBe(true);
    fireEvent.input(within(t.card).getByRole('textbox'), { target: { value: '  Quick and kind  ' } });
    fireEvent.click(t.byTestId('rating-submit')!);
    await until(() => t.backend.received(t.visitorId()).some((frame) => frame.type === 'rating'), 'the rating to arrive');
    expect(t.backend.received(t.visitorId()).find((frame) => frame.type === 'rating')).toMatchObject({ score: 4, comment: 'Quick and kind' });
    // The thanks, once: in the log, where the backend put it (the card's own thanks is for backends that do not).
    await until(() => t.messages().some((m) => m.textContent!.includes('Thanks for rating this chat')), 'the thanks');
    expect(t.screen.queryByText('Thanks for your feedback!')).toBeNull();
    expect(t.byTestId('rating')).toBeNull();
    expect(t.active()).toBe(t.input());
  });

  it('leaves the composer usable: writing goes on as messaging', async () => {
    const t = await ended();
    t.send('One more question');
    await until(() => t.client.getState().mode.phase === 'messaging', 'messaging again');
    expect(t.byTestId('rating')).toBeNull();
  });

  it('puts nothing over the rating card, and says the thanks once', async () => {
    const t = await openConnected();
    await t.goLive();
    t.backend.end(t.visitorId(), 'agent');
    const card = await waitFor(() => t.byTestId('rating'), 'the rating card');
    // A person has answered: no "Chat live with us" at all, and certainly not above the card.
    expect(t.byTestId('start-live')).toBeNull();
    const panel = t.screen.getByRole('dialog');
    const blocks = [...panel.children];
    expect(blocks.indexOf(card)).toBeGreaterThan(blocks.findIndex((block) => block.classList.contains('log')));
    fireEvent.click(card.querySelectorAll('input[type="radio"]')[3]!);
    fireEvent.submit(card);
    await until(() => t.messages().some((m) => m.textContent!.includes('4/5')), 'the thanks in the log');
    await until(() => t.byTestId('rating') === null && panel.querySelector('.card') === null, 'the card to go');
    expect(panel.textContent!.split('Thanks for rating').length - 1).toBe(1);
  });
});
