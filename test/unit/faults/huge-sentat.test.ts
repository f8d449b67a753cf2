import { expect, it } from 'vitest';
import { itemFrame } from '../../../src/protocol/wire';
import { messageRecord } from '../../../src/storage/records';

it('refuses times a Date cannot hold (a backend sending ns or µs instead of ms), on the wire and in storage', () => {
  const sentAt = 1_763_719_200_000_000_000;
  const frame = { type: 'item', item: { id: 'x1', seq: 2, author: { role: 'agent', name: 'Alex' }, text: 'hi', sentAt } };
  expect(itemFrame.safeParse(frame).success).toBe(false);
  expect(itemFrame.safeParse({ ...frame, item: { ...frame.item, sentAt: 1_763_719_200_000 } }).success).toBe(true);
  const record = { v: 2, key: 's:x1', author: { role: 'agent' }, text: 'hi', createdAt: 1, status: 'sent' };
  expect(messageRecord.safeParse({ ...record, sentAt }).success).toBe(false);
  expect(messageRecord.safeParse({ ...record, sentAt: 1_763_719_200_000 }).success).toBe(true);
});
