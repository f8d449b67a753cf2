/**
 * The other people in an XMPP story, on the Node side: an agent (an ordinary XMPP account over RFC 7395,
 * logged in with the transport's own `Link` and `login`, parsing with happy-dom's `DOMParser`), and a
 * stand-in for the routing service (a XEP-0114 component that answers `hello` with a room it created and
 * made the visitor a member of) for tests that do not need the real one.
 */
import { createHash } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { Window } from 'happy-dom';
import { Link } from '../../../src/transports/xmpp/link.ts';
import { login } from '../../../src/transports/xmpp/login.ts';
import { child, esc, NS, parse, tag } from '../../../src/transports/xmpp/xml.ts';
import type { Prosody } from './prosody.ts';

globalThis.DOMParser ??= new Window().DOMParser as unknown as typeof DOMParser;

/** An agent (or any plain XMPP user) in rooms; `received` collects the room messages it sees. */
export class Agent {
  readonly received: Array<{ from: string; body: string }> = [];
  readonly typing: string[] = [];
  private constructor(
    readonly link: Link,
    readonly jid: string,
  ) {}

  static async login(prosody: Prosody, username: string, password = 'agent-password'): Promise<Agent> {
    const socket = new WebSocket(prosody.websocketUrl, 'xmpp');
    await new Promise((resolve, reject) => ((socket.onopen = resolve), (socket.onerror = reject)));
    const link = new Link(socket, prosody.domain, (message) => console.warn(`agent ${username}: ${message}`));
    const jid = await login(link, { username, password }, 10_000);
    const agent = new Agent(link, jid);
    link.onStanza = (stanza) => {
      const body = child(stanza, 'body')?.textContent;
      if (stanza.localName === 'message' && body != null && !child(stanza, 'delay', 'urn:xmpp:delay')) agent.received.push({ from: stanza.getAttribute('from') ?? '', body });
      if (stanza.localName === 'message' && child(stanza, 'composing', NS.chatStates)) agent.typing.push(stanza.getAttribute('from') ?? '');
    };
    link.send(tag('presence', {}));
    return agent;
  }

  /** Joins `room` as `nick`; resolves with the room's answer (`presence` or its `error`). */
  async join(room: string, nick: string): Promise<Element> {
    const answer = new Promise<Element>((resolve) => {
      const previous = this.link.onStanza!;
      this.link.onStanza = (stanza) => {
        previous(stanza);
        if (stanza.localName === 'presence' && stanza.getAttribute('from') === `${room}/${nick}`) {
          this.link.onStanza = previous;
          resolve(stanza);
        }
      };
    });
    this.link.send(tag('presence', { to: `${room}/${nick}` }, tag('x', { xmlns: 'http://jabber.org/protocol/muc' }, tag('history', { maxstanzas: '0' }))));
    return answer;
  }

  say(room: string, text: string): void {
    this.link.send(tag('message', { type: 'groupchat', to: room, id: `a${Math.random().toString(36).slice(2)}` }, tag('body', {}, esc(text))));
  }

  close(): void {
    this.link.close();
  }
}

/** Splits a component's TCP stream into its top-level elements (test-grade: no comments, no CDATA). */
function elements(onElement: (xml: string) => void): (chunk: string) => void {
  let buffer = '';
  return (chunk) => {
    buffer += chunk;
    for (;;) {
      buffer = buffer.replace(/^\s*<\?xml[^>]*\?>/, '').replace(/^\s*<stream:stream[^>]*>/, '');
      let depth = 0;
      let end = -1;
      for (const match of buffer.matchAll(/<(\/?)[^>]*?(\/?)>/g)) {
        if (match[1]) depth--;
        else if (!match[2]) depth++;
        if (depth === 0) {
          end = match.index + match[0].length;
          break;
        }
      }
      if (end < 0) return;
      onElement(buffer.slice(0, end).trim());
      buffer = buffer.slice(end);
    }
  };
}

/**
 * A stand-in for the routing service: answers `hello` with a members-only room for the visitor, created on
 * first use (the component is the server's admin, see {@link ROUTER_SETTINGS}), with `members` (agents)
 * affiliated too. `frames` records every request frame.
 */
export class TestRouter {
  readonly frames: Array<Record<string, unknown>> = [];
  #socket: Socket | undefined;
  #next = 0;
  #answers = new Map<string, (stanza: Element) => void>();
  readonly rooms = new Map<string, string>();
  /** Room by visitor JID; `welcome` extras. */
  extra: Record<string, unknown> = { team: 'Test team' };

