import { nanoid } from 'nanoid';
import { describeIssues, emailSchema, userSchema, visitorInfo } from '../model/schemas.ts';
import type { Attributes, Message, User, VisitorInfo } from '../model/types.ts';
import { check } from '../model/check.ts';
import { Conversation } from './conversation.ts';
import { fileName, fileProblem } from './files.ts';
import { Emitter } from './emitter.ts';
import { NatterError } from './errors.ts';
import type { NatterEvents } from './events.ts';
import type { ModeSetting } from './modes.ts';
import { initialState } from './state.ts';
import type { ConversationStorage, SendJournal } from './storage.ts';
import { createStore, type Store } from './store.ts';
import type { TabBus } from './tabs.ts';
import type { Transport } from './transport.ts';
import type { NatterState } from './types.ts';

/** Longest message a customer may write, unless `maxLength` says otherwise. */
export const DEFAULT_MAX_LENGTH = 2000;

/** The client's settings: the same for `createNatter` and the script tag, and checked by them. */
export interface ClientSettings {
  /** How Natter reaches the backend, such as `new WebSocketTransport({ url })`. */
  transport: Transport;
  /** Shown in the header until the server names the team. */
  teamName?: string;
  /** The customer's language (a BCP-47 tag), passed to the backend; `mountWidget` sets the widget's. */
  locale?: string;
  /** Custom attributes of the customer the team sees (plan, cart value…); see {@link NatterClient.setVisitor}. */
  attributes?: Attributes;
  /** Longest message the customer may send, in characters. Default 2000. */
  maxLength?: number;
  /** How long to wait for the server's acknowledgement before asking again (three tries, then "failed"), ms. Default 10 s. */
  ackTimeoutMs?: number;
  /** How long the link may be down before a waiting message shows as failed (it still goes out later), ms. Default 30 s. */
  offlineNoticeMs?: number;
  /** Live chat, messaging, or `auto` (default): live chat while agents are available in business hours. */
  mode?: ModeSetting;
  /**
   * When the conversation may be stored on the device: `'always'` (default; nothing is stored before the
   * customer's first message), `'after-consent'` (kept in memory until `natter.consent(true)`, then stored
   * at once), `'never'` (in memory only; no send journal either).
   */
  persist?: Persist;
  /**
   * A stored conversation idle for longer than this many days (no message written, received or read) is
   * deleted from the device when Natter loads. Default: kept until `shutdown()` or `consent(false)`.
   */
  retentionDays?: number;
  /**
   * The logged-in customer's identity, signed by the site's server (a JWT; see "Verified customers" in the
   * README), for a page that renders it; the same as `identify({ token })`. Sent, never stored.
   */
  userToken?: string;
  /**
   * The site's limits on files, within the backend's (`state.files` is both together): `false` takes none;
   * `maxBytes`, `types` (such as `['image/png', 'image/jpeg']`), `maxCount` (at a time; default 5).
   */
  files?: false | { maxBytes?: number; types?: string[]; maxCount?: number };
}

/** What a {@link NatterClient} is built from: its settings and its ports (storage, journal, tabs). */
export interface ClientOptions extends ClientSettings {
  /** Opens the storage when the client starts; may throw (no IndexedDB): the client then keeps the conversation in memory. Default: nothing is stored. */
  storage?: () => ConversationStorage;
  /** Makes a message durable in the call that sends it (see `SendJournal`). */
  journal?: SendJournal;
  /** Opens the link to the other tabs of this site, if the browser has one. */
  tabs?: () => TabBus | undefined;
}

/** The values of the `persist` option: when the conversation may be stored on the device. */
export const PERSIST = ['always', 'after-consent', 'never'] as const;
export type Persist = (typeof PERSIST)[number];

