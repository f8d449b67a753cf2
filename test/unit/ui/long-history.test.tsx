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
    const numbers = () => t.messages().map((m) => Number(/^message (\d+)$/.exec(m.querySelector('.bubble')!.textContent!)![1]));
    // Scrolling to the top: 40 older each time, from memory (the newest 200 were read), then pages of 40 from storage.
    for (let i = 0; i < 8; i++) {
      const oldest = numbers()[0]!;
      log.scrollTop = 0;
      fireEvent.scroll(log);
      await until(() => numbers()[0]! < oldest, `older messages (round ${i + 1})`);
      // Never more than a bounded window in the DOM, however far back the reader goes.
      expect(t.messages().length).toBeLessThanOrEqual(180 + 60);
    }
    expect(t.client.getState().messages.length).toBeGreaterThan(200);
    const far = numbers();
    expect(far[0]).toBe(641); // 901, 861, 821, 801 (the first in memory), then 761 … 641 from storage
    expect(far.at(-1)).toBe(1000); // the live region keeps the newest
    // Each block is in the stored order, without a gap inside it: the older block, then the newest 60.
    const split = far.findIndex((n, i) => i > 0 && n !== far[i - 1]! + 1);
    expect(far.slice(0, split)).toEqual(far.slice(0, split).map((_, i) => far[0]! + i));
    expect(far.slice(split)).toEqual(Array.from({ length: 60 }, (_, i) => 941 + i));
    // Coming back down: the older block slides towards the newest until there is no gap left.
    const gap = () => t.widget.root.querySelector<HTMLElement>('.gap');
    for (let i = 0; i < 20 && gap(); i++) {
      Object.defineProperty(gap()!, 'offsetTop', { value: 0, configurable: true });
      log.scrollTop = 1000;
      fireEvent.scroll(log);
      await until(() => !gap() || numbers()[0]! > far[0]! + 40 * i, `the block sliding down (round ${i + 1})`);
    }
    expect(gap()).toBeNull();
    const back = numbers();
    expect(back).toEqual(back.map((_, i) => back[0]! + i));
    expect(back.at(-1)).toBe(1000);
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
