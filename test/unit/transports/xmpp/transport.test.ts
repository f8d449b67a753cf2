import { describe, expect, it, vi } from 'vitest';
import type { TransportState } from '../../../../src/core/transport';
import { credentials } from '../../../../src/transports/xmpp/account';
import { XmppTransport } from '../../../../src/transports/xmpp/transport';
import { archived, DOMAIN, FakeServer, live, ROOM, ROUTER, type FakeOptions } from './fake-server';
import { recorder } from './recorder';


function start(server: FakeServer, cursor: string | null = null, visitorId = 'visitor-secret') {
  const record = recorder();
  const transport = new XmppTransport({ url: `wss://${DOMAIN}/xmpp-websocket`, WebSocket: server.WebSocket, backoff: { initialMs: 5, maxMs: 5, factor: 1, jitter: 0 } });
  transport.open({ visitorId, cursor, locale: 'de' }, record.sink);
  return { transport, ...record };
}

const opened = (states: Array<[TransportState, string | undefined]>) => vi.waitFor(() => expect(states.map(([state]) => state)).toContain('open'));

describe('XmppTransport: accounts and the router', () => {
  it('registers a new visitor under names derived from the secret, logs in, says hello and opens', async () => {
    const server = new FakeServer();
    const { transport, states, frames } = start(server);
    await opened(states);
    const { username, password } = await credentials('visitor-secret');
    expect(username).toMatch(/^v[0-9a-f]{40}$/);
    expect(password).toMatch(/^[\w-]{43}$/);
    expect(server.accounts.get(username)).toBe(password);
    // The secret never leaves the browser: the router knows the visitor by their account.
    expect(server.routerFrames[0]).toEqual({ type: 'hello', v: 1, visitorId: username, locale: 'de' });
    expect(server.sent.join('')).not.toContain('visitor-secret');
    expect(frames).toContainEqual({ type: 'team', name: 'Acme' });
    // Every stanza carries its namespace itself (Prosody ends the stream otherwise).
    for (const frame of server.sent.filter((text) => /^<(iq|message|presence)\b/.test(text))) expect(frame).toContain('xmlns="jabber:client"');
    transport.close();
    expect(states.at(-1)).toEqual(['closed', undefined]);
  });

  it('logs a known visitor in without registering again', async () => {
    const server = new FakeServer();
    const { username, password } = await credentials('visitor-secret');
    server.accounts.set(username, password);
    const { transport, states } = start(server);
    await opened(states);
    expect(server.sent.some((text) => text.includes('jabber:iq:register'))).toBe(false);
    transport.close();
  });

  it('passes the router pushes on, validated, and ignores stanzas from strangers with a warning', async () => {
    const server = new FakeServer();
    const { transport, states, frames, warnings } = start(server);
    await opened(states);
    const socket = server.last;
    socket.push(`<message xmlns="jabber:client" type="headline" from="${ROUTER}"><frame xmlns="urn:natter:router:0">{"type":"availability","availability":{"agents":true,"open":true}}</frame></message>`);
    socket.push(`<message xmlns="jabber:client" type="headline" from="${ROUTER}"><frame xmlns="urn:natter:router:0">{"type":"mode","mode":"video"}</frame></message>`);
    socket.push(`<message xmlns="jabber:client" type="headline" from="evil@${DOMAIN}"><frame xmlns="urn:natter:router:0">{"type":"mode","mode":"live"}</frame></message>`);
    socket.push(`<message xmlns="jabber:client" type="groupchat" from="other@rooms.${DOMAIN}/Ana"><body>psst</body></message>`);
    await vi.waitFor(() => expect(warnings).toHaveLength(3));
    expect(frames).toContainEqual({ type: 'availability', availability: { agents: true, open: true } });
    expect(frames.some((frame) => frame.type === 'mode')).toBe(false);
    expect(warnings[0]).toMatch(/ignored a router "mode" frame: mode/);
    expect(warnings[1]).toMatch(/ignored a <message> from evil@chat.test/);
    expect(warnings[2]).toMatch(/ignored a <message> from other@rooms.chat.test\/Ana/);
    expect(frames.some((frame) => frame.type === 'message')).toBe(false);
    transport.close();
  });

  it('keeps the room of the cursor working while the router is down', async () => {
    const server = new FakeServer({ welcome: null });
    server.archive.push({ id: 'a1', stamp: '2026-01-01T10:00:00Z', nick: 'Ana', body: 'one' }, { id: 'a2', stamp: '2026-01-01T10:00:01Z', nick: 'Ana', body: 'two' });
    const { transport, states, messages, warnings } = start(server, `${ROOM}/Visitor a1 001767261600000.0000`);
    await opened(states);
    expect(messages().map((frame) => frame.message.text)).toEqual(['two']);
    expect(warnings[0]).toMatch(/routing service router.chat.test is not there \(service-unavailable\)/);
    transport.close();
  });

  it('asks the router again, in order, for what it did not answer while down: after its next welcome', async () => {
    const server = new FakeServer({ welcome: null });
    const { transport, states, warnings } = start(server, `${ROOM}/Visitor a1 001767261600000.0000`);
    await opened(states);
    transport.send({ type: 'rating', sessionId: 's1', score: 4 });
    transport.send({ type: 'email', email: 'ana@example.com' });
    await vi.waitFor(() => expect(server.routerFrames.map((frame) => frame.type)).toEqual(['hello', 'rate', 'email']));
    await vi.waitFor(() => expect(warnings.filter((warning) => /is not there/.test(warning))).toHaveLength(3));
    // The router is back; the link drops and comes again: hello, then the two requests, once each.
    server.options.welcome = { type: 'welcome', room: ROOM, nick: 'Visitor', team: 'Acme' };
    server.last.drop();
    await vi.waitFor(() => expect(server.routerFrames.map((frame) => frame.type)).toEqual(['hello', 'rate', 'email', 'hello', 'rate', 'email']));
    expect(server.routerFrames.slice(4)).toEqual([{ type: 'rate', sessionId: 's1', score: 4 }, { type: 'email', email: 'ana@example.com' }]);
    // Answered now: a later welcome asks nothing again.
    server.last.drop();
    await vi.waitFor(() => expect(server.routerFrames.map((frame) => frame.type)).toHaveLength(7));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.routerFrames.map((frame) => frame.type).slice(6)).toEqual(['hello']);
    transport.close();
  });

  it('a request the router misses after it welcomed the visitor (a router restart) is asked again with the next hello, 30 s on', async () => {
    const server = new FakeServer();
    const { transport, states } = start(server);
    await opened(states);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    try {
      server.options.welcome = null;
      transport.send({ type: 'rating', sessionId: 's1', score: 5 });
      await vi.advanceTimersByTimeAsync(100);
      expect(server.routerFrames.map((frame) => frame.type)).toEqual(['hello', 'rate']);
      server.options.welcome = { type: 'welcome', room: ROOM, nick: 'Visitor', team: 'Acme' };
      await vi.advanceTimersByTimeAsync(30_000);
      expect(server.routerFrames.map((frame) => frame.type)).toEqual(['hello', 'rate', 'hello', 'rate']);
    } finally {
      vi.useRealTimers();
      transport.close();
    }
  });

  it("an earlier visitor's unanswered request is never asked for the next one", async () => {
    const server = new FakeServer({ welcome: null });
    const { transport, states } = start(server, `${ROOM}/Visitor a1 001767261600000.0000`);
    await opened(states);
    transport.send({ type: 'email', email: 'old@example.com' });
    // Before the router's answer: another visitor (an identify with another id, a forget).
    const next = recorder();
    transport.open({ visitorId: 'another-secret', cursor: null }, next.sink);
    const before = server.routerFrames.length;
    server.options.welcome = { type: 'welcome', room: ROOM, nick: 'Visitor', team: 'Acme' };
    await opened(next.states);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.routerFrames.slice(before).map((frame) => frame.type)).toEqual(['hello']);
    transport.close();
  });

  it('retries, without a room to go to, while the router is down', async () => {
    const server = new FakeServer({ welcome: null });
    const { transport, states, warnings } = start(server);
    await vi.waitFor(() => expect(server.sockets.length).toBeGreaterThan(2));
    expect(states.map(([state]) => state)).not.toContain('open');
    expect(states.map(([state]) => state)).toContain('reconnecting');
    expect(warnings.some((warning) => /does not answer, and no conversation is known yet/.test(warning))).toBe(true);
    transport.close();
  });
});

