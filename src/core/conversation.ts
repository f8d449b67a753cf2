import { nanoid } from 'nanoid';
import type { Message, User } from '../model/types.ts';
import type { ClientOptions } from './client.ts';
import type { Emitter } from './emitter.ts';
import { NatterError } from './errors.ts';
import type { NatterEvents } from './events.ts';
import { Inbound } from './inbound.ts';
import { LiveChat } from './live.ts';
import { initialModeState, type ModeState } from './modes.ts';
import { Outbox } from './outbox.ts';
import { Persistence } from './persistence.ts';
import { TabSync } from './tab-sync.ts';
import type { TabNews } from './tabs.ts';
import { withParticipants } from './state.ts';
import { noStorage, type ConversationMeta, type ConversationStorage, type ConversationWrite } from './storage.ts';
import type { Store } from './store.ts';
import { Timeline } from './timeline.ts';
import type { OutboundFrame, TransportSink } from './transport.ts';
import type { ConnectionState, NatterState } from './types.ts';

/** How many of the newest stored items a load reads; older ones come with `loadOlder`, as the reader scrolls up. */
const PAGE = 200;

/** A message the customer wrote, journaled, before the stored conversation may have been read. */
export interface Draft {
  clientId: string;
  text: string;
  createdAt: number;
}

/**
 * One visitor's conversation on this browser: who the visitor is, the timeline, and how it is kept and sent.
 * It ties together the timeline (`timeline.ts`), the write queue (`persistence.ts`), the outbox
 * (`outbox.ts`), live chat (`live.ts`) and the inbound frames (`inbound.ts`). `NatterClient` is its public face.
 */
export class Conversation {
  readonly timeline = new Timeline();
  readonly live: LiveChat;
  readonly outbox: Outbox;
  readonly #inbound: Inbound;
  readonly #tabs: TabSync | undefined;
  #storage: ConversationStorage = noStorage;
  #persistence: Persistence | undefined;
  visitorId: string | undefined;
  /** Whether this visitor is in storage: nothing is written until the customer writes something. */
  #persisted = false;
  meta: ConversationMeta | undefined;
  #connected = false;
  /** Requests (live chat, rating, email…) waiting for the connection; not durable, unlike messages. */
  #requests: OutboundFrame[] = [];
  /** Messages this tab journaled and is still sending, which the load must not take as another tab's. */
  readonly #journaling = new Set<string>();
  pageVisible = true;

