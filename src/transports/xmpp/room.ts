/**
 * The conversation's room (XEP-0045), as stanzas: what the visitor sends into it, and what its live
 * messages mean besides new archive items (typing, a bounced message). Room messages with a body are not
 * read here: the archive delivers them, with their order (docs/xmpp.md, "Room traffic").
 * @module
 */
import type { InboundFrame } from '../../core/transport.ts';
import { check } from '../../model/check.ts';
import { id } from '../../model/schemas.ts';
import { LinkError } from './link.ts';
import { child, condition, esc, NS, tag } from './xml.ts';

/** The visitor's message: its client id as the stanza id and as `origin-id` (XEP-0359). */
export const messageStanza = (room: string, clientId: string, text: string): string =>
  tag('message', { type: 'groupchat', to: room, id: clientId }, tag('body', {}, esc(text)) + tag('origin-id', { xmlns: NS.sid, id: clientId }));

/** The visitor's typing (XEP-0085), never archived (XEP-0334). */
export const typingStanza = (room: string, typing: boolean): string =>
  tag('message', { type: 'groupchat', to: room }, tag(typing ? 'composing' : 'paused', { xmlns: NS.chatStates }) + tag('no-store', { xmlns: 'urn:xmpp:hints' }));

/** Entering the room as `nick`, without the room's own history replay (the archive is the history). */
export const joinStanza = (room: string, nick: string): string =>
  tag('presence', { to: `${room}/${nick}` }, tag('x', { xmlns: 'http://jabber.org/protocol/muc' }, tag('history', { maxstanzas: '0' })));

/** Throws, for good, unless the room's disco#info lists an archive: without one there is no history. */
export function checkArchive(info: Element, room: string): void {
  if (info.getAttribute('type') !== 'result') throw new LinkError(`the room ${room} cannot be reached (${condition(info)}); retrying`);
  if (Array.from(child(info, 'query')?.children ?? []).some((feature) => feature.getAttribute('var') === NS.mam)) return;
  throw new LinkError(
    `the room ${room} keeps no archive (XEP-0313 ${NS.mam}), which is Natter's history. Enable it: Prosody modules_enabled = { "muc_mam" } on the group-chat component with muc_log_all_rooms = true; ejabberd mod_mam with the room option mam: true`,
    true,
  );
}

/**
 * What a live groupchat message from occupant `nick` means: `fetch` for new archive items, a `typing`
 * frame for another occupant's chat state, or nothing.
 */
export function liveMessage(stanza: Element, nick: string, self: boolean): 'fetch' | InboundFrame | undefined {
  if (child(stanza, 'body') || child(stanza, 'natter', NS.natter)) return 'fetch';
  const state = Array.from(stanza.children).find((element) => element.namespaceURI === NS.chatStates)?.localName;
  if (self || !state) return undefined;
  return { type: 'typing', author: nick === 'Natter' ? { role: 'bot' } : { role: 'agent', name: nick }, typing: state === 'composing' };
}

/**
 * A message of the visitor's that the room bounced: `slow` (rate limits), `reject` (refused for good), or
 * `rejoin` (the room no longer counts the visitor in); `undefined` when it names no message of ours.
 */
export function bounced(stanza: Element): 'rejoin' | InboundFrame | undefined {
  const why = condition(stanza) ?? 'unknown';
  if (why === 'not-acceptable') return 'rejoin';
  const clientId = check(id, stanza.getAttribute('id'));
  if (!clientId.ok) return undefined;
  if (why === 'resource-constraint' || why === 'policy-violation') return { type: 'slow', clientId: clientId.value };
  return { type: 'reject', clientId: clientId.value, reason: `the room refused it: ${why}` };
}
