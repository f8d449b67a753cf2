import type { Attachment, Message, User, VisitorInfo } from '../model/types.ts';
import type { ClientOptions } from './client.ts';
import type { Emitter } from './emitter.ts';
import { NatterError } from './errors.ts';
import type { NatterEvents } from './events.ts';
import { Inbound } from './inbound.ts';
import { LiveChat } from './live.ts';
import { initialModeState, type ModeState } from './modes.ts';
import { Outbox } from './outbox.ts';
import { Uploads } from './uploads.ts';
import { Persistence } from './persistence.ts';
import { ensureVisitor, metaRecord, newPersistence, persistVisitor } from './identity.ts';
import { restore } from './restore.ts';
import { TabSync } from './tab-sync.ts';
import type { TabNews } from './tabs.ts';
import { withParticipants } from './state.ts';
import { noStorage, type ConversationMeta, type ConversationStorage, type ConversationWrite } from './storage.ts';
import type { Store } from './store.ts';
import { Timeline } from './timeline.ts';
import type { OutboundFrame, TransportSink } from './transport.ts';
import type { ConnectionState, NatterState } from './types.ts';

/** A message the customer wrote, journaled, before the stored conversation may have been read. */
export interface Draft {
  clientId: string;
  text: string;
  createdAt: number;
}

/**
 * One visitor's conversation on this browser: the timeline, and how it is kept and sent. It ties together
 * who the visitor is (`identity.ts`), the load (`restore.ts`, `journal-recovery.ts`), the timeline
 * (`timeline.ts`), the write queue (`persistence.ts`), the outbox (`outbox.ts`), live chat (`live.ts`), the
 * inbound frames (`inbound.ts`) and the other tabs (`tab-sync.ts`), which work on its fields directly: they
 * are the core's own, and `NatterClient`, its public face, exposes none of them.
 */
export class Conversation {
  readonly timeline = new Timeline();
  readonly live: LiveChat;
  readonly outbox: Outbox;
  readonly uploads = new Uploads(this);
  readonly #inbound: Inbound;
  readonly tabs: TabSync | undefined;
  storage: ConversationStorage = noStorage;
  persistence: Persistence | undefined;
  visitorId: string | undefined;
  /** The site's signed identity token (`userToken`, `identify({ token })`): in memory only. */
  token: string | undefined;
  /** Whether this visitor is in storage: nothing is written until the customer writes something. */
  persisted = false;
  meta: ConversationMeta | undefined;
  /** The customer's language, page and attributes: in every `hello`, and sent as they change. */
  readonly info: VisitorInfo;
  #connected = false;
  /** Requests (live chat, rating, email…) waiting for the connection; not durable, unlike messages. */
  #requests: OutboundFrame[] = [];
  /** Messages this tab journaled and is still sending, which the load must not take as another tab's. */
  readonly journaling = new Set<string>();
  pageVisible = true;
  /** Hands a frame to the transport if the link is open; `false` otherwise. */
  readonly transmit: (frame: OutboundFrame) => boolean;

