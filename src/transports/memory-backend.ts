import type { Availability, EndedBy, Mode } from '../model/session.ts';
import type { Author, SystemEvent, User } from '../model/types.ts';
import { seqOrder } from './seq-order.ts';
import type { InboundFrame, InboundMessage, OutboundFrame } from '../core/transport.ts';
import type { SessionInfo } from '../model/session.ts';

/** One connected {@link MemoryTransport}, as the backend sees it. */
export interface MemoryConnection {
  visitorId: string;
  deliver(frame: InboundFrame): void;
}

interface Conversation {
  items: (InboundMessage & { seq: number })[];
  user?: User;
  session?: SessionInfo;
  /** Every frame other than a message the visitor sent, for tests to inspect. */
  received: OutboundFrame[];
}

/**
 * A whole Natter backend in memory: it stores messages once per client id, orders them, acknowledges them,
 * replays history after a cursor, and runs live sessions (queue, join, end). Tests use it to drive the core
 * without a network; `online = false` drops connections and refuses new ones, to stage outages.
 *
 * @example
 * ```ts
 * const backend = new MemoryBackend();
 * const natter = createNatter({ transport: new MemoryTransport(backend), storage: 'memory' });
 * await natter.send('Hello');
 * backend.reply(backend.visitorIds()[0]!, 'Hi, how can I help?');
 * ```
 */
