/**
 * The XMPP transport against Debian's Prosody and the real routing service (`demo/xmpp/`), in Node
 * (happy-dom's DOMParser, Node's WebSocket): the mapping end to end without a browser, and what the
 * transport says about a server that lacks a feature.
 */
import { Window } from 'happy-dom';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { XmppTransport } from '../../../src/transports/xmpp/transport.ts';
import { enterRoom, RouterFixture, roomMessage } from './router-fixture.ts';
import { Prosody } from './prosody.ts';
import { recorder as recordSink } from '../../unit/transports/xmpp/recorder.ts';

globalThis.DOMParser ??= new Window().DOMParser as unknown as typeof DOMParser;

const f = new RouterFixture();
beforeAll(() => f.start(['ana']));
afterAll(() => f.stop());

/** The transport's record, with what Prosody printed, for a failure's message. */
function recorder() {
  const record = recordSink();
  const dump = () => `${JSON.stringify({ states: record.states, warnings: record.warnings, frames: record.frames }).slice(0, 3000)}\nprosody:\n${f.prosody.output.slice(-3000)}`;
  return { ...record, dump };
}

async function until<T>(what: () => T | undefined | false, dump: () => string, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = what();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out: ${dump()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

test('a new visitor registers, gets a room from the router, sends, and sees the agent answer in archive order', async () => {
  const transport = new XmppTransport({ url: f.prosody.websocketUrl, domain: f.prosody.domain });
  const { frames, states, warnings, sink, messages, dump } = recorder();
  transport.open({ visitorId: 'node-visitor-1', cursor: null }, sink);
  await until(() => states.some(([state]) => state === 'open'), dump);
  expect(frames).toContainEqual(expect.objectContaining({ type: 'availability' }));
  expect(transport.send({ type: 'message', clientId: 'c1', text: 'Hello <there> & "you"', createdAt: Date.now() })).toBe(true);
  const mine = await until(() => messages().find((frame) => frame.message.clientId === 'c1'), dump);
  const room = mine.cursor!.split('/')[0]!;
  const ana = await f.agent('ana');
  // Agents become members when the router offers them the session.
  expect(transport.send({ type: 'live', action: 'start' })).toBe(true);
  await ana.waitFor((s) => s.name === 'message' && s.child('x', 'jabber:x:conference')?.attrs.jid === room, { what: 'invitation' });
  await enterRoom(ana, room, 'Ana');
  await until(() => frames.find((frame) => frame.type === 'session' && frame.session?.state === 'live'), dump);
  await until(() => messages().find((frame) => frame.message.event?.kind === 'joined'), dump);
  ana.send(roomMessage(room, 'a1', 'Hi, how can I help?'));
  const theirs = await until(() => messages().find((frame) => frame.message.author.role === 'agent'), dump);
  expect(mine.message).toMatchObject({ text: 'Hello <there> & "you"', author: { role: 'visitor' } });
  expect(theirs.message).toMatchObject({ text: 'Hi, how can I help?', author: { role: 'agent', name: 'Ana' } });
  // Prosody stamps whole seconds: the two usually share one, and the index orders them.
  expect(theirs.order > mine.order).toBe(true);
  // The bot's greeting (nobody was available yet) and the router's lines ("Waiting for an agent", "Ana joined") come from the archive with their events.
  expect(messages().map((frame) => frame.message.event?.kind ?? frame.message.author.role)).toEqual(['visitor', 'bot', 'queued', 'joined', 'agent']);
  expect(warnings).toEqual([]);
  transport.close();
});

test('a server without in-band registration is reported once, naming the setting', async () => {
  const bare = new Prosody({ without: ['register'] });
  await bare.start();
  try {
    const transport = new XmppTransport({ url: bare.websocketUrl, domain: bare.domain });
    const { states, sink, dump } = recorder();
    transport.open({ visitorId: 'node-visitor-2', cursor: null }, sink);
    await until(() => states.some(([state]) => state === 'closed'), dump);
    expect(states.at(-1)![1]).toMatch(/does not let new visitors register.*allow_registration = true/);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(states.filter(([state]) => state !== 'connecting')).toHaveLength(1);
  } finally {
    await bare.stop();
  }
});
