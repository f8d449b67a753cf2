/**
 * The team side's lock, in one place: agent accounts (agents.json), sessions, sign-in throttling, which
 * origin the inbox lives on, and whether the server may run without accounts at all.
 *
 * Without any account the team side is **open**, and that is allowed only while the server listens on
 * loopback and `INBOX_ORIGIN` (if set) is a loopback origin: anyone on this machine can answer, which the
 * inbox says in a banner. Requests that came through a proxy are refused even then. Beyond loopback the
 * server does not start without an account. With one account or more, every way in needs a session or an
 * agent token, on loopback too.
 */
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { AgentAccounts, accountsPath } from './auth-accounts.ts';
import { DEFAULT_SESSION_ABSOLUTE_MS, DEFAULT_SESSION_IDLE_MS, Sessions } from './auth-sessions.ts';
import { decoyHash } from './auth-password.ts';
import { DEFAULT_THROTTLE, LoginThrottle } from './auth-throttle.ts';

export interface TeamAuthOptions {
  dataDir: string;
  /** The address the server listens on. */
  host: string;
  /** Origins the inbox is served from (`INBOX_ORIGIN`); default: the server's own, as the request names it. */
  inboxOrigins?: string[] | undefined;
  sessionIdleMs?: number | undefined;
  /** `TRUST_PROXY`: the server is only reached through a proxy that appends the client to X-Forwarded-For. */
  trustProxy?: boolean | undefined;
  clock?: () => number;
}

function configError(message: string): Error {
  return Object.assign(new Error(message), { code: 'NATTER_CONFIG' });
}

function hostnameOf(host: string): string | undefined {
  try {
    return new URL(`http://${host}`).hostname;
  } catch {
    return undefined;
  }
}

export function isLoopbackName(hostname: string | undefined): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(hostname ?? '');
}

/** `INBOX_ORIGIN`: one origin or several, comma-separated, each `http(s)://host[:port]`. */
export function parseInboxOrigins(value: string | undefined): string[] | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  return value.split(',').map((part) => {
    let url: URL | undefined;
    try {
      url = new URL(part.trim());
    } catch {
      // reported below
    }
    if (url === undefined || !/^https?:$/.test(url.protocol) || url.pathname !== '/' || url.search !== '' || url.username !== '') {
      throw configError(`INBOX_ORIGIN must be an origin such as https://inbox.example.com (no path), got "${part.trim()}".`);
    }
    return url.origin;
  });
}

/** `TRUST_PROXY`: on or off (the default). */
export function readTrustProxy(value: string | undefined): boolean {
  const v = (value ?? '').trim().toLowerCase();
  if (v === '' || v === 'off' || v === 'false' || v === '0') return false;
  if (v === 'on' || v === 'true' || v === '1') return true;
  throw configError(`TRUST_PROXY must be "on" or "off", got "${value}".`);
}

const PROXY_HEADERS = ['forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-real-ip'];

export class TeamAuth {
  readonly accounts: AgentAccounts;
  readonly sessions: Sessions;
  readonly throttle: LoginThrottle;
  readonly inboxOrigins: string[] | undefined;
  /** The server can be reached from elsewhere than this machine, or is meant to be (INBOX_ORIGIN). */
  readonly beyondLoopback: boolean;
  readonly #listensOnLoopback: boolean;
  readonly #trustProxy: boolean;

  constructor(options: TeamAuthOptions) {
    const clock = options.clock ?? Date.now;
    this.accounts = new AgentAccounts(accountsPath(options.dataDir));
    this.sessions = new Sessions(this.accounts, {
      idleMs: options.sessionIdleMs ?? DEFAULT_SESSION_IDLE_MS,
      absoluteMs: DEFAULT_SESSION_ABSOLUTE_MS,
      clock,
    });
    this.throttle = new LoginThrottle(DEFAULT_THROTTLE, clock);
    this.inboxOrigins = options.inboxOrigins;
    this.#trustProxy = options.trustProxy ?? false;
    // The decoy hash for unknown addresses, made now so the first such sign-in takes no longer than others.
    void decoyHash();
    this.#listensOnLoopback = isLoopbackName(hostnameOf(options.host.includes(':') ? `[${options.host}]` : options.host));
    this.beyondLoopback = !this.#listensOnLoopback || (this.inboxOrigins ?? []).some((o) => !isLoopbackName(new URL(o).hostname));
  }

  /** Throws, saying what to do, when the server would be reachable beyond loopback with nobody able to sign in. */
  assertMayListen(host: string, dataDir: string): void {
    if (!this.beyondLoopback || this.accounts.count() > 0) return;
    const where = this.#listensOnLoopback ? `INBOX_ORIGIN=${this.inboxOrigins?.join(',')}` : `HOST=${host}`;
    throw configError(
      `${where} reaches beyond this machine, and there is no agent account yet: anyone who reaches the server ` +
        `could read every conversation. Create one first:\n  DATA_DIR=${dataDir} node demo/agents.ts add you@example.com --name "Your Name"\n` +
        `or listen on loopback only (HOST=127.0.0.1).`,
    );
  }

  /** No account exists and only this machine can reach the server: no sign-in (the inbox says so). */
  isOpen(): boolean {
    return !this.beyondLoopback && this.accounts.count() === 0;
  }

  /**
   * The address sign-ins are throttled by. Behind a proxy every request comes from the proxy, so one
   * attacker's failures would lock every agent out: with TRUST_PROXY the client is the last address in
   * X-Forwarded-For, the one the proxy added (earlier ones are whatever the client claimed).
   */
  clientAddress(req: IncomingMessage): string {
    const direct = req.socket.remoteAddress ?? 'unknown';
    if (!this.#trustProxy) return direct;
    const forwarded = String(req.headers['x-forwarded-for'] ?? '').split(',').at(-1)?.trim();
    return forwarded || direct;
  }

  /** Whether the request passed through a proxy that says so; open mode refuses those. */
  viaProxy(req: IncomingMessage): boolean {
    return PROXY_HEADERS.some((name) => req.headers[name] !== undefined);
  }

  /** A request naming this server by a loopback name, as every request must while it is open. */
  viaLoopbackName(req: IncomingMessage): boolean {
    return req.headers.host !== undefined && isLoopbackName(hostnameOf(req.headers.host));
  }

  /**
   * Whether a browser `Origin` is the inbox's: one of INBOX_ORIGIN, or else the host the request was sent to
   * — and while the server listens on loopback, only a loopback name (a page re-pointed at 127.0.0.1 by DNS
   * rebinding names its own host).
   */
  originAllowed(origin: string, req: IncomingMessage): boolean {
    if (this.inboxOrigins !== undefined) return this.inboxOrigins.includes(origin);
    const host = req.headers.host;
    if (host === undefined || (this.#listensOnLoopback && !isLoopbackName(hostnameOf(host)))) return false;
    try {
      const from = new URL(origin);
      // Parse Host with the origin's scheme so a default port (:443 behind a TLS proxy) compares equal.
      return from.host === new URL(`${from.protocol}//${host}`).host;
    } catch {
      return false;
    }
  }

  /**
   * Whether the browser reached the inbox over https, so the cookie gets `Secure`: the connection itself is
   * TLS, or a TLS proxy in front says `X-Forwarded-Proto: https`, or INBOX_ORIGIN is https.
   */
  secure(req: IncomingMessage): boolean {
    if ((req.socket as TLSSocket).encrypted === true) return true;
    if (req.headers['x-forwarded-proto'] === 'https') return true;
    return this.inboxOrigins?.some((o) => o.startsWith('https:')) ?? false;
  }
}
