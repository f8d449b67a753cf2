/**
 * Wires the reference backend together: one HTTP server, the visitor socket on `/natter` and the agent
 * socket on `/agent`, sharing one store and one hub. Importable, so tests can run a real server.
 */
import { awayMessageFor, DEFAULT_AWAY_MESSAGES } from './texts.ts';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { agentAccess, AgentGrants, type AgentGrant } from './agent-access.ts';
import type { ForcedMode } from './agent-protocol.ts';
import { acceptAgent } from './agent-socket.ts';
import { parseInboxOrigins, TeamAuth } from './auth.ts';
import { checkTimeZone, parseBusinessHours } from './business-hours.ts';
import { ConversationStore } from './conversation-store.ts';
import { Desk } from './desk.ts';
import { startHeartbeat } from './heartbeat.ts';
import { createHttpHandler, defaultDistDir, requestHost } from './http.ts';
import { DEFAULT_FILE_TYPES } from './files-check.ts';
import { FileStore, type FileLimits } from './files.ts';
import { Hub } from './hub.ts';
import { IdentityVerifier, type IdentityOptions } from './identity.ts';
import { clientAddress, Limits, type LimitOptions } from './limits.ts';
import { attachSocket } from './outbound.ts';
import { acceptVisitor } from './visitor-socket.ts';

export interface ServerOptions {
  /** 0 picks a free port; the real one is in the result. */
  port: number;
  dataDir: string;
  /** Defaults to 127.0.0.1. Anything else needs an agent account (auth.ts). */
  host?: string;
  teamName?: string;
  /** Where `natter.js` is served from; defaults to the repository's `dist/`. */
  distDir?: string;
  helloTimeoutMs?: number;
  heartbeatMs?: number;
  /** Business hours, e.g. `mon-fri 09:00-17:00; sat 10:00-14:00` (see business-hours.ts). Default: always open. */
  businessHours?: string;
  /** IANA time zone of the business hours. Default `UTC`. */
  businessTimeZone?: string;
  /** Typical reply time in messaging, told to visitors. Default 120. */
  replyMinutes?: number;
  /** Told to visitors when nobody is there or outside business hours. */
  /** The away message in every language without one of its own in `awayMessages` (default: built-in, per language). */
  awayMessage?: string;
  /** The away message by language (`{ de: '…', fr: '…' }`), for conversations in that language. */
  awayMessages?: Partial<Record<string, string>>;
  /** A live session without any message for this long ends. Default 15 minutes. */
  sessionTimeoutMs?: number;
  /** A mode imposed on every visitor from the start (agents can change it with `force`). Default none. */
  forceMode?: ForcedMode;
  /** The built-in bot (demo/bot.ts). Default on. */
  bot?: boolean;
  /** The clock business hours are judged by; tests pass a fixed one. Default `Date.now`. */
  clock?: () => number;
  /** How often business hours are re-checked. Default one minute. */
  clockTickMs?: number;
  /**
   * `IDENTITY_SECRET` (at least 32 bytes) and `IDENTITY_AUDIENCE` (default `natter`): verify the site's signed
   * identity tokens; a claim to a user id without one is refused. Unset: identities are taken as sent.
   */
  identity?: IdentityOptions;
  /** `INBOX_ORIGIN`: the origin(s) the inbox is served from, comma-separated. Default: this server's own. */
  inboxOrigin?: string;
  /** The files visitors and agents may send (`LIMIT_FILE_BYTES`, `LIMIT_FILE_TYPES`). Default 10 MB of images, PDF and text. */
  files?: FileLimits;
  /** An agent session ends after this long unused. Default 12 hours. */
  sessionIdleMs?: number;
  /** Reached only through a proxy that appends the client to X-Forwarded-For (sign-in throttling). */
  trustProxy?: boolean;
  /** What one visitor may ask of the server (limits.ts); each left out keeps its default. */
  limits?: Partial<LimitOptions>;
}

export interface RunningServer {
  port: number;
  /** `http://host:port`, without a trailing slash. */
  url: string;
  close(): Promise<void>;
}

export const DEFAULT_TEAM_NAME = 'Natter Demo Shop';
export const DEFAULT_REPLY_MINUTES = 120;
export const DEFAULT_AWAY_MESSAGE = DEFAULT_AWAY_MESSAGES.en;
export const DEFAULT_SESSION_TIMEOUT_MS = 15 * 60_000;

/** What the desk's policy is made of, from either server's options (the reference backend, the XMPP router). */
type PolicyOptions = Pick<ServerOptions, 'businessHours' | 'businessTimeZone' | 'replyMinutes' | 'awayMessage' | 'awayMessages' | 'sessionTimeoutMs' | 'bot' | 'clock'>;

/**
 * The desk's policy (business hours, reply time, away messages, session timeout, bot) with its defaults, the
 * same for both servers. Checks the business hours and time zone: called first, before anything listens.
 */
export function deskPolicy(options: PolicyOptions) {
  return {
    hours: parseBusinessHours(options.businessHours),
    timeZone: checkTimeZone(options.businessTimeZone ?? 'UTC'),
    replyMinutes: options.replyMinutes ?? DEFAULT_REPLY_MINUTES,
    awayMessage: (locale: string | undefined) => awayMessageFor(options, locale),
    // setTimeout fires at once above its ceiling (about 24.8 days).
    sessionTimeoutMs: Math.min(options.sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS, 2_147_483_647),
    bot: options.bot ?? true,
    clock: options.clock ?? Date.now,
  };
}

// Comfortably above the largest valid frame: 4000 UTF-16 units can take 6 bytes each as JSON escapes.
const MAX_PAYLOAD = 64 * 1024;
const CLOSE_GRACE_MS = 1000;

