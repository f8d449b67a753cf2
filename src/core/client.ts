import { nanoid } from 'nanoid';
import { z } from 'zod/mini';
import { History, type HistoryWrite } from '../storage/history.ts';
import { indexedDbKeyValue, volatileKeyValue, type KeyValue } from '../storage/kv.ts';
import type { MetaRecord } from '../storage/records.ts';
import { RECORD_VERSION } from '../storage/records.ts';
import type { InboundFrame, InboundMessage, OutboundFrame, SessionInfo, Transport, TransportSink, TransportState } from '../transports/transport.ts';
import { Emitter } from './emitter.ts';
import { NatterError } from './errors.ts';
import type { NatterEvents } from './events.ts';
import { initialModeState, offeredMode, transition, type ModeEvent, type ModeSetting, type ModeState } from './modes.ts';
import { describeIssues, emailSchema, userSchema, wholeNumber } from './schemas.ts';
import { createStore, type Store } from './store.ts';
import { countUnread, latestSentAt, upsertMessage } from './timeline.ts';
import type { ConnectionState, Message, NatterState, User } from './types.ts';

/** Longest message a customer may write, unless `maxLength` says otherwise. */
export const DEFAULT_MAX_LENGTH = 2000;

/** Options of {@link createNatter}. */
export interface NatterOptions {
  /** How Natter reaches the backend, such as `new WebSocketTransport({ url })`. */
  transport: Transport;
  /**
   * Where the conversation is kept: `'indexeddb'` (default; survives reloads), `'memory'` (only in this
   * client's state, gone on reload), or a custom {@link KeyValue} such as `memoryKeyValue()`.
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
  /** Live chat, messaging, or `auto` (default): live chat while agents are available in business hours. */
  mode?: ModeSetting;
}

/** How long a "typing" from the team shows without news, and how often ours is repeated while typing. */
const TYPING_SHOWN_MS = 6000;
const TYPING_REPEAT_MS = 3000;
const TYPING_IDLE_MS = 4000;

const optionsSchema = z.object({
  siteId: z.optional(z.string().check(z.regex(/^[\w.-]{1,64}$/, 'must be 1–64 letters, digits, dots, dashes or underscores'))),
  teamName: z.optional(z.string().check(z.maxLength(100))),
  locale: z.optional(z.string().check(z.maxLength(35))),
  maxLength: z.optional(wholeNumber.check(z.gte(1), z.lte(4000))),
  ackTimeoutMs: z.optional(wholeNumber.check(z.gte(100))),
  mode: z.optional(z.enum(['live', 'messaging', 'auto'])),
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
  const transport = options?.transport as Partial<Transport> | undefined;
  if (!transport || typeof transport.open !== 'function' || typeof transport.send !== 'function' || typeof transport.close !== 'function') {
    throw new NatterError('invalid_settings', 'Natter: option "transport" must be a Transport (open, send, close), such as new WebSocketTransport({ url }).');
  }
  const storage = options.storage;
  if (storage !== undefined && storage !== 'indexeddb' && storage !== 'memory' && (typeof storage !== 'object' || storage === null)) {
    throw new NatterError('invalid_settings', `Natter: option "storage" must be "indexeddb", "memory" or a KeyValue, got ${JSON.stringify(storage)}.`);
  }
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new NatterError('invalid_settings', `Natter: invalid option ${describeIssues(parsed.error.issues)}; see the README's settings.`);
  }
  return new NatterClient(options);
}

