import { fireEvent, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { openConnected, until, waitFor } from './helpers';

const bot = { role: 'bot' as const, id: 'b1', name: 'Helper' };

async function withBot() {
  const t = await openConnected();
  t.send('Where is my order?');
  await until(() => t.backend.messages(t.visitorId()).length === 1, 'the question to arrive');
  const chips = () => [...t.widget.root.querySelectorAll<HTMLButtonElement>('[data-testid="quick-reply"]')];
  return { ...t, chips };
}

describe('bots and quick replies', () => {
  it('shows the quick replies of the last message only, and a tap sends the text', async () => {
    const t = await withBot();
    t.backend.reply(t.visitorId(), 'Is it about an order?', bot, { quickReplies: ['Old', 'Older'] });
    t.backend.reply(t.visitorId(), 'Which one?', bot, { quickReplies: ['#1001', 'Another order'] });
    await until(() => t.chips().length === 2 && t.chips()[0]!.textContent === '#1001', 'the quick replies');
    expect(t.chips().map((chip) => chip.textContent)).toEqual(['#1001', 'Another order']);
    // Bot messages keep their visible label.
    expect(within(t.messages().at(-1)!).getByText('Bot')).toBeTruthy();

    fireEvent.click(t.chips()[1]!);
    await until(() => t.backend.messages(t.visitorId()).some((m) => m.author.role === 'visitor' && m.text === 'Another order'), 'the reply to be sent');
    expect(t.chips()).toEqual([]);
    expect(t.active()).toBe(t.input());
  });

  it('hides quick replies once anything newer is in the timeline', async () => {
    const t = await withBot();
    t.backend.reply(t.visitorId(), 'Pick one', bot, { quickReplies: ['Yes', 'No'] });
    await until(() => t.chips().length === 2, 'the quick replies');
    t.backend.reply(t.visitorId(), 'Or just write', { role: 'agent', name: 'Alex' });
    await until(() => t.chips().length === 0, 'the quick replies to go');
  });

  it('renders quick replies as text', async () => {
    const t = await withBot();
    t.backend.reply(t.visitorId(), 'Pick', bot, { quickReplies: ['<b>bold</b>'] });
    await until(() => t.chips().length === 1, 'the quick reply');
    expect(t.chips()[0]!.textContent).toBe('<b>bold</b>');
    expect(t.widget.root.querySelector('b')).toBeNull();
  });

  it('offers "Talk to a person" after a bot wrote, and hands over (to the queue when an agent is there)', async () => {
    const t = await withBot();
    expect(t.byTestId('handoff')).toBeNull();
    t.backend.reply(t.visitorId(), 'I am a bot.', bot);
    const handoff = await waitFor(() => t.byTestId('handoff'), 'the handoff button');
    expect(handoff.textContent).toBe('Talk to a person');
    fireEvent.click(handoff);
    await until(() => t.client.getState().mode.phase === 'queued', 'the queue');
    expect(t.byTestId('handoff')).toBeNull();
    await until(() => t.messages().some((m) => m.textContent!.includes('Connecting you to a person…')), 'the handoff notice');
  });

  it('without an agent, the handoff stays in messaging and the button goes once handed over', async () => {
    const t = await withBot();
    t.backend.setAvailability({ agents: false, open: true });
    t.backend.reply(t.visitorId(), 'I am a bot.', bot);
    fireEvent.click(await waitFor(() => t.byTestId('handoff'), 'the handoff button'));
    await until(() => t.messages().some((m) => m.textContent!.includes('A person will reply here as soon as possible.')), 'the notice');
    expect(t.byTestId('handoff')).toBeNull();
    expect(t.client.getState().mode.phase).toBe('messaging');
  });

  it('offers one way to a person at a time: the hand-off after a bot, live chat otherwise, none once a person answered', async () => {
    const t = await withBot();
    const ways = () => ['start-live', 'handoff'].filter((id) => t.byTestId(id));
    await until(() => ways().length === 1, 'a way to a person');
    expect(ways()).toEqual(['start-live']); // an agent is there: live chat is offered
    t.backend.reply(t.visitorId(), 'I am a bot.', bot);
    await until(() => ways()[0] === 'handoff', 'the hand-off after the bot');
    expect(ways()).toEqual(['handoff']); // not "Chat live with us" as well
    t.backend.reply(t.visitorId(), 'Hi, Alex here. How can I help?');
    await until(() => ways().length === 0, 'no button once a person answered');
    t.backend.reply(t.visitorId(), 'I am a bot again.', bot);
    await until(() => ways()[0] === 'handoff', 'the hand-off after the bot again');
  });
});
