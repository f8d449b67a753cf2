/**
 * The router's small parts without a server: the XML parser on hostile and chunked input, addresses,
 * agents' presence, request validation, and the command line's configuration errors.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { AgentPresence } from '../../../demo/xmpp/agent-presence.ts';
import { readRequest } from '../../../demo/xmpp/frames.ts';
import { Names } from '../../../demo/xmpp/names.ts';
import { routerOptionsFromEnv } from '../../../demo/xmpp/router.ts';
import { el, XmlError } from '../../../demo/xmpp/xml.ts';
import { parseXml, XmlParser } from '../../../demo/xmpp/xml-parser.ts';

describe('XmlParser', () => {
  test('takes a stream in any chunks, entities split included, and resolves namespaces', () => {
    const text = `<?xml version='1.0'?><stream:stream xmlns='jabber:component:accept' xmlns:stream='http://etherx.jabber.org/streams' id='s1'> <message to="a" x='q>r'><body>1 &lt; 2 &amp;&#x263A;</body><x xmlns="urn:y"><z/></x></message></stream:stream>`;
    for (const size of [1, 3, 7, 1000]) {
      const seen: string[] = [];
      const parser = new XmlParser({ onOpen: (root) => seen.push(`open ${root.attrs.id}`), onStanza: (s) => seen.push(s.toString()), onClose: () => seen.push('close') });
      for (let i = 0; i < text.length; i += size) parser.push(text.slice(i, i + size));
      expect(seen).toEqual(['open s1', '<message to="a" x="q&gt;r"><body>1 &lt; 2 &amp;☺</body><x xmlns="urn:y"><z/></x></message>', 'close']);
    }
    const message = parseXml('<message xmlns="jabber:client"><body>b</body><x xmlns="urn:y"><z/></x></message>');
    expect(message.child('body')!.ns).toBe('jabber:client');
    expect(message.child('x', 'urn:y')!.child('z')!.ns).toBe('urn:y');
  });

  test('refuses DTDs, unknown entities, mismatched tags, deep nesting and endless stanzas', () => {
    expect(() => parseXml('<!DOCTYPE x [<!ENTITY a "b">]><x/>')).toThrow(XmlError);
    expect(() => parseXml('<x>&bogus;</x>')).toThrow('unknown entity');
    expect(() => parseXml('<x></y>')).toThrow('does not close');
    expect(() => parseXml('<a>'.repeat(40) + '</a>'.repeat(40))).toThrow('deeper');
    const parser = new XmlParser({ onStanza: () => {} }, { maxStanzaChars: 100 });
    parser.push('<stream:stream>');
    expect(() => parser.push(`<message><body>${'x'.repeat(200)}`)).toThrow('longer than 100');
    expect(() => parser.push('</body></message>')).toThrow('longer than 100');
  });

  test('escapes every attribute and text it writes', () => {
    expect(el('a', { b: `"'<&>` }, '<script>&', el('c')).toString()).toBe('<a b="&quot;&apos;&lt;&amp;&gt;">&lt;script&gt;&amp;<c/></a>');
  });
});

test('the serializer replaces what XML 1.0 does not allow, so no text can make the stream ill-formed', () => {
  const line = el('message', { id: 'a\u0001"' }, el('body', {}, 'from the inbox\u0000\u0007\u001f\uffff <b>&'), el('subject', {}, 'tab\tand\nnewline stay'));
  expect(line.toString()).toBe('<message id="a\ufffd&quot;"><body>from the inbox\ufffd\ufffd\ufffd\ufffd &lt;b&gt;&amp;</body><subject>tab\tand\nnewline stay</subject></message>');
  // What the router writes, the router (and so the server) can read back.
  expect(parseXml(line.toString()).childText('body')).toBe('from the inbox\ufffd\ufffd\ufffd\ufffd <b>&');
});

test("a visitor's room comes from their own account, and only accounts shaped like a visitor's count", () => {
  const names = new Names('example.com', 'rooms.example.com');
  const visitor = `v${'a1'.repeat(20)}@Example.com/tab`;
  expect(names.isVisitor(visitor)).toBe(true);
  expect(names.roomOf(visitor)).toBe(`v${'a1'.repeat(20)}@rooms.example.com`);
  expect(names.visitorOfRoom(`v${'a1'.repeat(20)}@rooms.example.com`)).toBe(`v${'a1'.repeat(20)}@example.com`);
  for (const other of ['ana@example.com', `v${'a1'.repeat(20)}@evil.com`, `v${'A1'.repeat(20)}x@example.com`, 'example.com', `v${'g'.repeat(40)}@example.com`]) {
    expect(names.isVisitor(other)).toBe(false);
  }
});

test("agents' presence: any available resource counts, away does not, strangers are unknown", () => {
  const presence = new AgentPresence(['ana@example.com']);
  expect(presence.update(el('presence', { from: 'ana@example.com/phone' }))).toBe('changed');
  expect(presence.update(el('presence', { from: 'ana@example.com/desk' }, el('show', {}, 'away')))).toBe('unchanged');
  expect(presence.update(el('presence', { from: 'ana@example.com/phone', type: 'unavailable' }))).toBe('changed');
  expect(presence.isAvailable('ana@example.com')).toBe(false);
  expect(presence.isConnected('ana@example.com')).toBe(true);
  expect(presence.update(el('presence', { from: 'eve@example.com/x' }))).toBe('unknown');
  expect(presence.update(el('presence', { from: 'ana@example.com/x', type: 'subscribe' }))).toBe('subscribe');
});

test('requests are validated with the v1 schemas', () => {
  const iq = (json: string) => el('iq', { type: 'set' }, el('frame', { xmlns: 'urn:natter:router:0' }, json));
  expect(readRequest(iq('{"type":"hello","v":1,"visitorId":"x"}'))).toMatchObject({ ok: true });
  expect(readRequest(iq('{"type":"rate","sessionId":"s","score":6}'))).toMatchObject({ ok: false, message: expect.stringContaining('score') });
  expect(readRequest(iq('{"type":"typing","typing":true}'))).toMatchObject({ ok: false });
  expect(readRequest(iq(`{"type":"hello","v":1,"visitorId":"${'x'.repeat(9000)}"}`))).toMatchObject({ ok: false, message: expect.stringContaining('longer') });
  expect(readRequest(el('iq', { type: 'set' }))).toMatchObject({ ok: false });
});

test('the command line names a missing or bad setting and exits 1', () => {
  expect(() => routerOptionsFromEnv({})).toThrow('XMPP_COMPONENT_DOMAIN is not set');
  expect(() => routerOptionsFromEnv({ XMPP_COMPONENT_DOMAIN: 'r.x', XMPP_COMPONENT_SECRET: 's', XMPP_ROOMS: 'rooms.x', DATA_DIR: '/tmp', XMPP_AGENTS: 'ana' })).toThrow('XMPP_AGENTS');
  const run = spawnSync(process.execPath, ['demo/xmpp/router.ts'], { env: { PATH: process.env.PATH }, encoding: 'utf8', timeout: 20_000 });
  expect(run.status).toBe(1);
  expect(run.stderr).toContain('XMPP router: XMPP_COMPONENT_DOMAIN is not set');
});
