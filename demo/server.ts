/**
 * The Natter reference backend and demo: `node demo/server.ts` (Node ≥ 24, or `npm run demo`).
 *
 * Environment: PORT (8080), HOST (127.0.0.1), DATA_DIR (.demo-data in the repository), TEAM_NAME.
 * Tests import `startServer` instead of running this file.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_TEAM_NAME, startServer } from './start.ts';

export { startServer, type RunningServer, type ServerOptions } from './start.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function readPort(value: string | undefined): number {
  if (value === undefined || value === '') return 8080;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw Object.assign(new Error(`PORT must be a port number (0–65535), got "${value}".`), { code: 'NATTER_CONFIG' });
  }
  return port;
}

export async function main(): Promise<void> {
  const env = process.env;
  const server = await startServer({
    port: readPort(env.PORT),
    host: env.HOST || '127.0.0.1',
    dataDir: path.resolve(env.DATA_DIR || path.join(repoRoot, '.demo-data')),
    teamName: env.TEAM_NAME || DEFAULT_TEAM_NAME,
  });
  console.log(`Natter demo: shop ${server.url}/  inbox ${server.url}/inbox`);

  let stopping = false;
  const stop = (): void => {
    // A second Ctrl-C while sockets are still saying goodbye means "now".
    if (stopping) process.exit(0);
    stopping = true;
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('Natter demo: error while shutting down:', error);
        process.exit(0);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/** `main` for a command line: reports a failure to start in one readable line and exits 1. */
export function run(): void {
  main().catch((error: unknown) => {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') console.error('Natter demo: that port is already in use; set PORT to another one.');
    else if (code === 'NATTER_CONFIG') console.error(`Natter demo: ${(error as Error).message}`);
    else console.error('Natter demo: could not start:', error);
    process.exit(1);
  });
}

if (import.meta.main) run();
