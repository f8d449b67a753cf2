/**
 * Free TCP ports on loopback, for servers a test starts. Plain TypeScript that Node's type stripping runs,
 * so scripts run by `node` alone (the cluster run, the benchmarks) share it with the tests.
 */
import { createServer, type Server } from 'node:net';

/** `count` distinct ports nobody listens on now: all are held open while they are picked, then freed. */
export async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) {
      const server = createServer();
      servers.push(server);
      ports.push(
        await new Promise<number>((resolve, reject) => {
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
        }),
      );
    }
    return ports;
  } finally {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  }
}

/** A free TCP port on loopback, so a restarted server can come back on the same address. */
export async function freePort(): Promise<number> {
  return (await freePorts(1))[0]!;
}
