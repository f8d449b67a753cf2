/**
 * Raw WebSocket peers for the reference backend's tests: a visitor on /natter, an agent on /agent.
 * Every frame received is kept; `take` waits for the first not-yet-taken frame that matches, so tests
 * read frames in the order they care about without racing the socket. Every frame a visitor receives is
 * checked against the protocol's own schema (`serverFrame`).
 *
 * TestBackend's team side is locked, as on a real deployment: each agent name gets an account of its own
 * (made on first use) and connects with that account's agent token.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { WebSocket, type ClientOptions } from 'ws';
import { serverFrame } from '../../src/protocol/wire';
import { startServer, type RunningServer, type ServerOptions } from '../../demo/start';
import { AgentAccounts, accountsPath } from '../../demo/auth-accounts';
import { hashPassword } from '../../demo/auth-password';

// Frames are JSON from the server under test; the tests look into them freely.
export type Frame = Record<string, any>;

export class Peer {
  readonly frames: Frame[] = [];
  readonly #taken = new Set<number>();
  readonly invalid: string[] = [];
  #waiters: Array<() => void> = [];
  readonly closed: Promise<void>;

  constructor(
    readonly socket: WebSocket,
    private readonly checkVisitorFrames: boolean,
  ) {
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as Frame;
      if (this.checkVisitorFrames) {
        const parsed = serverFrame.safeParse(frame);
        if (!parsed.success) this.invalid.push(`${JSON.stringify(frame)}: ${parsed.error.message}`);
      }
      this.frames.push(frame);
      for (const wake of this.#waiters.splice(0)) wake();
    });
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  /** `options` such as `{ localAddress: '127.0.0.2' }` (another visitor address on loopback) or `{ headers }`. */
  static async open(url: string, visitor: boolean, options?: ClientOptions): Promise<Peer> {
    const socket = new WebSocket(url, options);
    const peer = new Peer(socket, visitor);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return peer;
  }

  send(frame: Frame): void {
    this.socket.send(JSON.stringify(frame));
  }

  #find(match: (frame: Frame) => boolean): Frame | undefined {
    for (const [index, frame] of this.frames.entries()) {
      if (this.#taken.has(index) || !match(frame)) continue;
      this.#taken.add(index);
      return frame;
    }
    return undefined;
  }

  /** The first frame not taken yet that matches; waits up to `timeoutMs` for it. */
  async take(match: (frame: Frame) => boolean, timeoutMs = 3000, what = match.toString()): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.#find(match);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`no frame matching ${what} within ${timeoutMs} ms; received:\n${this.frames.map((f) => JSON.stringify(f)).join('\n')}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Shorthand: the next frame of a type (optionally with more conditions). */
  type(type: string, more: (frame: Frame) => boolean = () => true, timeoutMs?: number): Promise<Frame> {
    return this.take((f) => f.type === type && more(f), timeoutMs, `type "${type}" ${more.toString()}`);
  }

  /** Resolves if nothing matching arrives within `ms` (and takes nothing). */
  async none(match: (frame: Frame) => boolean, ms = 250): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, ms));
    const found = this.frames.find((frame, index) => !this.#taken.has(index) && match(frame));
    if (found) throw new Error(`unexpected frame ${JSON.stringify(found)}`);
  }

  /** Marks everything received so far as taken. */
  skipAll(): void {
    for (let i = 0; i < this.frames.length; i++) this.#taken.add(i);
  }

  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    this.socket.close();
    await this.closed;
  }
}

/** A visitor connected and synced: its `welcome` and replayed items are in `welcome` and `items`. */
export async function visitor(
  server: Pick<RunningServer, 'url'>,
  visitorId: string,
  extra: Frame = {},
  options?: ClientOptions,
): Promise<{ peer: Peer; welcome: Frame; items: Frame[] }> {
  const peer = await Peer.open(`${server.url.replace('http', 'ws')}/natter`, true, options);
  peer.send({ type: 'hello', v: 1, visitorId, after: 0, ...extra });
  const welcome = await peer.type('welcome');
  const items: Frame[] = [];
  for (;;) {
    const frame = await peer.take((f) => f.type === 'item' || f.type === 'synced');
    if (frame.type === 'synced') break;
    items.push(frame.item);
  }
  return { peer, welcome, items };
}

/** An agent connected with an agent token, with its snapshot. */
export async function agent(server: RunningServer, name: string, token: string, extra: Frame = {}): Promise<{ peer: Peer; snapshot: Frame }> {
  const peer = await Peer.open(`${server.url.replace('http', 'ws')}/agent`, false, { headers: { Authorization: `Bearer ${token}` } });
  peer.send({ type: 'hello', name, ...extra });
  const snapshot = await peer.type('snapshot');
  return { peer, snapshot };
}

/** Signs `page` in on the inbox's sign-in page, as an agent would, and waits for the inbox to connect. */
export async function signIn(page: Page, url: string, account: { email: string; password: string }): Promise<void> {
  await page.goto(`${url}/inbox`);
  await page.getByTestId('sign-in-email').fill(account.email);
  await page.getByTestId('sign-in-password').fill(account.password);
  await page.getByTestId('sign-in-submit').click();
  await page.locator('[data-testid="connection"].is-connected').waitFor();
}

let clientIds = 0;
/** Sends a visitor message and waits for its ack. */
export async function say(peer: Peer, text: string): Promise<Frame> {
  const clientId = `c-${++clientIds}-${Date.now()}`;
  peer.send({ type: 'send', clientId, text, createdAt: Date.now() });
  return peer.type('ack', (f) => f.clientId === clientId);
}

export const TEST_PASSWORD = 'correct horse battery staple';
let testPasswordHash: Promise<string> | undefined;

export interface TestAccount {
  email: string;
  password: string;
  token: string;
}

/** A backend on a free port with its own temporary data directory; `restart` keeps the data. */
export class TestBackend {
  readonly dataDir = mkdtempSync(path.join(tmpdir(), 'natter-backend-'));
  server!: RunningServer;
  readonly peers: Peer[] = [];
  readonly #accounts = new Map<string, TestAccount>();
  constructor(private options: Partial<ServerOptions> = {}) {}

  /** The agent account named `name`, made on first use (the server reads agents.json as it changes). */
  async account(name: string): Promise<TestAccount> {
    const email = `${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}@agents.test`;
    let account = this.#accounts.get(email);
    if (account === undefined) {
      const accounts = new AgentAccounts(accountsPath(this.dataDir));
      accounts.add({ email, name, password: await (testPasswordHash ??= hashPassword(TEST_PASSWORD)), passwordChangedAt: Date.now() });
      account = { email, password: TEST_PASSWORD, token: accounts.createToken(email) };
      this.#accounts.set(email, account);
    }
    return account;
  }

  async start(options: Partial<ServerOptions> = {}): Promise<RunningServer> {
    this.options = { ...this.options, ...options };
    this.server = await startServer({ port: 0, dataDir: this.dataDir, distDir: this.dataDir, ...this.options });
    return this.server;
  }

  async visitor(visitorId: string, extra: Frame = {}) {
    const v = await visitor(this.server, visitorId, extra);
    this.peers.push(v.peer);
    return v;
  }

  async agent(name: string, extra: Frame = {}) {
    const a = await agent(this.server, name, (await this.account(name)).token, extra);
    this.peers.push(a.peer);
    return a;
  }

  /** Frames visitors got that break the protocol schema. */
  invalidFrames(): string[] {
    return this.peers.flatMap((p) => p.invalid);
  }

  async stop(): Promise<void> {
    await this.server?.close();
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
