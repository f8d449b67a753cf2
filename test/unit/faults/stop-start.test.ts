import { expect, it } from 'vitest';
import { setup, until } from '../core/helpers';

it('stop() then start() ("the client can start again later") reconnects and receives replies', async () => {
  const { natter, backend } = setup();
  await natter.send('hi');
  await until(() => natter.getState().messages[0]?.status === 'sent');
  natter.open();
  natter.stop();
  await natter.start();
  backend.reply(backend.visitorIds()[0]!, 'are you still there?');
  await new Promise((r) => setTimeout(r, 200));
  expect(natter.getState().connection).toBe('open');
});
