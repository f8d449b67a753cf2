/** Business hours through the router: the reference backend's rules, with the team closed. */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { decide, INITIAL_BOT_STATE } from '../../../demo/bot.ts';
import { describeHours, parseBusinessHours } from '../../../demo/business-hours.ts';
import { enterRoom, isRoomMessage, RouterFixture, roomMessage } from './router-fixture.ts';

const f = new RouterFixture();
beforeAll(() => f.start(['ana'], { businessHours: 'never', teamName: 'Closed Shop' }));
afterAll(() => f.stop());

test('outside business hours: welcome says closed, live chat is refused, and the bot answers with the hours', async () => {
  await f.agent('ana');
  const visitor = await f.visitor('closed-visitor');
  const welcome = await f.hello(visitor);
  expect(welcome).toMatchObject({ team: 'Closed Shop', availability: { agents: true, open: false } });
  const refused = await f.request(visitor, { type: 'live', action: 'start' });
  expect(refused).toMatchObject({ type: 'error', code: 'invalid_transition', message: expect.stringContaining('closed outside business hours') });

  const room = String(welcome.room);
  await enterRoom(visitor, room, 'Visitor');
  const text = 'What are your opening hours?';
  visitor.send(roomMessage(room, 'hours-1', text));
  const hours = describeHours(parseBusinessHours('never'), 'UTC');
  const expected = decide({ text, state: INITIAL_BOT_STATE, firstVisitorMessage: true, someoneAvailable: false, hours });
  for (const reply of expected.replies) await visitor.waitFor(isRoomMessage(room, (body) => body === reply.text), { what: reply.text.slice(0, 30) });
  expect(expected.replies.at(-1)!.text).toContain('there is no live chat at the moment');
});
