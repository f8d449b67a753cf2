/**
 * One RFC 7395 WebSocket to the XMPP server: one element per frame, read in order during the login and
 * handed to a handler after it, with IQ requests matched to their answers. A link lives as long as its
 * socket; the transport makes a new one for every connection.
 * @module
 */
import { NS, parse, tag } from './xml.ts';

const STREAMS = 'http://etherx.jabber.org/streams';

/** Why a link ended: `fatal` when retrying cannot help (a server setting is missing), for the error message. */
export class LinkError extends Error {
  constructor(
    message: string,
    readonly fatal = false,
  ) {
    super(message);
  }
}

export class Link {
  /** Our full JID once bound (IQ answers without `from` come from it, or from the server). */
  jid = '';
  /** Takes every stanza that is not an awaited IQ answer, once the login is over. */
  onStanza: ((stanza: Element) => void) | undefined;
  /** Called once when the link ends for any reason but {@link close}. */
  onEnd: ((error: LinkError) => void) | undefined;
  #queue: Element[] = [];
  #reader: [(element: Element) => void, (error: LinkError) => void] | undefined;
  #iqs = new Map<string, [to: string | undefined, done: (stanza: Element) => void]>();
  #ended: LinkError | undefined;
  #next = 0;

  constructor(
    readonly socket: WebSocket,
    readonly domain: string,
    readonly warn: (message: string) => void,
  ) {
    socket.onmessage = (event) => this.#receive(String(event.data));
    socket.onclose = (event) => this.#end(new LinkError(`the XMPP WebSocket closed (${event.code}${event.reason ? ` ${event.reason}` : ''})`));
    socket.onerror = null;
  }

  /** Sends `xml` now; `false` when the socket is not open. */
  send(xml: string): boolean {
    if (this.#ended || this.socket.readyState !== 1) return false;
    this.socket.send(xml);
    return true;
  }

  /** A fresh id for a stanza. */
  id(): string {
    return `n${++this.#next}`;
  }

  /** The next element the server sends, in the login; fails after `timeoutMs` or when the link ends. */
  read(timeoutMs: number): Promise<Element> {
    const queued = this.#queue.shift();
    if (queued) return Promise.resolve(queued);
    if (this.#ended) return Promise.reject(this.#ended);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.#fail('the XMPP server did not answer in time'), timeoutMs);
      this.#reader = [(element) => (clearTimeout(timer), resolve(element)), (error) => (clearTimeout(timer), reject(error))];
    });
  }

  /**
   * Sends an IQ and resolves with the answer (`type` `result` or `error`). A link whose server does not
   * answer in `timeoutMs` is dead: it ends, and the promise fails. With `own`, the silence is the
   * addressee's own (the router, not the server): only the promise fails.
   */
  iq(type: 'get' | 'set', to: string | undefined, inner: string, timeoutMs: number, own = false): Promise<Element> {
    const id = this.id();
    if (!this.send(tag('iq', { type, to, id }, inner))) return Promise.reject(this.#ended ?? new LinkError('the XMPP WebSocket is not open'));
    return new Promise((resolve, reject) => {
      const silent = () => (own ? (this.#iqs.delete(id), reject(new LinkError(`${to} did not answer in time`))) : this.#fail('the XMPP server did not answer in time'));
      const timer = setTimeout(silent, timeoutMs);
      this.#iqs.set(id, [to?.toLowerCase(), (stanza) => (clearTimeout(timer), this.#ended ? reject(this.#ended) : resolve(stanza))]);
    });
  }

  /** Ends the stream politely and forgets the socket; no `onEnd`. */
  close(): void {
    this.onEnd = undefined;
    this.send(`<close xmlns="${NS.framing}"/>`);
    this.#end(new LinkError('closed'));
    this.socket.close(1000);
  }

  #fail(message: string, fatal = false): void {
    this.#end(new LinkError(message, fatal));
    this.socket.close();
  }

  #end(error: LinkError): void {
    if (this.#ended) return;
    this.#ended = error;
    this.socket.onmessage = this.socket.onclose = null;
    this.#reader?.[1](error);
    this.#reader = undefined;
    for (const [, done] of this.#iqs.values()) done(undefined as unknown as Element);
    this.#iqs.clear();
    this.onEnd?.(error);
  }

  #receive(frame: string): void {
    const element = parse(frame);
    if (!element) return this.warn(`ignored a frame that is not XML: ${frame.slice(0, 80)}`);
    if (element.namespaceURI === NS.framing && element.localName === 'close') return this.#fail('the XMPP server closed the stream');
    if (element.namespaceURI === STREAMS && element.localName === 'error') {
      const reason = element.firstElementChild?.localName ?? 'unknown';
      // The stream's host is not served here: a setting, not a glitch.
      return this.#fail(`the XMPP server ended the stream: ${reason}`, reason === 'host-unknown');
    }
    const pending = element.localName === 'iq' && /^(result|error)$/.test(element.getAttribute('type') ?? '') ? this.#iqs.get(element.getAttribute('id') ?? '') : undefined;
    if (pending) {
      const from = element.getAttribute('from')?.toLowerCase();
      const own = !from || from === this.domain || from === this.jid.toLowerCase() || from === this.jid.toLowerCase().split('/')[0];
      if (pending[0] ? from === pending[0] : own) {
        this.#iqs.delete(element.getAttribute('id')!);
        return pending[1](element);
      }
      this.warn(`ignored an IQ answer from ${from} to a request sent to ${pending[0] ?? 'the server'}`);
      return;
    }
    if (this.#reader) {
      const [resolve] = this.#reader;
      this.#reader = undefined;
      return resolve(element);
    }
    if (this.onStanza) return this.onStanza(element);
    this.#queue.push(element);
  }
}
