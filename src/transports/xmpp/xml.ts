/**
 * The XML the XMPP transport needs, and no more: stanzas are written as strings (every value escaped) and
 * read with the browser's own `DOMParser`, one WebSocket frame being one element (RFC 7395), so the bundle
 * carries no XML library.
 * @module
 */

/** The namespaces the transport speaks. */
export const NS = {
  client: 'jabber:client',
  framing: 'urn:ietf:params:xml:ns:xmpp-framing',
  sasl: 'urn:ietf:params:xml:ns:xmpp-sasl',
  bind: 'urn:ietf:params:xml:ns:xmpp-bind',
  register: 'jabber:iq:register',
  stanzas: 'urn:ietf:params:xml:ns:xmpp-stanzas',
  mam: 'urn:xmpp:mam:2',
  rsm: 'http://jabber.org/protocol/rsm',
  sid: 'urn:xmpp:sid:0',
  chatStates: 'http://jabber.org/protocol/chatstates',
  router: 'urn:natter:router:0',
  natter: 'urn:natter:0',
} as const;

/**
 * `value` safe inside XML text or a quoted attribute. Characters XML 1.0 forbids (most control characters)
 * become U+FFFD: one of them would make the server end the stream, and the message would never go.
 */
export const esc = (value: string): string =>
  value.replace(/[&<>"']|[\0-\x08\v\f\x0e-\x1f\ufffe\uffff]/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : c === "'" ? '&apos;' : '\ufffd',
  );

/**
 * An element as a string: `attrs` escaped (an `undefined` one left out), `inner` already XML. Stanzas
 * (`message`, `presence`, `iq`) get `xmlns="jabber:client"` themselves: over WebSocket there is no stream
 * element to inherit it from, and Prosody ends the stream without it.
 */
export function tag(name: string, attrs: Record<string, string | undefined>, inner = ''): string {
  if (/^(message|presence|iq)$/.test(name)) attrs = { xmlns: NS.client, ...attrs };
  let out = `<${name}`;
  for (const [key, value] of Object.entries(attrs)) if (value !== undefined) out += ` ${key}="${esc(value)}"`;
  return `${out}${inner ? `>${inner}</${name}>` : '/>'}`;
}

/** The element a frame holds, or `undefined` when it is not well-formed XML. */
export function parse(frame: string): Element | undefined {
  const doc = new DOMParser().parseFromString(frame, 'text/xml');
  return doc.getElementsByTagName('parsererror').length ? undefined : (doc.documentElement ?? undefined);
}

/** The first child element of `parent` named `name`, in namespace `ns` when given. */
export function child(parent: Element | undefined, name: string, ns?: string): Element | undefined {
  for (const element of parent ? Array.from(parent.children) : []) if (element.localName === name && (!ns || element.namespaceURI === ns)) return element;
  return undefined;
}

/** The text of the child `name` (in `ns`), if there is one. */
export const childText = (parent: Element | undefined, name: string, ns?: string): string | undefined => child(parent, name, ns)?.textContent ?? undefined;

/** The defined condition of an `<error>` (`item-not-found`, `not-authorized` …), or `undefined`. */
export const condition = (stanza: Element): string | undefined =>
  Array.from(child(stanza, 'error')?.children ?? []).find((element) => element.namespaceURI === NS.stanzas && element.localName !== 'text')?.localName;