  constructor(
    readonly options: ClientOptions,
    readonly store: Store<NatterState>,
    readonly events: Emitter<NatterEvents>,
  ) {
    const send = (frame: OutboundFrame) => this.store.getState().connection === 'open' && options.transport.send(frame);
    this.live = new LiveChat({ store, events, send, warn: (message) => this.warn(message), persistMode: (mode) => this.#persistMode(mode) });
    this.outbox = new Outbox(
      {
        send,
        find: (key) => this.timeline.get(key),
        pending: () => this.timeline.list.filter((m) => m.author.role === 'visitor' && m.status !== 'sent' && !m.rejected),
        update: (message) => this.update(message),
      },
      options.ackTimeoutMs ?? 10_000,
      options.offlineNoticeMs ?? 30_000,
    );
    this.#inbound = new Inbound(this);
    const bus = options.tabs?.();
    if (bus) this.#tabs = new TabSync(bus, this);
  }

  /** Records the customer's message synchronously, before anything can interrupt the page. */
  journal(clientId: string, text: string): Draft {
    const draft = { clientId, text, createdAt: Date.now() };
    if (this.options.journal?.append({ ...draft, ...(this.visitorId && { visitorId: this.visitorId }) })) this.#journaling.add(clientId);
    return draft;
  }

  async load(): Promise<void> {
    try {
      this.#storage = this.options.storage?.() ?? noStorage;
      this.#storage.onLost(() => this.#healLostStorage());
      const visitorId = await this.#storage.currentVisitor();
      if (visitorId) {
        const loaded = await this.#storage.load(visitorId, PAGE);
        this.#adopt(visitorId, loaded.meta);
        this.timeline.reset([...loaded.items, ...loaded.unplaced]);
        for (const message of loaded.unplaced) this.meta!.localSeq = Math.max(this.meta!.localSeq, message.local ?? 0);
        const stored = this.meta!.mode;
        if (stored) this.live.set({ ...this.store.getState().mode, phase: stored.phase, session: stored.session });
        this.store.setState({ email: this.meta!.user?.email, user: this.meta!.user, hasOlder: loaded.hasOlder, unread: this.meta!.unread });
        this.#showTimeline();
      }
    } catch (error) {
      // Writing now would make a new visitor "current" and hide the stored conversation for good: this page
      // keeps its conversation in memory instead.
      this.#storage = noStorage;
      this.#persistence = undefined;
      this.fail(new NatterError('storage', `Natter could not read the stored conversation (${String(error)}); this page keeps it in memory. Allow site storage.`, { cause: error }));
    }
    await this.#recoverJournal();
    this.store.setState({ ready: true });
    this.events.emit('ready');
    if (this.store.getState().unread) this.events.emit('unread', this.store.getState().unread);
    if (this.#persisted) this.connect();
  }

  /** The customer's message, after the load: into the timeline, to the network and to storage at once. */
  send(draft: Draft): Message {
    this.live.stopTyping();
    if (this.store.getState().mode.phase === 'ended') this.live.apply({ type: 'resume' });
    const message: Message = { key: draft.clientId, clientId: draft.clientId, author: { role: 'visitor' }, text: draft.text, createdAt: draft.createdAt, local: this.#nextLocal(), status: 'sending' };
    this.#add(message);
    this.#post({ k: 'local', visitorId: this.visitorId!, clientId: message.key, text: message.text, createdAt: message.createdAt, local: message.local! });
    this.connect();
    this.outbox.offer(message);
    return message;
  }

  // ---- news from the other tabs (see tab-sync.ts) --------------------------------------------------

  /**
   * Another tab says which visitor this browser is. A tab follows it when it has no visitor, or one nothing
   * was written for yet (two tabs opened before the first message); between two such tabs the smaller id
   * wins, so they agree whichever hears first. A tab whose conversation has begun answers with its own.
   */
  visitorFromTab(visitorId: string, stored: boolean): void {
    const mine = this.visitorId;
    if (mine === visitorId) {
      // The tab that made it has begun the conversation: this one goes on with it too.
      if (stored && !this.#persisted) {
        this.#persisted = true;
        this.connect();
      }
      return;
    }
    if (mine && this.#persisted) {
      if (!stored) this.#announce();
      return;
    }
    if (mine && !stored && mine < visitorId) return;
    if (mine) this.stop();
    this.visitorId = visitorId;
    this.meta = { visitorId, cursor: null, unread: 0, localSeq: this.meta?.localSeq ?? 0, createdAt: Date.now() };
    this.#persisted = stored;
    this.#persistence = this.#newPersistence(visitorId);
    if (stored || this.store.getState().isOpen) this.connect();
  }

  /** A message written in another tab: shown here too, and sent from here if that tab goes first. */
  addFromTab(news: Extract<TabNews, { k: 'local' }>): void {
    const meta = this.#metaRecord();
    this.meta = { ...meta, localSeq: Math.max(meta.localSeq, news.local) };
    if (this.timeline.get(news.clientId)) return;
    const message: Message = { key: news.clientId, clientId: news.clientId, author: { role: 'visitor' }, text: news.text, createdAt: news.createdAt, local: news.local, status: 'sending' };
    this.timeline.upsert(message);
    this.#showTimeline(message);
    this.events.emit('message', message);
    this.save({ put: [message] });
    this.outbox.offer(message);
  }

  /** The page became visible or hidden; a tab the customer looks at becomes the one that notifies. */
  setPageVisible(visible: boolean): void {
    this.pageVisible = visible;
    if (!visible) return;
    this.store.setState({ notifies: true });
    this.#post({ k: 'shown' });
  }

  readFromTab(order: string): void {
    if (this.meta?.readOrder !== undefined && order < this.meta.readOrder) return;
    this.saveMeta({ readOrder: order, unread: 0 });
    this.setUnread(0);
  }

  retry(key: string): void {
    const message = this.timeline.get(key);
    if (!message || message.status !== 'failed') return;
    this.connect();
    this.outbox.retry(message);
  }

  async identify(user: User): Promise<void> {
    const previous = this.store.getState().user;
    if (previous?.id && user.id && previous.id !== user.id) await this.forget();
    const merged = { ...this.store.getState().user, ...user };
    this.store.setState({ user: merged });
    if (this.#persisted) this.saveMeta({ user: merged });
    this.request({ type: 'identify', user: merged }, false);
  }

  /** Sends a request now, or when the connection is open; `persist` first makes this visitor a stored one. */
  async request(frame: OutboundFrame, persist = true): Promise<void> {
    if (persist) this.#persistVisitor();
    this.connect();
    if (this.store.getState().connection !== 'open' || !this.options.transport.send(frame)) this.#requests.push(frame);
  }

  /** The panel opened: read, and reach the backend (availability, a live chat offer). */
  opened(): void {
    this.markRead();
    this.#ensureVisitor();
    this.connect();
  }

  markRead(): void {
    const last = this.timeline.list.findLast((m) => m.order !== undefined);
    const readOrder = last?.order;
    if (readOrder === this.meta?.readOrder && this.store.getState().unread === 0) return;
    if (this.meta) this.saveMeta({ ...(readOrder !== undefined && { readOrder }), unread: 0 });
    if (readOrder !== undefined && this.visitorId) this.#post({ k: 'read', visitorId: this.visitorId, order: readOrder });
    this.setUnread(0);
  }

  async loadOlder(count: number): Promise<number> {
    const first = this.timeline.list.find((m) => m.order !== undefined);
    if (!this.visitorId || !first || !this.store.getState().hasOlder) return 0;
    const older = await this.#storage.loadBefore(this.visitorId, first.order!, count);
    this.timeline.reset([...older, ...this.timeline.list]);
    this.store.setState({ hasOlder: older.length === count });
    this.#showTimeline();
    return older.length;
  }

  reconnect(): void {
    if (this.#persisted) this.connect();
  }

  stop(): void {
    this.options.transport.close();
    this.#connected = false;
    this.outbox.stop();
    this.setConnection('idle');
  }

  /**
   * Deletes everything of this visitor from this browser and starts afresh, in every tab (`tell`: this tab
   * is the one that decided; the others delete too, so that no write of theirs brings the visitor back).
   */
  async forget(tell = true): Promise<void> {
    const visitorId = this.visitorId;
    const persistence = this.#persistence;
    if (tell && visitorId) this.#post({ k: 'forget', visitorId });
    this.stop();
    this.visitorId = undefined;
    this.#persistence = undefined;
    this.#persisted = false;
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
    await this.#storage.forget(visitorId).catch((error: unknown) => {
      this.fail(new NatterError('storage', `Natter could not delete the stored conversation (${String(error)}); clear this site's data to remove it.`, { cause: error }));
    });
  }

  // ---- used by the inbound frames and the outbox --------------------------------------------------

  /** Puts a changed message in the timeline and storage (moving its slot when its place changed). */
  update(message: Message, change: Partial<ConversationWrite> = {}): Message | undefined {
    const previous = this.timeline.upsert(message);
    const moved = previous && (previous.order !== message.order ? [previous] : []);
    this.#showTimeline(message);
    this.save({ put: [message], remove: moved ?? [], ...change });
    if (previous && previous.status !== message.status) this.events.emit('status', message);
    return previous;
  }

  /** Queues a storage write, for a visitor who is stored. */
  save(change: ConversationWrite): void {
    if (!this.#persisted) this.#persistVisitor();
    void this.#persistence?.save(change);
  }

  saveMeta(patch: Partial<ConversationMeta>): void {
    this.meta = { ...this.#metaRecord(), ...patch };
    if (this.#persisted) void this.#persistence?.save({ meta: this.meta });
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
    this.options.transport.open({ visitorId, cursor: this.meta?.cursor ?? null, ...(user && { user }), ...(this.options.locale && { locale: this.options.locale }) }, sink);
  }

  setConnection(connection: ConnectionState): void {
    if (connection === this.store.getState().connection) return;
    this.store.setState({ connection });
    this.events.emit('connection', connection);
    this.outbox.linkChanged(connection === 'open');
    if (connection !== 'open') return;
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
  #showTimeline(added?: Message): void {
    const participants = withParticipants(this.store.getState().participants, added ? [added] : this.timeline.list);
    this.store.setState({ messages: this.timeline.list, participants });
  }

  #add(message: Message): void {
    this.timeline.upsert(message);
    this.#showTimeline(message);
    this.events.emit('message', message);
    this.#persistVisitor();
    void this.#persistence?.save({ put: [message], meta: this.#metaRecord() }).then(() => {
      this.#journaling.delete(message.key);
      this.options.journal?.remove([message.key]);
    });
  }

  #nextLocal(): number {
    const meta = this.#metaRecord();
    this.meta = { ...meta, localSeq: meta.localSeq + 1 };
    return this.meta.localSeq;
  }

  /** Moves messages a reload or a closed tab interrupted (journaled, not yet stored) into the conversation. */
  async #recoverJournal(): Promise<void> {
    const journal = this.options.journal;
    if (!journal) return;
    const entries = journal.read();
    if (!entries.length) return;
    // A tab still open stores its own entries (and tells the others of them).
    const live = await this.#tabs?.bus.liveTabs().catch(() => undefined);
    for (const entry of entries) {
      if (this.#journaling.has(entry.clientId) || (entry.tab && live?.has(entry.tab))) continue;
      if (this.timeline.get(entry.clientId)) {
        journal.remove([entry.clientId]);
        continue;
      }
      // Written as a visitor this browser has since left (shutdown, another user): it is not this one's.
      if (entry.visitorId && this.visitorId && entry.visitorId !== this.visitorId) {
        journal.remove([entry.clientId]);
        continue;
      }
      if (entry.visitorId && !this.visitorId) this.#adopt(entry.visitorId, undefined);
      this.#add({ key: entry.clientId, clientId: entry.clientId, author: { role: 'visitor' }, text: entry.text, createdAt: entry.createdAt, local: this.#nextLocal(), status: 'sending' });
    }
  }

  #adopt(visitorId: string, meta: ConversationMeta | undefined): void {
    this.visitorId = visitorId;
    this.meta = meta ?? { visitorId, cursor: null, unread: 0, localSeq: 0, createdAt: Date.now() };
    this.#persisted = true;
    this.#persistence = this.#newPersistence(visitorId);
  }

  #ensureVisitor(): string {
    if (!this.visitorId) {
      this.visitorId = nanoid();
      this.#persistence = this.#newPersistence(this.visitorId);
      this.#announce();
    }
    return this.visitorId;
  }

  #announce(): void {
    if (this.visitorId) this.#post({ k: 'visitor', visitorId: this.visitorId, stored: this.#persisted });
  }

