/**
 * A loopback WebSocket proxy between the widget and the reference backend's `/natter`, with programmable
 * faults on the frames the server sends: drop, duplicate, delay, hold and release shuffled (reorder),
 * rewrite, inject, cut. Client frames can be dropped too. Every random choice comes from one seeded PRNG, so
 * a failure reproduces with the same seed. It closes itself after `lifetimeMs` whatever happens.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { Connection } from './connection';

/** A frame on its way, as a rule sees it. */
export interface Frame {
  conn: Connection;
  /** `down`: server → client; `up`: client → server. */
  dir: 'down' | 'up';
  raw: string;
  /** The parsed frame, or `undefined` when it is not JSON. */
  json: any;
  /** Whether the server is answering a `hello` or `sync` (a replay) on this connection. */
  replaying: boolean;
  /** Uniform in [0, 1), from the proxy's seeded PRNG. */
  random(): number;
}

/** What happens to a frame: the first rule that returns something decides; none means `pass`. */
export type Verdict = 'pass' | 'drop' | 'duplicate' | 'hold' | { delayMs: number } | { replace: string[] };
export type Rule = (frame: Frame) => Verdict | undefined;

/** mulberry32: small, fast, and the same sequence for the same seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface ProxyOptions {
  /** The backend's WebSocket URL, e.g. `ws://127.0.0.1:8123/natter`. */
  target: string;
  seed: number;
  /** Held frames are released (shuffled) when this many are held… */
  holdWindow?: number;
  /** …or this long after the first was held, or when a frame that is not held comes. */
  holdMs?: number;
  /** The proxy closes everything after this long, even if nobody calls `close`. */
  lifetimeMs?: number;
}

export class FaultProxy {
  readonly connections = new Set<Connection>();
  /** Rules for server → client frames, tried in order. */
  down: Rule[] = [];
  /** Rules for client → server frames (only `drop` and `pass` make sense). */
  up: Rule[] = [];
  /** While true, new connections are refused as if the backend could not be reached. */
  unreachable = false;
  readonly stats = { connections: 0, refused: 0, passed: 0, dropped: 0, duplicated: 0, held: 0, delayed: 0, replaced: 0, injected: 0 };
  random: () => number;
  readonly #server: Server;
  readonly #wss = new WebSocketServer({ noServer: true });
  readonly #lifetime: ReturnType<typeof setTimeout>;
  #closed = false;
  url = '';

  private constructor(readonly options: ProxyOptions) {
    this.random = prng(options.seed);
    this.#server = createServer((_, response) => response.writeHead(426).end());
    this.#server.on('upgrade', (request, socket, head) => this.#upgrade(request, socket, head));
    this.#lifetime = setTimeout(() => void this.close(), options.lifetimeMs ?? 300_000);
    this.#lifetime.unref();
  }

  static async start(options: ProxyOptions): Promise<FaultProxy> {
    const proxy = new FaultProxy(options);
    await new Promise<void>((resolve) => proxy.#server.listen(0, '127.0.0.1', resolve));
    const { port } = proxy.#server.address() as { port: number };
    proxy.url = `ws://127.0.0.1:${port}/natter`;
    return proxy;
  }

  /** Back to a faithful proxy: no rules, reachable, a fresh PRNG from `seed`, stats at zero. */
  reset(seed = this.options.seed): void {
    for (const key of Object.keys(this.stats) as Array<keyof typeof this.stats>) this.stats[key] = 0;
    this.down = [];
    this.up = [];
    this.unreachable = false;
    this.random = prng(seed);
  }

  /** Sends `raw` to every open client connection (or to `conn`) as if the server had. */
  inject(raw: string, conn?: Connection): void {
    for (const c of conn ? [conn] : this.connections) {
      this.stats.injected++;
      c.emit(raw, 0);
    }
  }

  /** Drops every connection at once, like a network failure (the browser sees 1006). */
  cut(): void {
    for (const conn of this.connections) conn.terminate();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#lifetime);
    this.cut();
    this.#wss.close();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /** A one-line account of what the proxy did, for failure messages. */
  describe(): string {
    return `proxy seed ${this.options.seed}: ${JSON.stringify(this.stats)}`;
  }

  #refuse(socket: Duplex, status: string): void {
    this.stats.refused++;
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    socket.destroy();
  }

  #upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (this.#closed || this.unreachable) return this.#refuse(socket, '503 Service Unavailable');
    const tag = new URL(request.url ?? '/', 'http://proxy').searchParams.get('tab') ?? '';
    const upstream = new WebSocket(this.options.target, { handshakeTimeout: 5000 });
    upstream.once('error', () => {
      if (upstream.readyState !== WebSocket.OPEN) this.#refuse(socket, '502 Bad Gateway');
    });
    upstream.once('open', () => {
      if (this.#closed || socket.destroyed) return upstream.terminate();
      this.#wss.handleUpgrade(request, socket, head, (client) => {
        const conn = new Connection(this, ++this.stats.connections, tag, client, upstream);
        this.connections.add(conn);
        conn.closed.then(() => this.connections.delete(conn));
      });
    });
  }
}
