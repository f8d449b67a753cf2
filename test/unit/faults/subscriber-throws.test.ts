import { expect, it } from 'vitest';
import { setup, until } from '../core/helpers';

it('a host subscriber that throws once must not stop the outbox (or other subscribers)', async () => {
  const { natter, backend } = setup();
  await natter.start();
  backend.online = false;
  await natter.send('written offline');
  let uiRenders = 0;
  let thrown = 0;
  // The host page's own subscriber, registered before the widget's; buggy on the 'open' transition.
  natter.subscribe(() => { if (natter.getState().connection === 'open' && thrown++ === 0) throw new TypeError('host bug'); });
  natter.subscribe(() => uiRenders++);
  const errors: unknown[] = [];
  const onError = (e: unknown) => errors.push(e);
  process.on('uncaughtException', onError);
  backend.online = true;
  await new Promise((r) => setTimeout(r, 300));
  process.off('uncaughtException', onError);
  expect(errors).toEqual([]);
  await until(() => natter.getState().messages[0]?.status === 'sent', 'the outbox flush');
});
