/**
 * Agent accounts: `DATA_DIR/agents.json`, mode 0600, written only by `node demo/agents.ts` and read by the
 * server. The server looks at the file's identity (inode, size, mtime) before each use and reloads it when
 * it changed, so an account added, removed or given a new password counts at once, without a restart.
 *
 *   { "version": 1, "agents": [ { "email", "name", "password": "scrypt$…", "passwordChangedAt": ms,
 *                                 "tokens": [ { "id", "hash": sha256 hex, "createdAt": ms } ] } ] }
 *
 * Passwords are scrypt hashes (auth-password.ts). Agent tokens are 256 random bits, so a plain SHA-256 of
 * them is enough: there is nothing to guess that a slow hash would protect.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { isPasswordHash } from './auth-password.ts';

export interface AgentToken {
  id: string;
  hash: string;
  createdAt: number;
}

export interface AgentAccount {
  email: string;
  name: string;
  password: string;
  passwordChangedAt: number;
  tokens: AgentToken[];
}

export const ACCOUNTS_FILE = 'agents.json';
const TOKEN_PREFIX = 'natter_agent_';

export function accountsPath(dataDir: string): string {
  return path.join(dataDir, ACCOUNTS_FILE);
}

/** Addresses compare without case and surrounding spaces. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function isEmail(email: string): boolean {
  return email.length <= 200 && /^[^\s@]+@[^\s@]+$/.test(email);
}

function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function configError(message: string): Error {
  return Object.assign(new Error(message), { code: 'NATTER_CONFIG' });
}

function isString(value: unknown, max = 200): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= max;
}

function checkAccount(value: unknown): value is AgentAccount {
  if (typeof value !== 'object' || value === null) return false;
  const a = value as Record<string, unknown>;
  return (
    isString(a.email) && isString(a.name) && isPasswordHash(a.password) && typeof a.passwordChangedAt === 'number' &&
    Array.isArray(a.tokens) &&
    a.tokens.every((t: Record<string, unknown>) => isString(t?.id, 64) && typeof t?.hash === 'string' && /^[0-9a-f]{64}$/.test(t.hash) && typeof t?.createdAt === 'number')
  );
}

export class AgentAccounts {
  readonly file: string;
  #accounts: AgentAccount[] = [];
  #identity: string | undefined;

  /** Throws a NATTER_CONFIG error when the file exists but is not an accounts file. */
  constructor(file: string) {
    this.file = file;
    this.#load(true);
  }

  #load(strict: boolean): void {
    let identity: string;
    try {
      const stat = statSync(this.file);
      identity = `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      identity = 'none';
    }
    if (identity === this.#identity) return;
    try {
      this.#accounts = identity === 'none' ? [] : this.#parse(readFileSync(this.file, 'utf8'));
      this.#identity = identity;
    } catch (error) {
      if (strict) throw configError(`${this.file} is not a valid agent accounts file (${(error as Error).message}).`);
      // Half-written by hand, perhaps: keep the accounts known so far rather than letting everyone in or out.
      console.warn(`Natter demo: ignored a change to ${this.file}: ${(error as Error).message}`);
      this.#identity = identity;
    }
  }

  #parse(text: string): AgentAccount[] {
    const data = JSON.parse(text) as { version?: unknown; agents?: unknown };
    if (data?.version !== 1 || !Array.isArray(data.agents)) throw new Error('expected {"version": 1, "agents": [...]}');
    const bad = data.agents.findIndex((a) => !checkAccount(a));
    if (bad >= 0) throw new Error(`agent ${bad + 1} is malformed`);
    return data.agents as AgentAccount[];
  }

  all(): readonly AgentAccount[] {
    this.#load(false);
    return this.#accounts;
  }

  count(): number {
    return this.all().length;
  }

  find(email: string): AgentAccount | undefined {
    const wanted = normalizeEmail(email);
    return this.all().find((a) => a.email === wanted);
  }

  /** The account an agent token belongs to. */
  byToken(token: string): AgentAccount | undefined {
    if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return undefined;
    const hash = Buffer.from(tokenHash(token), 'hex');
    return this.all().find((a) => a.tokens.some((t) => timingSafeEqual(Buffer.from(t.hash, 'hex'), hash)));
  }

  // ---- changes (the agents command) ----------------------------------------------------------------

  #save(accounts: AgentAccount[]): void {
    mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
    // A new file then a rename: the server never reads half a file, and the new inode tells it to reload.
    const temp = `${this.file}.${process.pid}.tmp`;
    const fd = openSync(temp, 'w', 0o600);
    try {
      writeSync(fd, `${JSON.stringify({ version: 1, agents: accounts }, null, 2)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, this.file);
    this.#identity = undefined;
  }

  add(account: Omit<AgentAccount, 'tokens'>): void {
    this.#save([...this.all(), { ...account, tokens: [] }]);
  }

  update(email: string, change: (account: AgentAccount) => AgentAccount): void {
    this.#save(this.all().map((a) => (a.email === normalizeEmail(email) ? change(a) : a)));
  }

  remove(email: string): void {
    this.#save(this.all().filter((a) => a.email !== normalizeEmail(email)));
  }

  /** A new token for the account; only its hash is kept, so this is the one time it can be read. */
  createToken(email: string): string {
    const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const entry: AgentToken = { id: randomBytes(4).toString('hex'), hash: tokenHash(token), createdAt: Date.now() };
    this.update(email, (a) => ({ ...a, tokens: [...a.tokens, entry] }));
    return token;
  }
}
