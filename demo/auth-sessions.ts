/**
 * Signed-in agents: server-side sessions, in memory. The browser holds only a random 256-bit id in an
 * HttpOnly cookie (auth-http.ts); everything else stays here. A session ends on sign-out, after `idleMs`
 * without use, after `absoluteMs` in any case, when its account is removed or its password changes, and
 * when the server restarts (agents sign in again).
 */
import { randomBytes } from 'node:crypto';
import type { AgentAccount, AgentAccounts } from './auth-accounts.ts';

export const DEFAULT_SESSION_IDLE_MS = 12 * 60 * 60_000;
export const DEFAULT_SESSION_ABSOLUTE_MS = 7 * 24 * 60 * 60_000;

export interface Session {
  readonly id: string;
  readonly email: string;
  /** The account's password hash when the session began: a new password ends the session. */
  readonly stamp: string;
  readonly createdAt: number;
  lastUsedAt: number;
}

export interface SessionPolicy {
  idleMs: number;
  absoluteMs: number;
  clock: () => number;
}

export class Sessions {
  readonly #byId = new Map<string, Session>();
  readonly #accounts: AgentAccounts;
  readonly #policy: SessionPolicy;

  constructor(accounts: AgentAccounts, policy: SessionPolicy) {
    this.#accounts = accounts;
    this.#policy = policy;
  }

  create(account: AgentAccount): Session {
    const now = this.#policy.clock();
    const session: Session = { id: randomBytes(32).toString('base64url'), email: account.email, stamp: account.password, createdAt: now, lastUsedAt: now };
    this.#byId.set(session.id, session);
    return session;
  }

  /** The live session with this id and its account, or undefined; `touch` counts this as use. */
  use(id: string | undefined, touch = true): { session: Session; account: AgentAccount } | undefined {
    if (id === undefined) return undefined;
    const session = this.#byId.get(id);
    if (session === undefined) return undefined;
    const account = this.#current(session);
    if (account === undefined) {
      this.#byId.delete(id);
      return undefined;
    }
    if (touch) session.lastUsedAt = this.#policy.clock();
    return { session, account };
  }

  end(id: string): void {
    this.#byId.delete(id);
  }

  /** Forgets every session that has ended; returns how many are left. */
  sweep(): number {
    for (const session of [...this.#byId.values()]) if (this.#current(session) === undefined) this.#byId.delete(session.id);
    return this.#byId.size;
  }

  #current(session: Session): AgentAccount | undefined {
    const now = this.#policy.clock();
    if (now - session.lastUsedAt >= this.#policy.idleMs || now - session.createdAt >= this.#policy.absoluteMs) return undefined;
    const account = this.#accounts.find(session.email);
    return account !== undefined && account.password === session.stamp ? account : undefined;
  }
}
