/**
 * Issue 6, server order: whatever order frames arrive in and whatever the page's clock says, the widget shows
 * what the backend stored in seq order, and the customer's messages are stored in the order written.
 * Through the fault proxy, against the real reference backend, in real Chromium.
 */
import { afterAll, afterEach, beforeAll, it } from 'vitest';
import { reorder, type } from './rules';
import { started } from './scenario';
import { Stage } from './stage';
import { sendAll, waitDisconnected } from './widget';

let stage: Stage;
beforeAll(async () => {
  stage = await Stage.start({ proxy: true });
});
afterEach(() => stage.closeVisitors());
afterAll(() => stage?.dispose());

it('1. a burst of 500 replies, frames reordered: the widget shows the backend seq order', async () => {
  const { sc, tab, conversation } = await started(stage, 's01');
  stage.proxy!.down = [reorder(type('item'), { budget: 500 })];
  await (await stage.agent()).reply(conversation.id, sc.team(500));
  // Showing 500 replies takes about 3 s on a 2-core machine.
  await sc.expectClean('burst', 10_000);
  await tab.reload();
  await sc.expectClean('after a reload', 10_000);
});

it('2. five send() calls in one go while the backend is unreachable: delivered once each, in the order written', async () => {
  const { sc, tab } = await started(stage, 's02');
  stage.proxy!.unreachable = true;
  stage.proxy!.cut();
  await waitDisconnected(tab);
  await sendAll(tab, sc.customer(5));
  await tab.waitForTimeout(1000); // reconnection attempts fail meanwhile
  stage.proxy!.unreachable = false;
  // The next attempt comes after at most 4 s of backoff.
  await sc.expectClean('back online', 12_000);
  await tab.reload();
  await sc.expectClean('after a reload', 8000);
});

/** Moves the page's clock an hour ahead: `Date.now()` and `new Date()`; dates given explicitly stay. */
const CLOCK_AHEAD = `(() => {
  const RealDate = Date;
  const offset = 3600 * 1000;
  function ShiftedDate(...args) {
    if (!new.target) return new RealDate(RealDate.now() + offset).toString();
    return args.length ? new RealDate(...args) : new RealDate(RealDate.now() + offset);
  }
  ShiftedDate.prototype = RealDate.prototype;
  ShiftedDate.now = () => RealDate.now() + offset;
  ShiftedDate.parse = RealDate.parse;
  ShiftedDate.UTC = RealDate.UTC;
  window.Date = ShiftedDate;
})();`;

it('8. the page clock an hour ahead, 5 quick sends answered at once: the server order', async () => {
  const { sc, tab } = await started(stage, 's08', CLOCK_AHEAD);
  const answering = (await stage.agent()).answerEach(/^s08-c/, (text) => text.replace('-c', '-a'));
  const texts = sc.customer(5);
  sc.replies.push(...texts.map((text) => text.replace('-c', '-a')));
  await sendAll(tab, texts);
  await sc.expectClean('answered', 8000);
  answering();
  await tab.reload();
  await sc.expectClean('after a reload', 8000);
});
