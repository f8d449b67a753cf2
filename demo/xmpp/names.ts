/**
 * Addresses the router works with. A visitor is `v<40 hex>@VISITORS` (docs/xmpp.md, "Names"); their room
 * is the same local part on the rooms' service. The room is derived from the requesting address alone, so
 * no request can name — and so be let into — another visitor's room.
 */

/** The visitor account's local part: `v` and 40 lower-case hex digits. */
const VISITOR_LOCAL = /^v[0-9a-f]{40}$/;

export interface Jid {
  local: string;
  domain: string;
  resource: string;
}

/** Splits `local@domain/resource` (parts may be empty); lower-cases local part and domain, as servers compare them. */
export function parseJid(jid: string): Jid {
  const slash = jid.indexOf('/');
  const bare = slash < 0 ? jid : jid.slice(0, slash);
  const resource = slash < 0 ? '' : jid.slice(slash + 1);
  const at = bare.indexOf('@');
  return {
    local: at < 0 ? '' : bare.slice(0, at).toLowerCase(),
    domain: (at < 0 ? bare : bare.slice(at + 1)).toLowerCase(),
    resource,
  };
}

export function bareJid(jid: string): string {
  const { local, domain } = parseJid(jid);
  return local ? `${local}@${domain}` : domain;
}

export class Names {
  readonly visitors: string;
  readonly rooms: string;

  constructor(visitors: string, rooms: string) {
    this.visitors = visitors.toLowerCase();
    this.rooms = rooms.toLowerCase();
  }

  /** Whether `jid` (full or bare) is a visitor account on the visitors' host. */
  isVisitor(jid: string): boolean {
    const { local, domain } = parseJid(jid);
    return domain === this.visitors && VISITOR_LOCAL.test(local);
  }

  /** The visitor's own room. Call only with an address `isVisitor` accepted. */
  roomOf(visitorJid: string): string {
    return `${parseJid(visitorJid).local}@${this.rooms}`;
  }

  /** The visitor whose room `roomJid` is, or undefined when it is not a visitor's room. */
  visitorOfRoom(roomJid: string): string | undefined {
    const { local, domain } = parseJid(roomJid);
    return domain === this.rooms && VISITOR_LOCAL.test(local) ? `${local}@${this.visitors}` : undefined;
  }
}
