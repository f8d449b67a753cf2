/**
 * A tiny XMPP client over WebSocket (RFC 7395) for end-to-end tests: connect, register in-band (XEP-0077),
 * log in (SASL PLAIN), bind, send stanzas, wait for a stanza matching a predicate, IQs, and MAM queries
 * (XEP-0313 with RSM). Generic on purpose — visitors, agents and the widget's tests all use it. Every wait
 * is bounded and fails with what it waited for and what arrived instead.
 */
import { parseXml } from '../../../demo/xmpp/xml-parser.ts';
import { el, XmlElement } from '../../../demo/xmpp/xml.ts';

export { el, XmlElement };

const FRAMING = 'urn:ietf:params:xml:ns:xmpp-framing';
const SASL = 'urn:ietf:params:xml:ns:xmpp-sasl';

export interface ArchivedMessage {
  /** The archive's id of the item (opaque). */
  id: string;
  /** `<delay stamp>`, ms since the epoch. */
  stamp: number;
  message: XmlElement;
}

export class XmppClient {
  readonly domain: string;
  /** Every stanza received, oldest first (`waitFor` searches it, so nothing that arrived early is missed). */
  readonly received: XmlElement[] = [];
  jid = '';
  readonly #socket: WebSocket;
  #waiters: Array<{ test: (stanza: XmlElement) => boolean; resolve: (stanza: XmlElement) => void }> = [];
  #ids = 0;
  #closed = false;

  private constructor(socket: WebSocket, domain: string) {
    this.#socket = socket;
    this.domain = domain;
    socket.onmessage = (event) => {
      const stanza = parseXml(String(event.data));
      this.received.push(stanza);
      this.#waiters = this.#waiters.filter((waiter) => (waiter.test(stanza) ? (waiter.resolve(stanza), false) : true));
    };
    socket.onclose = () => (this.#closed = true);
  }

  /** Opens the WebSocket and the stream; resolves once the server's features are in. */
  static async connect(url: string, domain: string): Promise<XmppClient> {
    const socket = new WebSocket(url, 'xmpp');
    await new Promise<void>((resolve, reject) => {
      socket.onopen = () => resolve();
      socket.onerror = () => reject(new Error(`no WebSocket at ${url}`));
    });
    const client = new XmppClient(socket, domain);
    await client.#open();
    return client;
  }

  /**
   * A connected, logged-in client; registers the account first when `register` is set. It then sends initial
   * presence (unless `presence: false`): a server delivers messages addressed to the bare account (the
   * router's pushes, invitations) only to resources that are available.
   */
  static async login(
    url: string,
    domain: string,
    username: string,
    password: string,
    options: { register?: boolean; resource?: string; presence?: boolean } = {},
  ): Promise<XmppClient> {
    if (options.register) {
      const registering = await XmppClient.connect(url, domain);
      await registering.register(username, password);
      registering.close();
    }
    const client = await XmppClient.connect(url, domain);
    await client.auth(username, password, options.resource);
    if (options.presence !== false) client.send(el('presence'));
    return client;
  }

  get closed(): boolean {
    return this.#closed;
  }

  async #open(): Promise<void> {
    const since = this.received.length;
    this.#socket.send(`<open xmlns="${FRAMING}" to="${this.domain}" version="1.0"/>`);
    await this.waitFor((s) => s.name === 'stream:features' || s.name === 'features', { what: 'stream features', since });
  }

  /** In-band registration (XEP-0077). Rejects with the server's condition (`conflict`, `not-allowed`…). */
  async register(username: string, password: string): Promise<void> {
    await this.iq(el('iq', { type: 'set', to: this.domain }, el('query', { xmlns: 'jabber:iq:register' }, el('username', {}, username), el('password', {}, password))));
  }

