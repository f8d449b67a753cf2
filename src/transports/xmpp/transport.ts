import type { OutboundFrame, Transport, TransportOpenOptions, TransportSink } from '../../core/transport.ts';
import { check } from '../../model/check.ts';
import { id as idCheck } from '../../model/schemas.ts';
import { toJson } from '../../model/json.ts';
import { PROTOCOL_VERSION } from '../../protocol/constants.ts';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from '../backoff.ts';
import { credentials, type Credentials } from './account.ts';
import { cursorOf, nextPosition, orderOf, parseCursor, readResult, type Position } from './archive.ts';
import { LinkError, Link } from './link.ts';
import { login } from './login.ts';
import { readFrame, type RouterFrame } from './router.ts';
import { child, condition, esc, NS, tag } from './xml.ts';

/** Options of {@link XmppTransport}. */
export interface XmppTransportOptions {
  /** The XMPP server's WebSocket (RFC 7395), such as `wss://chat.example.com/xmpp-websocket`. */
  url: string;
  /** The visitors' XMPP domain; default: the URL's host name. */
  domain?: string;
  /** The routing service's JID; default `router.` + domain. */
  router?: string;
  /** Reconnection delays; see {@link DEFAULT_BACKOFF}. */
  backoff?: BackoffOptions;
  /** The WebSocket class to use; defaults to the global one. */
  WebSocket?: typeof WebSocket;
  /** How long the server may take to answer a request before the link is taken for dead, ms. Default 15 s. */
  answerTimeoutMs?: number;
  /** How often the server is pinged (XEP-0199), ms. Default 30 s; it must answer within 10 s. */
  pingIntervalMs?: number;
}

const MUC = 'http://jabber.org/protocol/muc';

/**
 * Natter over XMPP (docs/xmpp.md): the visitor is an account derived from their secret, the conversation a
 * members-only archived group-chat room that the routing service makes and names in its `welcome`. The
 * room's archive (MAM) is the history, the cursor and the order: live room messages only trigger a
 * catch-up query, so every tab and device sees one order. Reconnects with backoff like
 * {@link WebSocketTransport}; a server setting that is missing is reported once, as a `closed` error.
 *
 * @example
 * ```ts
 * import { createNatter } from 'natter';
 * import { XmppTransport } from 'natter/xmpp';
 * const natter = createNatter({ transport: new XmppTransport({ url: 'wss://example.com/xmpp-websocket' }) });
 * ```
 */
export class XmppTransport implements Transport {
  readonly name = 'xmpp';
  readonly #options: XmppTransportOptions;
  readonly #domain: string;
  readonly #router: string;
  #sink: TransportSink | undefined;
  #hello: TransportOpenOptions | undefined;
  #credentials: Promise<Credentials> | undefined;
  #link: Link | undefined;
  #stopped = true;
  #ready = false;
  #attempt = 0;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #pingTimer: ReturnType<typeof setInterval> | undefined;
  #helloTimer: ReturnType<typeof setTimeout> | undefined;
  /** The room (bare JID, lower case) and the visitor's nick in it, from the `welcome` or the cursor. */
  #room = '';
  #nick = '';
  /** The last archive item seen. */
  #last: Position | undefined;
  /** Settles when the visitor's presence in the room is confirmed (or refused). */
  #joined: [() => void, (error: LinkError) => void] | undefined;
  /** The catch-up under way, and whether another must follow it (something new came meanwhile). */
  #catching: Promise<void> | undefined;
  #again = false;
  #queryId: string | undefined;
  #results: Element[] = [];

  constructor(options: XmppTransportOptions) {
    this.#options = options;
    this.#domain = (options.domain ?? new URL(options.url).hostname).toLowerCase();
    this.#router = (options.router ?? `router.${this.#domain}`).toLowerCase();
  }

