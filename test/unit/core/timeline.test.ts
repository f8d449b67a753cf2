import { describe, expect, it } from 'vitest';
import { compareMessages, Timeline } from '../../../src/core/timeline';
import type { Message } from '../../../src/model/types';

const placed = (key: string, order: string, extra: Partial<Message> = {}): Message => ({ key, author: { role: 'agent' }, text: key, createdAt: 0, order, status: 'sent', ...extra });
const unsent = (key: string, local: number, extra: Partial<Message> = {}): Message => ({ key, author: { role: 'visitor' }, text: key, createdAt: 0, local, status: 'sending', ...extra });
const keys = (timeline: Timeline) => timeline.list.map((m) => m.key);

describe('the ordering rule', () => {
  it('puts placed items by order, then unsent ones by the order written, whatever their clocks', () => {
    const list = [
      unsent('u2', 2, { createdAt: 1 }),
      placed('b', '0000000000000002', { sentAt: 1 }),
      unsent('u1', 1, { createdAt: 999 }),
      placed('a', '0000000000000001', { sentAt: 5_000 }),
    ].sort(compareMessages);
    expect(list.map((m) => m.key)).toEqual(['a', 'b', 'u1', 'u2']);
  });

  it('breaks ties by key, so every tab agrees', () => {
    expect([unsent('y', 1), unsent('x', 1)].sort(compareMessages).map((m) => m.key)).toEqual(['x', 'y']);
  });
});

describe('Timeline', () => {
  it('appends at the end, inserts in place, and finds by key', () => {
    const timeline = new Timeline();
    timeline.upsert(placed('a', '1'));
    timeline.upsert(placed('c', '3'));
    timeline.upsert(unsent('u', 1));
    timeline.upsert(placed('b', '2'));
    expect(keys(timeline)).toEqual(['a', 'b', 'c', 'u']);
    expect(timeline.get('b')?.order).toBe('2');
    expect(timeline.get('nope')).toBeUndefined();
  });

  it('moves a message when the server places it, and replaces in place when only its status changes', () => {
    const timeline = new Timeline();
    timeline.reset([placed('a', '1'), unsent('mine', 1), placed('b', '2')]);
    expect(keys(timeline)).toEqual(['a', 'b', 'mine']);
    const before = timeline.list;
    const previous = timeline.upsert({ ...unsent('mine', 1), status: 'failed' });
    expect(previous?.status).toBe('sending');
    expect(keys(timeline)).toEqual(['a', 'b', 'mine']);
    expect(timeline.list).not.toBe(before); // a new array: readers compare by identity
    expect(before.map((m) => m.status)).toEqual(['sent', 'sent', 'sending']); // the old one untouched
    timeline.upsert({ ...unsent('mine', 1), order: '15', status: 'sent' });
    expect(keys(timeline)).toEqual(['a', 'mine', 'b']);
  });

  it('removes what it is asked to, keeping the order', () => {
    const timeline = new Timeline();
    timeline.reset([placed('a', '1'), placed('b', '2'), unsent('u', 1)]);
    timeline.removeWhere((m) => m.order !== undefined);
    expect(keys(timeline)).toEqual(['u']);
    expect(timeline.get('a')).toBeUndefined();
  });

  it('keeps 10,000 messages in order under random arrival, by binary search', () => {
    const timeline = new Timeline();
    const seqs = Array.from({ length: 10_000 }, (_, i) => i + 1);
    for (let i = seqs.length - 1; i > 0; i--) {
      const j = (i * 7919) % (i + 1);
      [seqs[i], seqs[j]] = [seqs[j]!, seqs[i]!];
    }
    for (const seq of seqs) timeline.upsert(placed(`s${seq}`, String(seq).padStart(16, '0')));
    expect(timeline.list.map((m) => m.order)).toEqual(Array.from({ length: 10_000 }, (_, i) => String(i + 1).padStart(16, '0')));
  });
});
