import { toJson } from '../model/json.ts';
import { reopenWith, type InboundFrame, type OutboundFrame, type Transport, type TransportOpenOptions, type TransportSink, type TransportState } from '../core/transport.ts';
import { LATEST, relayProblem, type Relay } from './relay.ts';
import type { TabLink } from './tab-link.ts';

type MessageFrame = Extract<InboundFrame, { type: 'message' }>;

const CHANNEL = 'transport';
/** How many recent messages a joining tab is given. */
const RING = 300;

/**
 * Shares one connection between the tabs of a site. The tab that leads its {@link TabLink} opens `inner` and
 * relays every frame and state to the others; the others hand their frames to the leader to send. When the
 * leader closes, the next tab leads and opens `inner` itself with the options its own core gave to `open`.
 * Where `openLink` returns `undefined` (no Web Locks or BroadcastChannel), this is `inner` itself.
 *
 * - A tab that joins late is sent the leader's snapshot: the last 300 messages after the cursor it has
 *   (all of them if that cursor is not among them), the latest team, availability, mode and session (as a
 *   `restore`), and the state.
 * - A follower without a leader for `leaderTimeoutMs` reports `reconnecting`.
 * - A tab never shares a stream of another `visitorId`: it reports `reconnecting` (and can send nothing)
 *   until the leader's identity and its own agree. Opening its own socket instead would keep an old
 *   visitor's conversation going after another tab switched user.
 *
 * @example
 * ```ts
 * const transport = new TabTransport(new WebSocketTransport({ url }), () => openTabLink('natter-default'));
 * ```
 */
export class TabTransport implements Transport {
  readonly name: string;
  #link: TabLink | undefined;
  /** No link could be opened: every call goes straight to `inner`. */
  #direct = false;
  #options: TransportOpenOptions | undefined;
  #sink: TransportSink | undefined;
  /** The state last reported to the sink. */
  #state: TransportState = 'closed';
  /** The tab we follow, once it has said something. */
  #leader: string | undefined;
  /** `leader visitorId` we last asked for (or got) a snapshot from. */
  #asked: string | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #off: (() => void)[] = [];
  /** Bumped on close, so that callbacks of an earlier `open` do nothing. */
  #generation = 0;
  #ring: MessageFrame[] = [];
  #latest = new Map<string, InboundFrame>();
  /** The visitor the ring belongs to. */
  #ringOf: string | undefined;
  /** The cursor of the newest message delivered, for opening `inner` on handover. */
  #cursor: string | null = null;
  #warned = new Set<string>();

  /**
   * @param inner the real transport; only the leading tab opens it.
   * @param openLink called at each `open`; the link is closed at `close`, which hands leadership on.
   * @param leaderTimeoutMs how long a follower waits for a (new) leader before it reports `reconnecting`.
   */
  constructor(
    readonly inner: Transport,
    readonly openLink: () => TabLink | undefined,
    readonly leaderTimeoutMs = 2000,
  ) {
    this.name = `${inner.name}+tabs`;
  }

