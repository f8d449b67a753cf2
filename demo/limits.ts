/**
 * How much one visitor may ask of the reference backend, per connection and per remote address, so that one
 * of them cannot slow down or crowd out the others (docs/protocol.md, "Limits"). Token buckets: a bucket
 * holds up to its burst and refills at a steady rate; what finds it empty is refused with `rate_limited`.
 *
 * Every check is a few arithmetic operations, done before a frame is even parsed, so a flood costs the
 * server next to nothing per frame; a connection that keeps sending while refused is closed.
 */
import type { IncomingMessage } from 'node:http';
import { isIPv6 } from 'node:net';

export interface LimitOptions {
  /** Frames a connection may send per second, on average … */
  framesPerSecond: number;
  /** … and at once. */
  frameBurst: number;
  /** Frames refused in a row after which the connection is closed (1008). 0: never. */
  refusedFramesBeforeClose: number;
  /** Frames that store something (`send` of a new message, `live`, `rate`, `email`, `handoff`) per connection. */
  messagesPerMinute: number;
  /** The same, for all connections from one address together. */
  addressMessagesPerMinute: number;
  /** `hello`s per address. */
  hellosPerMinute: number;
  /** Live chat requests waiting in the queue at once, per address. */
  queuedPerAddress: number;
  /** New conversations (a first stored message or request) per address. */
  conversationsPerHour: number;
  /** A visitor socket whose unsent data stays above this … */
  sendBufferBytes: number;
  /** … for this long is cut off (it reconnects and replays). */
  slowReaderMs: number;
}

export const DEFAULT_LIMITS: LimitOptions = {
  framesPerSecond: 20,
  frameBurst: 100,
  refusedFramesBeforeClose: 200,
  messagesPerMinute: 30,
  addressMessagesPerMinute: 120,
  hellosPerMinute: 60,
  queuedPerAddress: 3,
  conversationsPerHour: 20,
  sendBufferBytes: 1024 * 1024,
  slowReaderMs: 5000,
};

export class TokenBucket {
  readonly #capacity: number;
  readonly #perMs: number;
  #tokens: number;
  #at: number;

  constructor(capacity: number, perSecond: number, now: number) {
    this.#capacity = capacity;
    this.#perMs = perSecond / 1000;
    this.#tokens = capacity;
    this.#at = now;
  }

  /** Whether a token is there (refilling first). */
  has(now: number): boolean {
    this.#tokens = Math.min(this.#capacity, this.#tokens + (now - this.#at) * this.#perMs);
    this.#at = now;
    return this.#tokens >= 1;
  }

  take(now: number): boolean {
    if (!this.has(now)) return false;
    this.#tokens -= 1;
    return true;
  }

  /** Full again: forgetting it changes nothing. */
  full(now: number): boolean {
    this.has(now);
    return this.#tokens >= this.#capacity;
  }
}

interface Address {
  hellos: TokenBucket;
  messages: TokenBucket;
  conversations: TokenBucket;
  connections: number;
}

export type FrameVerdict = 'ok' | 'refused' | 'close';

/** The limits of one server: per-address state, and the address each conversation was last opened from. */
export class Limits {
  readonly options: LimitOptions;
  readonly #now: () => number;
  readonly #addresses = new Map<string, Address>();
  readonly #conversations = new Map<string, string>();
  readonly #sweep: ReturnType<typeof setInterval>;