/** What the reference backend takes unless configured otherwise: 10 MB of raster images, PDF and plain text. */
export const DEFAULT_FILE_LIMITS: FileLimits = { maxBytes: 10 * 1024 * 1024, types: DEFAULT_FILE_TYPES };

/** The host as it goes into a URL: a wildcard address is reached as localhost, IPv6 needs brackets. */
export function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

function refuseUpgrade(socket: Duplex, status: string): void {
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const helloTimeoutMs = options.helloTimeoutMs ?? 10_000;
  // Configuration errors first, before anything is opened or listens.
  const policy = deskPolicy(options);
  const identity = options.identity && new IdentityVerifier(options.identity);
  const auth = new TeamAuth({
    dataDir: options.dataDir,
    host,
    inboxOrigins: parseInboxOrigins(options.inboxOrigin),
    sessionIdleMs: options.sessionIdleMs,
    trustProxy: options.trustProxy,
  });
  auth.assertMayListen(host, options.dataDir);
  const grants = new AgentGrants(auth);
  const store = ConversationStore.open(options.dataDir);
  const hub = new Hub(store);
  const files = new FileStore(options.dataDir, options.files ?? DEFAULT_FILE_LIMITS);
  const limits = new Limits(options.limits);
  const desk = new Desk({
    ...policy,
    store,
    hub,
    forceMode: options.forceMode ?? null,
    clockTickMs: options.clockTickMs ?? 60_000,
    mayQueue: (conversationId, queued) => limits.mayQueue(conversationId, queued),
  });
  let port = options.port;

  // One visitor frame per event-loop turn and socket: a flooder's burst is handled between everyone
  // else's frames instead of before them (the limits make each of its frames cheap; this keeps them apart).
  const visitors = new WebSocketServer({ noServer: true, maxPayload: MAX_PAYLOAD, allowSynchronousEvents: false });
  const agents = new WebSocketServer({ noServer: true, maxPayload: MAX_PAYLOAD });
  const onSocketError = (error: Error): void => {
    // A misbehaving peer (oversized or malformed frame); ws closes that socket itself.
    console.warn(`Natter demo: closed a socket after a protocol error: ${error.message}`);
  };
  visitors.on('connection', (socket: WebSocket, req: IncomingMessage) => {
    socket.on('error', onSocketError);
    const address = clientAddress(req);
    const { sendBufferBytes: bytes, slowReaderMs: graceMs } = limits.options;
    attachSocket(socket, { barrier: store, bound: { bytes, graceMs, who: `a visitor at ${address}` } });
    const origin = `${req.headers['x-forwarded-proto'] === 'https' ? 'https' : 'http'}://${requestHost(req, `${urlHost(host)}:${port}`)}`;
    acceptVisitor(socket, { store, hub, desk, teamName: options.teamName ?? DEFAULT_TEAM_NAME, helloTimeoutMs, limits, address, identity, files, origin });
  });
  agents.on('connection', (socket: WebSocket, req: IncomingMessage, grant: AgentGrant) => {
    socket.on('error', onSocketError);
    grants.add(socket, grant);
    attachSocket(socket, { barrier: store });
    const origin = `${req.headers['x-forwarded-proto'] === 'https' ? 'https' : 'http'}://${requestHost(req, `${urlHost(host)}:${port}`)}`;
    acceptAgent(socket, { store, hub, desk, helloTimeoutMs, account: () => grants.accountOf(socket), used: () => grants.touch(socket), files, origin });
  });
  const stopHeartbeat = startHeartbeat([visitors, agents], options.heartbeatMs ?? 30_000);
  // Ends agent sockets whose session expired, or whose account, password or token changed.
  const sweep = setInterval(() => grants.sweep(), 1000).unref();

  const handler = createHttpHandler({
    distDir: options.distDir ?? defaultDistDir,
    fallbackHost: () => `${urlHost(host)}:${port}`,
    auth: { auth, endSession: (id) => grants.endSession(id) },
    files,
  });
  const http = createServer((req, res) => void handler(req, res));
  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (pathname === '/natter') {
      visitors.handleUpgrade(req, socket, head, (ws) => visitors.emit('connection', ws, req));
    } else if (pathname === '/agent') {
      const access = agentAccess(req, auth);
      if (access.ok) agents.handleUpgrade(req, socket, head, (ws) => agents.emit('connection', ws, req, access.grant));
      else refuseUpgrade(socket, access.status);
    } else {
      refuseUpgrade(socket, '404 Not Found');
    }
  });

  try {
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(port, host, () => {
        http.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    desk.stop();
    stopHeartbeat();
    clearInterval(sweep);
    limits.stop();
    store.close();
    throw error;
  }
  port = (http.address() as AddressInfo).port;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      stopHeartbeat();
      clearInterval(sweep);
      desk.stop();
      limits.stop();
      // What this turn stored goes out (and its frames with it) before the sockets say goodbye.
      store.flush();
      const sockets = [...visitors.clients, ...agents.clients];
      // 1001 "going away": clients treat it as a restart and reconnect.
      const closed = sockets.map((s) => new Promise<void>((resolve) => s.once('close', () => resolve())));
      for (const socket of sockets) socket.close(1001, 'Server shutting down');
      await Promise.race([Promise.all(closed), new Promise((resolve) => setTimeout(resolve, CLOSE_GRACE_MS).unref())]);
      for (const socket of sockets) socket.terminate();
      visitors.close();
      agents.close();
      const stopped = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeAllConnections();
      await stopped;
      store.close();
    })());

  return { port, url: `http://${urlHost(host)}:${port}`, close };
}
