/**
 * The room's archive (XEP-0313) as Natter's history: its items as messages, and the `order` and cursor made
 * from it alone, so that every tab and every device places them the same way (docs/xmpp.md, "Order and
 * cursor"). Archive ids are opaque and do not sort; stamps sort but may repeat (Prosody's are whole
 * seconds), so an item's order is its stamp and its index among the items of that stamp.
 * @module
 */
import type { InboundMessage } from '../../core/transport.ts';
import { arr, check, obj, opt, str } from '../../model/check.ts';
import { author, id, systemEvent } from '../../model/schemas.ts';
import { MAX_TEXT_LENGTH } from '../../protocol/constants.ts';
import { child, childText, NS } from './xml.ts';

/** The last archive item seen: where a catch-up query continues, and how the next item is counted. */
export interface Position {
  /** Its archive id, for RSM `<after>`. */
  id: string;
  /** Its stamp (ms) and index among the items of that stamp. */
  stamp: number;
  index: number;
}

/** `stamp` (15 digits of ms) `.` `index` (4 digits): string order is archive order. */
export const orderOf = ({ stamp, index }: Omit<Position, 'id'>): string => `${String(stamp).padStart(15, '0')}.${String(index).padStart(4, '0')}`;

/**
 * Where the item after `last` goes. An item with the same stamp, or an earlier one (a server clock set
 * back), counts on from `last`, so the order never goes backwards; every reader counts alike because the
 * cursor carries `last` along.
 */
export function nextPosition(last: Position | undefined, id: string, stamp: number): Position {
  return last && stamp <= last.stamp ? { id, stamp: last.stamp, index: last.index + 1 } : { id, stamp, index: 0 };
}

/** The cursor: the room occupant (`room/nick`), then the last item's archive id and order. */
export const cursorOf = (occupant: string, position: Position): string => `${occupant} ${position.id} ${orderOf(position)}`;

/** A cursor read back; anything malformed is no cursor at all (everything is replayed). */
export function parseCursor(cursor: string | null): { occupant: string; position: Position } | undefined {
  const match = /^(\S+@[^/\s]+\/.+) (\S+) (\d{15})\.(\d{4})$/.exec(cursor ?? '');
  return match ? { occupant: match[1]!, position: { id: match[2]!, stamp: Number(match[3]), index: Number(match[4]) } } : undefined;
}

/**
 * Whether nick `a` and `b` are both the visitor's: the router names a verified customer's other devices in
 * their conversation's room `Visitor` + a space + 6 hex digits of their account (two accounts cannot share a
 * nick). An agent who calls themselves "Visitor Support" is not the visitor.
 */
export const sameVisitor = (a: string, b: string): boolean => a.replace(/ [0-9a-f]{6}$/, '') === b.replace(/ [0-9a-f]{6}$/, '');

/** The extras of a line from the router (`<natter xmlns="urn:natter:0">`). */
const extras = obj({ author, event: opt(systemEvent), quickReplies: opt(arr(str(1, 60), 5)) });
const text = str(1, MAX_TEXT_LENGTH);

/** What an archive result holds: its id and stamp, and the message (`undefined`: nothing to show, such as a subject). */
export interface ArchiveItem {
  id: string;
  /** ms since the epoch; `undefined` when the result had no readable stamp. */
  stamp: number | undefined;
  message: InboundMessage | undefined;
}

/**
 * Reads one `<result>` of a query to `room`, where the visitor is `nick` and the router is `Natter`.
 * Returns `undefined` for a result without an id (which cannot be placed at all); an item that cannot be
 * read otherwise is `unreadable`, so it still takes its place.
 */
export function readResult(result: Element, room: string, nick: string, warn: (message: string) => void): ArchiveItem | undefined {
  const archiveId = check(id, result.getAttribute('id'));
  if (!archiveId.ok) return void warn('ignored an archive result without an id');
  const forwarded = child(result, 'forwarded', 'urn:xmpp:forward:0');
  const rawStamp = child(forwarded, 'delay', 'urn:xmpp:delay')?.getAttribute('stamp');
  const parsedStamp = rawStamp ? Date.parse(rawStamp) : NaN;
  const stamp = Number.isSafeInteger(parsedStamp) && parsedStamp >= 0 ? parsedStamp : undefined;
  const item = { id: archiveId.value, stamp };
  const message = child(forwarded, 'message');
  const from = message?.getAttribute('from') ?? '';
  const slash = from.indexOf('/');
  const author_ = from.slice(slash + 1);
  const unreadable = (why: string): ArchiveItem => {
    warn(`archive item ${item.id} cannot be read (${why}); shown as unreadable`);
    return { ...item, message: { id: item.id, author: { role: 'system' }, text: '', sentAt: stamp ?? 0, unreadable: true } };
  };
  if (stamp === undefined) return unreadable(`no readable stamp: ${rawStamp}`);
  if (!message || slash < 0 || from.slice(0, slash).toLowerCase() !== room) return unreadable(`not a message of room ${room}: ${from}`);
  const natter = childText(message, 'natter', NS.natter);
  const body = childText(message, 'body');
  if (body === undefined && natter === undefined) return { ...item, message: undefined };
  const checked = check(text, body);
  if (!checked.ok) return unreadable(`its text ${checked.issues[0]!.message}`);
  const inbound: InboundMessage = { id: item.id, author: { role: 'agent', name: author_ }, text: checked.value, sentAt: stamp };
  if (sameVisitor(author_, nick)) {
    inbound.author = { role: 'visitor' };
    const origin = check(id, child(message, 'origin-id', NS.sid)?.getAttribute('id'));
    if (origin.ok) inbound.clientId = origin.value;
  } else if (author_ === 'Natter') {
    let json: unknown;
    try {
      json = JSON.parse(natter ?? '{"author":{"role":"system"}}');
    } catch {
      return unreadable('its router data is not JSON');
    }
    const full = check(extras, json);
    // Extras from a newer router (an event kind this build does not know) must not hide the text.
    const plain = full.ok ? full : check(extras, { author: (json as { author?: unknown } | null)?.author });
    if (!plain.ok) return unreadable(`its router data: ${plain.issues[0]!.message}`);
    if (!full.ok) warn(`showed archive item ${item.id} as plain text: ${full.issues[0]!.message}`);
    Object.assign(inbound, plain.value);
  }
  return { ...item, message: inbound };
}
