/**
 * Who may open the agent socket, and for how long.
 *
 * A browser (it always sends `Origin`) needs the inbox's origin (TeamAuth.originAllowed: INBOX_ORIGIN, or
 * else this server as the request names it, a loopback name while listening on loopback — which shuts out
 * cross-site WebSocket hijacking and DNS rebinding) and a session cookie. A client without `Origin` needs an
 * agent token (`Authorization: Bearer …`, made by `node demo/agents.ts token`). While the team side is open
 * (no accounts, loopback only: auth.ts) neither is needed, but a proxied request or a non-loopback Host is
 * still refused.
 *
 * Every open agent socket is remembered with what let it in; `sweep` closes those whose session ended, whose
 * token or account went, or that came in while the team side was open and it no longer is.
 */
import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import type { AgentAccount } from './auth-accounts.ts';
import type { TeamAuth } from './auth.ts';
import { bearerToken, readSessionId } from './auth-request.ts';

/** Close code for an agent socket whose sign-in ended: the inbox shows the sign-in page. */
export const CLOSE_SIGNED_OUT = 4401;

export type AgentGrant =
  | { kind: 'open' }
  | { kind: 'session'; sessionId: string; account: AgentAccount }
  | { kind: 'token'; token: string; account: AgentAccount };

export type AgentAccess = { ok: true; grant: AgentGrant } | { ok: false; status: '401 Unauthorized' | '403 Forbidden' };

const forbidden: AgentAccess = { ok: false, status: '403 Forbidden' };
const unauthorized: AgentAccess = { ok: false, status: '401 Unauthorized' };

export function agentAccess(req: IncomingMessage, auth: TeamAuth): AgentAccess {
  const origin = req.headers.origin;
  if (origin !== undefined && !auth.originAllowed(origin, req)) return forbidden;
  const token = bearerToken(req);
  if (token !== undefined) {
    const account = auth.accounts.byToken(token);
    return account === undefined ? unauthorized : { ok: true, grant: { kind: 'token', token, account } };
  }
  if (auth.isOpen()) {
    return auth.viaProxy(req) || !auth.viaLoopbackName(req) ? forbidden : { ok: true, grant: { kind: 'open' } };
  }
  // A session cookie alone is not enough without Origin: only a browser, which always sends one, uses it.
  if (origin === undefined) return unauthorized;
  const sessionId = readSessionId(req);
  const signedIn = auth.sessions.use(sessionId);
  return signedIn === undefined ? unauthorized : { ok: true, grant: { kind: 'session', sessionId: signedIn.session.id, account: signedIn.account } };
}

export class AgentGrants {
  readonly #sockets = new Map<WebSocket, AgentGrant>();
  readonly #auth: TeamAuth;

  constructor(auth: TeamAuth) {
    this.#auth = auth;
  }

  add(socket: WebSocket, grant: AgentGrant): void {
    this.#sockets.set(socket, grant);
    socket.once('close', () => this.#sockets.delete(socket));
  }

  /** The account behind a socket, re-read, or undefined (open, or gone). */
  accountOf(socket: WebSocket): AgentAccount | undefined {
    const grant = this.#sockets.get(socket);
    return grant === undefined || grant.kind === 'open' ? undefined : (this.#auth.accounts.find(grant.account.email) ?? grant.account);
  }

  /** Counts a frame from the agent as use of its session. */
  touch(socket: WebSocket): void {
    const grant = this.#sockets.get(socket);
    if (grant?.kind === 'session') this.#auth.sessions.use(grant.sessionId);
  }

  endSession(sessionId: string): void {
    for (const [socket, grant] of this.#sockets) if (grant.kind === 'session' && grant.sessionId === sessionId) this.#close(socket);
  }

  sweep(): void {
    this.#auth.sessions.sweep();
    for (const [socket, grant] of this.#sockets) if (!this.#holds(grant)) this.#close(socket);
  }

  #holds(grant: AgentGrant): boolean {
    switch (grant.kind) {
      case 'open':
        return this.#auth.isOpen();
      case 'session':
        return this.#auth.sessions.use(grant.sessionId, false) !== undefined;
      case 'token':
        return this.#auth.accounts.byToken(grant.token) !== undefined;
    }
  }

  #close(socket: WebSocket): void {
    this.#sockets.delete(socket);
    socket.close(CLOSE_SIGNED_OUT, 'Signed out: sign in again');
  }
}