  #post(news: TabNews): void {
    this.#tabs?.post(news);
  }

  /** Starts keeping this visitor in storage: the customer has begun a conversation. */
  #persistVisitor(): void {
    this.#ensureVisitor();
    if (this.#persisted) return;
    this.#persisted = true;
    this.#announce();
    void this.#persistence!.save({ meta: this.#metaRecord(), current: true });
  }

  #newPersistence(visitorId: string): Persistence {
    return new Persistence(
      this.#storage,
      visitorId,
      (error) => {
        const problem = `Natter could not save the conversation (${String(error)}); it is kept on this page and saved with the next change. Free disk space or allow site storage.`;
        this.store.setState({ storageProblem: problem });
        this.fail(new NatterError('storage', problem, { cause: error }));
      },
      () => this.store.getState().storageProblem && this.store.setState({ storageProblem: undefined }),
    );
  }

  #metaRecord(): ConversationMeta {
    const visitorId = this.#ensureVisitor();
    const user = this.store.getState().user;
    return { ...(this.meta ?? { cursor: null, unread: 0, localSeq: 0, createdAt: Date.now() }), visitorId, ...(user && { user }) };
  }

  #persistMode(mode: ModeState): void {
    this.saveMeta({ mode: { phase: mode.phase, ...(mode.session && { session: mode.session }) } });
  }

  /** The database vanished underneath the page: write back everything this page holds, and say so. */
  #healLostStorage(): void {
    if (!this.#persisted || !this.#persistence) return;
    this.fail(new NatterError('storage', 'Natter: the stored conversation was deleted while the page was open (site data cleared?); it was saved again from this page.'));
    void this.#persistence.save({ put: this.timeline.list, meta: this.#metaRecord(), current: true });
  }
}
