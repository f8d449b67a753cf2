/**
 * The reference backend's plain HTTP, byte for byte: requests written on a raw socket, so that nothing
 * between the test and the server tidies the request target up.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startServer, type RunningServer } from '../../demo/start';

const tmp = mkdtempSync(path.join(tmpdir(), 'natter-http-'));
let server: RunningServer;

beforeAll(async () => {
  server = await startServer({ port: 0, dataDir: path.join(tmp, 'data'), distDir: path.join(tmp, 'dist'), bot: false });
});

afterAll(async () => {
  await server?.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** Sends `GET <target>` as written and returns the status line's code (0: no answer in 5 s). */
function rawStatus(target: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1', () => {
      socket.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
    });
    let response = '';
    socket.on('data', (chunk) => (response += chunk));
    socket.on('error', reject);
    socket.setTimeout(5000, () => socket.destroy());
    socket.on('close', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1] ?? 0)));
  });
}

test('a request target that is no URL path gets 400, and the server stays up', async () => {
  for (const target of ['//[', '//a:b/natter.js']) expect(await rawStatus(target), target).toBe(400);
  expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
});
