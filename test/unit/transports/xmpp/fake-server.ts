/**
 * A scripted XMPP server behind a fake WebSocket, for the XMPP transport's unit tests: just enough of
 * RFC 7395, SASL PLAIN, XEP-0077, MUC and MAM to play each story, with switches for what a server lacks.
 */
import { esc } from '../../../../src/transports/xmpp/xml';

export const DOMAIN = 'chat.test';
export const ROOM = 'c1@rooms.chat.test';
export const ROUTER = `router.${DOMAIN}`;

export interface ArchiveEntry {
  id: string;
  /** The `<delay stamp>`; `null` leaves it out. */
  stamp: string | null;
  nick: string;
  body?: string;
  originId?: string;
  natter?: string;
}

export interface FakeOptions {
  mechanisms?: string[];
  register?: boolean;
  mam?: boolean;
  protocol?: string;
  /** The welcome's JSON, or `null` for a router that is not connected. */
  welcome?: Record<string, unknown> | null;
}

export class FakeServer {
  readonly accounts = new Map<string, string>();
  readonly archive: ArchiveEntry[] = [];
  /** Every frame the clients sent, as text. */
  readonly sent: string[] = [];
  readonly sockets: FakeSocket[] = [];
  /** Router request frames (JSON). */
  readonly routerFrames: Array<Record<string, unknown>> = [];
  options: Required<FakeOptions>;
  /** Called for each client frame after the default handling, to add behaviour. */
  extra: ((socket: FakeSocket, stanza: Element) => void) | undefined;

  constructor(options: FakeOptions = {}) {
    this.options = { mechanisms: ['PLAIN', 'SCRAM-SHA-1'], register: true, mam: true, protocol: 'xmpp', welcome: { type: 'welcome', room: ROOM, nick: 'Visitor', team: 'Acme' }, ...options };
  }

  /** The class to hand the transport as `WebSocket`. */
  get WebSocket(): typeof WebSocket {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const server = this;
    return class extends FakeSocket {
      constructor(url: string, protocol?: string) {
        super(server, url, protocol);
      }
    } as unknown as typeof WebSocket;
  }

  get last(): FakeSocket {
    return this.sockets.at(-1)!;
  }

  /** The archive page after `after` (undefined: from the start), as result messages and the `fin`. */
  page(after: string | undefined, max: number): { items: ArchiveEntry[]; complete: boolean } | undefined {
    const start = after === undefined ? 0 : this.archive.findIndex((entry) => entry.id === after) + 1;
    if (after !== undefined && start === 0) return undefined;
    const items = this.archive.slice(start, start + max);
    return { items, complete: start + max >= this.archive.length };
  }
}

const FRAMING = 'urn:ietf:params:xml:ns:xmpp-framing';

export class FakeSocket {
  readyState = 0;
  protocol = '';
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  authed = false;
  jid = '';

  constructor(
    readonly server: FakeServer,
    readonly url: string,
    readonly requested?: string,
  ) {
    server.sockets.push(this);
    setTimeout(() => {
      this.readyState = 1;
      this.protocol = server.options.protocol;
      this.onopen?.(new Event('open'));
    });
  }

  /** Sends a frame to the client. */
  push(xml: string): void {
    if (this.readyState === 1) setTimeout(() => this.onmessage?.({ data: xml } as MessageEvent));
  }

  /** The server drops the connection. */
  drop(code = 1006): void {
    if (this.readyState > 1) return;
    this.readyState = 3;
    this.onclose?.({ code, reason: '' } as CloseEvent);
  }

  close(): void {
    this.readyState = 3;
  }

