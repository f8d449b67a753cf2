/**
 * The limits of one visitor connection, applied (the numbers are in limits.ts): what is over a limit is
 * answered `rate_limited` (with the clientId of a refused `send`), a socket over its frame rate is not read
 * from for a moment, a flooder is closed (1008), too many hellos close with 1013, and a slow reader that
 * asks for a replay is cut off (outbound.ts).
 */
import type { RawData, WebSocket } from 'ws';
import { isRecord, isWireId, readJsonFrame } from './json-frame.ts';
import type { ConnectionLimits } from './limits.ts';
import { backlogged, closeAfterFrames, cutOff } from './outbound.ts';

/** Too many `hello`s from the address (RFC 6455 "try again later"). */
export const CLOSE_TRY_AGAIN_LATER = 1013;
/** Went on flooding after `rate_limited` (RFC 6455 "policy violation"). */
export const CLOSE_POLICY_VIOLATION = 1008;
/** How long a flooder closed with 1008 has to answer the close before the connection is dropped. */
const FLOODER_CLOSE_MS = 1000;

/** Sends the visitor an `error` frame. */
export type Refuse = (code: 'rate_limited', message: string, clientId?: string) => void;

export class VisitorGuard {
  readonly #socket: WebSocket;
  readonly #limits: ConnectionLimits;
  readonly #refuse: Refuse;
  /** Being closed for cause: whatever else it sent is not handled. */
  #cut = false;
  /** Not read from until its frame bucket has refilled a little. */
  #resting = false;

  constructor(socket: WebSocket, limits: ConnectionLimits, refuse: Refuse) {
    this.#socket = socket;
    this.#limits = limits;
    this.#refuse = refuse;
  }

  disconnect(): void {
    this.#limits.disconnect();
  }

  /** Every frame, before it is even parsed: whether it may be handled. A refused one is answered here. */
  frame(data: RawData, isBinary: boolean): boolean {
    if (this.#cut) return false;
    const verdict = this.#limits.frame();
    if (verdict === 'ok') return true;
    if (verdict === 'close') {
      this.#refuse('rate_limited', 'Too many frames after rate_limited: this connection is closed (1008). Reconnect later, and slow down.');
      this.#close(CLOSE_POLICY_VIOLATION, 'Too many frames');
      // It is not listening: read nothing more from it, and drop it if it does not answer the close.
      this.#socket.pause();
      setTimeout(() => this.#socket.terminate(), FLOODER_CLOSE_MS).unref();
      return false;
    }
    const json = readJsonFrame(data, isBinary);
    const raw = json.ok ? json.value : undefined;
    this.#refuse('rate_limited', this.#limits.frameRefusal(), isRecord(raw) && raw.type === 'send' && isWireId(raw.clientId) ? raw.clientId : undefined);
    // Read nothing more from it until a frame would pass again: the rest of its burst waits in its own
    // buffers instead of taking the server's time (what was already read is still answered).
    if (!this.#resting) {
      this.#resting = true;
      this.#socket.pause();
      setTimeout(() => {
        this.#resting = false;
        if (!this.#cut) this.#socket.resume();
      }, this.#limits.frameIntervalMs()).unref();
    }
    return false;
  }

  /** A `hello` may go on: within the address's hellos, and not a slow reader asking for a replay. */
  hello(): boolean {
    const refusal = this.#limits.hello();
    if (refusal !== undefined) {
      this.#refuse('rate_limited', refusal);
      this.#close(CLOSE_TRY_AGAIN_LATER, 'Too many hellos; reconnect later');
      return false;
    }
    return this.replay();
  }

  /** A replay (`hello`, `sync`) asked for while the last frames are still unread: a slow reader, cut off. */
  replay(): boolean {
    if (!backlogged(this.#socket)) return true;
    this.#cut = true;
    cutOff(this.#socket, 'it asked for a replay while too much of what it was sent is still unread');
    return false;
  }

  /** A frame that stores something may go on (`creates`: a conversation with nothing stored yet). */
  write(creates: boolean, clientId?: string): boolean {
    const refusal = this.#limits.write(creates);
    if (refusal !== undefined) this.#refuse('rate_limited', refusal, clientId);
    return refusal === undefined;
  }

  /** A live chat request may join the queue (`queued`: the conversations waiting now). */
  queue(conversationId: string, queued: readonly string[]): boolean {
    const refusal = this.#limits.queue(conversationId, queued);
    if (refusal !== undefined) this.#refuse('rate_limited', refusal);
    return refusal === undefined;
  }

  #close(code: number, reason: string): void {
    this.#cut = true;
    closeAfterFrames(this.#socket, code, reason);
  }
}