  /** SASL PLAIN, stream restart, resource binding. */
  async auth(username: string, password: string, resource = `test-${Math.random().toString(36).slice(2, 8)}`): Promise<void> {
    const since = this.received.length;
    this.#socket.send(el('auth', { xmlns: SASL, mechanism: 'PLAIN' }, Buffer.from(`\0${username}\0${password}`).toString('base64')).toString());
    const outcome = await this.waitFor((s) => s.ns === SASL && (s.name === 'success' || s.name === 'failure'), { what: 'SASL outcome', since });
    if (outcome.name === 'failure') throw new Error(`login of ${username} refused: ${outcome.elements()[0]?.name ?? 'failure'}`);
    await this.#open();
    const bound = await this.iq(el('iq', { type: 'set' }, el('bind', { xmlns: 'urn:ietf:params:xml:ns:xmpp-bind' }, el('resource', {}, resource))));
    this.jid = bound.child('bind')?.childText('jid') ?? '';
  }

  /** Sends a stanza; adds `xmlns="jabber:client"`, which RFC 7395 needs on every top-level stanza. */
  send(stanza: XmlElement): void {
    if (stanza.attrs.xmlns === undefined) stanza.attrs.xmlns = 'jabber:client';
    this.#socket.send(stanza.toString());
  }

  /** The first stanza (received since index `since`, default 0) that passes `test`; rejects after `timeoutMs`. */
  waitFor(test: (stanza: XmlElement) => boolean, options: { timeoutMs?: number; what?: string; since?: number } = {}): Promise<XmlElement> {
    const found = this.received.slice(options.since ?? 0).find(test);
    if (found) return Promise.resolve(found);
    const timeoutMs = options.timeoutMs ?? 5000;
    return new Promise((resolve, reject) => {
      const waiter = { test, resolve: (stanza: XmlElement) => (clearTimeout(timer), resolve(stanza)) };
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        const last = this.received.slice(-5).map(String).join('\n  ');
        reject(new Error(`${this.jid || this.domain}: no ${options.what ?? 'matching stanza'} within ${timeoutMs} ms; last received:\n  ${last}`));
      }, timeoutMs);
      this.#waiters.push(waiter);
    });
  }

  /** Sends an IQ and resolves with its result; rejects with the error condition. */
  async iq(stanza: XmlElement, timeoutMs = 5000): Promise<XmlElement> {
    const id = `q${++this.#ids}`;
    stanza.attrs.id = id;
    this.send(stanza);
    const answer = await this.waitFor((s) => s.name === 'iq' && s.attrs.id === id && (s.attrs.type === 'result' || s.attrs.type === 'error'), { timeoutMs, what: `answer to iq ${id}` });
    if (answer.attrs.type === 'error') throw new StanzaError(answer.child('error')?.elements()[0]?.name ?? 'undefined-condition');
    return answer;
  }

  /** One MAM page of `archive` (a room, or the account's own when omitted) after the archive id `after`. */
  async mam(archive: string | undefined, options: { after?: string; max?: number } = {}): Promise<{ items: ArchivedMessage[]; complete: boolean; last?: string }> {
    const queryid = `mam${++this.#ids}`;
    const rsm = el('set', { xmlns: 'http://jabber.org/protocol/rsm' }, el('max', {}, String(options.max ?? 100)));
    if (options.after !== undefined) rsm.append(el('after', {}, options.after));
    const since = this.received.length;
    const done = await this.iq(el('iq', { type: 'set', to: archive }, el('query', { xmlns: 'urn:xmpp:mam:2', queryid }, rsm)));
    const items: ArchivedMessage[] = [];
    for (const stanza of this.received.slice(since)) {
      const result = stanza.child('result', 'urn:xmpp:mam:2');
      if (stanza.name !== 'message' || result?.attrs.queryid !== queryid) continue;
      const forwarded = result.child('forwarded');
      const message = forwarded?.child('message');
      if (!message) continue;
      items.push({ id: result.attrs.id ?? '', stamp: Date.parse(forwarded!.child('delay')?.attrs.stamp ?? ''), message });
    }
    const fin = done.child('fin', 'urn:xmpp:mam:2');
    const last = fin?.child('set')?.childText('last');
    return { items, complete: fin?.attrs.complete === 'true', ...(last !== undefined && { last }) };
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#socket.send(`<close xmlns="${FRAMING}"/>`);
    } finally {
      this.#socket.close();
    }
  }
}

export class StanzaError extends Error {
  readonly condition: string;
  constructor(condition: string) {
    super(`the server answered ${condition}`);
    this.condition = condition;
  }
}
