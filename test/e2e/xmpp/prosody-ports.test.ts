/**
 * The Prosody harness on a shared machine: a port that another process takes between `freePorts` and
 * Prosody binding it must not leave the tests talking to that other process.
 */
import { createServer } from 'node:net';
import { expect, test, vi } from 'vitest';
import { Prosody } from './prosody.ts';

/** The port to hand out as Prosody's HTTP port (the second of its three) on its first pick, already taken. */
let taken = 0;
let calls = 0;
vi.mock('../free-port.ts', async (original) => {
  const real = (await original()) as typeof import('../free-port.ts');
  return {
    ...real,
    freePorts: async (count: number) => {
      const ports = await real.freePorts(count);
      if (++calls === 1) ports[1] = taken;
      return ports;
    },
  };
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
