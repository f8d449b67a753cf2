import {
  PROTOCOL_VERSION,
  serverFrames,
  type ClientFrame,
  type ServerFrame,
} from '../protocol/wire.ts';
import { describeIssues } from '../core/schemas.ts';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.ts';
import type { OutboundFrame, Transport, TransportOpenOptions, TransportSink } from './transport.ts';

/** Options of {@link WebSocketTransport}. */
export interface WebSocketTransportOptions {
  /** The backend's WebSocket URL, `ws://` or `wss://`. */
  url: string;
  /** Reconnection delays; see {@link DEFAULT_BACKOFF}. */
  backoff?: BackoffOptions;
  /** The WebSocket class to use; defaults to the global one (pass one in for Node or tests). */
  WebSocket?: typeof WebSocket;
  /**
   * How long the server may take to answer `hello` (or a `sync` probe) with `synced` before the socket is
   * taken for dead and replaced, ms. Default 15 s.
   */
  answerTimeoutMs?: number;
}

/**
 * Speaks Natter's own JSON protocol (`docs/protocol.md`) over a WebSocket: hello with the last sequence
 * number held, history replay, acknowledgements, gap detection, and reconnection with exponential backoff
 * and jitter. It also retries at once when the browser comes back online or the tab becomes visible again,
 * where mobile browsers often drop sockets silently.
 *
 * @example
 * ```ts
 * import { createNatter, WebSocketTransport } from 'natter';
 * const natter = createNatter({ transport: new WebSocketTransport({ url: 'wss://chat.example.com/natter' }) });
 * ```
 */
export class WebSocketTransport implements Transport {
  readonly name = 'websocket';
  readonly #options: WebSocketTransportOptions;
  #socket: WebSocket | undefined;
  #sink: TransportSink | undefined;
  #hello: TransportOpenOptions | undefined;
  /** Highest sequence number delivered to the core: the cursor. */
  #lastSeq = 0;
  #ready = false;
  #syncing = false;
  #attempt = 0;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  /** Runs while an answer (`synced`) is awaited: a socket that stays silent is dropped and replaced. */
  #watchdog: ReturnType<typeof setTimeout> | undefined;
  #stopped = true;

  constructor(options: WebSocketTransportOptions) {
    this.#options = options;
  }

