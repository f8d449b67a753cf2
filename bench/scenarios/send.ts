/**
 * 7. Send → acknowledged: `Natter.send()` until its `status` event says 'sent', next to the page's own raw
 * WebSocket to the same reference backend sending a `send` frame until its `ack` (with a visitor of its
 * own), alternating, in one page. Both clocks are the page's; both sockets are open before timing starts.
 * The page is cross-origin isolated, so its clock has 5 µs steps rather than 100 µs (a round trip is ~2 ms).
 */
import type { Page } from 'playwright-core';
import { within } from '../lib/browser.ts';
import { missing, prepare, row, sleep, type Ctx } from '../lib/common.ts';

type Page7 = {
  Natter: { send(text: string): Promise<void> };
  __bench: { onStatus?: (t: number, message: { text: string; status: string }) => void };
  __raw?: WebSocket;
};

/** Opens the page's raw socket and says hello as a visitor of its own. */
function openRaw(page: Page, endpoint: string): Promise<void> {
  return page.evaluate(
    (endpoint) =>
      new Promise<void>((resolve, reject) => {
        const socket = new WebSocket(endpoint);
        const timer = setTimeout(() => reject(new Error('the raw socket was not synced within 10 s')), 10_000);
        socket.onopen = () => socket.send(JSON.stringify({ type: 'hello', v: 1, visitorId: `raw-${crypto.randomUUID()}`, after: 0 }));
        socket.onmessage = (event) => {
          if (JSON.parse(String(event.data)).type !== 'synced') return;
          clearTimeout(timer);
          (window as unknown as Page7).__raw = socket;
          resolve();
        };
        socket.onerror = () => reject(new Error('the raw socket failed'));
      }),
    endpoint,
  );
}

/** One `send` → `ack` on the raw socket, ms. */
function rawRoundTrip(page: Page, text: string): Promise<number> {
  return page.evaluate(
    (text) =>
      new Promise<number>((resolve, reject) => {
        const socket = (window as unknown as Page7).__raw!;
        const clientId = crypto.randomUUID();
        const timer = setTimeout(() => reject(new Error('no ack on the raw socket within 10 s')), 10_000);
        const listener = (event: MessageEvent) => {
          const frame = JSON.parse(String(event.data));
          if (frame.type !== 'ack' || frame.clientId !== clientId) return;
          const t1 = performance.now();
          clearTimeout(timer);
          socket.removeEventListener('message', listener);
          resolve(t1 - t0);
        };
        socket.addEventListener('message', listener);
        const t0 = performance.now();
        socket.send(JSON.stringify({ type: 'send', clientId, text, createdAt: Date.now() }));
      }),
    text,
  );
}

/** One `Natter.send()` → `status` 'sent', ms. */
function natterRoundTrip(page: Page, text: string): Promise<number> {
  return page.evaluate(
    (text) =>
      new Promise<number>((resolve, reject) => {
        const page = window as unknown as Page7;
        const timer = setTimeout(() => reject(new Error('Natter did not report the message sent within 10 s')), 10_000);
        page.__bench.onStatus = (t1, message) => {
          if (message.text !== text || message.status !== 'sent') return;
          clearTimeout(timer);
          page.__bench.onStatus = undefined;
          resolve(t1 - t0);
        };
        const t0 = performance.now();
        page.Natter.send(text).catch(reject);
      }),
    text,
  );
}

export async function sendToAck(ctx: Ctx): Promise<void> {
  const scenario = '7. send → ack';
  const pairs = ctx.quick ? 3 : 25;
  const natter: number[] = [];
  const raw: number[] = [];
  try {
    const { endpoint } = await ctx.backend();
    const page = await prepare(ctx, 'send', 0);
    const url = await ctx.site.pageUrl('send', { script: 'natter', endpoint, isolated: true }, { listen: true, watch: [['launcher', 'launcher']] });
    ctx.bench.clearReports();
    await page.goto(url, { waitUntil: 'commit', timeout: 30_000 });
    await ctx.bench.report('ready', 15_000);
    if (!(await page.evaluate(() => crossOriginIsolated))) ctx.log('  (the page is not cross-origin isolated: its clock has 100 µs steps)');
    // Warm up both: Natter's first message makes the visitor and opens the connection.
    for (let i = 0; i < 3; i++) await within(natterRoundTrip(page, `Warm-up ${i + 1} from Natter`), 15_000, 'a warm-up send');
    await within(openRaw(page, endpoint), 15_000, 'opening the raw socket');
    for (let i = 0; i < 3; i++) await within(rawRoundTrip(page, `Warm-up ${i + 1} on the raw socket`), 15_000, 'a warm-up raw send');
    for (let i = 0; i < pairs; i++) {
      // Alternate which goes first, so neither always follows the other's leftovers.
      const order = i % 2 ? ['raw', 'natter'] : ['natter', 'raw'];
      for (const which of order) {
        await sleep(150);
        if (which === 'raw') raw.push(await within(rawRoundTrip(page, `Raw message ${i + 1}: is the blue mug back?`), 15_000, 'a raw send'));
        else natter.push(await within(natterRoundTrip(page, `Natter message ${i + 1}: is the blue mug back?`), 15_000, 'Natter.send'));
      }
    }
    await ctx.bench.discardPage();
  } catch (error) {
    await ctx.bench.discardPage();
    ctx.log(`  ${(error as Error).message}`);
    if (!natter.length || !raw.length) {
      ctx.rows.push(missing(scenario, 'Natter.send() → status sent', 'ms', (error as Error).message, '≤ 1.1× raw'));
      return;
    }
  }
  const rawRow = row({ scenario, label: 'raw WebSocket send → ack, same backend', unit: 'ms', samples: raw });
  const natterRow = row({ scenario, label: 'Natter.send() → status sent', unit: 'ms', samples: natter, ratioOf: 'raw', budget: '≤ 1.1× raw' });
  natterRow.ratio = natterRow.median / rawRow.median;
  natterRow.pass = natterRow.ratio <= 1.1;
  ctx.rows.push(rawRow, natterRow);
  ctx.log(`  Natter ${natterRow.median.toFixed(1)} ms, raw ${rawRow.median.toFixed(1)} ms (medians of ${natter.length} and ${raw.length})`);
}
