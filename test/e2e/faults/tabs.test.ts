/**
 * Issue 6, the page going away and several tabs: a reload or a closed tab in the same instant as send(), two
 * tabs of one visitor, a tab that closes with unsent messages, shutdown() in one tab. No proxy: the widget
 * talks to the real reference backend directly, in real Chromium; each scenario is one browser profile.
 */
import { afterAll, afterEach, beforeAll, it } from 'vitest';
import type { Page } from 'playwright-core';
import { Scenario, started } from './scenario';
import { Stage } from './stage';
import { openTab, sendAll, storageMentions, waitInPage, waitReady } from './widget';

let stage: Stage;
beforeAll(async () => {
  stage = await Stage.start();
});
afterEach(() => stage.closeVisitors());
afterAll(() => stage?.dispose());

/** Calls send() for every text and then `then` in the same task: nothing of Natter's can run in between. */
function sendThen(page: Page, texts: string[], then: 'reload' | 'close'): Promise<unknown> {
  return page
    .evaluate(
      ([all, action]) => {
        for (const text of all) (window as any).Natter.send(text);
        if (action === 'reload') location.reload();
        else window.close();
      },
      [texts, then] as const,
    )
    .catch(() => {}); // the page went away under the evaluation, as it should
}

it('9a. send() ×10 and a reload in the same instant: all 10 delivered exactly once', async () => {
  const { sc, tab } = await started(stage, 's09a');
  await sendThen(tab, sc.customer(10), 'reload');
  await tab.waitForLoadState();
  await waitReady(tab);
  await sc.expectClean('after the reload', 10_000);
});

it('9b. send() ×10 and the tab closed in the same instant: all 10 delivered exactly once from the next tab', async () => {
  const sc = new Scenario(stage, 's09b');
  const context = await stage.visitor();
  // A tab a script opened, so that its own script may close it (window.close() is refused otherwise).
  const opener = await context.newPage();
  await opener.goto(`${stage.site.url}/blank`);
  const [tab] = await Promise.all([context.waitForEvent('page'), opener.evaluate((url) => void window.open(url), stage.url)]);
  await waitReady(tab);
  sc.tabs.set('tab', tab);
  await sendAll(tab, sc.customer(1));
  await sc.expectClean('first message', 10_000);
  const closed = new Promise((resolve) => tab.once('close', resolve));
  await sendThen(tab, sc.customer(10), 'close');
  await Promise.race([closed, tab.waitForTimeout(5000)]);
  if (!tab.isClosed()) throw new Error('window.close() did not close the tab');
  sc.tabs.set('tab', await openTab(context, stage.url));
  await sc.expectClean('in the next tab', 10_000);
});

/** How many conversations the scenario made at the backend. */
const conversations = (sc: Scenario) => () => sc.conversations().length;

it('10. two tabs of one visitor opened before the first message: one visitor, one conversation, one timeline', async () => {
  const sc = new Scenario(stage, 's10');
  const context = await stage.visitor();
  for (const name of ['A', 'B']) {
    const tab = await openTab(context, stage.url);
    await tab.evaluate(() => (window as any).Natter.open());
    sc.tabs.set(name, tab);
  }
  await sendAll(sc.tabs.get('A')!, sc.customer(1));
  await sendAll(sc.tabs.get('B')!, sc.customer(1));
  await (await stage.agent()).reply((await sc.conversation()).id, sc.team(1));
  const count = conversations(sc);
  await sc.expectClean('both tabs', 8000, {
    also: { 'one conversation at the backend': () => count() === 1 },
    hopeless: () => count() > 1,
  });
});

it('11. a tab that cannot reach the backend closes with unsent messages: they go out through the other tab', async () => {
  const { sc, context } = await started(stage, 's11');
  const lonely = await context.newPage();
  // This tab's sockets never reach the backend.
  await lonely.routeWebSocket(/\/natter/, (ws) => ws.close({ code: 1011, reason: 'unreachable from this tab' }));
  await lonely.goto(stage.url);
  await waitReady(lonely);
  await sendAll(lonely, sc.customer(3));
  await waitInPage(lonely, 'holding every message written', (n) => (window as any).Natter.getState().messages.length >= n, sc.written.length);
  await lonely.waitForTimeout(300); // its storage writes finish
  await lonely.close();
  await sc.expectClean('through the other tab', 10_000);
});

it('12. shutdown() in one tab: after a reload of any tab, nothing of the old visitor comes back', async () => {
  const { sc, context, tab, conversation } = await started(stage, 's12');
  const agent = await stage.agent();
  await agent.reply(conversation.id, sc.team(1));
  const other = await openTab(context, stage.url);
  sc.tabs.set('other', other);
  await sc.expectClean('before', 8000);
  const { visitorId } = conversation; // the backend's record of who wrote

  await tab.evaluate(() => (window as any).Natter.shutdown());
  // The team answers the old conversation; the other tab hears it.
  await agent.reply(conversation.id, sc.team(1));
  await other.waitForTimeout(500);
  sc.gone.push(...sc.written.splice(0), ...sc.replies.splice(0));
  await Promise.all([tab.reload(), other.reload()]);
  await Promise.all([waitReady(tab), waitReady(other)]);
  // Wherever and however the widget stores things, nothing may mention the old visitor or its messages.
  const old = [visitorId, conversation.id, ...sc.gone];
  await sc.expectClean('after reloading both tabs', 5000, {
    also: { 'nothing stored mentions the old visitor or its messages': async () => (await storageMentions(tab, old)) === 0 },
  });
});