  open(options: TransportOpenOptions, sink: TransportSink): void {
    this.close();
    this.#hello = options;
    this.#sink = sink;
    this.#lastSeq = parseCursor(options.cursor);
    this.#stopped = false;
    this.#attempt = 0;
    globalThis.addEventListener?.('online', this.#retryNow);
    globalThis.document?.addEventListener('visibilitychange', this.#retryNow);
    this.#connect();
  }

  send(frame: OutboundFrame): boolean {
    if (frame.type === 'identify' && this.#hello) this.#hello = { ...this.#hello, user: frame.user };
    if (!this.#ready) return false;
    // The core's frames are the protocol's but for two names (`send`, `rate`): see `docs/protocol.md`.
    return this.#write(
      frame.type === 'message' ? { ...frame, type: 'send' } : frame.type === 'rating' ? { ...frame, type: 'rate' } : frame,
    );
  }

  close(): void {
    const wasRunning = !this.#stopped;
    this.#stopped = true;
    this.#ready = false;
    clearTimeout(this.#retryTimer);
    clearTimeout(this.#watchdog);
    globalThis.removeEventListener?.('online', this.#retryNow);
    globalThis.document?.removeEventListener('visibilitychange', this.#retryNow);
    const socket = this.#socket;
    this.#socket = undefined;
    if (socket) {
      socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
      socket.close(1000);
    }
    if (wasRunning) this.#sink?.state('closed');
  }

  #connect(): void {
    const sink = this.#sink!;
    sink.state(this.#attempt === 0 ? 'connecting' : 'reconnecting');
    const Socket = this.#options.WebSocket ?? globalThis.WebSocket;
    let socket: WebSocket;
    try {
      socket = new Socket(this.#options.url);
    } catch (error) {
      this.#scheduleRetry(error);
      return;
    }
    this.#socket = socket;
    socket.onopen = () => {
      const hello = this.#hello!;
      this.#write({
        type: 'hello',
        v: PROTOCOL_VERSION,
        visitorId: hello.visitorId,
        after: this.#lastSeq,
        ...(hello.user && { user: hello.user }),
        ...(hello.locale && { locale: hello.locale }),
      });
      this.#awaitAnswer();
    };
    socket.onmessage = (event) => this.#receive(event.data);
    socket.onclose = (event) => {
      if (this.#socket !== socket) return;
      this.#drop();
      if (event.code === 4001) {
        // The server does not speak our protocol version: retrying cannot help.
        this.#stopped = true;
        sink.state('closed', { error: new Error(`Natter: ${this.#options.url} refused protocol v${PROTOCOL_VERSION} (${event.reason}). Update Natter or the server.`) });
        return;
      }
      this.#scheduleRetry();
    };
  }

  #scheduleRetry(error?: unknown): void {
    if (this.#stopped) return;
    const retryInMs = backoffDelay(this.#attempt++, this.#options.backoff ?? DEFAULT_BACKOFF);
    this.#sink!.state('reconnecting', { retryInMs, ...(error instanceof Error && { error }) });
    clearTimeout(this.#retryTimer);
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      this.#connect();
    }, retryInMs);
  }

  /** Forgets the current socket (its late events are ignored). */
  #drop(): void {
    const socket = this.#socket;
    this.#socket = undefined;
    this.#ready = false;
    clearTimeout(this.#watchdog);
    if (socket) socket.onclose = null;
    socket?.close();
  }

  /**
   * Expects `synced` soon. A proxy that accepted the socket but never answers, or a socket the OS dropped
   * without a close event (a laptop waking on another network), would otherwise hang the chat for minutes.
   */
  #awaitAnswer(): void {
    clearTimeout(this.#watchdog);
    this.#watchdog = setTimeout(() => {
      this.#sink?.warn('the server did not answer in time; reconnecting');
      this.#drop();
      this.#scheduleRetry();
    }, this.#options.answerTimeoutMs ?? 15_000);
  }

  /**
   * The network came back or the user looked at the tab again: retries at once if a retry is pending, and
   * checks that an open socket still answers (mobile browsers drop sockets silently).
   */
  readonly #retryNow = (): void => {
    if (this.#stopped || globalThis.document?.visibilityState === 'hidden') return;
    if (this.#ready) {
      if (this.#write({ type: 'sync', after: this.#lastSeq })) this.#awaitAnswer();
      return;
    }
    if (!this.#retryTimer) return;
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    this.#connect();
  };

  #write(frame: ClientFrame): boolean {
    const socket = this.#socket;
    if (!socket || socket.readyState !== 1) return false;
    // Outgoing frames are typed as ClientFrame and built from validated input; the server validates them
    // again. Parsing them here too would cost the bundle a second copy of every client schema.
    socket.send(JSON.stringify(frame));
    return true;
  }

  #receive(data: unknown): void {
    const sink = this.#sink!;
    let json: unknown;
    try {
      json = JSON.parse(String(data));
    } catch {
      sink.warn(`ignored a frame that is not JSON: ${String(data).slice(0, 80)}`);
      return;
    }
    const type = (json as { type?: unknown } | null)?.type;
    const schema = typeof type === 'string' && Object.hasOwn(serverFrames, type) ? serverFrames[type as keyof typeof serverFrames] : undefined;
    if (!schema) {
      sink.warn(`ignored a frame of unknown type ${JSON.stringify(type)}`);
      return;
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      sink.warn(`ignored a "${type}" frame: ${describeIssues(parsed.error.issues)}`);
      return;
    }
    this.#handle(parsed.data as ServerFrame, sink);
  }

  #handle(frame: ServerFrame, sink: TransportSink): void {
    switch (frame.type) {
      case 'welcome':
        if (frame.seq < this.#lastSeq) {
          sink.warn(`the server has ${frame.seq} items, this browser ${this.#lastSeq}; following the server`);
          this.#lastSeq = frame.seq;
        }
        this.#syncing = true;
        if (frame.team?.name) sink.frame({ type: 'team', name: frame.team.name });
        if (frame.availability) sink.frame({ type: 'availability', availability: frame.availability });
        if (frame.mode !== undefined) sink.frame({ type: 'mode', mode: frame.mode });
        if (frame.session !== undefined) sink.frame({ type: 'session', session: frame.session, restore: true });
        return;
      case 'item': {
        const { item } = frame;
        if (item.seq <= this.#lastSeq) {
          sink.warn(`ignored item ${item.seq}: have up to ${this.#lastSeq}`);
          return;
        }
        if (item.seq > this.#lastSeq + 1) {
          sink.warn(`items ${this.#lastSeq + 1}..${item.seq - 1} are missing; asking again`);
          if (!this.#syncing) {
            this.#syncing = true;
            this.#write({ type: 'sync', after: this.#lastSeq });
          }
          return;
        }
        this.#lastSeq = item.seq;
        const { seq, ...message } = item;
        sink.frame({ type: 'message', message, cursor: String(seq) });
        return;
      }
      case 'ack':
        sink.frame({ type: 'ack', clientId: frame.clientId, id: frame.id, sentAt: frame.sentAt });
        return;
      case 'synced':
        clearTimeout(this.#watchdog);
        this.#syncing = false;
        if (!this.#ready) {
          this.#ready = true;
          this.#attempt = 0;
          sink.state('open');
        }
        return;
      case 'availability':
      case 'mode':
      case 'session':
      case 'typing':
        // The same shape in the protocol and in the core.
        sink.frame(frame);
        return;
      case 'error':
        // Only a refusal of the message itself is final; `rate_limited` or `internal` may pass on a resend.
        if (frame.clientId && (frame.code === 'too_long' || frame.code === 'invalid_frame')) {
          sink.frame({ type: 'reject', clientId: frame.clientId, reason: `${frame.code}: ${frame.message}` });
        } else sink.warn(`the server reported ${frame.code}: ${frame.message}`);
        return;
    }
  }
}

function parseCursor(cursor: string | null): number {
  const seq = cursor === null ? 0 : Number(cursor);
  return Number.isSafeInteger(seq) && seq >= 0 ? seq : 0;
}
