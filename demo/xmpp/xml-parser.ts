/**
 * An incremental XML parser for XMPP streams. Bytes arrive in arbitrary pieces (TCP) or as whole elements
 * (RFC 7395 WebSocket frames); `push` takes whatever came and calls back with each complete stanza: the
 * elements at `stanzaDepth` (1 under a `<stream:stream>` root, 0 for framed WebSocket messages).
 *
 * Bounded: a stanza larger than `maxStanzaChars` or nested deeper than 32 ends the parse with an error,
 * so a peer cannot make the router buffer without end.
 */
import { unescapeXml, XmlElement, XmlError } from './xml.ts';

export interface XmlParserEvents {
  /** The stream's root opened (depth-1 streams only). */
  onOpen?: (root: XmlElement) => void;
  onStanza: (stanza: XmlElement) => void;
  /** The stream's root closed. */
  onClose?: () => void;
}

const MAX_DEPTH = 32;
const ATTRIBUTE = /([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

export class XmlParser {
  readonly #events: XmlParserEvents;
  readonly #stanzaDepth: number;
  readonly #max: number;
  #buffer = '';
  readonly #stack: XmlElement[] = [];
  #failed: Error | undefined;

  constructor(events: XmlParserEvents, options: { stanzaDepth?: number; maxStanzaChars?: number } = {}) {
    this.#events = events;
    this.#stanzaDepth = options.stanzaDepth ?? 1;
    this.#max = options.maxStanzaChars ?? 256 * 1024;
  }

  /** Feeds text; throws an `XmlError` (and keeps failing) on malformed or oversized input. */
  push(chunk: string): void {
    if (this.#failed) throw this.#failed;
    this.#buffer += chunk;
    try {
      this.#drain();
    } catch (error) {
      this.#failed = error instanceof XmlError ? error : new XmlError(String(error));
      throw this.#failed;
    }
  }

  #drain(): void {
    for (;;) {
      const lt = this.#buffer.indexOf('<');
      // Text is taken when the next tag starts, so an entity split across chunks is never cut.
      if (lt < 0) break;
      if (lt > 0) {
        this.#text(this.#buffer.slice(0, lt));
        this.#buffer = this.#buffer.slice(lt);
      }
      const consumed = this.#token();
      if (consumed === 0) break;
      this.#buffer = this.#buffer.slice(consumed);
    }
    if (this.#buffer.length > this.#max) throw new XmlError(`a stanza longer than ${this.#max} characters`);
  }

  #text(raw: string): void {
    const top = this.#stack.at(-1);
    if (top && this.#stack.length > this.#stanzaDepth) top.children.push(unescapeXml(raw));
    else if (raw.trim() !== '') throw new XmlError(`text outside any stanza: "${raw.slice(0, 40)}"`);
  }

  /** Handles the token at the buffer's start; returns how many characters it took, 0 if incomplete. */
  #token(): number {
    const b = this.#buffer;
    if (b.startsWith('<?')) return end(b, '?>');
    if (b.startsWith('<!--')) return end(b, '-->');
    if (b.startsWith('<![CDATA[')) {
      const n = end(b, ']]>');
      if (n > 0) this.#stack.at(-1)?.children.push(b.slice(9, n - 3));
      return n;
    }
    if (b.startsWith('<!')) throw new XmlError('DTDs are not allowed in XMPP');
    if (b.length < 2) return 0;
    const close = tagEnd(b);
    if (close < 0) return 0;
    const body = b.slice(1, close);
    if (body.startsWith('/')) this.#closeTag(body.slice(1).trim());
    else this.#openTag(body);
    return close + 1;
  }

  #openTag(body: string): void {
    const selfClosing = body.endsWith('/');
    const inner = selfClosing ? body.slice(0, -1) : body;
    const name = /^[^\s/>]+/.exec(inner)?.[0];
    if (!name) throw new XmlError(`a tag without a name: <${body.slice(0, 40)}>`);
    const attrs: Record<string, string> = {};
    for (const match of inner.slice(name.length).matchAll(ATTRIBUTE)) attrs[match[1]!] = unescapeXml(match[2] ?? match[3] ?? '');
    const element = new XmlElement(name, attrs);
    const parent = this.#stack.at(-1);
    if (attrs.xmlns === undefined && parent) element.ns = parent.ns;
    if (this.#stack.length >= MAX_DEPTH) throw new XmlError(`elements nested deeper than ${MAX_DEPTH}`);
    if (this.#stack.length < this.#stanzaDepth) {
      this.#stack.push(element);
      this.#events.onOpen?.(element);
      if (selfClosing) this.#closeTag(name);
      return;
    }
    if (parent && this.#stack.length > this.#stanzaDepth) parent.children.push(element);
    this.#stack.push(element);
    if (selfClosing) this.#closeTag(name);
  }

  #closeTag(name: string): void {
    const element = this.#stack.pop();
    if (!element || element.name !== name) throw new XmlError(`</${name}> does not close <${element?.name ?? 'nothing'}>`);
    if (this.#stack.length === this.#stanzaDepth) this.#events.onStanza(element);
    else if (this.#stack.length < this.#stanzaDepth) this.#events.onClose?.();
  }
}

/** Parses one complete element (a WebSocket frame). Throws `XmlError` when it is not exactly one element. */
export function parseXml(text: string): XmlElement {
  const found: XmlElement[] = [];
  const parser = new XmlParser({ onStanza: (stanza) => found.push(stanza) }, { stanzaDepth: 0 });
  parser.push(text);
  if (found.length !== 1) throw new XmlError(`expected one XML element, got ${found.length}`);
  return found[0]!;
}

function end(buffer: string, marker: string): number {
  const at = buffer.indexOf(marker);
  return at < 0 ? 0 : at + marker.length;
}

/** The index of the `>` that ends the tag at the buffer's start, skipping quoted attribute values; -1 if not there yet. */
function tagEnd(buffer: string): number {
  let quote = '';
  for (let i = 1; i < buffer.length; i++) {
    const c = buffer[i]!;
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '>') return i;
  }
  return -1;
}
