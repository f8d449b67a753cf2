/**
 * The npm module as a headless app bundles it: one module per source file and `sideEffects: false`, so an
 * app that imports only the core and a transport gets no Preact and none of the widget's strings or CSS.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build, type Rolldown } from 'vite';
import { afterAll, expect, test } from 'vitest';
import { root } from './harness';

const dir = mkdtempSync(path.join(tmpdir(), 'natter-consumer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Bundles `source` as an app would, with `natter` resolved to the built package; returns the code. */
async function bundle(source: string): Promise<string> {
  const entry = path.join(dir, `app-${Math.random().toString(36).slice(2)}.js`);
  writeFileSync(entry, source);
  const result = (await build({
    configFile: false,
    logLevel: 'silent',
    root: dir,
    resolve: {
      alias: [
        { find: /^natter\/xmpp$/, replacement: path.join(root, 'dist/esm/xmpp.js') },
        { find: /^natter$/, replacement: path.join(root, 'dist/esm/index.js') },
      ],
    },
    build: { write: false, minify: false, lib: { entry, formats: ['es'], fileName: () => 'app.js' } },
  })) as Rolldown.RolldownOutput[];
  return result.flatMap((output) => output.output).flatMap((chunk) => (chunk.type === 'chunk' ? [chunk.code] : [])).join('\n');
}

test('a headless app bundles no Preact, no widget strings and no widget CSS', async () => {
  const code = await bundle(`
    import { createNatter, WebSocketTransport } from 'natter';
    const natter = createNatter({ transport: new WebSocketTransport({ url: 'wss://chat.example.com/natter' }) });
    natter.subscribe(() => console.log(natter.getState().messages.length));
  `);
  expect(code).toContain('NatterClient');
  expect(code).not.toContain('http://www.w3.org/1998/Math/MathML'); // a string of Preact's own
  expect(code).not.toContain('Chat öffnen');
  expect(code).not.toContain('launcherOpen');
  expect(code).not.toContain('.launcher{');
  // Nor the XMPP transport, which is an entry of its own.
  expect(code).not.toContain('jabber:client');
}, 60_000);

test('an app on XMPP imports natter/xmpp: the XMPP transport, without Preact or the WebSocket protocol', async () => {
  const code = await bundle(`
    import { createNatter } from 'natter';
    import { XmppTransport } from 'natter/xmpp';
    const natter = createNatter({ transport: new XmppTransport({ url: 'wss://example.com/xmpp-websocket' }) });
    natter.subscribe(() => console.log(natter.getState().messages.length));
  `);
  expect(code).toContain('XmppTransport');
  expect(code).toContain('jabber:client');
  expect(code).not.toContain('http://www.w3.org/1998/Math/MathML');
  expect(code).not.toContain('refused protocol v'); // a string of the WebSocket transport's own
}, 60_000);

test('an app that mounts the widget gets it, with Preact', async () => {
  const code = await bundle(`
    import { createNatter, WebSocketTransport, mountWidget } from 'natter';
    mountWidget(createNatter({ transport: new WebSocketTransport({ url: 'wss://chat.example.com/natter' }) }));
  `);
  expect(code).toContain('http://www.w3.org/1998/Math/MathML');
  expect(code).toContain('Chat öffnen');
}, 60_000);