describe('XmppTransport: what the server lacks is said once, with the setting', () => {
  const cases: Array<[string, FakeOptions, RegExp]> = [
    ['no SASL PLAIN', { mechanisms: ['SCRAM-SHA-1'] }, /offers no SASL PLAIN login \(it offers SCRAM-SHA-1\).*allow_unencrypted_plain_auth/],
    ['no in-band registration for a new visitor', { register: false }, /does not let new visitors register \(XEP-0077.*allow_registration = true/],
    ['no archive on the room', { mam: false }, /keeps no archive \(XEP-0313 urn:xmpp:mam:2\).*muc_mam/],
    ['another WebSocket subprotocol', { protocol: '' }, /did not accept the WebSocket subprotocol "xmpp".*mod_websocket/],
  ];
  for (const [what, options, says] of cases) {
    it(what, async () => {
      const server = new FakeServer(options);
      const { transport, states } = start(server);
      await vi.waitFor(() => expect(states.at(-1)?.[0]).toBe('closed'));
      expect(states.at(-1)![1]).toMatch(says);
      await new Promise((resolve) => setTimeout(resolve, 50));
      // Once: no retry, no second report.
      expect(server.sockets).toHaveLength(1);
      expect(states.filter(([state]) => state === 'closed')).toHaveLength(1);
      transport.close();
      expect(states.filter(([state]) => state === 'closed')).toHaveLength(1);
    });
  }
});

describe('XmppTransport: an insecure page', () => {
  it('says once that it needs https (crypto.subtle), and does not retry', async () => {
    vi.stubGlobal('crypto', {});
    try {
      const server = new FakeServer();
      const { transport, states } = start(server);
      await vi.waitFor(() => expect(states.at(-1)?.[0]).toBe('closed'));
      expect(states.at(-1)![1]).toMatch(/crypto.subtle.*serve the page over https/);
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect(server.sockets).toHaveLength(1);
      transport.close();
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe('XmppTransport: the archive is the history, the order and the cursor', () => {
  it('orders items of one stamp by their place in the archive, and resumes a group mid-way', async () => {
    const server = new FakeServer();
    server.archive.push(
      { id: 'u-9', stamp: '2026-01-01T10:00:00Z', nick: 'Visitor', body: 'hi', originId: 'c1' },
      { id: 'u-3', stamp: '2026-01-01T10:00:00Z', nick: 'Ana', body: 'hello' },
      { id: 'u-7', stamp: '2026-01-01T10:00:00Z', nick: 'Ana', body: 'how can I help?' },
      { id: 'u-1', stamp: '2026-01-01T10:00:01Z', nick: 'Ana', body: 'still there?' },
    );
    const first = start(server);
    await opened(first.states);
    const all = first.messages();
    expect(all.map((frame) => frame.order)).toEqual(['001767261600000.0000', '001767261600000.0001', '001767261600000.0002', '001767261601000.0000']);
    expect(all[0]).toEqual({
      type: 'message',
      message: { id: 'u-9', clientId: 'c1', author: { role: 'visitor' }, text: 'hi', sentAt: 1767261600000 },
      order: '001767261600000.0000',
      cursor: `${ROOM}/Visitor u-9 001767261600000.0000`,
    });
    expect(all[1]!.message.author).toEqual({ role: 'agent', name: 'Ana' });
    first.transport.close();

    // Another page load, from the second item's cursor: the group goes on counting where it was.
    const again = start(server, all[1]!.cursor!);
    await opened(again.states);
    expect(again.messages().map((frame) => [frame.message.id, frame.order])).toEqual([
      ['u-7', '001767261600000.0002'],
      ['u-1', '001767261601000.0000'],
    ]);
    expect(server.sent.some((text) => text.includes('<after>u-3</after>'))).toBe(true);
    again.transport.close();
  });

  it('pages through a long archive (100 a query) before it opens', async () => {
    const server = new FakeServer();
    for (let n = 1; n <= 230; n++) server.archive.push({ id: `m${n}`, stamp: `2026-01-01T10:${String(Math.floor(n / 60)).padStart(2, '0')}:${String(n % 60).padStart(2, '0')}Z`, nick: 'Ana', body: `n${n}` });
    const { transport, states, messages } = start(server);
    await opened(states);
    expect(messages()).toHaveLength(230);
    expect(server.sent.filter((text) => text.includes('urn:xmpp:mam:2'))).toHaveLength(3);
    const orders = messages().map((frame) => frame.order);
    expect([...orders].sort()).toEqual(orders);
    transport.close();
  });

  it('shows what it cannot read as unreadable, in its place, and moves on', async () => {
    const server = new FakeServer();
    server.archive.push(
      { id: 'b1', stamp: '2026-01-01T10:00:00Z', nick: 'Ana', body: 'before' },
      { id: 'b2', stamp: null, nick: 'Ana', body: 'no stamp' },
      { id: 'b3', stamp: '2026-01-01T10:00:05Z', nick: 'Natter', body: 'Ana joined', natter: '{"author":' },
      { id: 'b4', stamp: '2026-01-01T10:00:06Z', nick: 'Natter', body: 'Ana joined', natter: '{"author":{"role":"system"},"event":{"kind":"teleported"}}' },
      { id: 'b5', stamp: '2026-01-01T10:00:07Z', nick: 'Natter', body: 'Pick one', natter: '{"author":{"role":"bot","name":"Bot"},"quickReplies":["Yes","No"]}' },
      { id: 'b6', stamp: '2026-01-01T10:00:08Z', nick: 'Ana' },
      { id: 'b7', stamp: '2026-01-01T10:00:09Z', nick: 'Ana', body: 'after' },
    );
    const { transport, states, messages, warnings } = start(server);
    await opened(states);
    const got = messages();
    expect(got.map((frame) => [frame.message.id, frame.message.unreadable ?? false, frame.order])).toEqual([
      ['b1', false, '001767261600000.0000'],
      ['b2', true, '001767261600000.0001'],
      ['b3', true, '001767261605000.0000'],
      ['b4', false, '001767261606000.0000'],
      ['b5', false, '001767261607000.0000'],
      ['b7', false, '001767261609000.0000'],
    ]);
    expect(got[3]!.message).toEqual({ id: 'b4', author: { role: 'system' }, text: 'Ana joined', sentAt: 1767261606000 });
    expect(got[4]!.message).toMatchObject({ author: { role: 'bot', name: 'Bot' }, quickReplies: ['Yes', 'No'] });
    expect(warnings.join('\n')).toMatch(/b2 cannot be read \(no readable stamp/);
    expect(warnings.join('\n')).toMatch(/b3 cannot be read \(its router data is not JSON/);
    expect(warnings.join('\n')).toMatch(/showed archive item b4 as plain text/);
    transport.close();
  });

  it('says reset when the archive does not know the cursor, and replays from the start', async () => {
    const server = new FakeServer();
    server.archive.push({ id: 'n1', stamp: '2026-01-01T10:00:00Z', nick: 'Ana', body: 'new world' });
    const { transport, states, frames, warnings } = start(server, `${ROOM}/Visitor gone 001767261600000.0003`);
    await opened(states);
    const types = frames.map((frame) => frame.type);
    expect(types.indexOf('reset')).toBeGreaterThanOrEqual(0);
    expect(types.indexOf('reset')).toBeLessThan(types.indexOf('message'));
    expect(frames.find((frame) => frame.type === 'message')).toMatchObject({ order: '001767261600000.0000', message: { text: 'new world' } });
    expect(warnings.join()).toMatch(/does not know item gone/);
    transport.close();
  });

  it('says reset when the router names another room than the cursor', async () => {
    const server = new FakeServer();
    server.archive.push({ id: 'x1', stamp: '2026-01-01T10:00:00Z', nick: 'Ana', body: 'hello' });
    const { transport, states, frames } = start(server, `old@rooms.${DOMAIN}/Visitor z9 001767261600000.0000`);
    await opened(states);
    expect(frames.map((frame) => frame.type)).toEqual(['reset', 'team', 'message']);
    transport.close();
  });
});

describe('XmppTransport: live traffic', () => {
  it('sends the message escaped, and takes its reflection from the archive as the ack', async () => {
    const server = new FakeServer();
    const { transport, states, messages } = start(server);
    await opened(states);
    expect(transport.send({ type: 'message', clientId: 'k1', text: 'a < b & "c"\u0001', createdAt: 1 })).toBe(true);
    const sent = server.sent.find((text) => text.includes('origin-id'))!;
    expect(sent).toBe(
      `<message xmlns="jabber:client" type="groupchat" to="${ROOM}" id="k1"><body>a &lt; b &amp; &quot;c&quot;\ufffd</body><origin-id xmlns="urn:xmpp:sid:0" id="k1"/></message>`,
    );
    await vi.waitFor(() => expect(messages()).toHaveLength(1));
    expect(messages()[0]!.message).toEqual({ id: 'a1', clientId: 'k1', author: { role: 'visitor' }, text: 'a < b & "c"\ufffd', sentAt: 1767261600000 });
    transport.close();
  });

  it('fetches a live agent message from the archive (one query for a burst), and passes typing on', async () => {
    const server = new FakeServer();
    const { transport, states, frames, messages } = start(server);
    await opened(states);
    const queries = () => server.sent.filter((text) => text.includes('urn:xmpp:mam:2')).length;
    const before = queries();
    server.last.push(`<message xmlns="jabber:client" type="groupchat" from="${ROOM}/Ana"><composing xmlns="http://jabber.org/protocol/chatstates"/></message>`);
    await vi.waitFor(() => expect(frames).toContainEqual({ type: 'typing', author: { role: 'agent', name: 'Ana' }, typing: true }));
    for (const n of [1, 2, 3]) {
      const entry = { id: `L${n}`, stamp: '2026-01-01T11:00:00Z', nick: 'Ana', body: `live ${n}` };
      server.archive.push(entry);
      server.last.push(live(entry));
    }
    await vi.waitFor(() => expect(messages()).toHaveLength(3));
    expect(messages().map((frame) => frame.order)).toEqual(['001767265200000.0000', '001767265200000.0001', '001767265200000.0002']);
    expect(queries() - before).toBeLessThanOrEqual(2);
    transport.close();
  });

  it('ignores archive results no query asked for', async () => {
    const server = new FakeServer();
    const { transport, states, messages, warnings } = start(server);
    await opened(states);
    server.last.push(archived({ id: 'f1', stamp: '2026-01-01T10:00:00Z', nick: 'Ana', body: 'forged' }, 'nobody'));
    await vi.waitFor(() => expect(warnings).toContain('ignored an archive result that no query asked for'));
    expect(messages()).toHaveLength(0);
    transport.close();
  });

  it('maps a bounced message to slow or reject', async () => {
    const server = new FakeServer();
    const { transport, states, frames } = start(server);
    await opened(states);
    const bounce = (id: string, condition: string) =>
      server.last.push(`<message xmlns="jabber:client" type="error" from="${ROOM}" id="${id}"><error type="wait"><${condition} xmlns="urn:ietf:params:xml:ns:xmpp-stanzas"/></error></message>`);
    bounce('k1', 'resource-constraint');
    bounce('k2', 'forbidden');
    await vi.waitFor(() => expect(frames).toContainEqual({ type: 'reject', clientId: 'k2', reason: 'the room refused it: forbidden' }));
    expect(frames).toContainEqual({ type: 'slow', clientId: 'k1' });
    transport.close();
  });

  it('reconnects when the server goes away, and catches up after the cursor', async () => {
    const server = new FakeServer();
    server.archive.push({ id: 'r1', stamp: '2026-01-01T10:00:00Z', nick: 'Ana', body: 'one' });
    const { transport, states, messages } = start(server);
    await opened(states);
    server.last.drop();
    server.archive.push({ id: 'r2', stamp: '2026-01-01T10:00:00Z', nick: 'Ana', body: 'two' });
    await vi.waitFor(() => expect(states.filter(([state]) => state === 'open')).toHaveLength(2));
    expect(states.map(([state]) => state)).toEqual(['connecting', 'open', 'reconnecting', 'reconnecting', 'open']);
    expect(messages().map((frame) => [frame.message.id, frame.order])).toEqual([
      ['r1', '001767261600000.0000'],
      ['r2', '001767261600000.0001'],
    ]);
    expect(server.sent.some((text) => text.includes('<after>r1</after>'))).toBe(true);
    transport.close();
  });

  it('enters the room again when the room drops the visitor (status 332), and catches up', async () => {
    const server = new FakeServer();
    const { transport, states, messages } = start(server);
    await opened(states);
    const joins = () => server.sent.filter((text) => text.startsWith('<presence') && text.includes(`${ROOM}/Visitor`)).length;
    expect(joins()).toBe(1);
    server.archive.push({ id: 'z1', stamp: '2026-01-01T10:00:00Z', nick: 'Ana', body: 'while you were out' });
    server.last.push(`<presence xmlns="jabber:client" type="unavailable" from="${ROOM}/Visitor"><x xmlns="http://jabber.org/protocol/muc#user"><status code="110"/><status code="332"/></x></presence>`);
    await vi.waitFor(() => expect(messages().map((frame) => frame.message.text)).toEqual(['while you were out']));
    expect(joins()).toBe(2);
    expect(server.sockets).toHaveLength(1);
    transport.close();
  });

  it('says hello again, with the token, once an identify with a token is answered ok (not without one)', async () => {
    const server = new FakeServer();
    const { transport, states } = start(server);
    await opened(states);
    expect(transport.send({ type: 'identify', user: { name: 'Ana' } })).toBe(true);
    await vi.waitFor(() => expect(server.routerFrames.at(-1)).toEqual({ type: 'identify', user: { name: 'Ana' } }));
    expect(transport.send({ type: 'identify', user: { id: 'c1' }, token: 'signed' })).toBe(true);
    await vi.waitFor(() => expect(server.routerFrames.at(-1)).toMatchObject({ type: 'hello', user: { id: 'c1' }, token: 'signed' }));
    expect(server.routerFrames.map((frame) => frame.type)).toEqual(['hello', 'identify', 'identify', 'hello']);
    transport.close();
  });

  it("takes a verified customer's other devices (Visitor + a tag) as the visitor, in the archive and in typing", async () => {
    const server = new FakeServer();
    server.archive.push({ id: 'd1', stamp: '2026-01-01T10:00:00Z', nick: 'Visitor 3fa2c1', body: 'from the laptop', originId: 'lap-1' });
    server.archive.push({ id: 'd2', stamp: '2026-01-01T10:00:01Z', nick: 'Ana', body: 'from the agent' });
    server.archive.push({ id: 'd3', stamp: '2026-01-01T10:00:02Z', nick: 'Visitor Support', body: 'an agent, whatever their nick' });
    const { transport, states, frames, messages } = start(server);
    await opened(states);
    expect(messages().map((frame) => frame.message)).toEqual([
      { id: 'd1', clientId: 'lap-1', author: { role: 'visitor' }, text: 'from the laptop', sentAt: 1767261600000 },
      { id: 'd2', author: { role: 'agent', name: 'Ana' }, text: 'from the agent', sentAt: 1767261601000 },
      { id: 'd3', author: { role: 'agent', name: 'Visitor Support' }, text: 'an agent, whatever their nick', sentAt: 1767261602000 },
    ]);
    server.last.push(`<message xmlns="jabber:client" type="groupchat" from="${ROOM}/Visitor 3fa2c1"><composing xmlns="http://jabber.org/protocol/chatstates"/></message>`);
    server.last.push(`<message xmlns="jabber:client" type="groupchat" from="${ROOM}/Ana"><composing xmlns="http://jabber.org/protocol/chatstates"/></message>`);
    await vi.waitFor(() => expect(frames).toContainEqual({ type: 'typing', author: { role: 'agent', name: 'Ana' }, typing: true }));
    expect(frames.filter((frame) => frame.type === 'typing')).toHaveLength(1);
    transport.close();
  });

  it('answers the server\'s pings, and sends router frames with the protocol\'s names', async () => {
    const server = new FakeServer();
    const { transport, states } = start(server);
    await opened(states);
    server.last.push(`<iq xmlns="jabber:client" type="get" from="${DOMAIN}" id="p1"><ping xmlns="urn:xmpp:ping"/></iq>`);
    await vi.waitFor(() => expect(server.sent).toContain(`<iq xmlns="jabber:client" type="result" to="${DOMAIN}" id="p1"/>`));
    expect(transport.send({ type: 'rating', sessionId: 's1', score: 5 })).toBe(true);
    await vi.waitFor(() => expect(server.routerFrames.at(-1)).toEqual({ type: 'rate', sessionId: 's1', score: 5 }));
    transport.close();
  });

  it("tells the router the visitor's page and attributes: in hello, and each change, then in the next hello", async () => {
    const server = new FakeServer();
    const record = recorder();
    const transport = new XmppTransport({ url: `wss://${DOMAIN}/xmpp-websocket`, WebSocket: server.WebSocket, backoff: { initialMs: 5, maxMs: 5, factor: 1, jitter: 0 } });
    const page = { url: 'https://shop.example/cart', title: 'Cart' };
    transport.open({ visitorId: 'visitor-secret', cursor: null, locale: 'de', page, attributes: { plan: 'pro' } }, record.sink);
    await opened(record.states);
    expect(server.routerFrames[0]).toMatchObject({ type: 'hello', locale: 'de', page, attributes: { plan: 'pro' } });
    const checkout = { url: 'https://shop.example/checkout', title: 'Checkout' };
    expect(transport.send({ type: 'visitor', page: checkout })).toBe(true);
    await vi.waitFor(() => expect(server.routerFrames.at(-1)).toEqual({ type: 'visitor', page: checkout }));
    server.last.drop();
    const hellos = () => server.routerFrames.filter((frame) => frame.type === 'hello');
    await vi.waitFor(() => expect(hellos()).toHaveLength(2));
    expect(hellos()[1]).toMatchObject({ page: checkout, attributes: { plan: 'pro' } });
    transport.close();
  });
});