/**
 * See {@link createNatter}, which checks the options; the constructor trusts them (the script tag's
 * settings are checked once, by `parseSettings`, so the drop-in bundle carries no second check).
 */
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
  /** The last write that failed, to go again with the next one. */
  #unsaved: HistoryWrite | undefined;
  /** Requests (live chat, rating, email…) waiting for the connection; not durable, unlike messages. */
  #pending: OutboundFrame[] = [];
  #typingShown: ReturnType<typeof setTimeout> | undefined;
  #typingIdle: ReturnType<typeof setTimeout> | undefined;
  #typingSentAt = 0;
  /** Whether the page is visible; set by the UI, since the core knows no DOM. */
  #pageVisible = true;

  constructor(options: NatterOptions) {
    this.#transport = options.transport;
    this.#options = { siteId: 'default', maxLength: DEFAULT_MAX_LENGTH, ackTimeoutMs: 10_000, ...options };
    this.#store = createStore(initialState(options.mode, options.teamName));
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
    // After `stop()`, starting again reconnects a conversation that is going on.
    if (this.#started) void this.#started.then(() => this.#persisted && this.#connect());
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
      throw this.#invalid('Natter.send(text) needs a non-empty string.');
    }
    if (text.length > this.#options.maxLength) {
      throw this.#invalid(`Natter.send: the message has ${text.length} characters; the limit is ${this.#options.maxLength}. Shorten it.`);
    }
    await this.start();
    this.#stopTyping();
    if (this.getState().mode.phase === 'ended') this.#applyMode({ type: 'resume' });
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
    const message = this.#find(key);
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
      throw this.#invalid(`Natter.identify: ${describeIssues(parsed.error.issues)}. Pass { id?, name?, email? } as strings.`);
    }
    await this.start();
    const previous = this.getState().user;
    if (previous?.id && parsed.data.id && previous.id !== parsed.data.id) await this.#forgetVisitor();
    const merged = { ...this.getState().user, ...parsed.data };
    this.#store.setState({ user: merged });
    if (this.#persisted) this.#save({ meta: this.#metaRecord() });
    this.#request({ type: 'identify', user: merged });
  }

  /**
   * Chooses live chat, messaging, or `auto`. Fires `modechange` when the offered mode changes.
   * @example
   * ```ts
   * natter.setMode('messaging'); // no live chat on this page
   * ```
   */
  setMode(mode: ModeSetting): void {
    this.#applyMode({ type: 'setting', mode }, (reason) => {
      throw this.#invalid(`Natter.setMode: ${reason}.`);
    });
  }

  /**
   * Asks for a live chat: the customer joins the queue until an agent joins.
   * @throws {NatterError} `invalid_input` when live chat is not offered now (see `state.offeredMode`).
   */
  async startLive(): Promise<void> {
    await this.start();
    const { offeredMode: offered, mode } = this.getState();
    if (offered !== 'live') throw this.#invalid('Natter.startLive: live chat is not offered now; send a message instead.');
    if (mode.phase === 'queued' || mode.phase === 'live') return;
    await this.#persistVisitor();
    this.#request({ type: 'live', action: 'start' });
  }

  /** Ends the live chat (or leaves the queue). The conversation goes on as messaging. */
  endLive(): void {
    const { phase } = this.getState().mode;
    if (phase !== 'queued' && phase !== 'live') return;
    this.#request({ type: 'live', action: 'end' });
  }

  /**
   * Rates the live session that just ended, 1 (bad) to 5 (great), with an optional comment.
   * @throws {NatterError} `invalid_input` for a score outside 1–5, or when there is no ended session to rate.
   */
  rate(score: number, comment?: string): void {
    if (!Number.isInteger(score) || score < 1 || score > 5) throw this.#invalid(`Natter.rate: the score must be a whole number from 1 to 5, got ${score}.`);
    if (comment !== undefined && (typeof comment !== 'string' || comment.length > 1000)) throw this.#invalid('Natter.rate: the comment must be text of at most 1000 characters.');
    const sessionId = this.getState().mode.session?.id ?? '';
    this.#applyMode({ type: 'rated', sessionId }, (reason) => {
      throw this.#invalid(`Natter.rate: ${reason}.`);
    });
    this.#request({ type: 'rating', sessionId, score, ...(comment?.trim() && { comment: comment.trim() }) });
  }

  /**
   * Leaves an email address so the team can tell the customer about their reply.
   * @throws {NatterError} `invalid_input` when it is not an email address.
   */
  async leaveEmail(email: string): Promise<void> {
    const parsed = emailSchema.safeParse(typeof email === 'string' ? email.trim() : email);
    if (!parsed.success) throw this.#invalid('Natter.leaveEmail: not an email address (use name@example.com).');
    await this.start();
    this.#store.setState({ email: parsed.data, user: { ...this.getState().user, email: parsed.data } });
    await this.#persistVisitor();
    this.#save({ meta: this.#metaRecord() });
    this.#request({ type: 'email', email: parsed.data });
  }

  /** "Talk to a person": the bot hands the conversation to the live queue or to the team's inbox. */
  async handoff(): Promise<void> {
    await this.start();
    await this.#persistVisitor();
    this.#request({ type: 'handoff' });
  }

  /**
   * Tells the team the customer is typing. Call it on every keystroke: it is sent at most every 3 s, and
   * "stopped typing" follows 4 s after the last call or when the message is sent. Only in live chat.
   */
  setTyping(): void {
    if (this.getState().mode.phase !== 'live') return;
    const now = Date.now();
    if (now - this.#typingSentAt >= TYPING_REPEAT_MS && this.#transport.send({ type: 'typing', typing: true })) this.#typingSentAt = now;
    clearTimeout(this.#typingIdle);
    this.#typingIdle = setTimeout(() => this.#stopTyping(), TYPING_IDLE_MS);
  }

  /** Marks the conversation as on screen: messages count as read, and the backend is contacted. */
  open(): void {
    if (this.getState().isOpen) return;
    this.#store.setState({ isOpen: true });
    this.#events.emit('open');
    const go = () => {
      if (!this.getState().isOpen) return;
      this.markRead();
      this.#ensureVisitor();
      this.#connect();
    };
    // Only once the stored conversation is read: a visitor id made before would start a second conversation.
    if (this.getState().ready) go();
    else void this.start().then(go);
  }

  /**
   * Tells the core whether the page is visible (the UI calls it on `visibilitychange`). While it is hidden,
   * replies count as unread even with the panel open; when it shows again with the panel open, they are read.
   * @example
   * ```ts
   * document.addEventListener('visibilitychange', () => natter.setPageVisible(document.visibilityState === 'visible'));
   * ```
   */
  setPageVisible(visible: boolean): void {
    this.#pageVisible = visible;
    if (visible && this.getState().isOpen) this.markRead();
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
        const stored = this.#meta.mode;
        if (stored) this.#setMode({ ...this.getState().mode, phase: stored.phase, session: stored.session });
        this.#store.setState({
          messages,
          email: this.#meta.user?.email,
          user: this.#meta.user,
          participants: participantsOf(messages),
          unread: countUnread(messages, this.#meta.lastReadAt),
        });
      }
    } catch (error) {
      // Writing now would make a new visitor "current" and hide the stored conversation for good: this page
      // keeps its conversation in memory instead.
      this.#history = new History(volatileKeyValue());
      this.#fail(new NatterError('storage', `Natter could not read the stored conversation (${String(error)}); this page keeps it in memory. Allow site storage.`, { cause: error }));
    }
    this.#store.setState({ ready: true });
    this.#events.emit('ready');
    if (this.getState().unread) this.#events.emit('unread', this.getState().unread);
    if (this.#persisted) this.#connect();
  }

  #openStorage(): KeyValue {
    const storage = this.#options.storage ?? 'indexeddb';
    if (storage === 'memory') return volatileKeyValue();
    if (storage !== 'indexeddb') return storage;
    if (typeof indexedDB === 'undefined') {
      this.#fail(new NatterError('storage', 'Natter: no IndexedDB here; the conversation will not survive a reload.'));
      return volatileKeyValue();
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
      ...(this.#meta?.mode && { mode: this.#meta.mode }),
    };
  }

  /** Starts keeping this visitor in storage: the customer has begun a conversation. */
  async #persistVisitor(): Promise<void> {
    this.#ensureVisitor();
    if (this.#persisted) return;
    this.#persisted = true;
    await this.#save({ meta: this.#metaRecord(), current: true });
  }

  /** Sends a request now, or when the connection is open. */
  #request(frame: OutboundFrame): void {
    this.#connect();
    if (this.getState().connection !== 'open' || !this.#transport.send(frame)) this.#pending.push(frame);
  }

  #stopTyping(): void {
    clearTimeout(this.#typingIdle);
    if (this.#typingSentAt === 0) return;
    this.#typingSentAt = 0;
    this.#transport.send({ type: 'typing', typing: false });
  }

  /** Moves the mode machine; a refused event changes nothing and goes to `onRefused` (default: a warning). */
  #applyMode(event: ModeEvent, onRefused: (reason: string) => void = (reason) => this.#warn('protocol', `ignored a mode change: ${reason}`)): void {
    const result = transition(this.getState().mode, event);
    if (!result.ok) return onRefused(result.reason);
    this.#setMode(result.state);
  }

  #setMode(mode: ModeState): void {
    const before = this.getState();
    const offered = offeredMode(mode);
    this.#store.setState({ mode, offeredMode: offered, ...(mode.phase !== 'live' && { typing: undefined }) });
    if (mode.phase !== before.mode.phase || mode.session !== before.mode.session) {
      this.#meta = { ...this.#metaRecord(), mode: { phase: mode.phase, ...(mode.session && { session: mode.session }) } };
      if (this.#persisted) this.#save({ meta: this.#meta });
    }
    if (offered !== before.offeredMode || mode.phase !== before.mode.phase) this.#events.emit('modechange', { mode: offered, phase: mode.phase });
  }

  /** Takes the backend's whole truth about the session after (re)connecting. */
  #restoreSession(session: SessionInfo | null): void {
    const current = this.getState().mode;
    if (!session) return this.#setMode({ ...current, phase: current.phase === 'ended' ? 'ended' : 'messaging', session: current.phase === 'ended' ? current.session : undefined });
    const resumed = session.state === 'ended' && current.phase === 'messaging' && current.session?.id === session.id;
    const { state, ...rest } = session;
    this.#setMode({ ...current, phase: resumed ? 'messaging' : state, session: { ...rest, ...(state === 'ended' && { rated: session.rated ?? false }) } });
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
    if (state === 'open') {
      this.#flushOutbox();
      const pending = this.#pending;
      this.#pending = [];
      for (const frame of pending) if (!this.#transport.send(frame)) this.#pending.push(frame);
    }
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
        const current = this.#find(message.key);
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
        const message = this.#find(frame.clientId);
        if (!message) return this.#warn('protocol', `ignored an ack for unknown message ${frame.clientId}`);
        this.#settle(frame.clientId);
        if (message.status === 'sent' && message.id === frame.id) return;
        this.#updateStatus({ ...message, id: frame.id, sentAt: frame.sentAt, status: 'sent', error: undefined, rejected: undefined });
        return;
      }
      case 'reject': {
        const message = this.#find(frame.clientId);
        if (!message) return this.#warn('protocol', `ignored a refusal for unknown message ${frame.clientId}`);
        this.#settle(frame.clientId);
        this.#updateStatus({ ...message, status: 'failed', rejected: true, error: frame.reason });
        this.#fail(new NatterError('transport', `Natter: the server refused a message (${frame.reason}).`));
        return;
      }
      case 'availability': {
        const available = frame.availability.agents && frame.availability.open;
        const changed = available !== this.getState().available;
        this.#store.setState({ available });
        this.#applyMode({ type: 'availability', availability: frame.availability });
        if (changed) this.#events.emit('availability', available);
        return;
      }
      case 'mode':
        return this.#applyMode({ type: 'force', mode: frame.mode });
      case 'session': {
        if (frame.restore) return this.#restoreSession(frame.session);
        const session = frame.session;
        if (!session) return this.#warn('protocol', 'ignored an empty session change');
        if (session.state === 'queued') return this.#applyMode({ type: 'queued', sessionId: session.id, ...(session.position !== undefined && { position: session.position }), ...(session.waitSeconds !== undefined && { waitSeconds: session.waitSeconds }) });
        if (session.state === 'live') return this.#applyMode({ type: 'joined', sessionId: session.id, agent: session.agent ?? { role: 'agent' } });
        const current = this.getState().mode.session;
        if (current?.id === session.id && current.endedBy) {
          // Already ended here: the backend confirms (for instance that the rating arrived).
          if (session.rated && !current.rated) this.#applyMode({ type: 'rated', sessionId: session.id });
          return;
        }
        return this.#applyMode({ type: 'ended', sessionId: session.id, by: session.endedBy ?? 'agent' });
      }
      case 'typing': {
        clearTimeout(this.#typingShown);
        if (!frame.typing || this.getState().mode.phase !== 'live') return this.#store.setState({ typing: undefined });
        this.#store.setState({ typing: frame.author });
        this.#typingShown = setTimeout(() => this.#store.setState({ typing: undefined }), TYPING_SHOWN_MS);
        this.#events.emit('typing', frame.author);
        return;
      }
      case 'team':
        if (!this.#options.teamName) this.#store.setState({ teamName: frame.name });
        return;
    }
  }

  #receiveMessage(inbound: InboundMessage, cursor: string | undefined): void {
    const key = inbound.clientId ?? `s:${inbound.id}`;
    const existing = this.#find(key);
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
      ...(inbound.quickReplies?.length && { quickReplies: inbound.quickReplies }),
      ...(inbound.event && { event: inbound.event }),
    };
    if (inbound.clientId) this.#settle(inbound.clientId);
    if (message.author.role !== 'visitor' && this.getState().typing) this.#store.setState({ typing: undefined });
    this.#setMessage(message);
    if (cursor !== undefined) this.#meta = { ...this.#metaRecord(), cursor };
    const isNew = !existing;
    let unread = this.getState().unread;
    if (isNew && message.author.role !== 'visitor' && message.sentAt! > (this.#meta?.lastReadAt ?? 0)) {
      if (this.getState().isOpen && this.#pageVisible) this.#meta = { ...this.#metaRecord(), lastReadAt: message.sentAt! };
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

  /** The message with local key `key`, if it is in the timeline. */
  #find(key: string): Message | undefined {
    return this.getState().messages.find((m) => m.key === key);
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
  #save(write: HistoryWrite): Promise<void> {
    const visitorId = this.#visitorId;
    const history = this.#history;
    if (!visitorId || !history) return Promise.resolve();
    this.#writes = this.#writes.then(() => {
      // A write that failed goes again with this one, in one transaction: the stored cursor never moves past
      // a message that is not stored, and the record of who this visitor is is never skipped.
      const unsaved = this.#unsaved;
      const merged: HistoryWrite = {
        messages: [...(unsaved?.messages ?? []), ...(write.messages ?? [])],
        meta: write.meta ?? unsaved?.meta,
        current: write.current || unsaved?.current,
      };
      this.#unsaved = undefined;
      return history.save(visitorId, merged).catch((error: unknown) => {
        this.#unsaved = merged;
        this.#fail(new NatterError('storage', `Natter could not save the conversation (${String(error)}); it is saved with the next change. Free disk space or allow site storage.`, { cause: error }));
      });
    });
    return this.#writes;
  }

  async #forgetVisitor(): Promise<void> {
    const visitorId = this.#visitorId;
    this.stop();
    this.#visitorId = undefined;
    this.#persisted = false;
    this.#meta = undefined;
    this.#unstored.clear();
    this.#pending = [];
    this.#store.setState({ messages: [], participants: [], user: undefined, available: undefined, email: undefined, typing: undefined });
    this.#setMode(initialModeState(this.getState().mode.setting));
    this.#setUnread(0);
    if (visitorId && this.#history) {
      const history = this.#history;
      this.#unsaved = undefined;
      const forget = this.#writes.then(() => history.forget(visitorId));
      // A failed delete is reported, and must not stop every later write.
      this.#writes = forget.catch((error: unknown) => {
        this.#fail(new NatterError('storage', `Natter could not delete the stored conversation (${String(error)}); clear this site's data to remove it.`, { cause: error }));
      });
      await this.#writes;
    }
  }

  #warn(kind: 'storage' | 'protocol', message: string): void {
    console.warn(`Natter: ${message}`);
    if (kind === 'storage') this.#events.emit('error', new NatterError('storage', message));
  }

  /** Reports and returns an `invalid_input` error, for the caller to throw. */
  #invalid(message: string): NatterError {
    return this.#fail(new NatterError('invalid_input', message));
  }

  #fail(error: NatterError): NatterError {
    this.#events.emit('error', error);
    return error;
  }
}

/**
 * The state of a client that has read nothing yet.
 * @example
 * ```ts
 * initialState().messages; // []
 * ```
 */
export function initialState(mode: ModeSetting = 'auto', teamName?: string): NatterState {
  const modeState = initialModeState(mode);
  return {
    ready: false,
    messages: [],
    connection: 'idle',
    isOpen: false,
    unread: 0,
    teamName,
    available: undefined,
    participants: [],
    user: undefined,
    mode: modeState,
    offeredMode: offeredMode(modeState),
    typing: undefined,
    email: undefined,
  };
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