/**
 * The headless Natter client: the conversation, its storage and its outbox, with no DOM and no UI. Make one
 * with `createNatter`, which checks the options; use it directly to build your own interface, or hand it to
 * `mountWidget`.
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
export class NatterClient {
  readonly #store: Store<NatterState>;
  readonly #events = new Emitter<NatterEvents>();
  readonly #maxLength: number;
  readonly #conversation: Conversation;
  #started: Promise<void> | undefined;

  constructor(options: ClientOptions) {
    this.#maxLength = options.maxLength ?? DEFAULT_MAX_LENGTH;
    const { persist } = options;
    this.#store = createStore({ ...initialState(options.mode, options.teamName), consent: persist === 'never' ? false : persist === 'after-consent' ? undefined : true });
    this.#conversation = new Conversation(options, this.#store, this.#events);
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
    return this.#maxLength;
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
    if (this.#started) void this.#started.then(() => this.#conversation.reconnect());
    return (this.#started ??= this.#conversation.load());
  }

  /**
   * Sends a message. It is recorded in the browser in this very call (a reload or a closed tab a moment later
   * cannot lose it), shown as `sending`, and goes out now if connected, or when the connection is back, with
   * the same client id, until the server acknowledges it.
   *
   * @throws {NatterError} `invalid_input` when the text is empty or longer than `maxLength`.
   * @example
   * ```ts
   * const message = await natter.send('Where is my order?');
   * message.status; // 'sending'
   * ```
   */
  async send(text: string): Promise<Message> {
    if (typeof text !== 'string' || text.trim() === '') throw this.#invalid('Natter.send(text) needs a non-empty string.');
    if (text.length > this.#maxLength) {
      throw this.#invalid(`Natter.send: the message has ${text.length} characters; the limit is ${this.#maxLength}. Shorten it.`);
    }
    const draft = this.#conversation.journal(nanoid(), text.trim());
    await this.start();
    return this.#conversation.send(draft);
  }

  /**
   * Sends a file (an image of a chipped mug, a PDF) as a message of its own. The bytes are stored in the
   * browser with the message until the server has them, so a reload or an outage does not lose them; they
   * are uploaded once, to a slot the backend grants, and the message goes out once after that.
   *
   * @throws {NatterError} `invalid_input` when the backend takes no files, or this one is empty, too big
   * or of a type it does not take (`state.files` says which it takes).
   * @example
   * ```ts
   * input.onchange = () => natter.sendFile(input.files[0]);
   * ```
   */
  async sendFile(file: Blob, name = (file as File).name ?? ''): Promise<Message> {
    await this.start();
    const limits = this.#store.getState().files;
    const problem = fileProblem(file, limits);
    if (problem) throw this.#invalid(`Natter.sendFile: file refused (${problem}); state.files says what the backend takes.`);
    const text = fileName(name);
    return this.#conversation.send({ clientId: nanoid(), text, createdAt: Date.now() }, { name: text, size: file.size, type: file.type, blob: file });
  }

  /** Takes back a file message that is not sent yet (its upload stops); `false` when it is too late. */
  cancel(key: string): boolean {
    return this.#conversation.uploads.cancel(key);
  }

  /**
   * Sends a failed message again, with the same client id, so the server stores it at most once.
   * @example
   * ```ts
   * natter.on('status', (m) => m.status === 'failed' && natter.retry(m.key));
   * ```
   */
  retry(key: string): void {
    this.#conversation.retry(key);
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
    if (!parsed.success) throw this.#invalid(`Natter.identify: ${describeIssues(parsed.error.issues)}. Pass { id?, name?, email?, token? } as strings.`);
    await this.start();
    await this.#conversation.identify(parsed.data);
  }

  /**
   * Chooses live chat, messaging, or `auto`. Fires `modechange` when the offered mode changes.
   * @example
   * ```ts
   * natter.setMode('messaging'); // no live chat on this page
   * ```
   */
  setMode(mode: ModeSetting): void {
    this.#conversation.live.apply({ type: 'setting', mode }, (reason) => {
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
    await this.#conversation.request({ type: 'live', action: 'start' });
  }

  /** Ends the live chat (or leaves the queue). The conversation goes on as messaging. */
  endLive(): void {
    const { phase } = this.getState().mode;
    if (phase === 'queued' || phase === 'live') void this.#conversation.request({ type: 'live', action: 'end' }, false);
  }

  /**
   * Rates the live session that just ended, 1 (bad) to 5 (great), with an optional comment.
   * @throws {NatterError} `invalid_input` for a score outside 1–5, or when there is no ended session to rate.
   */
  rate(score: number, comment?: string): void {
    if (!Number.isInteger(score) || score < 1 || score > 5) throw this.#invalid(`Natter.rate: the score must be a whole number from 1 to 5, got ${score}.`);
    if (comment !== undefined && (typeof comment !== 'string' || comment.length > 1000)) throw this.#invalid('Natter.rate: the comment must be text of at most 1000 characters.');
    const sessionId = this.getState().mode.session?.id ?? '';
    this.#conversation.live.apply({ type: 'rated', sessionId }, (reason) => {
      throw this.#invalid(`Natter.rate: ${reason}.`);
    });
    void this.#conversation.request({ type: 'rating', sessionId, score, ...(comment?.trim() && { comment: comment.trim() }) }, false);
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
    await this.#conversation.request({ type: 'email', email: parsed.data });
  }

  /**
   * Tells the team about the customer's situation: the widget's language (a BCP-47 tag), the page they are on,
   * the site's custom attributes (each field given replaces the last). Sent at once while connected, else
   * with the next connection; it never opens one.
   * @throws {NatterError} `invalid_input` naming the field that is wrong.
   * @example
   * ```ts
   * natter.setVisitor({ attributes: { plan: 'pro', cartValue: 129.5 } });
   * ```
   */
  setVisitor(info: VisitorInfo): void {
    // The script tag's second stage calls this only with what its first stage checked (the settings), the
    // page's address and title, and the widget's language: it carries no second check (about 200 B gzip).
    if (!import.meta.env.MODE.startsWith('app')) {
      const parsed = check(visitorInfo, info);
      if (!parsed.ok) throw this.#invalid(`Natter.setVisitor: ${describeIssues(parsed.issues)}.`);
      info = parsed.value; // only the fields it knows
    }
    this.#conversation.describe(info);
  }

  /** "Talk to a person": the bot hands the conversation to the live queue or to the team's inbox. */
  async handoff(): Promise<void> {
    await this.start();
    await this.#conversation.request({ type: 'handoff' });
  }

  /**
   * Tells the team the customer is typing. Call it on every keystroke: it is sent at most every 3 s, and
   * "stopped typing" follows 4 s after the last call or when the message is sent. Only in live chat.
   */
  setTyping(): void {
    this.#conversation.live.typing();
  }

  /** Marks the conversation as on screen: messages count as read, and the backend is contacted. */
  open(): void {
    if (this.getState().isOpen) return;
    this.#store.setState({ isOpen: true });
    this.#events.emit('open');
    // Only once the stored conversation is read: a visitor id made before would start a second conversation.
    if (this.getState().ready) this.#conversation.opened();
    else void this.start().then(() => this.getState().isOpen && this.#conversation.opened());
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
    this.#conversation.setPageVisible(visible);
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
    this.#conversation.markRead();
  }

  /** Reads older stored messages into the timeline (while `state.hasOlder`); resolves with how many came. */
  async loadOlder(count = 100): Promise<number> {
    await this.start();
    return this.#conversation.loadOlder(count);
  }

  /** Closes the connection and stops timers, keeping what is stored. The client can `start` again later. */
  stop(): void {
    this.#conversation.stop();
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
    await this.#conversation.forget();
  }

  /**
   * Says whether the customer agrees to keep the conversation on this device. With `persist:
   * 'after-consent'` nothing is stored before `consent(true)`, which stores everything so far at once;
   * `consent(false)` deletes everything Natter stored on this device and keeps the conversation in memory
   * from then on (with any `persist`). Every tab of the site follows. Only a yes is remembered, by the stored
   * conversation itself: call it on every page your consent tool reports a choice on.
   *
   * @throws {NatterError} `invalid_input` for anything but `true` or `false`, and for `true` with `persist: 'never'`.
   * @example
   * ```ts
   * cookieBanner.onChange((choices) => natter.consent(choices.functional));
   * ```
   */
  async consent(yes: boolean): Promise<void> {
    if (typeof yes !== 'boolean' || (yes && this.#conversation.options.persist === 'never')) {
      throw this.#invalid('Natter.consent(yes) takes true or false; true only where "persist" is not "never".');
    }
    await this.start();
    await this.#conversation.agree(yes);
  }

  /**
   * Shows `text` as a message from the team, such as "Need help choosing a size?": a proactive invitation.
   * It is stored nowhere and sent nowhere; when the customer answers, it goes along with the answer (shown
   * above it, and sent with it for the team to see). Another call replaces it; the widget badges the launcher.
   *
   * @throws {NatterError} `invalid_input` unless `text` is a text of 1–1000 characters.
   * @example
   * ```ts
   * setTimeout(() => natter.invite('Questions about sizes? We are here.'), 30_000);
   * ```
   */
  invite(text: string): void {
    const invitation = typeof text === 'string' ? text.trim() : '';
    if (!invitation || invitation.length > 1000) throw this.#invalid('Natter.invite(text) needs a text of 1–1000 characters.');
    this.#store.setState({ invitation });
  }

  /** Reports and returns an `invalid_input` error, for the caller to throw. */
  #invalid(message: string): NatterError {
    const error = new NatterError('invalid_input', message);
    this.#events.emit('error', error);
    return error;
  }
}
