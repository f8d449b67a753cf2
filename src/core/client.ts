import { nanoid } from 'nanoid';
import { z } from 'zod/mini';
import { History } from '../storage/history';
import { indexedDbKeyValue, memoryKeyValue, type KeyValue } from '../storage/kv';
import type { MetaRecord } from '../storage/records';
import { RECORD_VERSION } from '../storage/records';
import type { InboundFrame, InboundMessage, Transport, TransportSink, TransportState } from '../transports/transport';
import { Emitter } from './emitter';
import { NatterError } from './errors';
import type { NatterEvents } from './events';
import { describeIssues, userSchema } from './schemas';
import { createStore, type Store } from './store';
import { countUnread, latestSentAt, upsertMessage } from './timeline';
import type { ConnectionState, Message, NatterState, User } from './types';

/** Longest message a customer may write, unless `maxLength` says otherwise. */
export const DEFAULT_MAX_LENGTH = 2000;

/** Options of {@link createNatter}. */
export interface NatterOptions {
  /** How Natter reaches the backend, such as `new WebSocketTransport({ url })`. */
  transport: Transport;
  /**
   * Where the conversation is kept: `'indexeddb'` (default; survives reloads), `'memory'` (gone on reload),
   * or a custom {@link KeyValue}.
   */
  storage?: 'indexeddb' | 'memory' | KeyValue;
  /** Separates the stored conversations of several Natter sites on one origin. Default `'default'`. */
  siteId?: string;
  /** Shown in the header until the server names the team. */
  teamName?: string;
  /** The customer's language, passed to the backend. */
  locale?: string;
  /** Longest message the customer may send, in characters. Default {@link DEFAULT_MAX_LENGTH}. */
  maxLength?: number;
  /** How long to wait for the server to acknowledge a message before showing it as failed. Default 10 s. */
  ackTimeoutMs?: number;
}

const optionsSchema = z.object({
  storage: z.optional(z.union([z.literal('indexeddb'), z.literal('memory'), z.custom<KeyValue>((value) => typeof value === 'object' && value !== null)])),
  siteId: z.optional(z.string().check(z.regex(/^[\w.-]{1,64}$/, 'must be 1–64 letters, digits, dots, dashes or underscores'))),
  teamName: z.optional(z.string().check(z.maxLength(100))),
  locale: z.optional(z.string().check(z.maxLength(35))),
  maxLength: z.optional(z.int().check(z.gte(1), z.lte(4000))),
  ackTimeoutMs: z.optional(z.int().check(z.gte(100))),
});

/**
 * The headless Natter client: the conversation, its storage and its outbox, with no DOM and no UI.
 * Use it directly to build your own interface, or hand it to `mountWidget`.
 *
 * @example
 * ```ts
 * import { createNatter, WebSocketTransport } from 'natter';
 *
 * const natter = createNatter({ transport: new WebSocketTransport({ url: 'wss://chat.example.com/natter' }) });
 * natter.on('message', (message) => console.log(message.author.role, message.text));
 * await natter.start(); // shows the stored conversation, then syncs
 * await natter.send('Hello!');
 * ```
 */
export function createNatter(options: NatterOptions): NatterClient {
  return new NatterClient(options);
}

/** See {@link createNatter}. */
export class NatterClient {
  readonly #store: Store<NatterState>;
  readonly #events = new Emitter<NatterEvents>();
  readonly #transport: Transport;
  readonly #options: Required<Pick<NatterOptions, 'siteId' | 'maxLength' | 'ackTimeoutMs'>> & NatterOptions;
  #history: History | undefined;
  #visitorId: string | undefined;
  /** Whether this visitor is in storage: nothing is written until the customer writes something. */
  #persisted = false;
  #meta: MetaRecord | undefined;
  #connected = false;
  #started: Promise<void> | undefined;
  /** Messages not yet written to storage: they must not be handed to the network before they are. */
  readonly #unstored = new Set<string>();
  readonly #ackTimers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Storage writes, one after another, so that the stored cursor never runs ahead of the stored messages. */
  #writes: Promise<void> = Promise.resolve();

