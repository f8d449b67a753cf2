/**
 * The Natter reference backend and demo: `node demo/server.ts` (Node ≥ 24, or `npm run demo`).
 *
 * Environment (docs/protocol.md, "Reference backend: configuration"): PORT (8080), HOST (127.0.0.1),
 * DATA_DIR (.demo-data in the repository), TEAM_NAME, BUSINESS_HOURS (always open), BUSINESS_TZ (UTC),
 * REPLY_MINUTES (120), AWAY_MESSAGE, SESSION_TIMEOUT_MS (15 min), FORCE_MODE (live | messaging), BOT (on | off),
 * INBOX_ORIGIN (this server), INBOX_SESSION_IDLE_MS (12 h), TRUST_PROXY (off), IDENTITY_SECRET and IDENTITY_AUDIENCE
 * (natter; identity.ts), and the limits LIMIT_* (limits-env.ts).
 * Agent accounts: `node demo/agents.ts` (auth.ts).
 * Tests import `startServer` instead of running this file.
 */
import { LANGUAGES } from './texts.ts';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ForcedMode } from './agent-protocol.ts';
import { AgentAccounts, accountsPath } from './auth-accounts.ts';
import { readTrustProxy } from './auth.ts';
import { identityFromEnv } from './identity.ts';
import { limitsFromEnv } from './limits-env.ts';
import { fileLimitsFromEnv } from './files.ts';
import { DEFAULT_FILE_LIMITS, DEFAULT_TEAM_NAME, startServer, type ServerOptions } from './start.ts';

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

function configError(message: string): Error {
  return Object.assign(new Error(message), { code: 'NATTER_CONFIG' });
}

function readInteger(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined || value === '') return undefined;
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number < min || number > max) {
    throw configError(`${name} must be a whole number from ${min} to ${max}, got "${value}".`);
  }
  return number;
}

function readForceMode(value: string | undefined): ForcedMode {
  if (value === undefined || value === '' || value === 'auto') return null;
  if (value === 'live' || value === 'messaging') return value;
  throw configError(`FORCE_MODE must be "live", "messaging" or unset, got "${value}".`);
}

function readBot(value: string | undefined): boolean {
  const v = (value ?? '').trim().toLowerCase();
  if (v === '' || v === 'on' || v === 'true' || v === '1') return true;
  if (v === 'off' || v === 'false' || v === '0') return false;
  throw configError(`BOT must be "on" or "off", got "${value}".`);
}

/** The server's options from environment variables; throws a NATTER_CONFIG error naming a bad one. */
export function optionsFromEnv(env: NodeJS.ProcessEnv): ServerOptions {
  const options: ServerOptions = {
    port: readPort(env.PORT),
    host: env.HOST || '127.0.0.1',
    dataDir: path.resolve(env.DATA_DIR || path.join(repoRoot, '.demo-data')),
    teamName: env.TEAM_NAME || DEFAULT_TEAM_NAME,
    forceMode: readForceMode(env.FORCE_MODE),
    bot: readBot(env.BOT),
    limits: limitsFromEnv(env),
    files: fileLimitsFromEnv(env, DEFAULT_FILE_LIMITS),
  };
  if (env.BUSINESS_HOURS) options.businessHours = env.BUSINESS_HOURS;
  if (env.BUSINESS_TZ) options.businessTimeZone = env.BUSINESS_TZ;
  if (env.AWAY_MESSAGE) options.awayMessage = env.AWAY_MESSAGE;
  for (const lang of LANGUAGES) {
    const message = env[`AWAY_MESSAGE_${lang.toUpperCase()}`];
    if (message) (options.awayMessages ??= {})[lang] = message;
  }
  const replyMinutes = readInteger('REPLY_MINUTES', env.REPLY_MINUTES, 0, 100_000);
  if (replyMinutes !== undefined) options.replyMinutes = replyMinutes;
  const timeout = readInteger('SESSION_TIMEOUT_MS', env.SESSION_TIMEOUT_MS, 1000, 2_147_483_647);
  if (timeout !== undefined) options.sessionTimeoutMs = timeout;
  if (env.INBOX_ORIGIN) options.inboxOrigin = env.INBOX_ORIGIN;
  const identity = identityFromEnv(env);
  if (identity) options.identity = identity;
  if (readTrustProxy(env.TRUST_PROXY)) options.trustProxy = true;
  const idle = readInteger('INBOX_SESSION_IDLE_MS', env.INBOX_SESSION_IDLE_MS, 1000, 30 * 24 * 60 * 60_000);
  if (idle !== undefined) options.sessionIdleMs = idle;
  return options;
}

export async function main(): Promise<void> {
  const options = optionsFromEnv(process.env);
  const server = await startServer(options);
  console.log(`Natter demo: shop ${server.url}/  inbox ${server.url}/inbox`);
  if (new AgentAccounts(accountsPath(options.dataDir)).count() === 0) {
    console.warn(
      'Natter demo: no agent accounts, so the inbox has no sign-in and anyone on this machine can answer.\n' +
        `  Lock it: DATA_DIR=${options.dataDir} node demo/agents.ts add you@example.com --name "Your Name"`,
    );
  }

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