  constructor(
    readonly prosody: Prosody,
    readonly members: string[] = [],
  ) {}

  async start(): Promise<void> {
    const socket = (this.#socket = connect(this.prosody.ports.component, '127.0.0.1'));
    socket.setEncoding('utf8');
    let id = '';
    const ready = new Promise<void>((resolve, reject) => {
      socket.on('data', (chunk: string) => {
        if (!id) {
          id = /<stream:stream[^>]*\sid=['"]([^'"]+)/.exec(chunk)?.[1] ?? '';
          if (id) socket.write(`<handshake>${createHash('sha1').update(id + this.prosody.routerSecret).digest('hex')}</handshake>`);
        }
        split(chunk);
      });
      const split = elements((xml) => {
        if (xml.startsWith('<handshake')) return resolve();
        const stanza = parse(xml.replace(/^<(\w+)/, '<$1 xmlns="jabber:component:accept"'));
        if (stanza) this.#stanza(stanza);
      });
      socket.once('error', reject);
    });
    socket.write(`<stream:stream xmlns="jabber:component:accept" xmlns:stream="http://etherx.jabber.org/streams" to="${this.prosody.router}">`);
    await ready;
  }

  stop(): void {
    this.#socket?.destroy();
  }

  #send(xml: string): void {
    this.#socket?.write(xml);
  }

  #iq(to: string, inner: string): Promise<Element> {
    const id = `r${++this.#next}`;
    this.#send(`<iq type="set" from="${this.prosody.router}" to="${to}" id="${id}">${inner}</iq>`);
    return new Promise((resolve) => this.#answers.set(id, resolve));
  }

  async #stanza(stanza: Element): Promise<void> {
    const id = stanza.getAttribute('id') ?? '';
    if (stanza.localName === 'iq' && /result|error/.test(stanza.getAttribute('type') ?? '')) return this.#answers.get(id)?.(stanza);
    if (stanza.localName !== 'iq') return;
    const from = stanza.getAttribute('from')!;
    const frame = JSON.parse(child(stanza, 'frame', NS.router)?.textContent ?? '{}') as Record<string, unknown>;
    this.frames.push(frame);
    const reply = (json: object) => this.#send(`<iq type="result" from="${this.prosody.router}" to="${esc(from)}" id="${esc(id)}"><frame xmlns="${NS.router}">${esc(JSON.stringify(json))}</frame></iq>`);
    if (frame.type !== 'hello') return reply({ type: 'ok' });
    const visitor = from.split('/')[0]!;
    const room = await this.room(visitor);
    reply({ type: 'welcome', room, nick: 'Visitor', ...this.extra });
  }

  /** The visitor's room, made and configured on first use. */
  async room(visitor: string): Promise<string> {
    const known = this.rooms.get(visitor);
    if (known) return known;
    const room = `c-${visitor.split('@')[0]}@${this.prosody.rooms}`;
    this.rooms.set(visitor, room);
    this.#send(`<presence from="${this.prosody.router}/natter" to="${room}/Natter"><x xmlns="http://jabber.org/protocol/muc"/></presence>`);
    for (const jid of [visitor, ...this.members]) {
      const answer = await this.#iq(room, `<query xmlns="http://jabber.org/protocol/muc#admin"><item affiliation="member" jid="${jid}"/></query>`);
      if (answer.getAttribute('type') !== 'result') throw new Error(`the room refused member ${jid}: ${answer.outerHTML}`);
    }
    return room;
  }

  /** Posts a line into `room` as the router (nick `Natter`). */
  post(room: string, text: string, natter?: object): void {
    const extra = natter ? `<natter xmlns="${NS.natter}">${esc(JSON.stringify(natter))}</natter>` : '';
    this.#send(`<message type="groupchat" from="${this.prosody.router}/natter" to="${room}"><body>${esc(text)}</body>${extra}</message>`);
  }

  /** Pushes a server frame to the visitor (a headline to the bare JID). */
  push(visitor: string, frame: object): void {
    this.#send(`<message type="headline" from="${this.prosody.router}" to="${visitor}"><frame xmlns="${NS.router}">${esc(JSON.stringify(frame))}</frame></message>`);
  }
}

/** Prosody settings for {@link TestRouter}: it creates rooms (an admin), persistent and members-only. */
export const ROUTER_SETTINGS = (prosody: { router: string }) => [
  `admins = { ${JSON.stringify(prosody.router)} }`,
  'muc_room_default_persistent = true',
  'muc_room_default_members_only = true',
  'muc_room_default_public = false',
];