  constructor(options: NatterOptions) {
    const transport = options?.transport as Partial<Transport> | undefined;
    if (!transport || typeof transport.open !== 'function' || typeof transport.send !== 'function' || typeof transport.close !== 'function') {
      throw new NatterError('invalid_settings', 'Natter: option "transport" must be a transport object (open, send, close), such as new WebSocketTransport({ url: "wss://…" }).');
    }
    const parsed = optionsSchema.safeParse(options);
    if (!parsed.success) {
      throw new NatterError('invalid_settings', `Natter: invalid option ${describeIssues(parsed.error.issues)}. See the settings table in the README.`);
    }
    this.#transport = options.transport;
    this.#options = { siteId: 'default', maxLength: DEFAULT_MAX_LENGTH, ackTimeoutMs: 10_000, ...options };
    this.#store = createStore<NatterState>({
      ready: false,
      messages: [],
      connection: 'idle',
      isOpen: false,
      unread: 0,
      teamName: options.teamName,
      available: undefined,
      participants: [],
      user: undefined,
    });
  }

  /** The current state. Never mutate it: it is replaced on every change. */
  getState(): NatterState {
    return this.#store.getState();
  }

  /** Calls `listener` after every state change; returns the function that unsubscribes. */
  subscribe(listener: () => void): () => void {
    return this.#store.subscribe(listener);
  }

  /** The longest message the customer may send, in characters. */
  get maxLength(): number {
    return this.#options.maxLength;
  }

  /**
   * Listens to an event. See {@link NatterEvents} for the list.
   * @example
   * ```ts
   * natter.on('unread', (count) => (badge.textContent = String(count)));
   * ```
   */
  on<K extends keyof NatterEvents>(event: K, listener: NatterEvents[K]): this {
    this.#events.on(event, listener);
    return this;
  }

  /** Stops listening. */
  off<K extends keyof NatterEvents>(event: K, listener: NatterEvents[K]): this {
    this.#events.off(event, listener);
    return this;
  }

  /**
   * Reads the stored conversation (shown at once, before any network answer), then connects if there is a
   * conversation to continue. Calling it again returns the same promise.
   */
  start(): Promise<void> {
    return (this.#started ??= this.#load());
  }

  /**
   * Sends a message. It is stored in the browser first and shown as `sending`; it goes out now if connected,
   * or when the connection is back, with the same client id, until the server acknowledges it.
   *
   * @throws {NatterError} `invalid_input` when the text is empty or longer than `maxLength`.
   * @example
   * ```ts
   * const message = await natter.send('Where is my order?');
   * message.status; // 'sending'
   * ```
   */
  async send(text: string): Promise<Message> {
    if (typeof text !== 'string' || text.trim() === '') {
      throw this.#fail(new NatterError('invalid_input', 'Natter.send(text) needs a non-empty string.'));
    }
    if (text.length > this.#options.maxLength) {
      throw this.#fail(new NatterError('invalid_input', `Natter.send: the message has ${text.length} characters; the limit is ${this.#options.maxLength}. Shorten it or split it in two.`));
    }
    await this.start();
    const clientId = nanoid();
    const message: Message = { key: clientId, clientId, author: { role: 'visitor' }, text: text.trim(), createdAt: Date.now(), status: 'sending' };
    this.#unstored.add(clientId);
    this.#setMessage(message);
    this.#events.emit('message', message);
    const visitorId = this.#ensureVisitor();
    const meta = this.#persisted ? undefined : this.#metaRecord();
    this.#persisted = true;
    await this.#save({ messages: [message], ...(meta && { meta, current: true }) });
    this.#unstored.delete(clientId);
    if (this.#visitorId !== visitorId) return message; // shut down meanwhile
    this.#connect();
    if (this.getState().connection === 'open') this.#transmit(message);
    return message;
  }

  /**
   * Sends a failed message again, with the same client id, so the server stores it at most once.
   * @example
   * ```ts
   * natter.on('status', (m) => m.status === 'failed' && natter.retry(m.key));
   * ```
   */
  retry(key: string): void {
    const message = this.getState().messages.find((m) => m.key === key);
    if (!message || message.status !== 'failed') return;
    const again: Message = { ...message, status: 'sending', error: undefined, rejected: undefined };
    this.#updateStatus(again);
    this.#connect();
    if (this.getState().connection === 'open') this.#transmit(again);
  }

  /**
   * Tells the team who the customer is. Signing in as a different `id` than before on this browser starts a
   * fresh conversation and deletes the previous user's from this browser, so a shared computer never shows
   * one person's conversation to the next.
   *
   * @throws {NatterError} `invalid_input` when a field is of the wrong type (such as an invalid email).
   * @example
   * ```ts
   * await natter.identify({ id: 'u_42', name: 'Ana', email: 'ana@example.com' });
   * ```
   */
  async identify(user: User): Promise<void> {
    const parsed = userSchema.safeParse(user);
    if (!parsed.success) {
      throw this.#fail(new NatterError('invalid_input', `Natter.identify: ${describeIssues(parsed.error.issues)}. Pass { id?, name?, email? } as strings.`));
    }
    await this.start();
    const previous = this.getState().user;
    if (previous?.id && parsed.data.id && previous.id !== parsed.data.id) await this.#forgetVisitor();
    const merged = { ...this.getState().user, ...parsed.data };
    this.#store.setState({ user: merged });
    if (this.#persisted) this.#save({ meta: this.#metaRecord() });
    this.#transport.send({ type: 'identify', user: merged });
  }

  /** Marks the conversation as on screen: messages count as read, and the backend is contacted. */
  open(): void {
    if (this.getState().isOpen) return;
    this.#store.setState({ isOpen: true });
    this.markRead();
    this.#events.emit('open');
    this.#ensureVisitor();
    this.#connect();
  }

  /** Marks the conversation as no longer on screen. */
  close(): void {
    if (!this.getState().isOpen) return;
    this.#store.setState({ isOpen: false });
    this.#events.emit('close');
  }

  /** {@link open} or {@link close}, whichever is not the case. */
  toggle(): void {
    if (this.getState().isOpen) this.close();
    else this.open();
  }

  /** Counts every message so far as seen by the customer. */
  markRead(): void {
    const lastReadAt = Math.max(this.#meta?.lastReadAt ?? 0, latestSentAt(this.getState().messages));
    if (this.#meta && lastReadAt === this.#meta.lastReadAt && this.getState().unread === 0) return;
    this.#meta = { ...this.#metaRecord(), lastReadAt };
    if (this.#persisted) this.#save({ meta: this.#meta });
    this.#setUnread(0);
  }

  /** Closes the connection and stops timers, keeping what is stored. The client can `start` again later. */
  stop(): void {
    this.#transport.close();
    this.#connected = false;
    for (const timer of this.#ackTimers.values()) clearTimeout(timer);
    this.#ackTimers.clear();
    this.#setConnection('idle');
  }

  /**
   * Ends the visitor's session on this browser: closes the connection and deletes everything Natter stored
   * for this visitor. Call it when the user logs out. The next message starts a new conversation.
   * @example
   * ```ts
   * logoutButton.onclick = async () => { await natter.shutdown(); location.href = '/'; };
   * ```
   */
  async shutdown(): Promise<void> {
    await this.start();
    await this.#forgetVisitor();
  }

  // ---- internals ------------------------------------------------------------------------------------

  async #load(): Promise<void> {
    this.#history = new History(this.#openStorage(), (message) => this.#warn('storage', message));
    try {
      const visitorId = await this.#history.currentVisitor();
      if (visitorId) {
        const loaded = await this.#history.load(visitorId);
        this.#visitorId = visitorId;
        this.#persisted = true;
        this.#meta = loaded.meta ?? { v: RECORD_VERSION, visitorId, cursor: null, lastReadAt: 0, createdAt: Date.now() };
        let messages: Message[] = [];
        for (const message of loaded.messages) messages = upsertMessage(messages, message);
        this.#store.setState({
          messages,
          user: this.#meta.user,
          participants: participantsOf(messages),
          unread: countUnread(messages, this.#meta.lastReadAt),
        });
      }
    } catch (error) {
      this.#fail(new NatterError('storage', `Natter could not read the stored conversation (${String(error)}); continuing without it. Check that the site may use IndexedDB.`, { cause: error }));
    }
    this.#store.setState({ ready: true });
    this.#events.emit('ready');
    if (this.getState().unread) this.#events.emit('unread', this.getState().unread);
    if (this.#persisted) this.#connect();
  }

  #openStorage(): KeyValue {
    const storage = this.#options.storage ?? 'indexeddb';
    if (storage === 'memory') return memoryKeyValue();
    if (storage !== 'indexeddb') return storage;
    if (typeof indexedDB === 'undefined') {
      this.#fail(new NatterError('storage', 'Natter: this browser offers no IndexedDB; the conversation will not survive a reload.'));
      return memoryKeyValue();
    }
    return indexedDbKeyValue(`natter-${this.#options.siteId}`);
  }

  #ensureVisitor(): string {
    return (this.#visitorId ??= nanoid());
  }

  #metaRecord(): MetaRecord {
    const visitorId = this.#ensureVisitor();
    const user = this.getState().user;
    return {
      v: RECORD_VERSION,
      visitorId,
      cursor: this.#meta?.cursor ?? null,
      lastReadAt: this.#meta?.lastReadAt ?? 0,
      createdAt: this.#meta?.createdAt ?? Date.now(),
      ...(user && { user }),
    };
  }

  #connect(): void {
    if (this.#connected || !this.#visitorId) return;
    this.#connected = true;
    const visitorId = this.#visitorId;
    const guard = (fn: () => void) => () => {
      if (this.#visitorId === visitorId) fn();
    };
    const sink: TransportSink = {
      frame: (frame) => guard(() => this.#receive(frame))(),
      state: (state, detail) => guard(() => this.#onTransportState(state, detail?.error))(),
      warn: (message) => this.#warn('protocol', message),
    };
    const user = this.getState().user;
    this.#transport.open(
      {
        visitorId,
        cursor: this.#meta?.cursor ?? null,
        ...(user && { user }),
        ...(this.#options.locale && { locale: this.#options.locale }),
      },
      sink,
    );
  }

  #onTransportState(state: TransportState, error: Error | undefined): void {
    if (error) this.#fail(new NatterError('transport', error.message, { cause: error }));
    if (state !== 'open') {
      for (const timer of this.#ackTimers.values()) clearTimeout(timer);
      this.#ackTimers.clear();
    }
    if (state === 'closed') this.#connected = false;
    this.#setConnection(state === 'closed' ? 'idle' : state);
    if (state === 'open') this.#flushOutbox();
  }

  /** Hands every message the server has not acknowledged to the transport, oldest first. */
  #flushOutbox(): void {
    for (const message of this.getState().messages) {
      if (message.author.role !== 'visitor' || message.status === 'sent' || message.rejected) continue;
      if (this.#unstored.has(message.key) || this.#ackTimers.has(message.key)) continue;
      if (!this.#transmit(message)) return;
    }
  }

  #transmit(message: Message): boolean {
    const sent = this.#transport.send({ type: 'message', clientId: message.clientId ?? message.key, text: message.text, createdAt: message.createdAt });
    if (!sent) return false;
    if (message.status === 'failed') this.#updateStatus({ ...message, status: 'sending', error: undefined });
    clearTimeout(this.#ackTimers.get(message.key));
    this.#ackTimers.set(
      message.key,
      setTimeout(() => {
        this.#ackTimers.delete(message.key);
        const current = this.getState().messages.find((m) => m.key === message.key);
        if (current?.status === 'sending') {
          this.#updateStatus({ ...current, status: 'failed', error: `no acknowledgement from the server within ${this.#options.ackTimeoutMs} ms` });
        }
      }, this.#options.ackTimeoutMs),
    );
    return true;
  }

  #receive(frame: InboundFrame): void {
    switch (frame.type) {
      case 'message':
        return this.#receiveMessage(frame.message, frame.cursor);
      case 'ack': {
        const message = this.getState().messages.find((m) => m.key === frame.clientId);
        if (!message) return this.#warn('protocol', `ignored an acknowledgement for unknown message ${frame.clientId}`);
        this.#settle(frame.clientId);
        if (message.status === 'sent' && message.id === frame.id) return;
        this.#updateStatus({ ...message, id: frame.id, sentAt: frame.sentAt, status: 'sent', error: undefined, rejected: undefined });
        return;
      }
      case 'reject': {
        const message = this.getState().messages.find((m) => m.key === frame.clientId);
        if (!message) return this.#warn('protocol', `ignored a refusal for unknown message ${frame.clientId}`);
        this.#settle(frame.clientId);
        this.#updateStatus({ ...message, status: 'failed', rejected: true, error: frame.reason });
        this.#fail(new NatterError('transport', `Natter: the server refused a message (${frame.reason}).`));
        return;
      }
      case 'team': {
        const patch: Partial<NatterState> = {};
        if (frame.name && !this.#options.teamName) patch.teamName = frame.name;
        if (frame.available !== undefined) patch.available = frame.available;
        const changed = frame.available !== undefined && frame.available !== this.getState().available;
        this.#store.setState(patch);
        if (changed) this.#events.emit('availability', frame.available!);
        return;
      }
    }
  }

  #receiveMessage(inbound: InboundMessage, cursor: string | undefined): void {
    const key = inbound.clientId ?? `s:${inbound.id}`;
    const existing = this.getState().messages.find((m) => m.key === key);
    const message: Message = {
      ...existing,
      key,
      ...(inbound.clientId && { clientId: inbound.clientId }),
      id: inbound.id,
      author: { ...existing?.author, ...inbound.author },
      text: inbound.text,
      createdAt: existing?.createdAt ?? inbound.sentAt,
      sentAt: inbound.sentAt,
      status: 'sent',
      error: undefined,
      rejected: undefined,
    };
    if (inbound.clientId) this.#settle(inbound.clientId);
    this.#setMessage(message);
    if (cursor !== undefined) this.#meta = { ...this.#metaRecord(), cursor };
    const isNew = !existing;
    let unread = this.getState().unread;
    if (isNew && message.author.role !== 'visitor' && message.sentAt! > (this.#meta?.lastReadAt ?? 0)) {
      if (this.getState().isOpen) this.#meta = { ...this.#metaRecord(), lastReadAt: message.sentAt! };
      else unread++;
    }
    const meta = this.#persisted ? this.#meta : undefined;
    const current = !this.#persisted;
    this.#persisted = true;
    this.#save({ messages: [message], meta: meta ?? this.#metaRecord(), current });
    if (isNew) this.#events.emit('message', message);
    else if (existing.status !== 'sent') this.#events.emit('status', message);
    this.#setUnread(unread);
  }

  #settle(clientId: string): void {
    clearTimeout(this.#ackTimers.get(clientId));
    this.#ackTimers.delete(clientId);
  }

  #setMessage(message: Message): void {
    const messages = upsertMessage(this.getState().messages, message);
    const participants = message.author.role === 'visitor' ? this.getState().participants : participantsOf(messages);
    this.#store.setState({ messages, participants });
  }

  #updateStatus(message: Message): void {
    this.#setMessage(message);
    this.#save({ messages: [message] });
    this.#events.emit('status', message);
  }

  #setUnread(count: number): void {
    if (count === this.getState().unread) return;
    this.#store.setState({ unread: count });
    this.#events.emit('unread', count);
  }

  #setConnection(connection: ConnectionState): void {
    if (connection === this.getState().connection) return;
    this.#store.setState({ connection });
    this.#events.emit('connection', connection);
  }

  /** Queues a storage write. A failed write is reported; the conversation goes on in memory. */
  #save(write: Parameters<History['save']>[1]): Promise<void> {
    const visitorId = this.#visitorId;
    const history = this.#history;
    if (!visitorId || !history) return Promise.resolve();
    this.#writes = this.#writes.then(() =>
      history.save(visitorId, write).catch((error: unknown) => {
        this.#fail(new NatterError('storage', `Natter could not save the conversation (${String(error)}); it stays on screen but may not survive a reload. Free some disk space or allow site storage.`, { cause: error }));
      }),
    );
    return this.#writes;
  }

  async #forgetVisitor(): Promise<void> {
    const visitorId = this.#visitorId;
    this.stop();
    this.#visitorId = undefined;
    this.#persisted = false;
    this.#meta = undefined;
    this.#unstored.clear();
    this.#store.setState({ messages: [], participants: [], user: undefined, available: undefined });
    this.#setUnread(0);
    if (visitorId && this.#history) {
      const history = this.#history;
      await (this.#writes = this.#writes.then(() => history.forget(visitorId)));
    }
  }

  #warn(kind: 'storage' | 'protocol', message: string): void {
    console.warn(`Natter: ${message}`);
    if (kind === 'storage') this.#events.emit('error', new NatterError('storage', message));
  }

  #fail(error: NatterError): NatterError {
    this.#events.emit('error', error);
    return error;
  }
}

/** The distinct people and bots who wrote in the conversation, in order of first appearance. */
function participantsOf(messages: readonly Message[]): Message['author'][] {
  const seen = new Map<string, Message['author']>();
  for (const { author } of messages) {
    if (author.role !== 'agent' && author.role !== 'bot') continue;
    const id = `${author.role}:${author.id ?? author.name ?? ''}`;
    seen.set(id, author);
  }
  return [...seen.values()];
}