  open(options: TransportOpenOptions, sink: TransportSink): void {
    this.close();
    const link = this.openLink();
    if (!link) {
      this.#direct = true;
      return this.inner.open(options, sink);
    }
    if (this.#ringOf !== options.visitorId) {
      this.#ring = [];
      this.#latest.clear();
      this.#ringOf = options.visitorId;
    }
    this.#link = link;
    this.#options = options;
    this.#sink = sink;
    this.#cursor = options.cursor;
    const generation = this.#generation;
    this.#off = [
      link.onMessage(CHANNEL, (body, from) => generation === this.#generation && this.#receive(body, from)),
      link.onLeadership((leader) => leader && generation === this.#generation && this.#lead()),
    ];
    this.#report('connecting');
    this.#post({ t: 'hello', cursor: this.#cursor });
    this.#awaitLeader();
  }

  /** An upload is plain HTTP to a slot: any tab puts its own file there, leader or not. */
  get upload(): Transport['upload'] {
    return this.inner.upload?.bind(this.inner);
  }

  send(frame: OutboundFrame): boolean {
    // Kept for a handover, as the other transports keep it for their reconnections.
    this.#options = reopenWith(this.#options, frame);
    const link = this.#link;
    if (this.#direct || link?.isLeader) return this.inner.send(frame);
    if (!link || this.#state !== 'open' || !this.#leader) return false;
    this.#post({ t: 'send', visitorId: this.#options!.visitorId, frame }, this.#leader);
    return true;
  }

  close(): void {
    if (this.#direct) {
      this.#direct = false;
      return this.inner.close();
    }
    const link = this.#link;
    if (!link) return;
    this.#generation++;
    clearTimeout(this.#timer);
    for (const off of this.#off) off();
    if (link.isLeader) {
      // Said before the lock passes, so that followers wait for the next leader rather than for this one.
      this.#post({ t: 'gone' });
      this.inner.close();
    }
    link.close();
    this.#link = this.#leader = this.#asked = undefined;
    this.#report('closed');
    this.#sink = undefined;
  }

  /** This tab now leads: it opens `inner` where the last leader left off. */
  #lead(): void {
    clearTimeout(this.#timer);
    this.#leader = undefined;
    const generation = this.#generation;
    const options = { ...this.#options!, cursor: this.#cursor };
    const { visitorId } = options;
    const live = () => generation === this.#generation;
    this.inner.open(options, {
      // Delivered here first (posting to the other tabs costs a structured clone, on the way to "sent"), and
      // relayed even when this tab's sink throws.
      frame: (frame) => {
        if (!live()) return;
        try {
          this.#deliver(frame);
        } finally {
          this.#post({ t: 'frame', visitorId, frame });
        }
      },
      state: (state, detail) => {
        if (!live()) return;
        const relay: Relay = { t: 'state', visitorId, state };
        if (detail?.retryInMs !== undefined) relay.retryInMs = detail.retryInMs;
        if (detail?.error) relay.error = detail.error.message;
        this.#post(relay);
        this.#report(state, detail);
      },
      warn: (message) => live() && this.#sink?.warn(message),
    });
  }

  /** Leaves the link for good (until the next `open`): this tab connects on its own. */
  #goDirect(generation: number): void {
    if (generation !== this.#generation || !this.#link || this.#link.isLeader) return;
    const options = this.#options!;
    const sink = this.#sink!;
    this.#generation++;
    clearTimeout(this.#timer);
    for (const off of this.#off) off();
    this.#link.close();
    this.#link = this.#leader = this.#asked = undefined;
    this.#direct = true;
    this.inner.open({ ...options, cursor: this.#cursor }, sink);
  }

  #receive(body: unknown, from: string): void {
    const relay = body as Relay;
    const generation0 = this.#generation;
    const problem = relayProblem(body);
    if (problem) return this.#warn(problem);
    const leading = this.#link!.isLeader;
    const own = this.#options!.visitorId;
    switch (relay.t) {
      case 'hello':
        if (leading) this.#post({ t: 'snapshot', visitorId: own, state: this.#state, frames: this.#snapshot(relay.cursor) }, from);
        return;
      case 'send':
        // Another visitor's frame must never go out on this visitor's stream.
        if (leading && relay.visitorId === own) this.inner.send(relay.frame);
        return;
      case 'gone':
        if (!leading && from === this.#leader) {
          this.#leader = undefined;
          this.#awaitLeader();
        }
        return;
    }
    // A snapshot, frame or state: from the leader (a late one from the tab before us, if we lead now).
    if (leading) return;
    clearTimeout(this.#timer);
    this.#leader = from;
    const asked = this.#asked;
    this.#asked = `${from} ${relay.visitorId}`;
    if (relay.visitorId !== own) {
      this.#warn('the stream of another visitor');
      this.#report('reconnecting');
      // The cores tell each other who the visitor is, so this passes; where it lasts (a tab whose storage
      // failed is a visitor of its own), this tab keeps a connection of its own, as without a link.
      clearTimeout(this.#timer);
      this.#timer = setTimeout(() => this.#goDirect(generation0), this.leaderTimeoutMs * 2);
      return;
    }
    // A leader we have no snapshot from (a new one, one that was not leading at our first hello, or one now
    // connected as us): ask it what we may have missed. Our cursor keeps a second answer small.
    if (relay.t !== 'snapshot' && asked !== this.#asked) this.#post({ t: 'hello', cursor: this.#cursor }, from);
    if (relay.t === 'frame') return this.#deliver(relay.frame);
    if (relay.t === 'snapshot') {
      // A second snapshot (we asked twice in a race) or one overlapping the live frames brings nothing twice.
      for (const frame of relay.frames) {
        if (!this.#has(frame)) this.#deliver(frame);
        // It ends with the leader's newest message: that is where this tab is now, whatever it had first.
        if (frame.type === 'message' && frame.cursor) this.#cursor = frame.cursor;
      }
      return this.#report(relay.state);
    }
    const { retryInMs, error } = relay;
    this.#report(
      relay.state,
      retryInMs === undefined && !error ? undefined : { ...(retryInMs !== undefined && { retryInMs }), ...(error && { error: new Error(error) }) },
    );
  }

  /** Hands `frame` to the sink and keeps what a tab joining later needs. */
  #deliver(frame: InboundFrame): void {
    // The backend's history starts over: what was kept belongs to the history it no longer has.
    if (frame.type === 'reset') this.#ring = [];
    if (frame.type === 'message') {
      if (this.#ring.push(frame) > RING) this.#ring.shift();
      if (frame.cursor) this.#cursor = frame.cursor;
    } else if (LATEST.includes(frame.type)) {
      // The latest session is the whole truth, not a step: a joining tab takes it as it is.
      this.#latest.set(frame.type, frame.type === 'session' ? { ...frame, restore: true } : frame);
    }
    this.#sink?.frame(frame);
  }

  /** Whether this tab already delivered `frame` (a message with its id, or the same latest state). */
  #has(frame: InboundFrame): boolean {
    return frame.type === 'message'
      ? this.#ring.some((kept) => kept.message.id === frame.message.id)
      : toJson(this.#latest.get(frame.type)) === toJson(frame);
  }

  #snapshot(cursor: string | null): InboundFrame[] {
    const at = cursor === null ? -1 : this.#ring.findIndex((frame) => frame.cursor === cursor);
    return [...this.#latest.values(), ...this.#ring.slice(at + 1)];
  }

  #report(state: TransportState, detail?: { retryInMs?: number; error?: Error }): void {
    // A tab's own transitions (a hello, then a leader's `connecting`) would otherwise repeat themselves.
    if (state === this.#state && (!detail || state === 'closed')) return;
    this.#state = state;
    this.#sink?.state(state, detail);
  }

  #awaitLeader(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#leader || this.#report('reconnecting'), this.leaderTimeoutMs);
  }

  #post(relay: Relay, to?: string): void {
    this.#link?.post(CHANNEL, relay, to);
  }

  #warn(kind: string): void {
    if (this.#warned.has(kind)) return;
    this.#warned.add(kind);
    this.#sink?.warn(`ignored ${kind} from another tab`);
  }
}
