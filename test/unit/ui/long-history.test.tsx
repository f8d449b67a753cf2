import { fireEvent, render } from '@testing-library/preact';
import { strings } from '../../../src/i18n/index';
import type { Message } from '../../../src/model/types';
import { createNatter } from '../../../src/natter';
import { MemoryTransport } from '../../../src/transports/memory';
import { MemoryBackend } from '../../../src/transports/memory-backend';
import { createDates } from '../../../src/ui/dates';
import { MessageList } from '../../../src/ui/MessageList';
import { describe, expect, it } from 'vitest';
import { History } from '../../../src/storage/history';
import { memoryKeyValue } from '../../../src/storage/kv';
import { mountTestWidget, until } from './helpers';

/** A stored conversation of `count` team messages, newest last, as format 2 keeps it. */
async function seeded(count: number) {
  const kv = memoryKeyValue();
  const history = new History(kv);
  const put = Array.from({ length: count }, (_, i) => ({
    key: `s:${i + 1}`, id: String(i + 1), author: { role: 'agent' as const, name: 'Alex' }, text: `message ${i + 1}`,
    createdAt: 1_700_000_000_000 + i, sentAt: 1_700_000_000_000 + i, order: String(i + 1).padStart(16, '0'), status: 'sent' as const,
  }));
  await history.write('v1', { put, meta: { visitorId: 'v1', cursor: null, unread: 0, localSeq: 0, createdAt: 1 }, current: true });
  return kv;
}

describe('a long history', () => {
  it('reads only the newest page, puts only a window of it in the DOM, and brings older ones as the reader scrolls up', async () => {
    const t = await mountTestWidget({ natter: { storage: await seeded(1000) } });
    t.backend.online = false;
    expect(t.client.getState().messages).toHaveLength(200);
    expect(t.client.getState().hasOlder).toBe(true);
    t.client.open();
    await until(() => t.messages().length > 0, 'the messages');
    expect(t.messages().length).toBe(60);
    expect(t.messages().at(-1)!.textContent).toContain('message 1000');
    const log = t.widget.root.querySelector<HTMLElement>('.log')!;
    // happy-dom lays nothing out: a tall list, scrolled to its top.
    Object.defineProperty(log, 'scrollHeight', { get: () => 100 * t.messages().length, configurable: true });
    Object.defineProperty(log, 'clientHeight', { get: () => 500, configurable: true });
    // Scrolling to the top: 40 more from memory each time, then pages from storage.
    for (let i = 0; i < 6; i++) {
      const before = t.messages().length;
      log.scrollTop = 0;
      fireEvent.scroll(log);
      await until(() => t.messages().length > before, `more messages (round ${i + 1})`);
    }
    expect(t.client.getState().messages.length).toBeGreaterThan(200);
    const numbers = t.messages().map((m) => Number(/^message (\d+)$/.exec(m.querySelector('.bubble')!.textContent!)![1]));
    expect(numbers.at(-1)).toBe(1000);
    // The order is the stored order, without a gap.
    expect(numbers).toEqual(numbers.map((_, i) => numbers[0]! + i));
  });

  it('puts only a window of a burst of 500 in the DOM while the reader is at the bottom, all in the live region', () => {
    const message = (i: number): Message => ({ key: `k${i}`, id: `k${i}`, author: { role: 'agent', name: 'Alex' }, text: `message ${i}`, createdAt: i, sentAt: i, order: String(i).padStart(16, '0'), status: 'sent' });
    const ui = { client: createNatter({ transport: new MemoryTransport(new MemoryBackend()), storage: 'memory' }), strings: strings('en'), dates: createDates('en') };
    const list = (count: number) => <MessageList ui={ui} messages={Array.from({ length: count }, (_, i) => message(i + 1))} connection="open" ready open onReply={() => {}} />;
    const { container, rerender } = render(list(100));
    // Every node the DOM ever held, render by render: a scroll event shrinking it later is too late, the
    // browser has laid it all out by then.
    let most = 0;
    const observer = new MutationObserver(() => (most = Math.max(most, container.querySelectorAll('[data-testid="message"]').length)));
    observer.observe(container, { childList: true, subtree: true });
    rerender(list(600)); // the burst, in one frame's render
    observer.disconnect();
    const shown = [...container.querySelectorAll('[role="log"] [data-testid="message"]')].map((node) => node.querySelector('.bubble')!.textContent);
    expect(Math.max(most, shown.length)).toBeLessThanOrEqual(120); // it was 560
    expect(shown.at(-1)).toBe('message 600');
    expect(shown).toEqual(shown.map((_, i) => `message ${601 - shown.length + i}`));
    expect(container.querySelectorAll('[data-testid="message"]')).toHaveLength(shown.length); // none outside the log
  });
});