  constructor(options: Partial<LimitOptions> = {}, now: () => number = () => performance.now()) {
    this.options = { ...DEFAULT_LIMITS, ...options };
    this.#now = now;
    // Addresses with no connection and full buckets are forgotten, so their number stays bounded.
    this.#sweep = setInterval(() => {
      const at = this.#now();
      for (const [key, a] of this.#addresses) {
        if (a.connections === 0 && a.hellos.full(at) && a.messages.full(at) && a.conversations.full(at)) this.#addresses.delete(key);
      }
    }, 60_000);
    this.#sweep.unref();
  }

  stop(): void {
    clearInterval(this.#sweep);
  }

  /** A new visitor connection from `address` (see `clientAddress`). */
  connect(address: string): ConnectionLimits {
    let a = this.#addresses.get(address);
    if (!a) {
      const o = this.options;
      const at = this.#now();
      a = {
        hellos: new TokenBucket(o.hellosPerMinute, o.hellosPerMinute / 60, at),
        messages: new TokenBucket(o.addressMessagesPerMinute, o.addressMessagesPerMinute / 60, at),
        conversations: new TokenBucket(o.conversationsPerHour, o.conversationsPerHour / 3600, at),
        connections: 0,
      };
      this.#addresses.set(address, a);
    }
    a.connections++;
    return new ConnectionLimits(this, address, a, this.#now);
  }

  /** The conversation was opened from `address` (its live chat requests count there). */
  opened(conversationId: string, address: string): void {
    this.#conversations.set(conversationId, address);
  }

  forget(conversationId: string): void {
    this.#conversations.delete(conversationId);
  }

  /** Whether the address `conversationId` was opened from may put another request in the live queue. */
  mayQueue(conversationId: string, queued: readonly string[]): boolean {
    const address = this.#conversations.get(conversationId);
    if (address === undefined) return true;
    let count = 0;
    for (const id of queued) if (this.#conversations.get(id) === address) count++;
    return count < this.options.queuedPerAddress;
  }
}

/** One connection's share: its own frame and message buckets, and its address's. */
export class ConnectionLimits {
  readonly address: string;
  readonly #limits: Limits;
  readonly #shared: Address;
  readonly #now: () => number;
  readonly #frames: TokenBucket;
  readonly #messages: TokenBucket;
  #refused = 0;

  constructor(limits: Limits, address: string, shared: Address, now: () => number) {
    const o = limits.options;
    this.address = address;
    this.#limits = limits;
    this.#shared = shared;
    this.#now = now;
    this.#frames = new TokenBucket(o.frameBurst, o.framesPerSecond, now());
    this.#messages = new TokenBucket(o.messagesPerMinute, o.messagesPerMinute / 60, now());
  }

  disconnect(): void {
    this.#shared.connections--;
  }

  /** Every frame, before anything else is done with it. */
  frame(): FrameVerdict {
    if (this.#frames.take(this.#now())) {
      this.#refused = 0;
      return 'ok';
    }
    this.#refused++;
    const max = this.#limits.options.refusedFramesBeforeClose;
    return max > 0 && this.#refused >= max ? 'close' : 'refused';
  }

  /** How long the frame bucket takes to refill one frame. */
  frameIntervalMs(): number {
    return Math.ceil(1000 / this.#limits.options.framesPerSecond);
  }

  frameRefusal(): string {
    const o = this.#limits.options;
    return (
      `Too many frames: a connection may send ${o.framesPerSecond} a second (bursts of ${o.frameBurst}). ` +
      'This one was not handled; slow down, and send a refused message again later with the same clientId.'
    );
  }

  /** A `hello`; the refusal when over the limit. */
  hello(): string | undefined {
    if (this.#shared.hellos.take(this.#now())) return undefined;
    return `Too many connections from this address: ${this.#limits.options.hellosPerMinute} hellos a minute. Reconnect in a little while (with backoff).`;
  }

  /**
   * A frame that stores something; `creates` when it would write a conversation nothing is stored in yet.
   * Takes from every bucket involved, or from none, and returns the refusal when one is empty.
   */
  write(creates: boolean): string | undefined {
    const o = this.#limits.options;
    const now = this.#now();
    if (!this.#messages.has(now) || !this.#shared.messages.has(now)) {
      return `Too many messages: ${o.messagesPerMinute} a minute per connection, ${o.addressMessagesPerMinute} per address. Nothing was stored; send it again in a little while (same clientId).`;
    }
    if (creates && !this.#shared.conversations.take(now)) {
      return `Too many new conversations from this address: ${o.conversationsPerHour} an hour. Nothing was stored; send it again later (same clientId).`;
    }
    this.#messages.take(now);
    this.#shared.messages.take(now);
    return undefined;
  }

  /** A live chat request; the refusal when this address already has as many waiting as it may. */
  queue(conversationId: string, queued: readonly string[]): string | undefined {
    if (this.#limits.mayQueue(conversationId, queued)) return undefined;
    return `Too many live chat requests from this address are waiting (at most ${this.#limits.options.queuedPerAddress}). Send a message instead, or wait until one is answered.`;
  }
}

/**
 * The address a visitor's limits are counted by: the peer's IP address. IPv6 by its /64 prefix (one host
 * usually has the whole /64); IPv4-mapped IPv6 as IPv4. Behind a reverse proxy every visitor has the proxy's
 * address: run the reference backend directly, or give the proxy its own limits.
 */
export function clientAddress(request: IncomingMessage): string {
  const raw = (request.socket.remoteAddress ?? 'unknown').replace(/%.*$/, '');
  if (raw.startsWith('::ffff:') && raw.includes('.')) return raw.slice(7);
  if (!isIPv6(raw)) return raw;
  const [head = '', tail = ''] = raw.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === '' ? [] : tail.split(':');
  const groups = raw.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}
