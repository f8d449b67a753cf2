/**
 * The agent inbox (demo/inbox.html + inbox.js) in real Chromium against the reference backend, with a
 * raw WebSocket visitor: the queue and Accept, mode badges, typing both ways, End chat, the rating and
 * email in the side panel, bot and system items, and the force-mode select. The agent signs in first.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { launchChromium } from './harness';
import { TestBackend, say, signIn, type Peer } from './backend-peer';

let backend: TestBackend;
let chromium: Awaited<ReturnType<typeof launchChromium>>;
let inbox: Page;

beforeAll(async () => {
  backend = new TestBackend();
  await backend.start();
  chromium = await launchChromium();
  inbox = await (await chromium.browser.newContext()).newPage();
  await signIn(inbox, backend.server.url, await backend.account('Alex'));
});

afterAll(async () => {
  await chromium?.dispose();
  expect(backend.invalidFrames()).toEqual([]);
  await backend?.dispose();
});

const text = (testId: string) => inbox.getByTestId(testId).textContent();
const visible = (testId: string) => inbox.getByTestId(testId).isVisible();

test('queue, accept, typing both ways, end, rating, email — as an agent sees and does it', async () => {
  const { peer, welcome } = await backend.visitor('visitor-inbox-0001', { user: { name: '<img src=x onerror=alert(1)> Vera' } });
  const conversationId: string = welcome.conversationId;
  await say(peer, 'Hi! How long does shipping take?');
  await expect.poll(() => inbox.locator('[data-testid="message"][data-role="bot"]').count()).toBe(1);
  expect(await text('mode-badge')).toBe('Messaging');

  peer.send({ type: 'live', action: 'start' });
  const accept = inbox.locator(`[data-testid="accept"][data-conversation-id="${conversationId}"]`);
  await expect.poll(() => accept.isVisible()).toBe(true);
  await expect.poll(() => text('mode-badge')).toBe('Queued #1');
  expect(await inbox.getByTestId('queued-conversation').textContent()).toContain('<img src=x onerror=alert(1)> Vera');
  expect(await inbox.locator('img').count()).toBe(0);

  await accept.click();
  const live = await peer.type('session', (f) => f.session.state === 'live');
  expect(live.session.agent.name).toBe('Alex');
  await expect.poll(() => text('thread-mode')).toBe('Live with Alex');
  await expect.poll(() => inbox.getByTestId('accept').count()).toBe(0);
  expect(await visible('end-session')).toBe(true);
  await expect.poll(() => inbox.locator('[data-testid="message"][data-role="system"]').allTextContents()).toEqual([
    expect.stringContaining('Waiting for an agent'),
    expect.stringContaining('Alex joined'),
  ]);

  // The visitor types; the indicator shows, and goes when the message arrives.
  expect(await visible('visitor-typing')).toBe(false);
  peer.send({ type: 'typing', typing: true });
  await expect.poll(() => visible('visitor-typing')).toBe(true);
  expect(await text('visitor-typing')).toContain('is typing');
  await say(peer, 'Are you there?');
  await expect.poll(() => visible('visitor-typing')).toBe(false);

  // The agent types: the visitor hears it, once, then "stopped" when the reply is sent.
  await inbox.getByTestId('reply-input').pressSequentially('Yes, hello', { delay: 20 });
  expect(await peer.type('typing')).toMatchObject({ typing: true, author: { role: 'agent', name: 'Alex' } });
  await inbox.getByTestId('reply-send').click();
  expect(await peer.type('typing')).toMatchObject({ typing: false });
  await peer.type('item', (f) => f.item.text === 'Yes, hello');
  expect(peer.frames.filter((f) => f.type === 'typing' && f.typing)).toHaveLength(1);

  // End chat.
  await inbox.getByTestId('end-session').click();
  expect((await peer.type('session', (f) => f.session.state === 'ended')).session.endedBy).toBe('agent');
  await expect.poll(() => text('thread-mode')).toBe('Ended');
  expect(await visible('end-session')).toBe(false);

  // Rating and email in the side panel.
  expect(await text('visitor-email')).toBe('—');
  peer.send({ type: 'rate', sessionId: live.session.id, score: 4, comment: 'Fast <b>and</b> friendly' });
  await expect.poll(() => inbox.getByTestId('rating').count()).toBe(1);
  expect(await inbox.getByTestId('rating').textContent()).toContain('★★★★☆');
  expect(await inbox.getByTestId('rating').textContent()).toContain('Fast <b>and</b> friendly');
  peer.send({ type: 'email', email: 'vera@example.com' });
  await expect.poll(() => text('visitor-email')).toBe('vera@example.com');

  // Writing again after the chat: messaging.
  await say(peer, 'Thanks!');
  await expect.poll(() => text('thread-mode')).toBe('Messaging');
});

test('the force-mode select imposes a mode on visitors, and shows what is imposed', async () => {
  const { peer }: { peer: Peer } = await backend.visitor('visitor-inbox-0002');
  expect(await inbox.getByTestId('force-mode').inputValue()).toBe('auto');
  await inbox.getByTestId('force-mode').selectOption('messaging');
  expect(await peer.type('mode')).toEqual({ type: 'mode', mode: 'messaging' });
  await inbox.getByTestId('force-mode').selectOption('auto');
  expect(await peer.type('mode')).toEqual({ type: 'mode', mode: null });
});

test('going away is what visitors hear', async () => {
  const { peer } = await backend.visitor('visitor-inbox-0003');
  await inbox.getByTestId('availability-toggle').click();
  expect((await peer.type('availability')).availability.agents).toBe(false);
  await expect.poll(() => text('team-status')).toContain('away');
  // A reload keeps "Away": visitors are never told the team is there in between.
  const from = peer.frames.length;
  await inbox.reload();
  await expect.poll(() => inbox.getByTestId('availability-toggle').textContent()).toBe('Away');
  await expect.poll(() => text('team-status')).toContain('away');
  await peer.none((frame) => frame.type === 'availability' && frame.availability.agents === true, 500);
  expect(peer.frames.slice(from).filter((frame) => frame.type === 'availability' && frame.availability.agents)).toEqual([]);
  await inbox.getByTestId('availability-toggle').click();
  expect((await peer.type('availability')).availability.agents).toBe(true);
});

test('a verified customer has a "Verified" badge, in the list and the thread; anyone else has none', async () => {
  // The agent socket is played by the test, so the summaries can carry what identity verification adds
  // (`user.verified: true`) whether or not this backend sends it yet.
  const page = await inbox.context().newPage();
  const conversation = (id: string, user: Record<string, unknown>, minutesAgo: number) => ({
    id,
    user,
    createdAt: Date.now() - minutesAgo * 60_000,
    updatedAt: Date.now() - minutesAgo * 60_000,
    seq: 1,
    online: true,
    ratings: [],
    needsPerson: false,
    items: [{ id: `${id}-1`, seq: 1, author: { role: 'visitor' }, text: `Hello from ${String(user.name)}`, sentAt: Date.now() - minutesAgo * 60_000 }],
  });
  let server: import('playwright-core').WebSocketRoute | undefined;
  await page.routeWebSocket(/\/agent$/, (route) => {
    server = route;
    route.onMessage((message) => {
      if (JSON.parse(String(message)).type !== 'hello') return;
      const you = { id: 'agent-1', name: 'Alex', available: true };
      const conversations = [
        conversation('c-verified', { id: 'cust_1', name: 'Vera Verified', email: 'vera@example.com', verified: true }, 1),
        conversation('c-claimed', { name: 'Claims To Be', verified: 'yes' }, 2),
        conversation('c-plain', { name: 'Plain Visitor' }, 3),
      ];
      route.send(JSON.stringify({ type: 'snapshot', you, conversations, agents: [you], availability: { agents: true, open: true }, mode: null }));
    });
  });
  await page.goto(`${backend.server.url}/inbox`);
  await page.locator('[data-testid="connection"].is-connected').waitFor();
  const row = (name: string) => page.locator('[data-testid="conversation"]', { hasText: name });
  await expect.poll(() => page.getByTestId('conversation').count()).toBe(3);
  expect(await row('Vera Verified').getByTestId('verified').textContent()).toBe('Verified');
  expect(await row('Claims To Be').getByTestId('verified').count()).toBe(0);
  expect(await row('Plain Visitor').getByTestId('verified').count()).toBe(0);
  // The newest, verified conversation is open: its title says so too.
  expect(await page.locator('#thread-title').textContent()).toBe('Vera VerifiedVerified');
  await row('Plain Visitor').click();
  expect(await page.locator('#thread-title [data-testid="verified"]').count()).toBe(0);

  // Verification arriving later (a conversation update) shows at once.
  const { items: _items, ...plain } = conversation('c-plain', { name: 'Plain Visitor', verified: true }, 3);
  server!.send(JSON.stringify({ type: 'conversation', conversation: plain }));
  await expect.poll(() => row('Plain Visitor').getByTestId('verified').count()).toBe(1);
  await expect.poll(() => page.locator('#thread-title [data-testid="verified"]').count()).toBe(1);
  await page.close();
});
