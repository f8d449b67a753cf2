/**
 * An XMPP component connection (XEP-0114): TCP to the server's component port, a stream in
 * `jabber:component:accept`, and the handshake `sha1(streamId + secret)`. The server then routes every
 * stanza for the component's domain here, and takes any stanza the component sends from that domain.
 *
 * It reconnects by itself (1 s, doubling to 30 s; to the next endpoint, so a cluster node going down moves the
 * router to another) and calls `onOnline` after every handshake, so the router can rejoin its rooms. IQs get an answer or a timeout; nothing waits for ever.
 */
import { createHash, randomUUID } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { el, type XmlElement } from './xml.ts';
import { XmlParser } from './xml-parser.ts';

export interface ComponentOptions {
  /** The server's component listeners, tried in turn (one per cluster node): on a drop the next one is used. */
  endpoints: Array<{ host: string; port: number }>;
  /** The component's domain, e.g. `router.example.com`. */
  domain: string;
  secret: string;
  log: (line: string) => void;
}

/** An `<iq type="error">` answer, with its condition (`item-not-found`, `forbidden`…). */
export class StanzaError extends Error {
  readonly condition: string;
  constructor(condition: string, stanza: XmlElement) {
    super(`${condition} from ${stanza.attrs.from ?? 'the server'}`);
    this.condition = condition;
  }
}

const IQ_TIMEOUT_MS = 10_000;

export class Component {
  readonly #o: ComponentOptions;
  #socket: Socket | undefined;
  #online = false;
  #stopped = false;
  #retryMs = 1000;
  #endpoint = 0;
  #retry: ReturnType<typeof setTimeout> | undefined;
  #keepAlive: ReturnType<typeof setInterval> | undefined;
  readonly #pending = new Map<string, { resolve: (iq: XmlElement) => void; reject: (error: Error) => void; timer: ReturnType<typeof setTimeout> }>();
  onStanza: (stanza: XmlElement) => void = () => {};
  onOnline: () => void = () => {};

  constructor(options: ComponentOptions) {
    this.#o = options;
  }

  get domain(): string {
    return this.#o.domain;
  }

  get online(): boolean {
    return this.#online;
  }

  /** Connects; resolves after the first successful handshake, rejects if that one fails. */
  start(): Promise<void> {
    return new Promise((resolve, reject) => this.#connect(resolve, reject));
  }

  /** Closes the stream after what was sent so far (waiting up to a second for the server), and stays closed. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#retry);
    const socket = this.#socket;
    if (!socket || socket.destroyed) return;
    const closed = new Promise((resolve) => socket.once('close', resolve));
    socket.end('</stream:stream>');
    const timer = setTimeout(() => socket.destroy(), 1000);
    await closed;
    clearTimeout(timer);
  }

  /** Sends a stanza (its `from` must be in the component's domain); dropped with a log line while offline. */
  send(stanza: XmlElement): void {
    if (!this.#online || !this.#socket) {
      this.#o.log(`XMPP router: offline, dropped <${stanza.name}> to ${stanza.attrs.to ?? '?'}`);
      return;
    }
    this.#socket.write(stanza.toString());
  }

  /** Sends an IQ (an `id` is added) and resolves with the `result`; rejects with a `StanzaError` or a timeout. */
  iq(stanza: XmlElement, timeoutMs = IQ_TIMEOUT_MS): Promise<XmlElement> {
    const id = randomUUID();
    stanza.attrs.id = id;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`no answer to <iq> to ${stanza.attrs.to ?? '?'} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(id, { resolve, reject, timer });
      this.send(stanza);
    });
  }

  #connect(resolve?: () => void, reject?: (error: Error) => void): void {
    const o = this.#o;
    const { host, port } = o.endpoints[this.#endpoint % o.endpoints.length]!;
    const socket = connect(port, host);
    this.#socket = socket;
    socket.setEncoding('utf8');
    let authenticated = false;
    const parser = new XmlParser({
      onOpen: (root) => {
        const id = root.attrs.id;
        if (!id) return socket.destroy(new Error('the server sent no stream id'));
        socket.write(el('handshake', {}, createHash('sha1').update(id + o.secret).digest('hex')).toString());
      },
      onStanza: (stanza) => {
        if (!authenticated) {
          if (stanza.name === 'handshake') {
            authenticated = true;
            this.#online = true;
            this.#retryMs = 1000;
            o.log(`XMPP router: connected as ${o.domain} to ${host}:${port}`);
            resolve?.();
            this.onOnline();
          } else {
            const reason = stanza.name === 'stream:error' ? (stanza.elements()[0]?.name ?? 'unknown') : stanza.name;
            socket.destroy(new Error(`the server refused the component handshake (${reason}): check XMPP_COMPONENT_DOMAIN and XMPP_COMPONENT_SECRET`));
          }
          return;
        }
        this.#dispatch(stanza);
      },
      onClose: () => socket.end(),
    });
    socket.on('connect', () => {
      socket.write(`<stream:stream xmlns="jabber:component:accept" xmlns:stream="http://etherx.jabber.org/streams" to="${o.domain}">`);
    });
    socket.on('data', (chunk: string) => {
      try {
        parser.push(chunk);
      } catch (error) {
        o.log(`XMPP router: unreadable XML from the server (${(error as Error).message}); reconnecting`);
        socket.destroy();
      }
    });
    socket.on('error', (error) => {
      o.log(`XMPP router: ${error.message}`);
      if (!authenticated) reject?.(error), (reject = undefined), (resolve = undefined);
    });
    socket.on('close', () => {
      if (!authenticated) reject?.(new Error(`${host}:${port} closed the connection before the component handshake`));
      this.#closed(socket, authenticated);
    });
    clearInterval(this.#keepAlive);
    // Whitespace keeps NATs and the server's idle timers from closing a quiet connection.
    this.#keepAlive = setInterval(() => this.#online && socket.write(' '), 60_000);
    this.#keepAlive.unref();
  }

  #closed(socket: Socket, wasAuthenticated: boolean): void {
    if (this.#socket !== socket) return;
    this.#online = false;
    for (const [id, pending] of this.#pending) {
      clearTimeout(pending.timer);
      pending.reject(new Error('the component connection closed'));
      this.#pending.delete(id);
    }
    if (this.#stopped) return clearInterval(this.#keepAlive);
    if (wasAuthenticated) this.#o.log('XMPP router: disconnected; reconnecting');
    this.#endpoint++;
    // A drop after a working connection: try the next endpoint at once; failures back off.
    this.#retry = setTimeout(() => this.#connect(), wasAuthenticated ? 100 : this.#retryMs);
    if (!wasAuthenticated) this.#retryMs = Math.min(30_000, this.#retryMs * 2);
  }

  #dispatch(stanza: XmlElement): void {
    if (stanza.name === 'stream:error') {
      this.#o.log(`XMPP router: the server ends the stream: ${stanza.elements()[0]?.name ?? 'unknown'} ${stanza.childText('text') ?? ''}`);
      return;
    }
    const id = stanza.attrs.id;
    const type = stanza.attrs.type;
    if (stanza.name === 'iq' && id && (type === 'result' || type === 'error')) {
      const pending = this.#pending.get(id);
      if (pending) {
        this.#pending.delete(id);
        clearTimeout(pending.timer);
        if (type === 'result') pending.resolve(stanza);
        else pending.reject(new StanzaError(stanza.child('error')?.elements()[0]?.name ?? 'undefined-condition', stanza));
        return;
      }
    }
    this.onStanza(stanza);
  }
}
