import { render } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { createNatter } from '../../../src/natter';
import type { Message } from '../../../src/model/types';
import { strings } from '../../../src/i18n/index';
import { createDates } from '../../../src/ui/dates';
import { MessageList } from '../../../src/ui/MessageList';
import { MemoryTransport } from '../../../src/transports/memory';
import { MemoryBackend } from '../../../src/transports/memory-backend';

const DAY = 24 * 60 * 60 * 1000;

function message(key: string, sentAt: number, text = key): Message {
  return { key, id: key, author: { role: 'agent', name: 'Alex' }, text, createdAt: sentAt, sentAt, status: 'sent' };
}

function renderList(messages: Message[], locale: 'en' | 'de' = 'en') {
  const texts = strings(locale);
  const ui = {
    client: createNatter({ transport: new MemoryTransport(new MemoryBackend()), storage: 'memory' }),
    strings: texts,
    dates: createDates(locale),
  };
  return render(<MessageList ui={ui} messages={messages} connection="open" ready open onReply={() => {}} />);
}

describe('day separators', () => {
  it('separate days with Today, Yesterday and dates, once per day', () => {
    const now = Date.now();
    const noonToday = new Date(now).setHours(12, 0, 0, 0);
    const lastYear = new Date(new Date(now).getFullYear() - 1, 2, 4, 10).getTime();
    const { container } = renderList([
      message('a', lastYear),
      message('b', noonToday - 3 * DAY),
      message('c', noonToday - DAY),
      message('d', noonToday - DAY + 60_000),
      message('e', noonToday),
    ]);
    const days = [...container.querySelectorAll('.day')].map((day) => day.textContent);
    const dayFormat = new Intl.DateTimeFormat('en', { dateStyle: 'full' });
    expect(days).toEqual([
      dayFormat.format(lastYear),
      dayFormat.format(noonToday - 3 * DAY),
      'Yesterday',
      'Today',
    ]);
    // Each separator sits right before the first message of its day.
    const sequence = [...container.querySelectorAll('.day, .bubble')].map((node) => (node.classList.contains('day') ? '|' : node.textContent));
    expect(sequence.join('')).toBe('|a|b|cd|e');
  });

  it('are in the widget language', () => {
    const now = Date.now();
    const { container } = renderList([message('a', now - DAY), message('b', now)], 'de');
    expect([...container.querySelectorAll('.day')].map((day) => day.textContent)).toEqual(['Gestern', 'Heute']);
  });

  it('show the name and avatar once per run of messages from the same person', () => {
    const now = Date.now();
    const { container } = renderList([message('a', now - 2000), message('b', now - 1000), { ...message('c', now), author: { role: 'agent', name: 'Sam' } }]);
    const visibleNames = [...container.querySelectorAll('.author:not(.sr) .name')].map((name) => name.textContent);
    expect(visibleNames).toEqual(['Alex', 'Sam']);
    // Screen readers still hear who wrote each one.
    expect([...container.querySelectorAll('.author .name')].map((name) => name.textContent)).toEqual(['Alex', 'Alex', 'Sam']);
  });

  it('show one time per run of messages from one person within five minutes, and every time on hover', () => {
    const start = new Date(Date.now()).setHours(9, 0, 0, 0);
    const min = 60_000;
    const { container } = renderList([
      message('a', start),
      message('b', start + 2 * min),
      message('c', start + 4 * min), // the run ends: a gap of more than five minutes follows
      message('d', start + 10 * min),
      { ...message('e', start + 11 * min), author: { role: 'agent', name: 'Sam' } },
    ]);
    const times = [...container.querySelectorAll('time')];
    const shown = times.filter((time) => !time.classList.contains('sr')).map((time) => time.closest('.msg')!.querySelector('.bubble')!.textContent);
    expect(shown).toEqual(['c', 'd', 'e']);
    // The others stay in the log for screen readers, and each has its full date and time for hovering.
    expect(times).toHaveLength(5);
    const full = new Intl.DateTimeFormat('en', { dateStyle: 'full', timeStyle: 'short' });
    expect(times.map((time) => time.title)).toEqual([0, 2, 4, 10, 11].map((m) => full.format(start + m * min)));
  });
});