export class MemoryBackend {
  /** Whether new connections are accepted. Setting it to `false` drops every open connection. */
  get online(): boolean {
    return this.#online;
  }
  set online(value: boolean) {
    this.#online = value;
    if (!value) for (const connection of [...this.#connections]) this.#onDrop.get(connection)?.();
  }
  /**
   * Whether the visitor hears back about a message it sent (the ack and the echo). Turn it off to stage lost
   * acknowledgements: the message is still stored, but the browser does not know it.
   */
  sendAcks = true;
  /** Whether the backend gets what visitors send. Turn it off to stage a backend that hears nothing while the link looks fine. */
  receiving = true;
  teamName = 'Memory Team';
  /** The files it takes (said at connect); `undefined`: none. */
  fileLimits: { maxBytes: number; types: string[] } | undefined = { maxBytes: 1_000_000, types: ['image/*', 'application/pdf'] };
  /** The files uploaded, by slot address, and how many uploads each took. */
  readonly files = new Map<string, { blob: Blob; uploads: number }>();
  /** Why the backend refuses a message with this text (`reject`), or undefined to take it: to stage refusals. */
  refuseMessage: (text: string) => string | undefined = () => undefined;
  /** How long an upload of `blob` takes, in ms (none by default): to stage uploads that finish out of order. */
  uploadMs: (blob: Blob) => number = () => 0;
  /** How many of the next uploads fail (after half the progress), to stage a broken upload. */
  failUploads = 0;
  /** Refuse every upload for good (`refused: true`), as a backend does with bytes that are not what they claim. */
  refuseUploads = false;
  #availability: Availability = { agents: true, open: true };
  #forced: Mode | null = null;
  #online = true;
  #conversations = new Map<string, Conversation>();
  #connections = new Set<MemoryConnection>();
  #onDrop = new Map<MemoryConnection, () => void>();
  #nextId = 1;

  /** Ids of every visitor who has a conversation. */
  visitorIds(): string[] {
    return [...this.#conversations.keys()];
  }

  /** The stored messages of `visitorId`'s conversation, oldest first. */
  messages(visitorId: string): readonly InboundMessage[] {
    return this.#conversations.get(visitorId)?.items ?? [];
  }

  /** The user the visitor identified as, if any. */
  user(visitorId: string): User | undefined {
    return this.#conversations.get(visitorId)?.user;
  }

  /** Frames other than messages that the visitor sent (typing, ratings, email, …). */
  received(visitorId: string): readonly OutboundFrame[] {
    return this.#conversations.get(visitorId)?.received ?? [];
  }

  /** The visitor's live session, if any. */
  session(visitorId: string): SessionInfo | undefined {
    return this.#conversations.get(visitorId)?.session;
  }

  /** Adds a message from the team to `visitorId`'s conversation and delivers it live. */
  reply(visitorId: string, text: string, author: Author = { role: 'agent', id: 'a1', name: 'Alex' }, extra: Partial<InboundMessage> = {}): InboundMessage {
    return this.#append(visitorId, true, { id: `m${this.#nextId++}`, author, text, sentAt: Date.now(), ...extra });
  }

  /** Forgets `visitorId`'s items, as a backend that lost its data would (the browser notices at its next connect). */
  reset(visitorId: string): void {
    this.#conversation(visitorId).items = [];
  }

  /** Changes who is there; every visitor hears it. */
  setAvailability(availability: Availability): void {
    this.#availability = availability;
    this.#broadcast({ type: 'availability', availability });
  }

  /** Imposes a mode on every visitor (`null` lifts it). */
  forceMode(mode: Mode | null): void {
    this.#forced = mode;
    this.#broadcast({ type: 'mode', mode });
  }

  /** An agent takes the visitor's waiting (or live) session. */
  join(visitorId: string, agent: Author = { role: 'agent', id: 'a1', name: 'Alex' }): void {
    const conversation = this.#conversation(visitorId);
    if (!conversation.session || conversation.session.state === 'ended') throw new Error('no session to join');
    this.#setSession(visitorId, { id: conversation.session.id, state: 'live', agent }, { kind: 'joined', name: agent.name });
  }

  /** Ends the visitor's session. */
  end(visitorId: string, by: EndedBy = 'agent'): void {
    const session = this.#conversation(visitorId).session;
    if (!session || session.state === 'ended') throw new Error('no session to end');
    this.#setSession(visitorId, { ...session, state: 'ended', endedBy: by, rated: false }, { kind: 'ended', by });
  }

  /** Delivers any frame to the visitor as it is, even a wrong one: for staging a confused backend. */
  deliver(visitorId: string, frame: InboundFrame): void {
    this.#deliverTo(visitorId, frame);
  }

  /** Shows `author` typing (or not) to the visitor. */
  typing(visitorId: string, typing: boolean, author: Author = { role: 'agent', id: 'a1', name: 'Alex' }): void {
    this.#deliverTo(visitorId, { type: 'typing', author, typing });
  }

  /** @internal Called by {@link MemoryTransport}. Returns `false` while offline. */
  connect(connection: MemoryConnection, cursor: number, user: User | undefined, onDrop: () => void): boolean {
    if (!this.#online) return false;
    const conversation = this.#conversation(connection.visitorId);
    if (user) conversation.user = { ...conversation.user, ...user };
    this.#connections.add(connection);
    this.#onDrop.set(connection, onDrop);
    connection.deliver({ type: 'team', name: this.teamName });
    if (this.fileLimits) connection.deliver({ type: 'files', ...this.fileLimits });
    connection.deliver({ type: 'availability', availability: this.#availability });
    connection.deliver({ type: 'mode', mode: this.#forced });
    connection.deliver({ type: 'session', session: conversation.session ?? null, restore: true });
    if (cursor > conversation.items.length) {
      // The browser holds more than this backend has: its history no longer continues the browser's copy.
      connection.deliver({ type: 'reset' });
      cursor = 0;
    }
    this.replay(connection, cursor);
    return true;
  }

  /** @internal Delivers every item after `cursor` to `connection` (a connect, or a resync). */
  replay(connection: MemoryConnection, cursor: number): void {
    for (const { seq, ...message } of this.#conversation(connection.visitorId).items) {
      if (seq > cursor) connection.deliver({ type: 'message', message, order: seqOrder(seq), cursor: String(seq) });
    }
  }

  /** @internal */
  disconnect(connection: MemoryConnection): void {
    this.#connections.delete(connection);
    this.#onDrop.delete(connection);
  }

  /** @internal */
  receive(connection: MemoryConnection, frame: OutboundFrame): void {
    if (!this.receiving) return;
    const { visitorId } = connection;
    const conversation = this.#conversation(visitorId);
    if (frame.type !== 'message') conversation.received.push(frame);
    switch (frame.type) {
      case 'message': {
        const refused = this.refuseMessage(frame.text);
        if (refused !== undefined) return connection.deliver({ type: 'reject', clientId: frame.clientId, reason: refused });
        const existing = conversation.items.find((item) => item.clientId === frame.clientId);
        const stored =
          existing ??
          this.#append(visitorId, this.sendAcks, {
            id: `m${this.#nextId++}`,
            clientId: frame.clientId,
            author: { role: 'visitor' },
            text: frame.text,
            sentAt: Date.now(),
            ...(frame.file && { file: frame.file }),
          });
        const seq = conversation.items.find((item) => item.id === stored.id)!.seq;
        if (this.sendAcks) connection.deliver({ type: 'ack', clientId: frame.clientId, id: stored.id, sentAt: stored.sentAt, order: seqOrder(seq) });
        return;
      }
      case 'identify':
        conversation.user = { ...conversation.user, ...frame.user };
        return;
      case 'live':
        if (frame.action === 'start') this.#setSession(visitorId, { id: `s${this.#nextId++}`, state: 'queued', position: 1, waitSeconds: 60 }, { kind: 'queued' });
        else if (conversation.session && conversation.session.state !== 'ended') this.end(visitorId, 'visitor');
        return;
      case 'rating':
        // As the reference backend does: the thanks goes into the conversation.
        if (conversation.session?.id === frame.sessionId) this.#setSession(visitorId, { ...conversation.session, rated: true }, { kind: 'rated', score: frame.score });
        return;
      case 'handoff':
        if (this.#availability.agents && this.#availability.open) {
          this.#setSession(visitorId, { id: `s${this.#nextId++}`, state: 'queued', position: 1 }, { kind: 'handoff', to: 'live' });
        } else {
          this.#append(visitorId, true, this.#system({ kind: 'handoff', to: 'messaging' }));
        }
        return;
      case 'email':
        conversation.user = { ...conversation.user, email: frame.email };
        this.#append(visitorId, true, this.#system({ kind: 'email', email: frame.email }));
        return;
      case 'slot': {
        const limits = this.fileLimits;
        if (!limits || frame.size > limits.maxBytes) return connection.deliver({ type: 'reject', clientId: frame.clientId, reason: 'file_refused: too big' });
        const at = `https://memory.invalid/files/${visitorId}/${frame.clientId}`;
        return connection.deliver({ type: 'slot', clientId: frame.clientId, ...(!this.files.has(at) && { put: at }), get: at });
      }
      case 'typing':
      case 'resync':
        return;
    }
  }

  /** @internal Called by {@link MemoryTransport.upload}. */
  async put(at: string, blob: Blob, progress: (fraction: number) => void): Promise<void> {
    progress(0.5);
    const ms = this.uploadMs(blob);
    await (ms ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve());
    if (this.refuseUploads) throw Object.assign(new Error('HTTP 415'), { refused: true });
    if (this.failUploads > 0) {
      this.failUploads--;
      throw new Error('connection reset');
    }
    this.files.set(at, { blob, uploads: (this.files.get(at)?.uploads ?? 0) + 1 });
    progress(1);
  }

  #system(event: SystemEvent): InboundMessage {
    return { id: `m${this.#nextId++}`, author: { role: 'system' }, text: event.kind, sentAt: Date.now(), event };
  }

  #setSession(visitorId: string, session: SessionInfo, event?: SystemEvent): void {
    this.#conversation(visitorId).session = session;
    if (event) this.#append(visitorId, true, this.#system(event));
    this.#deliverTo(visitorId, { type: 'session', session });
  }

  #conversation(visitorId: string): Conversation {
    let conversation = this.#conversations.get(visitorId);
    if (!conversation) this.#conversations.set(visitorId, (conversation = { items: [], received: [] }));
    return conversation;
  }

  #deliverTo(visitorId: string, frame: InboundFrame): void {
    for (const connection of this.#connections) if (connection.visitorId === visitorId) connection.deliver(frame);
  }

  #broadcast(frame: InboundFrame): void {
    for (const connection of this.#connections) connection.deliver(frame);
  }

  #append(visitorId: string, broadcast: boolean, message: InboundMessage): InboundMessage {
    const conversation = this.#conversation(visitorId);
    const seq = conversation.items.length + 1;
    conversation.items.push({ ...message, seq });
    if (broadcast) this.#deliverTo(visitorId, { type: 'message', message, order: seqOrder(seq), cursor: String(seq) });
    return message;
  }
}
