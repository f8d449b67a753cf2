/**
 * The XMPP transport against Debian's Prosody, in Node (happy-dom's DOMParser, Node's WebSocket): the
 * mapping end to end without a browser, with the test's stand-in router.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { InboundFrame, TransportSink, TransportState } from '../../../src/core/transport.ts';
import { XmppTransport } from '../../../src/transports/xmpp/transport.ts';
import { Agent, ROUTER_SETTINGS, TestRouter } from './peers.ts';
import { Prosody } from './prosody.ts';

const prosody = new Prosody({ extra: ROUTER_SETTINGS({ router: 'router.localhost' }) });
const router = new TestRouter(prosody, ['agent@localhost']);
let agent: Agent;

beforeAll(async () => {
  await prosody.start();
  await router.start();
  agent = await Agent.login(prosody, 'agent');
});
afterAll(async () => {
  agent?.close();
  router.stop();
  await prosody.stop();
});

function recorder() {
  const frames: InboundFrame[] = [];
  const states: Array<[TransportState, string | undefined]> = [];
  const warnings: string[] = [];
  const sink: TransportSink = {
    frame: (frame) => frames.push(frame),
    state: (state, detail) => states.push([state, detail?.error?.message]),
    warn: (message) => warnings.push(message),
  };
  return { frames, states, warnings, sink };
}

async function until<T>(what: () => T | undefined | false, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = what();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

test('a new visitor registers, gets a room, sends, and sees the agent answer in archive order', async () => {
  const transport = new XmppTransport({ url: prosody.websocketUrl, domain: prosody.domain });
  const { frames, states, warnings, sink } = recorder();
  transport.open({ visitorId: 'visitor-secret-1', cursor: null }, sink);
  await until(() => states.some(([state]) => state === 'open')).catch((error) => {
    throw new Error(`${error}: ${JSON.stringify({ states, warnings, frames })}\n${prosody.output.slice(-3000)}`);
  });
  expect(frames).toContainEqual({ type: 'team', name: 'Test team' });
  expect(transport.send({ type: 'message', clientId: 'c1', text: 'Hello <there> & "you"', createdAt: Date.now() })).toBe(true);
  const mine = await until(() => frames.find((frame) => frame.type === 'message' && frame.message.clientId === 'c1')).catch((error) => {
    throw new Error(`${error}: ${JSON.stringify({ states, warnings, frames })}\n${prosody.output.slice(-3000)}`);
  });
  const room = [...router.rooms.values()][0]!;
  const joined = await agent.join(room, 'Ana');
  expect(joined.getAttribute('type')).toBeNull();
  agent.say(room, 'Hi, how can I help?');
  const theirs = await until(() => frames.find((frame) => frame.type === 'message' && frame.message.author.role === 'agent')).catch((error) => {
    throw new Error(`${error}: ${JSON.stringify({ states, warnings, frames, agent: agent.received })}\n${prosody.output.slice(-3000)}`);
  });
  expect(mine).toMatchObject({ message: { text: 'Hello <there> & "you"', author: { role: 'visitor' } } });
  expect(theirs).toMatchObject({ message: { text: 'Hi, how can I help?', author: { role: 'agent', name: 'Ana' } } });
  if (mine.type !== 'message' || theirs.type !== 'message') throw new Error('unreachable');
  expect(theirs.order > mine.order).toBe(true);
  expect(warnings).toEqual([]);
  transport.close();
});
