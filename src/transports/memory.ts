import type { MemoryBackend, MemoryConnection } from './memory-backend.ts';
import type { OutboundFrame, Transport, TransportOpenOptions, TransportSink } from '../core/transport.ts';

/**
 * A transport to a {@link MemoryBackend} in the same page: for tests, demos without a server, and as the
 * smallest example of a transport for another backend. Frames cross asynchronously (a microtask), as they
 * would over a network. While the backend is offline it retries every `retryMs`.
 *
 * @example
 * ```ts
 * const backend = new MemoryBackend();
 * const natter = createNatter({ transport: new MemoryTransport(backend) });
 * ```
 */
export class MemoryTransport implements Transport {
  readonly name = 'memory';
  #connection: MemoryConnection | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #cursor = 0;
  #open = false;

  constructor(
    readonly backend: MemoryBackend,
    readonly retryMs = 50,
  ) {}

  open(options: TransportOpenOptions, sink: TransportSink): void {
    this.close();
    this.#cursor = Number(options.cursor ?? 0) || 0;
    let user = options.user;
    const attempt = (first: boolean) => {
      sink.state(first ? 'connecting' : 'reconnecting', first ? undefined : { retryInMs: this.retryMs });
      const connection: MemoryConnection = {
        visitorId: options.visitorId,
        deliver: (frame) =>
          queueMicrotask(() => {
            if (this.#connection !== connection) return;
            if (frame.type === 'message' && frame.cursor) this.#cursor = Number(frame.cursor);
            if (frame.type === 'reset') this.#cursor = 0;
            sink.frame(frame);
          }),
      };
      this.#connection = connection;
      const accepted = this.backend.connect(connection, this.#cursor, user, () => {
        this.backend.disconnect(connection);
        this.#connection = undefined;
        this.#open = false;
        this.#timer = setTimeout(() => attempt(false), this.retryMs);
        sink.state('reconnecting', { retryInMs: this.retryMs });
      });
      if (!accepted) {
        this.#connection = undefined;
        this.#timer = setTimeout(() => attempt(false), this.retryMs);
        return;
      }
      queueMicrotask(() => {
        if (this.#connection !== connection) return;
        this.#open = true;
        sink.state('open');
      });
    };
    this.#send = (frame) => {
      if (frame.type === 'identify') user = { ...user, ...frame.user };
      if (!this.#open || !this.#connection) return false;
      const connection = this.#connection;
      if (frame.type === 'resync') {
        queueMicrotask(() => this.#connection === connection && this.backend.replay(connection, this.#cursor));
        return true;
      }
      queueMicrotask(() => this.backend.receive(connection, frame));
      return true;
    };
    this.#close = () => sink.state('closed');
    attempt(true);
  }

  send(frame: OutboundFrame): boolean {
    return this.#send(frame);
  }

  upload(put: string, file: Blob, progress: (fraction: number) => void, signal: AbortSignal): Promise<void> {
    return signal.aborted ? Promise.reject(new Error('aborted')) : this.backend.put(put, file, progress);
  }

  close(): void {
    clearTimeout(this.#timer);
    if (this.#connection) this.backend.disconnect(this.#connection);
    const wasOpen = this.#connection !== undefined || this.#timer !== undefined;
    this.#connection = undefined;
    this.#timer = undefined;
    this.#open = false;
    if (wasOpen) this.#close();
    this.#close = () => {};
  }

  #send: (frame: OutboundFrame) => boolean = () => false;
  #close: () => void = () => {};
}
