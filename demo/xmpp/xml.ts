/**
 * The XML of XMPP, as small as the router and the tests need: an element tree, a serializer that escapes
 * every attribute and text, and lookups by name and namespace. No DTDs, no processing instructions, no
 * entities beyond the five predefined ones and character references (XMPP forbids the rest, RFC 6120 §11).
 */

/** One element. `ns` is its namespace as resolved by the parser (own `xmlns`, else the parent's). */
export class XmlElement {
  readonly name: string;
  readonly attrs: Record<string, string>;
  readonly children: Array<XmlElement | string>;
  ns: string;

  constructor(name: string, attrs: Record<string, string | undefined> = {}, children: Array<XmlElement | string> = []) {
    this.name = name;
    this.attrs = {};
    for (const [key, value] of Object.entries(attrs)) if (value !== undefined) this.attrs[key] = value;
    this.children = children;
    this.ns = this.attrs.xmlns ?? '';
    for (const child of children) if (typeof child !== 'string' && child.attrs.xmlns === undefined) child.ns = this.ns;
  }

  /** The first child element called `name` (in namespace `ns`, when given). */
  child(name: string, ns?: string): XmlElement | undefined {
    for (const child of this.children) {
      if (typeof child !== 'string' && child.name === name && (ns === undefined || child.ns === ns)) return child;
    }
    return undefined;
  }

  /** Every child element, or those called `name`. */
  elements(name?: string, ns?: string): XmlElement[] {
    return this.children.filter(
      (child): child is XmlElement => typeof child !== 'string' && (name === undefined || child.name === name) && (ns === undefined || child.ns === ns),
    );
  }

  /** The element's own text (its text children joined). */
  text(): string {
    return this.children.filter((child): child is string => typeof child === 'string').join('');
  }

  /** The text of the first child called `name`, or undefined. */
  childText(name: string, ns?: string): string | undefined {
    return this.child(name, ns)?.text();
  }

  append(child: XmlElement | string): this {
    if (typeof child !== 'string' && child.attrs.xmlns === undefined) child.ns = this.ns;
    this.children.push(child);
    return this;
  }

  toString(): string {
    let out = `<${this.name}`;
    for (const [key, value] of Object.entries(this.attrs)) out += ` ${key}="${escapeXml(value)}"`;
    if (this.children.length === 0) return `${out}/>`;
    out += '>';
    for (const child of this.children) out += typeof child === 'string' ? escapeXml(child) : child.toString();
    return `${out}</${this.name}>`;
  }
}

/** `el('message', {to}, el('body', {}, 'hi'))`: children may be elements or text. */
export function el(name: string, attrs: Record<string, string | undefined> = {}, ...children: Array<XmlElement | string>): XmlElement {
  return new XmlElement(name, attrs, children);
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/**
 * `text` as XML character data or an attribute value. A character XML 1.0 does not allow (controls other than
 * tab and newlines, U+FFFE, U+FFFF) becomes U+FFFD, as the browser transport's `esc` does: written raw, it
 * would make the stream ill-formed and the server would close the router's connection.
 */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']|[\0-\x08\v\f\x0e-\x1f\ufffe\uffff]/g, (c) => ESCAPES[c] ?? '\ufffd');
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Decodes the predefined entities and character references; anything else is an error (XMPP allows no others). */
export function unescapeXml(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);?/g, (whole, ref: string) => {
    if (!whole.endsWith(';')) throw new XmlError(`a bare "&" in text ("${whole}…"); write it as &amp;`);
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      if (!(code >= 0x9 && code <= 0x10ffff)) throw new XmlError(`character reference ${whole} is out of range`);
      return String.fromCodePoint(code);
    }
    const value = ENTITIES[ref];
    if (value === undefined) throw new XmlError(`unknown entity ${whole}: XMPP allows only &amp; &lt; &gt; &quot; &apos;`);
    return value;
  });
}

export class XmlError extends Error {}