  send(data: string): void {
    const server = this.server;
    server.sent.push(data);
    const stanza = new DOMParser().parseFromString(data, 'text/xml').documentElement;
    const name = stanza.localName;
    const id = stanza.getAttribute('id') ?? '';
    const to = stanza.getAttribute('to') ?? '';
    const child = (local: string) => Array.from(stanza.getElementsByTagName('*')).find((element) => element.localName === local);
    const result = (from: string | undefined, inner = '') => this.push(`<iq xmlns="jabber:client" type="result" id="${id}"${from ? ` from="${from}"` : ''}>${inner}</iq>`);
    const error = (from: string | undefined, condition: string) =>
      this.push(`<iq xmlns="jabber:client" type="error" id="${id}"${from ? ` from="${from}"` : ''}><error type="cancel"><${condition} xmlns="urn:ietf:params:xml:ns:xmpp-stanzas"/></error></iq>`);
    if (name === 'open' && stanza.namespaceURI === FRAMING) {
      this.push(`<open xmlns="${FRAMING}" from="${DOMAIN}" id="s1" version="1.0"/>`);
      const mechanisms = server.options.mechanisms.map((mechanism) => `<mechanism>${mechanism}</mechanism>`).join('');
      this.push(
        this.authed
          ? `<stream:features xmlns:stream="http://etherx.jabber.org/streams"><bind xmlns="urn:ietf:params:xml:ns:xmpp-bind"/></stream:features>`
          : `<stream:features xmlns:stream="http://etherx.jabber.org/streams"><mechanisms xmlns="urn:ietf:params:xml:ns:xmpp-sasl">${mechanisms}</mechanisms>${server.options.register ? '<register xmlns="http://jabber.org/features/iq-register"/>' : ''}</stream:features>`,
      );
    } else if (name === 'auth') {
      const [, user, pass] = atob(stanza.textContent ?? '').split('\0');
      if (server.accounts.get(user!) === pass) {
        this.authed = true;
        this.jid = `${user}@${DOMAIN}/r1`;
        this.push('<success xmlns="urn:ietf:params:xml:ns:xmpp-sasl"/>');
      } else this.push('<failure xmlns="urn:ietf:params:xml:ns:xmpp-sasl"><not-authorized/></failure>');
    } else if (name === 'iq' && child('query')?.namespaceURI === 'jabber:iq:register') {
      const user = child('username')!.textContent!;
      if (server.accounts.has(user)) return error(undefined, 'conflict');
      server.accounts.set(user, child('password')!.textContent!);
      result(undefined);
    } else if (name === 'iq' && child('bind')) {
      result(undefined, `<bind xmlns="urn:ietf:params:xml:ns:xmpp-bind"><jid>${this.jid}</jid></bind>`);
    } else if (name === 'iq' && to === ROUTER) {
      const frame = JSON.parse(child('frame')!.textContent!) as Record<string, unknown>;
      server.routerFrames.push(frame);
      const welcome = server.options.welcome;
      if (welcome === null) return error(ROUTER, 'service-unavailable');
      const answer = frame.type === 'hello' ? welcome : { type: 'ok' };
      result(ROUTER, `<frame xmlns="urn:natter:router:0">${esc(JSON.stringify(answer))}</frame>`);
    } else if (name === 'iq' && child('query')?.namespaceURI === 'http://jabber.org/protocol/disco#info') {
      const features = ['http://jabber.org/protocol/muc', ...(server.options.mam ? ['urn:xmpp:mam:2'] : [])];
      result(to, `<query xmlns="http://jabber.org/protocol/disco#info">${features.map((feature) => `<feature var="${feature}"/>`).join('')}</query>`);
    } else if (name === 'iq' && child('query')?.namespaceURI === 'urn:xmpp:mam:2') {
      const queryId = child('query')!.getAttribute('queryid');
      const page = server.page(child('after')?.textContent ?? undefined, Number(child('max')?.textContent ?? 100));
      if (!page) return error(to, 'item-not-found');
      for (const entry of page.items) this.push(archived(entry, queryId!));
      result(to, `<fin xmlns="urn:xmpp:mam:2"${page.complete ? ' complete="true"' : ''}><set xmlns="http://jabber.org/protocol/rsm">${page.items.length ? `<last>${page.items.at(-1)!.id}</last>` : ''}</set></fin>`);
    } else if (name === 'iq' && child('ping')) {
      result(DOMAIN);
    } else if (name === 'presence' && to.startsWith(`${ROOM}/`)) {
      this.push(`<presence xmlns="jabber:client" from="${to}"><x xmlns="http://jabber.org/protocol/muc#user"><item affiliation="member" role="participant"/><status code="110"/></x></presence>`);
    } else if (name === 'message' && to === ROOM && child('body')) {
      const entry: ArchiveEntry = { id: `a${server.archive.length + 1}`, stamp: '2026-01-01T10:00:00Z', nick: 'Visitor', body: child('body')!.textContent!, originId: child('origin-id')?.getAttribute('id') ?? undefined };
      server.archive.push(entry);
      this.push(live(entry));
    }
    server.extra?.(this, stanza);
  }
}

/** A room message as the room sends it live. */
export function live(entry: ArchiveEntry): string {
  return `<message xmlns="jabber:client" type="groupchat" from="${ROOM}/${entry.nick}" id="${entry.originId ?? entry.id}">${inner(entry)}<stanza-id xmlns="urn:xmpp:sid:0" by="${ROOM}" id="${entry.id}"/></message>`;
}

function inner(entry: ArchiveEntry): string {
  return (
    (entry.body === undefined ? '' : `<body>${esc(entry.body)}</body>`) +
    (entry.originId ? `<origin-id xmlns="urn:xmpp:sid:0" id="${entry.originId}"/>` : '') +
    (entry.natter ? `<natter xmlns="urn:natter:0">${esc(entry.natter)}</natter>` : '')
  );
}

/** A MAM result for `entry`. */
export function archived(entry: ArchiveEntry, queryId: string): string {
  const delay = entry.stamp === null ? '' : `<delay xmlns="urn:xmpp:delay" stamp="${entry.stamp}"/>`;
  return `<message xmlns="jabber:client" from="${ROOM}"><result xmlns="urn:xmpp:mam:2" queryid="${queryId}" id="${entry.id}"><forwarded xmlns="urn:xmpp:forward:0">${delay}<message xmlns="jabber:client" type="groupchat" from="${ROOM}/${entry.nick}">${inner(entry)}</message></forwarded></result></message>`;
}
