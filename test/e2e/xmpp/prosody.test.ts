import { afterAll, beforeAll, expect, test } from 'vitest';
import { Prosody } from './prosody.ts';

const prosody = new Prosody();
beforeAll(() => prosody.start());
afterAll(() => prosody.stop());

test('Prosody from Debian serves RFC 7395 on loopback with the xmpp subprotocol', async () => {
  const socket = new WebSocket(prosody.websocketUrl, 'xmpp');
  const first = await new Promise<string>((resolve, reject) => {
    socket.onopen = () => socket.send(`<open xmlns="urn:ietf:params:xml:ns:xmpp-framing" to="${prosody.domain}" version="1.0"/>`);
    socket.onmessage = (event) => resolve(String(event.data));
    socket.onerror = () => reject(new Error(`no WebSocket to ${prosody.websocketUrl}:\n${prosody.output}`));
  });
  socket.close();
  expect(socket.protocol).toBe('xmpp');
  expect(first).toContain('urn:ietf:params:xml:ns:xmpp-framing');
  expect(first).toMatch(new RegExp(`from=['"]${prosody.domain}['"]`));
});
