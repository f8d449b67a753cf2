/**
 * `node demo/xmpp/router.ts`: the Natter routing service for an XMPP server (docs/xmpp.md), configured
 * from the environment:
 *
 *     XMPP_COMPONENT_HOST   the server's address (default 127.0.0.1); on a cluster, every node's, comma-separated,
 *                           each `host` or `host:port` — the router moves to the next when its node goes
 *     XMPP_COMPONENT_PORT   the component port where a host names none (Prosody's default 5347)
 *     XMPP_COMPONENT_DOMAIN the router's domain, e.g. router.example.com
 *     XMPP_COMPONENT_SECRET the component secret in the server's configuration
 *     XMPP_VISITORS         the visitors' host (default: the router's domain without its first label)
 *     XMPP_ROOMS            the group-chat service, e.g. rooms.example.com
 *     XMPP_AGENTS           agents' accounts, comma-separated: ana@example.com,ben@example.com
 *     DATA_DIR              where sessions, ratings, emails and the bot's memory are kept (SQLite)
 *     XMPP_INBOX_PORT       also serve the agent inbox at http://127.0.0.1:PORT/inbox (default: no inbox);
 *                           agent accounts and INBOX_ORIGIN as on the reference backend (demo/agents.ts)
 *
 * and the reference backend's TEAM_NAME, BUSINESS_HOURS, BUSINESS_TIMEZONE, REPLY_MINUTES, AWAY_MESSAGE, BOT,
 * IDENTITY_SECRET and IDENTITY_AUDIENCE (verified customers: demo/identity.ts, demo/customers.ts).
 */
import { identityFromEnv } from '../identity.ts';
import { startRouter, type RouterOptions } from './service.ts';

function configError(message: string): Error {
  return Object.assign(new Error(message), { code: 'NATTER_CONFIG' });
}

function required(env: NodeJS.ProcessEnv, name: string, example: string): string {
  const value = env[name]?.trim();
  if (!value) throw configError(`${name} is not set; set it, e.g. ${name}=${example}`);
  return value;
}

/** The router's options from environment variables; throws a NATTER_CONFIG error naming a bad one. */
export function routerOptionsFromEnv(env: NodeJS.ProcessEnv): RouterOptions {
  const port = Number(env.XMPP_COMPONENT_PORT ?? '5347');
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw configError(`XMPP_COMPONENT_PORT must be a port number, got "${env.XMPP_COMPONENT_PORT}".`);
  const agents = (env.XMPP_AGENTS ?? '').split(',').map((jid) => jid.trim()).filter((jid) => jid !== '');
  for (const jid of agents) {
    if (!/^[^@/\s]+@[^@/\s]+$/.test(jid)) throw configError(`XMPP_AGENTS: "${jid}" is not a bare account address like ana@example.com.`);
  }
  const reply = env.REPLY_MINUTES ? Number(env.REPLY_MINUTES) : undefined;
  if (reply !== undefined && !(Number.isSafeInteger(reply) && reply >= 0)) throw configError(`REPLY_MINUTES must be a whole number of minutes, got "${env.REPLY_MINUTES}".`);
  const bot = (env.BOT ?? 'on').trim().toLowerCase();
  if (!['on', 'off', 'true', 'false', '1', '0', ''].includes(bot)) throw configError(`BOT must be "on" or "off", got "${env.BOT}".`);
  const endpoints = (env.XMPP_COMPONENT_HOST?.trim() || '127.0.0.1').split(',').map((entry) => {
    const match = /^\s*([^\s:]+)(?::(\d{1,5}))?\s*$/.exec(entry);
    if (!match) throw configError(`XMPP_COMPONENT_HOST: "${entry}" is not a host or host:port.`);
    return { host: match[1]!, port: match[2] === undefined ? port : Number(match[2]) };
  });
  const inboxPort = env.XMPP_INBOX_PORT?.trim() ? Number(env.XMPP_INBOX_PORT) : undefined;
  if (inboxPort !== undefined && !(Number.isInteger(inboxPort) && inboxPort >= 0 && inboxPort <= 65535)) {
    throw configError(`XMPP_INBOX_PORT must be a port number, got "${env.XMPP_INBOX_PORT}".`);
  }
  const identity = identityFromEnv(env);
  const options: RouterOptions = {
    componentHost: endpoints[0]!.host,
    componentPort: endpoints[0]!.port,
    moreEndpoints: endpoints.slice(1),
    domain: required(env, 'XMPP_COMPONENT_DOMAIN', 'router.example.com'),
    secret: required(env, 'XMPP_COMPONENT_SECRET', '<the component_secret in the server configuration>'),
    rooms: required(env, 'XMPP_ROOMS', 'rooms.example.com'),
    agents,
    dataDir: required(env, 'DATA_DIR', './data'),
    bot: !['off', 'false', '0'].includes(bot),
  };
  if (env.XMPP_VISITORS?.trim()) options.visitors = env.XMPP_VISITORS.trim();
  if (env.TEAM_NAME) options.teamName = env.TEAM_NAME;
  if (env.BUSINESS_HOURS) options.businessHours = env.BUSINESS_HOURS;
  if (env.BUSINESS_TIMEZONE) options.businessTimeZone = env.BUSINESS_TIMEZONE;
  if (reply !== undefined) options.replyMinutes = reply;
  if (env.AWAY_MESSAGE) options.awayMessage = env.AWAY_MESSAGE;
  if (inboxPort !== undefined) options.inboxPort = inboxPort;
  if (env.INBOX_ORIGIN) options.inboxOrigin = env.INBOX_ORIGIN;
  if (identity) options.identity = identity;
  return options;
}

async function main(): Promise<void> {
  const options = routerOptionsFromEnv(process.env);
  if (options.agents.length === 0) console.warn('XMPP router: XMPP_AGENTS is empty, so nobody is ever available for live chat.');
  const router = await startRouter(options);
  if (router.inbox) console.log(`XMPP router: agent inbox at ${router.inbox.url}/inbox`);
  const stop = (): void => void router.stop().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (import.meta.main) {
  main().catch((error: unknown) => {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'NATTER_CONFIG') console.error(`XMPP router: ${(error as Error).message}`);
    else console.error('XMPP router: could not start:', (error as Error).message);
    process.exit(1);
  });
}
