/**
 * The Prosody harness on a shared machine: a port that another process takes between `freePort` and
 * Prosody binding it must not leave the tests talking to that other process.
 */
import { createServer } from 'node:net';
import { expect, test, vi } from 'vitest';
import { Prosody } from './prosody.ts';

/** The port to hand out as the second `freePort` answer (Prosody's HTTP port), already taken. */
let taken = 0;
let calls = 0;
vi.mock('../harness.ts', async (original) => {
  const real = (await original()) as typeof import('../harness.ts');
  return { ...real, freePort: async () => (++calls === 2 ? taken : real.freePort()) };
});

test('a port taken before Prosody binds it is given up for fresh ones', async () => {
  const squatter = createServer();
  await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
  taken = (squatter.address() as { port: number }).port;
  const prosody = new Prosody();
  try {
    await prosody.start();
    expect(prosody.output).toContain(`Failed to open server port ${taken}`);
    expect(prosody.ports.http).not.toBe(taken);
    const socket = new WebSocket(prosody.websocketUrl, 'xmpp');
    await new Promise((resolve, reject) => ((socket.onopen = resolve), (socket.onerror = reject)));
    expect(socket.protocol).toBe('xmpp');
    socket.close();
  } finally {
    await prosody.stop();
    squatter.close();
  }
});
