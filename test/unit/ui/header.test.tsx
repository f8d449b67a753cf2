import { describe, expect, it } from 'vitest';
import { openConnected, until } from './helpers';

describe('header by phase', () => {
  it('in messaging: the team name and the usual reply time, rounded up', async () => {
    const t = await openConnected();
    const line = () => t.header().querySelector('.availability')?.textContent;
    t.backend.setAvailability({ agents: true, open: true, replyMinutes: 120 });
    await until(() => line() === 'We usually reply within 2 hours', 'the reply time in hours');
    // Not a green "online" dot beside "within 2 hours": the header says one thing at a time.
    expect(t.header().querySelector('.availability')!.hasAttribute('data-online')).toBe(false);
    expect(t.header().querySelector('h2')!.textContent).toBe('Memory Team');
    t.backend.setAvailability({ agents: true, open: true, replyMinutes: 27 });
    await until(() => line() === 'We usually reply within 30 minutes', 'the reply time in minutes');
    t.backend.setAvailability({ agents: true, open: true, replyMinutes: 1440 });
    await until(() => line() === 'We usually reply within 1 day', 'the reply time in days');
    t.backend.setAvailability({ agents: true, open: true });
    await until(() => line() === 'Online — we reply in minutes', 'the plain online line without a reply time');
    expect(t.header().querySelector('.availability')!.hasAttribute('data-online')).toBe(true);
  });

  it('says the reply time in German', async () => {
    document.documentElement.lang = 'de';
    const t = await openConnected();
    t.backend.setAvailability({ agents: true, open: true, replyMinutes: 90 });
    await until(() => t.header().textContent!.includes('Übliche Antwortzeit: 2 Stunden'), 'the German reply time');
    t.backend.setAvailability({ agents: true, open: true, replyMinutes: 3 * 1440 });
    await until(() => t.header().textContent!.includes('Übliche Antwortzeit: 3 Tage'), 'the German reply time in days');
  });

  it('says "Away" when nobody is there or outside business hours, whatever the reply time', async () => {
    const t = await openConnected();
    t.backend.setAvailability({ agents: true, open: false, replyMinutes: 60 });
    await until(() => t.header().textContent!.includes("Away — we'll reply here as soon as we can"), 'the away line');
    expect(t.header().textContent).not.toContain('We usually reply');
  });

  it('while queued: "Waiting for an agent", the place in line and the expected wait', async () => {
    const t = await openConnected();
    t.client.startLive();
    await until(() => t.header().querySelector('h2')!.textContent === 'Waiting for an agent…', 'the queued heading');
    // The memory backend puts the visitor first in line with a wait of 60 s.
    expect(t.header().querySelector('.availability')!.textContent).toBe("You're number 1 in line · about 1 minute");
    // The dialog keeps the team's name.
    expect(t.screen.getByRole('dialog').getAttribute('aria-label')).toBe('Memory Team');
  });

  it("while live: the agent's initials, name and \"Live chat\"", async () => {
    const t = await openConnected();
    await t.goLive({ role: 'agent', id: 'a2', name: 'Sam Lee' });
    await until(() => t.header().querySelector('h2')!.textContent === 'Sam Lee', "the agent's name");
    expect(t.header().querySelector('.avatar')!.textContent).toBe('SL');
    expect(t.header().querySelector('.availability')!.textContent).toBe('Live chat');
  });

  it('after the chat: the team name again; connection trouble still shows', async () => {
    const t = await openConnected();
    await t.goLive();
    t.backend.end(t.visitorId(), 'agent');
    await until(() => t.header().querySelector('h2')!.textContent === 'Memory Team', 'the team name');
    expect(t.header().querySelector('.avatar')).toBeNull();
    t.backend.online = false;
    await until(() => t.header().textContent!.includes('Reconnecting…'), 'the reconnecting line');
  });
});
