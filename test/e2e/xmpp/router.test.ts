import { afterAll, beforeAll, expect, test } from 'vitest';
import { RouterFixture } from './router-fixture.ts';

const f = new RouterFixture();
beforeAll(() => f.start(['ana']));
afterAll(() => f.stop());

test('hello creates the visitor\'s room and answers welcome', async () => {
  const visitor = await f.visitor('secret-one');
  const welcome = await f.hello(visitor);
  expect(welcome).toMatchObject({ type: 'welcome', nick: 'Visitor', team: 'Natter Demo Shop', mode: null, session: null });
  expect(welcome.room).toBe(`${visitor.jid.split('@')[0]}@${f.prosody.rooms}`);
  console.log(JSON.stringify(welcome), f.logs);
});