  constructor(
    readonly options: ClientOptions,
    readonly store: Store<NatterState>,
    readonly events: Emitter<NatterEvents>,
  ) {
    this.token = options.userToken;
    this.info = { locale: options.locale, attributes: options.attributes };
    const send = (this.transmit = (frame: OutboundFrame) => this.store.getState().connection === 'open' && options.transport.send(frame));
    this.live = new LiveChat({ store, events, send, warn: (message) => this.warn(message), persistMode: (mode) => this.#persistMode(mode) });
    this.outbox = new Outbox(
      {
        send,
        find: (key) => this.timeline.get(key),
        pending: () => this.timeline.list.filter((m) => m.author.role === 'visitor' && m.status !== 'sent' && !m.rejected),
        update: (message) => this.update(message),
        upload: (message) => this.uploads.start(message),
      },
      options.ackTimeoutMs ?? 10_000,
      options.offlineNoticeMs ?? 30_000,
    );
    this.#inbound = new Inbound(this);
    const bus = options.tabs?.();
    if (bus) this.tabs = new TabSync(bus, this);
  }

  /** Whether the conversation may be kept on this device now (see `NatterState.consent`): writes go to storage. */
  get keeps(): boolean {
    return this.store.getState().consent === true;
  }

  /** Records the customer's message synchronously, before anything can interrupt the page (if it may be kept). */
  journal(clientId: string, text: string): Draft {
    const draft = { clientId, text, createdAt: Date.now() };
    if (this.keeps && this.options.journal?.append({ ...draft, ...(this.visitorId && { visitorId: this.visitorId }) })) this.journaling.add(clientId);
    return draft;
  }

  /**
   * The customer's message, after the load: into the timeline, to the network and to storage at once. With
   * `file`, the bytes are stored with it (not journaled, and not shown in other tabs before the server has
   * it: neither can carry them), and uploaded before it goes out.
   */
  send(draft: Draft, file?: Attachment): Message {
    this.live.stopTyping();
    if (this.store.getState().mode.phase === 'ended') this.live.apply({ type: 'resume' });
    // The customer answers the site's invitation: it goes along with the answer, and only now.
    const context = this.store.getState().invitation;
    const message: Message = { key: draft.clientId, clientId: draft.clientId, author: { role: 'visitor' }, text: draft.text, createdAt: draft.createdAt, local: this.nextLocal(), status: 'sending', ...(context && { context }), ...(file && { file }) };
    if (context) this.store.setState({ invitation: undefined });
    this.add(message);
    if (!file) this.post({ k: 'local', visitorId: this.visitorId!, clientId: message.key, text: message.text, createdAt: message.createdAt, local: message.local!, ...(context && { context }) });
    this.connect();
    this.outbox.offer(message);
    return message;
  }

  /** The page became visible or hidden; a tab the customer looks at becomes the one that notifies. */
  setPageVisible(visible: boolean): void {
    this.pageVisible = visible;
    if (!visible) return;
    this.store.setState({ notifies: true });
    this.post({ k: 'shown' });
  }

  retry(key: string): void {
    const message = this.timeline.get(key);
    if (!message || message.status !== 'failed') return;
    this.connect();
    this.outbox.retry(message);
  }

  async identify({ token, ...user }: User): Promise<void> {
    const previous = this.store.getState().user;
    if (previous?.id && user.id && previous.id !== user.id) await this.forget();
    const merged = { ...this.store.getState().user, ...user };
    this.store.setState({ user: merged });
    if (this.persisted) this.saveMeta({ user: merged });
    if (token) this.token = token;
    this.request({ type: 'identify', user: merged, ...(token && { token }) }, false);
  }

  /** Sends a request now, or when the connection is open; `persist` first makes this visitor a stored one. */
  async request(frame: OutboundFrame, persist = true): Promise<void> {
    if (persist) persistVisitor(this);
    this.connect();
    if (this.store.getState().connection !== 'open' || !this.options.transport.send(frame)) this.#requests.push(frame);
  }

  /** The customer's language, page or attributes changed: the backend hears of it if it is connected, else at the next `hello`. */
  describe(info: VisitorInfo): void {
    Object.assign(this.info, info);
    if (this.#connected) this.options.transport.send({ type: 'visitor', ...info });
  }

  load(): Promise<void> {
    return restore(this);
  }

  /** The panel opened: read, and reach the backend (availability, a live chat offer). */
  opened(): void {
    this.markRead();
    ensureVisitor(this);
    this.connect();
  }

  markRead(): void {
    const last = this.timeline.list.findLast((m) => m.order !== undefined);
    const readOrder = last?.order;
    if (readOrder === this.meta?.readOrder && this.store.getState().unread === 0) return;
    if (this.meta) this.saveMeta({ ...(readOrder !== undefined && { readOrder }), unread: 0 });
    if (readOrder !== undefined && this.visitorId) this.post({ k: 'read', visitorId: this.visitorId, order: readOrder });
    this.setUnread(0);
  }

  async loadOlder(count: number): Promise<number> {
    const first = this.timeline.list.find((m) => m.order !== undefined);
    if (!this.visitorId || !first || !this.store.getState().hasOlder) return 0;
    const older = await this.storage.loadBefore(this.visitorId, first.order!, count);
    this.timeline.reset([...older, ...this.timeline.list]);
    this.store.setState({ hasOlder: older.length === count });
    this.showTimeline();
    return older.length;
  }

  reconnect(): void {
    if (this.persisted) this.connect();
  }

  stop(): void {
    this.options.transport.close();
    this.#connected = false;
    this.outbox.stop();
    this.uploads.stop();
    this.setConnection('idle');
  }

  /**
   * Deletes everything of this visitor from this browser and starts afresh, in every tab (`tell`: this tab
   * is the one that decided; the others delete too, so that no write of theirs brings the visitor back).
   */
  async forget(tell = true): Promise<void> {
    const visitorId = this.visitorId;
    const persistence = this.persistence;
    if (tell && visitorId) this.post({ k: 'forget', visitorId });
    this.stop();
    this.visitorId = undefined;
    this.token = undefined;
    this.persistence = undefined;
    this.persisted = false;
    this.meta = undefined;
    this.#requests = [];
    this.timeline.reset([]);
    this.store.setState({ messages: [], participants: [], user: undefined, available: undefined, email: undefined, typing: undefined, hasOlder: false });
    this.live.set(initialModeState(this.store.getState().mode.setting));
    this.setUnread(0);
    const journal = this.options.journal;
    journal?.remove(journal.read().filter((entry) => entry.visitorId === visitorId || !entry.visitorId).map((entry) => entry.clientId));
    if (!visitorId) return;
    await persistence?.idle();
    await this.storage.forget(visitorId).catch(this.#notDeleted);
  }

  /**
   * The customer (or the site, for them) agreed to keep the conversation on this device, or withdrew: what
   * the page holds is stored at once, or everything stored is deleted and the conversation goes on in
   * memory. Every tab follows (`tell`: this is the tab it was said in).
   */
  async agree(yes: boolean, tell = true): Promise<void> {
    if (yes && this.keeps) return;
    this.store.setState({ consent: yes });
    if (tell) this.post({ k: 'consent', v: 1, yes });
    const before = this.persistence;
    if (this.visitorId) this.persistence = newPersistence(this, this.visitorId);
    if (yes) {
      if (this.persisted) void this.persistence!.save({ put: this.timeline.list, meta: metaRecord(this), current: true });
      return;
    }
    const journal = this.options.journal;
    journal?.remove(journal.read().map((entry) => entry.clientId));
    // After this tab's own writes: one of them landing later would bring back what was deleted.
    await before?.idle();
    await this.storage.clear().catch(this.#notDeleted);
  }

  readonly #notDeleted = (error: unknown) =>
    this.fail(new NatterError('storage', `Natter could not delete the stored conversation (${String(error)}); clear this site's data to remove it.`, { cause: error }));

  // ---- used by the inbound frames and the outbox --------------------------------------------------

  /** Puts a changed message in the timeline and storage (moving its slot when its place changed). */
  update(message: Message, change: Partial<ConversationWrite> = {}): Message | undefined {
    const previous = this.timeline.upsert(message);
    const moved = previous && (previous.order !== message.order ? [previous] : []);
    this.showTimeline(message);
    this.save({ put: [message], remove: moved ?? [], ...change });
    if (previous && previous.status !== message.status) this.events.emit('status', message);
    return previous;
  }

  /** Queues a storage write, for a visitor who is stored. */
  save(change: ConversationWrite): void {
    if (!this.persisted) persistVisitor(this);
    void this.persistence?.save(change);
  }

  saveMeta(patch: Partial<ConversationMeta>): void {
    this.meta = { ...metaRecord(this), ...patch };
    if (this.persisted) void this.persistence?.save({ meta: this.meta });
  }

  connect(): void {
    if (this.#connected || !this.visitorId) return;
    this.#connected = true;
    const visitorId = this.visitorId;
    const guard = (fn: () => void) => () => {
      if (this.visitorId === visitorId) fn();
    };
    const sink: TransportSink = {
      frame: (frame) => guard(() => this.#inbound.receive(frame))(),
      state: (state, detail) =>
        guard(() => {
          if (detail?.error) this.fail(new NatterError('transport', detail.error.message, { cause: detail.error }));
          if (state === 'closed') this.#connected = false;
          this.setConnection(state === 'closed' ? 'idle' : state);
        })(),
      warn: (message) => this.warn(message),
    };
    const user = this.store.getState().user;
    const token = this.token;
    this.options.transport.open({ visitorId, cursor: this.meta?.cursor ?? null, ...(user && { user }), ...(token && { token }), ...this.info }, sink);
  }

  setConnection(connection: ConnectionState): void {
    if (connection === this.store.getState().connection) return;
    this.store.setState({ connection });
    this.events.emit('connection', connection);
    this.outbox.linkChanged(connection === 'open');
    if (connection !== 'open') return this.uploads.stop();
    const requests = this.#requests;
    this.#requests = [];
    for (const frame of requests) if (!this.options.transport.send(frame)) this.#requests.push(frame);
  }

  setUnread(count: number): void {
    if (count === this.store.getState().unread) return;
    this.store.setState({ unread: count });
    this.events.emit('unread', count);
  }

  warn(message: string): void {
    console.warn(`Natter: ${message}`);
  }

  fail(error: NatterError): NatterError {
    this.events.emit('error', error);
    return error;
  }

  // ---- internals ----------------------------------------------------------------------------------

  /** Shows the timeline; `added` (when given) may bring a new participant. */
  showTimeline(added?: Message): void {
    const participants = withParticipants(this.store.getState().participants, added ? [added] : this.timeline.list);
    this.store.setState({ messages: this.timeline.list, participants });
  }

  add(message: Message): void {
    this.timeline.upsert(message);
    this.showTimeline(message);
    this.events.emit('message', message);
    persistVisitor(this);
    void this.persistence?.save({ put: [message], meta: metaRecord(this) }).then(() => {
      this.journaling.delete(message.key);
      this.options.journal?.remove([message.key]);
    });
  }

  nextLocal(): number {
    const meta = metaRecord(this);
    this.meta = { ...meta, localSeq: meta.localSeq + 1 };
    return this.meta.localSeq;
  }







  post(news: TabNews): void {
    this.tabs?.post(news);
  }







  #persistMode(mode: ModeState): void {
    this.saveMeta({ mode: { phase: mode.phase, ...(mode.session && { session: mode.session }) } });
  }


}
