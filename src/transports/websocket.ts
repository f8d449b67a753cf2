import { parseJson, toJson } from '../model/json.ts';
import type { ClientFrame, ServerFrame } from '../protocol/wire.ts';
import { PROTOCOL_VERSION } from '../protocol/constants.ts';
import { serverFrames } from '../protocol/server-frames.ts';
import { check, type Validator } from '../model/check.ts';
import { describeIssues } from '../model/schemas.ts';
import { seqOrder } from './seq-order.ts';
import { httpUpload } from './http-upload.ts';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.ts';
import { reopenWith, type OutboundFrame, type Transport, type TransportOpenOptions, type TransportSink } from '../core/transport.ts';

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
  /** Files go to the slots the backend grants, by HTTP PUT (see "Files" in docs/protocol.md). */
  readonly upload = httpUpload;
  readonly #options: WebSocketTransportOptions;
  #socket: WebSocket | undefined;
  #sink: TransportSink | undefined;
  #hello: TransportOpenOptions | undefined;
  /** Highest sequence number delivered to the core: the cursor. */
  #lastSeq = 0;
  /** The conversation the cursor belongs to (from `welcome`); another one means the backend's data changed. */
  #conversationId: string | undefined;
  #ready = false;
  /** `hello`s and `sync`s answered by no `synced` yet: the link is open only once all are. */
  #awaiting = 0;
  /** The server's highest seq as `synced` last reported it. */
  #serverSeq = 0;
  /** Syncs in a row that did not close a gap: spaced out so a server that cannot deliver an item is not flooded. */
  #fruitlessSyncs = 0;
  #gapTimer: ReturnType<typeof setTimeout> | undefined;
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
    [this.#conversationId, this.#lastSeq] = parseCursor(options.cursor);
    this.#stopped = false;
    this.#attempt = 0;
    globalThis.addEventListener?.('online', this.#retryNow);
    globalThis.document?.addEventListener('visibilitychange', this.#retryNow);
    this.#connect();
  }

  send(frame: OutboundFrame): boolean {
    // Kept for the next hello, after a reconnection: who the visitor is, and their language, page and attributes.
    this.#hello = reopenWith(this.#hello, frame);
    if (!this.#ready) return false;
    if (frame.type === 'resync') return this.#sync(true);
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
    clearTimeout(this.#gapTimer);
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
      // The open options are the hello's fields (visitorId, user, token, locale, page, attributes) but the cursor.
      const { cursor: _, ...hello } = this.#hello!;
      this.#awaiting = 1;
      this.#write({ type: 'hello', v: PROTOCOL_VERSION, after: this.#lastSeq, ...hello });
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
    clearTimeout(this.#gapTimer);
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
      this.#sync(true);
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
    socket.send(toJson(frame));
    return true;
  }

  #receive(data: unknown): void {
    const sink = this.#sink!;
    let json: unknown;
    try {
      json = parseJson(String(data));
    } catch {
      sink.warn(`ignored a frame that is not JSON: ${String(data).slice(0, 80)}`);
      return;
    }
    const type = (json as { type?: unknown } | null)?.type;
    const validator: Validator<unknown> | undefined = typeof type === 'string' && Object.hasOwn(serverFrames, type) ? serverFrames[type as keyof typeof serverFrames] : undefined;
    if (!validator) {
      sink.warn(`ignored a frame of unknown type ${JSON.stringify(type)}`);
      return;
    }
    const parsed = check(validator, json);
    if (parsed.ok) return this.#handle(parsed.value as ServerFrame, sink);
    if (type === 'item') return this.#unreadableItem((json as { item?: unknown }).item, describeIssues(parsed.issues), sink);
    sink.warn(`ignored a "${type}" frame: ${describeIssues(parsed.issues)}`);
  }

  /**
   * An item that does not parse must not block what follows: without its optional extras (an event kind or
   * quick replies from a newer server) it may still be shown as text; otherwise, if its seq is readable, it
   * takes its place as an unreadable item and the cursor moves past it.
   */
  #unreadableItem(raw: unknown, why: string, sink: TransportSink): void {
    const item = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
    const { event: _event, quickReplies: _quickReplies, ...plain } = item;
    const readable = check(serverFrames.item, { type: 'item', item: plain });
    if (readable.ok) {
      sink.warn(`showed item ${String(item.seq)} as plain text: ${why}`);
      return this.#handle(readable.value, sink);
    }
    const seq = item.seq;
    if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) return sink.warn(`ignored an "item" frame: ${why}`);
    sink.warn(`item ${seq} cannot be read (${why}); shown as unreadable`);
    const id = typeof item.id === 'string' && item.id ? item.id : `seq-${seq}`;
    this.#handle({ type: 'item', item: { id, seq, author: { role: 'system' }, text: '', sentAt: 0 } } as ServerFrame, sink, true);
  }

  #handle(frame: ServerFrame, sink: TransportSink, unreadable = false): void {
    switch (frame.type) {
      case 'welcome':
        if (frame.seq < this.#lastSeq || (this.#conversationId !== undefined && frame.conversationId !== this.#conversationId)) {
          // The backend lost data, or this is another conversation: what this browser holds no longer
          // continues the server's history. The core drops its copy and takes the history from the start.
          // The core drops its copy and keeps the unsent messages: said once, here, for developers.
          sink.warn(`the server's conversation ${frame.conversationId} (${frame.seq} items) does not continue this browser's (${this.#lastSeq}); starting over from the server's`);
          this.#lastSeq = 0;
          sink.frame({ type: 'reset' });
          this.#sync(false);
        }
        this.#conversationId = frame.conversationId;
        if (frame.team?.name) sink.frame({ type: 'team', name: frame.team.name });
        if (frame.availability) sink.frame({ type: 'availability', availability: frame.availability });
        if (frame.mode !== undefined) sink.frame({ type: 'mode', mode: frame.mode });
        if (frame.session !== undefined) sink.frame({ type: 'session', session: frame.session, restore: true });
        if (frame.files) sink.frame({ type: 'files', ...frame.files });
        return;
      case 'item': {
        const { item } = frame;
        if (item.seq <= this.#lastSeq) {
          sink.warn(`ignored item ${item.seq}: have up to ${this.#lastSeq}`);
          return;
        }
        if (item.seq > this.#lastSeq + 1) {
          // Dropped or reordered frames: ask for the missing ones (now, or once the sync under way is answered).
          sink.warn(`items ${this.#lastSeq + 1}..${item.seq - 1} are missing; asking again`);
          this.#serverSeq = Math.max(this.#serverSeq, item.seq);
          if (this.#awaiting === 0) this.#sync(false);
          return;
        }
        this.#lastSeq = item.seq;
        const { seq, ...message } = item;
        sink.frame({ type: 'message', message: unreadable ? { ...message, unreadable } : message, order: seqOrder(seq), cursor: this.#cursor() });
        return;
      }
      case 'ack':
        sink.frame({ type: 'ack', clientId: frame.clientId, id: frame.id, sentAt: frame.sentAt, order: seqOrder(frame.seq) });
        return;
      case 'synced':
        this.#awaiting = Math.max(0, this.#awaiting - 1);
        this.#serverSeq = Math.max(this.#serverSeq, frame.seq);
        if (this.#awaiting > 0) return;
        clearTimeout(this.#watchdog);
        if (!this.#ready) {
          this.#ready = true;
          this.#attempt = 0;
          sink.state('open');
        }
        this.#checkComplete();
        return;
      case 'availability':
      case 'mode':
      case 'session':
      case 'typing':
      case 'slot':
        // The same shape in the protocol and in the core.
        sink.frame(frame);
        return;
      case 'error':
        // Only a refusal of the message itself is final; `rate_limited` or `internal` may pass on a resend.
        if (frame.clientId && (frame.code === 'too_long' || frame.code === 'invalid_frame' || frame.code === 'file_refused')) {
          sink.frame({ type: 'reject', clientId: frame.clientId, reason: `${frame.code}: ${frame.message}` });
        } else if (frame.code === 'rate_limited') sink.frame({ type: 'slow', ...(frame.clientId && { clientId: frame.clientId }) });
        else if (frame.code === 'unverified') sink.frame({ type: 'identity', message: frame.message });
        else sink.warn(`the server reported ${frame.code}: ${frame.message}`);
        return;
    }
  }

  /** Asks for every item after the last one held; `probe` also checks that the socket still answers. */
  #sync(probe: boolean): boolean {
    if (!this.#write({ type: 'sync', after: this.#lastSeq })) return false;
    this.#awaiting++;
    if (probe) this.#awaitAnswer();
    return true;
  }

  /** After `synced`: anything below the server's highest seq still missing is asked for again, spaced out. */
  #checkComplete(): void {
    clearTimeout(this.#gapTimer);
    if (this.#lastSeq >= this.#serverSeq) {
      this.#fruitlessSyncs = 0;
      return;
    }
    const delay = Math.min(30_000, 250 * 2 ** this.#fruitlessSyncs++);
    this.#gapTimer = setTimeout(() => this.#awaiting === 0 && this.#sync(false), this.#fruitlessSyncs === 1 ? 0 : delay);
  }

  #cursor(): string {
    return `${this.#conversationId ?? ''}:${this.#lastSeq}`;
  }
}

/**
 * The cursor is `conversationId:seq` (Natter 0.1 stored a bare seq, still read). Anything else starts over.
 */
function parseCursor(cursor: string | null): [string | undefined, number] {
  const [conversation, seqText] = cursor?.includes(':') ? [cursor.slice(0, cursor.lastIndexOf(':')), cursor.slice(cursor.lastIndexOf(':') + 1)] : [undefined, cursor];
  const seq = seqText === null || seqText === undefined ? 0 : Number(seqText);
  return Number.isSafeInteger(seq) && seq >= 0 ? [conversation || undefined, seq] : [undefined, 0];
}

