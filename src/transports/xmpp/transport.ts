import { reopenWith, type OutboundFrame, type Transport, type TransportOpenOptions, type TransportSink } from '../../core/transport.ts';
import { PROTOCOL_VERSION } from '../../protocol/constants.ts';
import { backoffDelay, DEFAULT_BACKOFF } from '../backoff.ts';
import { credentials, type Credentials } from './account.ts';
import { parseCursor, sameVisitor } from './archive.ts';
import { CatchUp } from './catch-up.ts';
import { LinkError, Link } from './link.ts';
import { login } from './login.ts';
import type { XmppTransportOptions } from './options.ts';
import { ask, passOn, readFrame } from './router.ts';
import { bounced, checkArchive, joinStanza, liveMessage, messageStanza, typingStanza } from './room.ts';
import { child, condition, NS, tag } from './xml.ts';

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
  /** Settles when the visitor's presence in the room is confirmed (or refused). */
  #joined: [() => void, (error: LinkError) => void] | undefined;
  #archive: CatchUp | undefined;
  /** Router requests not answered yet, in order: asked again after the next `welcome`. */
  #unanswered: Request[] = [];
  /** Counts `open`s: an answer to a request of an earlier one is not this visitor's. */
  #opened = 0;

  constructor(options: XmppTransportOptions) {
    this.#options = options;
    this.#domain = (options.domain ?? new URL(options.url).hostname).toLowerCase();
    this.#router = (options.router ?? `router.${this.#domain}`).toLowerCase();
  }

  open(options: TransportOpenOptions, sink: TransportSink): void {
    this.close();
    this.#hello = options;
    this.#sink = sink;
    this.#opened++;
    this.#unanswered = [];
    this.#credentials = globalThis.crypto?.subtle && credentials(options.visitorId);
    const cursor = parseCursor(options.cursor);
    const [room, nick = ''] = cursor ? splitJid(cursor.occupant) : [''];
    [this.#room, this.#nick] = [room, nick];
    this.#archive = new CatchUp(sink);
    this.#archive.last = cursor?.position;
    this.#stopped = false;
    this.#attempt = 0;
    globalThis.addEventListener?.('online', this.#retryNow);
    globalThis.document?.addEventListener('visibilitychange', this.#retryNow);
    this.#connect();
  }

  send(frame: OutboundFrame): boolean {
    // Kept for the next hello: who the visitor is, and their language, page and attributes.
    this.#hello = reopenWith(this.#hello, frame);
    const link = this.#link;
    if (!this.#ready || !link) return false;
    switch (frame.type) {
      case 'message':
        return link.send(messageStanza(this.#room, frame.clientId, frame.text));
      case 'typing':
        return link.send(typingStanza(this.#room, frame.typing));
      case 'resync':
        this.#catchUp(link);
        this.#ping(link);
        return true;
      default:
        // The protocol's names for two frames (docs/protocol.md): `rating` is `rate`.
        this.#request(link, frame.type === 'rating' ? { ...frame, type: 'rate' } : frame);
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
    if (!globalThis.crypto?.subtle) {
      throw new LinkError('the XMPP transport derives the visitor\'s account with crypto.subtle, which browsers offer only on https:// pages (and http://localhost); serve the page over https', true);
    }
    await login(link, await this.#credentials!, timeout);
    link.onStanza = (stanza) => this.#stanza(link, stanza);
    // Available, so that the router's pushes to the bare JID reach this resource.
    link.send(tag('presence', {}));
    await this.#greet(link);
    if (!this.#room) throw new LinkError(`the routing service ${this.#router} does not answer, and no conversation is known yet; retrying`);
    checkArchive(await link.iq('get', this.#room, tag('query', { xmlns: 'http://jabber.org/protocol/disco#info' }), timeout), this.#room);
    await new Promise<void>((resolve, reject) => {
      this.#joined = [resolve, reject];
      link.send(joinStanza(this.#room, this.#nick));
      setTimeout(() => reject(new LinkError(`no answer from the room ${this.#room}`)), timeout);
    });
    this.#joined = undefined;
    await this.#archive!.run(link, this.#room, this.#nick, this.#timeout);
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
    const { user, locale, token, page, attributes } = this.#hello!;
    // The router knows the visitor by their account; the secret stays in the browser (v1 requires the field).
    const visitorId = (await this.#credentials!).username;
    const answer = await this.#ask(link, { type: 'hello', v: PROTOCOL_VERSION, visitorId, ...(user && { user }), ...(locale && { locale }), ...(token && { token }), ...(page && { page }), ...(attributes && { attributes }) });
    if (answer?.type !== 'welcome') {
      if (answer) passOn(answer, this.#sink!);
      // Down, or refusing: the room goes on working without it; it is asked again later.
      return this.#greetLater(link);
    }
    const room = answer.room.toLowerCase();
    const moved = this.#room && (room !== this.#room || answer.nick !== this.#nick);
    if (moved && this.#archive!.last) {
      this.#sink!.warn(`the router's conversation ${room} is not this browser's (${this.#room}); starting over from its archive`);
      this.#archive!.last = undefined;
      this.#sink!.frame({ type: 'reset' });
    }
    [this.#room, this.#nick] = [room, answer.nick];
    passOn(answer, this.#sink!);
    // The router came back naming another room than the one this link is in: enter that one instead.
    if (moved && this.#ready) return this.#lost(link, new LinkError(`the conversation moved to ${room}`));
    for (const frame of this.#unanswered.splice(0)) this.#request(link, frame);
  }

  readonly #warn = (message: string): void => this.#sink?.warn(message);

  #ask(link: Link, frame: object) {
    return ask(link, this.#router, frame, this.#timeout, this.#warn);
  }

  /** Says `hello` again in 30 s on this link (the router is down, or refused), the timer restarted. */
  #greetLater(link: Link): void {
    clearTimeout(this.#helloTimer);
    this.#helloTimer = setTimeout(() => this.#link === link && this.#ready && void this.#greet(link).catch(() => {}), 30_000);
  }

  /**
   * A request to the router (a rating, an email, live chat…): its answer is passed on; unanswered (the router
   * is down, or the link went), it waits, and is asked again once the router has welcomed this visitor anew —
   * never for another visitor (`open` starts over).
   */
  #request(link: Link, frame: Request): void {
    const opened = this.#opened;
    void this.#ask(link, frame).then((answer) => {
      if (opened !== this.#opened) return;
      if (!answer) {
        if (this.#unanswered.push(frame) > 50) this.#warn(`dropped a waiting "${this.#unanswered.shift()!.type}"`);
        return this.#greetLater(link);
      }
      passOn(answer, this.#sink!);
      // A verified customer may have a conversation already (another device's): hello names its room. (While
      // connecting, the hello under way carries the token already.)
      if (answer.type === 'ok' && frame.type === 'identify' && frame.token && this.#ready && this.#link === link) void this.#greet(link).catch(() => {});
    });
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
      // Pushes are server frames; an answer's frame (`welcome`, `ok`) is not one.
      if (frame?.type === 'welcome' || frame?.type === 'ok') this.#warn(`ignored a pushed "${frame.type}" frame`);
      else if (frame) passOn(frame, this.#sink!);
    } else if (!own) this.#warn(`ignored a <${kind}> from ${from}: not the server, the router or the conversation's room`);
  }

  #fromRoom(link: Link, stanza: Element, nick: string, occupant: boolean): void {
    const type = stanza.getAttribute('type');
    const self = occupant && nick === this.#nick;
    if (stanza.localName === 'presence') {
      if (!self) return;
      const refused = new LinkError(`the room ${this.#room} refused the visitor (${condition(stanza)}); retrying`);
      // Out of the room (ejabberd: its cluster node shut down, status 332): enter again, then catch up.
      if (type === 'unavailable') link.send(joinStanza(this.#room, this.#nick));
      else if (type === 'error') this.#joined ? this.#joined[1](refused) : this.#lost(link, refused);
      else if (this.#joined) this.#joined[0]();
      else if (this.#ready) this.#catchUp(link);
      return;
    }
    if (stanza.localName !== 'message') return;
    const result = child(stanza, 'result', NS.mam);
    if (result) {
      if (occupant || !this.#archive!.take(result)) this.#warn('ignored an archive result that no query asked for');
      return;
    }
    // Live messages carry no archive order: the archive gives it (and the time), in one query for many.
    const meaning = type === 'error' ? bounced(stanza) : type === 'groupchat' && occupant ? liveMessage(stanza, nick, sameVisitor(nick, this.#nick)) : undefined;
    if (meaning === 'fetch') this.#catchUp(link);
    else if (meaning === 'rejoin') this.#lost(link, new LinkError(`the room ${this.#room} no longer counts the visitor in`));
    else if (meaning) this.#sink!.frame(meaning);
    else if (type === 'error') this.#warn(`the room ${this.#room} reported ${condition(stanza)}`);
  }

  /** Asks for what came after the last item seen (a failure ends the link, which retries). */
  #catchUp(link: Link): void {
    this.#archive!.run(link, this.#room, this.#nick, this.#timeout).catch(() => {});
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
    this.#archive?.stop();
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

/** A request frame for the router, as the transport keeps it until answered. */
type Request = { type: string; token?: string };

/** `[bare, resource]` of a JID; the resource `undefined` when there is none. */
function splitJid(jid: string): [string, string | undefined] {
  const slash = jid.indexOf('/');
  return slash < 0 ? [jid, undefined] : [jid.slice(0, slash), jid.slice(slash + 1)];
}