  open(options: TransportOpenOptions, sink: TransportSink): void {
    this.close();
    this.#hello = options;
    this.#sink = sink;
    this.#credentials = credentials(options.visitorId);
    const cursor = parseCursor(options.cursor);
    const [room, nick = ''] = cursor ? splitJid(cursor.occupant) : [''];
    [this.#room, this.#nick] = [room, nick];
    this.#last = cursor?.position;
    this.#stopped = false;
    this.#attempt = 0;
    globalThis.addEventListener?.('online', this.#retryNow);
    globalThis.document?.addEventListener('visibilitychange', this.#retryNow);
    this.#connect();
  }

  send(frame: OutboundFrame): boolean {
    if (frame.type === 'identify' && this.#hello) this.#hello = { ...this.#hello, user: frame.user, ...(frame.token && { token: frame.token }) };
    const link = this.#link;
    if (!this.#ready || !link) return false;
    switch (frame.type) {
      case 'message':
        return link.send(tag('message', { type: 'groupchat', to: this.#room, id: frame.clientId }, tag('body', {}, esc(frame.text)) + tag('origin-id', { xmlns: NS.sid, id: frame.clientId })));
      case 'typing':
        return link.send(tag('message', { type: 'groupchat', to: this.#room }, tag(frame.typing ? 'composing' : 'paused', { xmlns: NS.chatStates }) + tag('no-store', { xmlns: 'urn:xmpp:hints' })));
      case 'resync':
        void this.#catchUp(link).catch(() => {});
        this.#ping(link);
        return true;
      default:
        // The protocol's names for two frames (docs/protocol.md): `rating` is `rate`.
        void this.#ask(link, frame.type === 'rating' ? { ...frame, type: 'rate' } : frame).then((answer) => answer && this.#answer(answer));
        return true;
    }
  }

  close(): void {
    const wasRunning = !this.#stopped;
    this.#stopped = true;
    clearTimeout(this.#retryTimer);
    globalThis.removeEventListener?.('online', this.#retryNow);
    globalThis.document?.removeEventListener('visibilitychange', this.#retryNow);
    this.#drop();
    if (wasRunning) this.#sink?.state('closed');
  }

  #connect(): void {
    this.#sink!.state(this.#attempt === 0 ? 'connecting' : 'reconnecting');
    let socket: WebSocket;
    try {
      socket = new (this.#options.WebSocket ?? globalThis.WebSocket)(this.#options.url, 'xmpp');
    } catch (error) {
      return this.#retry(error instanceof Error ? error : undefined);
    }
    const link = (this.#link = new Link(socket, this.#domain, (message) => this.#sink?.warn(message)));
    link.onEnd = (error) => this.#lost(link, error);
    socket.onopen = () => void this.#start(link).catch((error: unknown) => this.#lost(link, error instanceof LinkError ? error : new LinkError(String(error))));
  }

  /** Logs in, asks the router, joins the room, catches up with its archive, then says `open`. */
  async #start(link: Link): Promise<void> {
    const timeout = this.#timeout;
    await login(link, await this.#credentials!, timeout);
    link.onStanza = (stanza) => this.#stanza(link, stanza);
    // Available, so that the router's pushes to the bare JID reach this resource.
    link.send(tag('presence', {}));
    await this.#greet(link);
    if (!this.#room) throw new LinkError(`the routing service ${this.#router} does not answer, and no conversation is known yet; retrying`);
    const info = await link.iq('get', this.#room, tag('query', { xmlns: 'http://jabber.org/protocol/disco#info' }), timeout);
    if (info.getAttribute('type') !== 'result') throw new LinkError(`the room ${this.#room} cannot be reached (${condition(info)}); retrying`);
    if (!Array.from(child(info, 'query')?.children ?? []).some((feature) => feature.getAttribute('var') === NS.mam)) {
      throw new LinkError(`the room ${this.#room} keeps no archive (XEP-0313 ${NS.mam}), which is Natter's history. Enable it: Prosody modules_enabled = { "muc_mam" } on the group-chat component with muc_log_all_rooms = true; ejabberd mod_mam with the room option mam: true`, true);
    }
    await new Promise<void>((resolve, reject) => {
      this.#joined = [resolve, reject];
      link.send(tag('presence', { to: `${this.#room}/${this.#nick}` }, tag('x', { xmlns: MUC }, tag('history', { maxstanzas: '0' }))));
      setTimeout(() => reject(new LinkError(`no answer from the room ${this.#room}`)), timeout);
    });
    await this.#catchUp(link);
    this.#ready = true;
    this.#attempt = 0;
    this.#sink!.state('open');
    this.#pingTimer = setInterval(() => this.#ping(link), this.#options.pingIntervalMs ?? 30_000);
  }

  get #timeout(): number {
    return this.#options.answerTimeoutMs ?? 15_000;
  }

  /** Says `hello` to the router; the room from its `welcome`, or (router down) the one already known. */
  async #greet(link: Link): Promise<void> {
    clearTimeout(this.#helloTimer);
    const { user, locale, token } = this.#hello!;
    // The router knows the visitor by their account; the secret stays in the browser (v1 requires the field).
    const visitorId = (await this.#credentials!).username;
    const answer = await this.#ask(link, { type: 'hello', v: PROTOCOL_VERSION, visitorId, ...(user && { user }), ...(locale && { locale }), ...(token && { token }) });
    if (answer?.type !== 'welcome') {
      if (answer) this.#answer(answer);
      // Down, or refusing: the room goes on working without it; it is asked again later.
      this.#helloTimer = setTimeout(() => this.#link === link && this.#ready && void this.#greet(link).catch(() => {}), 30_000);
      return;
    }
    const room = answer.room.toLowerCase();
    if (this.#room && (room !== this.#room || answer.nick !== this.#nick) && this.#last) {
      this.#sink!.warn(`the router's conversation ${room} is not this browser's (${this.#room}); starting over from its archive`);
      this.#last = undefined;
      this.#sink!.frame({ type: 'reset' });
    }
    [this.#room, this.#nick] = [room, answer.nick];
    const sink = this.#sink!;
    if (answer.team) sink.frame({ type: 'team', name: answer.team });
    if (answer.availability) sink.frame({ type: 'availability', availability: answer.availability });
    if (answer.mode !== undefined) sink.frame({ type: 'mode', mode: answer.mode });
    if (answer.session !== undefined) sink.frame({ type: 'session', session: answer.session, restore: true });
  }

  /** Sends a client frame to the router; its answer, or `undefined` (with a warning) when it is not there. */
  async #ask(link: Link, frame: object): Promise<RouterFrame | undefined> {
    try {
      const answer = await link.iq('set', this.#router, tag('frame', { xmlns: NS.router }, esc(toJson(frame))), this.#timeout, true);
      if (answer.getAttribute('type') === 'result') return readFrame(answer, this.#warn);
      this.#warn(`the routing service ${this.#router} is not there (${condition(answer)})`);
    } catch (error) {
      this.#warn(`the routing service ${this.#router}: ${(error as Error).message}`);
    }
    return undefined;
  }

  readonly #warn = (message: string): void => this.#sink?.warn(message);

  /** A router answer or push, as the core's frames (errors as the WebSocket transport maps them). */
  #answer(frame: RouterFrame): void {
    const sink = this.#sink!;
    if (frame.type === 'availability' || frame.type === 'mode' || frame.type === 'session') sink.frame(frame);
    else if (frame.type === 'error') {
      if (frame.code === 'rate_limited') sink.frame({ type: 'slow' });
      else if (frame.code === 'unverified') sink.frame({ type: 'identity', message: frame.message });
      else sink.warn(`the routing service reported ${frame.code}: ${frame.message}`);
    } else if (frame.type !== 'ok') sink.warn(`ignored an unexpected router "${frame.type}" frame`);
  }

  /**
   * Queries the archive after the last item seen, page after page, and delivers what it finds. Calls made
   * while one runs are folded into one more round after it.
   */
  #catchUp(link: Link): Promise<void> {
    if (this.#catching) {
      this.#again = true;
      return this.#catching;
    }
    const run = async () => {
      try {
        do {
          this.#again = false;
          await this.#query(link);
        } while (this.#again && this.#link === link);
      } finally {
        if (this.#catching === running) this.#catching = undefined;
      }
    };
    const running = run();
    return (this.#catching = running);
  }

  async #query(link: Link): Promise<void> {
    for (let page = 0; page < 10_000; page++) {
      const after = this.#last?.id;
      const queryId = (this.#queryId = link.id());
      this.#results = [];
      const rsm = tag('set', { xmlns: NS.rsm }, tag('max', {}, '100') + (after ? tag('after', {}, esc(after)) : ''));
      const answer = await link.iq('set', this.#room, tag('query', { xmlns: NS.mam, queryid: queryId }, rsm), this.#timeout);
      const results = this.#results;
      this.#queryId = undefined;
      if (this.#link !== link) return;
      if (answer.getAttribute('type') !== 'result') {
        if (condition(answer) === 'item-not-found' && after) {
          // The archive does not know the cursor: it lost data, or it is another archive.
          this.#sink!.warn(`the archive of ${this.#room} does not know item ${after}; starting over from its start`);
          this.#last = undefined;
          this.#sink!.frame({ type: 'reset' });
          continue;
        }
        throw new LinkError(`the archive of ${this.#room} refused a query (${condition(answer)})`);
      }
      for (const result of results) this.#deliver(result);
      if (child(answer, 'fin', NS.mam)?.getAttribute('complete') === 'true' || this.#last?.id === after) return;
    }
  }

  #deliver(result: Element): void {
    const item = readResult(result, this.#room, this.#nick, this.#warn);
    if (!item) return;
    const position = (this.#last = nextPosition(this.#last, item.id, item.stamp ?? this.#last?.stamp ?? 0));
    if (item.message) this.#sink!.frame({ type: 'message', message: item.message, order: orderOf(position), cursor: cursorOf(`${this.#room}/${this.#nick}`, position) });
  }

  /** A stanza after the login: from the room, the router or the server; anything else is ignored. */
  #stanza(link: Link, stanza: Element): void {
    const from = stanza.getAttribute('from') ?? '';
    const [bare, resource] = splitJid(from.toLowerCase());
    const kind = stanza.localName;
    const type = stanza.getAttribute('type');
    const own = !from || bare === this.#domain || bare === link.jid.toLowerCase().split('/')[0];
    if (kind === 'iq' && (type === 'get' || type === 'set')) {
      if (!own && bare !== this.#room) return this.#warn(`ignored an IQ from ${from}`);
      const ping = child(stanza, 'ping', 'urn:xmpp:ping');
      link.send(tag('iq', { type: ping ? 'result' : 'error', to: from || undefined, id: stanza.getAttribute('id') ?? '' }, ping ? '' : tag('error', { type: 'cancel' }, tag('service-unavailable', { xmlns: NS.stanzas }))));
    } else if (this.#room && bare === this.#room) this.#fromRoom(link, stanza, splitJid(from)[1] ?? '', resource !== undefined);
    else if (bare === this.#router && kind === 'message') {
      const frame = readFrame(stanza, this.#warn);
      if (frame) this.#answer(frame);
    } else if (!own) this.#warn(`ignored a <${kind}> from ${from}: not the server, the router or the conversation's room`);
  }

  #fromRoom(link: Link, stanza: Element, nick: string, occupant: boolean): void {
    const type = stanza.getAttribute('type');
    const self = occupant && nick === this.#nick;
    if (stanza.localName === 'presence') {
      if (!self) return;
      if (type === 'error') this.#joined?.[1](new LinkError(`the room ${this.#room} refused the visitor (${condition(stanza)}); retrying`));
      else if (type === 'unavailable') this.#lost(link, new LinkError(`the visitor left the room ${this.#room}`));
      else this.#joined?.[0]();
      return;
    }
    if (stanza.localName !== 'message') return;
    const result = child(stanza, 'result', NS.mam);
    if (result) {
      if (occupant || !this.#queryId || result.getAttribute('queryid') !== this.#queryId) return this.#warn('ignored an archive result that no query asked for');
      this.#results.push(result);
    } else if (type === 'error') this.#refused(link, stanza);
    else if (type === 'groupchat' && occupant) {
      if (child(stanza, 'body') || child(stanza, 'natter', NS.natter)) {
        // Live messages carry no archive order: the archive gives it (and the time), in one query for many.
        if (this.#ready) void this.#catchUp(link).catch(() => {});
        else this.#again = true;
      } else if (!self) {
        const state = Array.from(stanza.children).find((element) => element.namespaceURI === NS.chatStates)?.localName;
        if (state) this.#sink!.frame({ type: 'typing', author: nick === 'Natter' ? { role: 'bot' } : { role: 'agent', name: nick }, typing: state === 'composing' });
      }
    }
  }

  /** The room bounced a message of the visitor's: slow down, reject it, or join again. */
  #refused(link: Link, stanza: Element): void {
    const clientId = check(idCheck, stanza.getAttribute('id'));
    const why = condition(stanza) ?? 'unknown';
    if (why === 'not-acceptable') return this.#lost(link, new LinkError(`the room ${this.#room} no longer counts the visitor in`));
    if (!clientId.ok) return this.#warn(`the room ${this.#room} reported ${why}`);
    if (why === 'resource-constraint' || why === 'policy-violation') this.#sink!.frame({ type: 'slow', clientId: clientId.value });
    else this.#sink!.frame({ type: 'reject', clientId: clientId.value, reason: `the room refused it: ${why}` });
  }

  #ping(link: Link): void {
    link.iq('get', this.#domain, tag('ping', { xmlns: 'urn:xmpp:ping' }), 10_000).catch(() => {});
  }

  /** A link ended: retry, or (a missing server setting) report it once and stop. */
  #lost(link: Link, error: LinkError): void {
    if (this.#link !== link || this.#stopped) return;
    this.#drop();
    if (!error.fatal) return this.#retry(undefined, error.message);
    this.#stopped = true;
    this.#sink!.state('closed', { error: new Error(`Natter: ${error.message}.`) });
  }

  #drop(): void {
    const link = this.#link;
    this.#link = undefined;
    this.#ready = false;
    this.#joined?.[1](new LinkError('closed'));
    this.#joined = undefined;
    this.#catching = undefined;
    clearInterval(this.#pingTimer);
    clearTimeout(this.#helloTimer);
    link?.close();
  }

  #retry(error?: Error, why?: string): void {
    if (this.#stopped) return;
    if (why) this.#warn(`${why}; reconnecting`);
    const retryInMs = backoffDelay(this.#attempt++, this.#options.backoff ?? DEFAULT_BACKOFF);
    this.#sink!.state('reconnecting', { retryInMs, ...(error && { error }) });
    clearTimeout(this.#retryTimer);
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      this.#connect();
    }, retryInMs);
  }

  /** Back online, or the tab is seen again: retry now, or check that the open link still answers. */
  readonly #retryNow = (): void => {
    if (this.#stopped || globalThis.document?.visibilityState === 'hidden') return;
    if (this.#ready && this.#link) return this.#ping(this.#link);
    if (!this.#retryTimer) return;
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    this.#connect();
  };
}

/** `[bare, resource]` of a JID; the resource `undefined` when there is none. */
function splitJid(jid: string): [string, string | undefined] {
  const slash = jid.indexOf('/');
  return slash < 0 ? [jid, undefined] : [jid.slice(0, slash), jid.slice(slash + 1)];
}
