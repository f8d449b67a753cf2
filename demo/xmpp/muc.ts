/**
 * What the router does to group-chat rooms (XEP-0045), through its component connection: join (which
 * creates a room on a server where the router may create rooms), configure, grant affiliations, invite
 * (XEP-0249), and post. Every request is an ordinary stanza any MUC service understands.
 */
import type { Component } from './component.ts';
import { el, type XmlElement } from './xml.ts';

export const MUC_NS = 'http://jabber.org/protocol/muc';
export const MUC_USER_NS = 'http://jabber.org/protocol/muc#user';
const MUC_OWNER_NS = 'http://jabber.org/protocol/muc#owner';
const MUC_ADMIN_NS = 'http://jabber.org/protocol/muc#admin';

/** The router's nick in every room. */
export const ROUTER_NICK = 'Natter';

/**
 * A conversation's room: members-only (only the visitor, invited agents and the router get in), persistent
 * (it outlives its occupants), archived (MAM is the history), not listed, real addresses visible only to
 * moderators (the router), and nobody but the owner changes the subject or invites.
 * `muc#roomconfig_enablearchiving` is Prosody's archive switch, `mam` ejabberd's; each ignores the other.
 */
const ROOM_CONFIG: Record<string, string> = {
  'muc#roomconfig_persistentroom': '1',
  'muc#roomconfig_membersonly': '1',
  'muc#roomconfig_publicroom': '0',
  'muc#roomconfig_whois': 'moderators',
  'muc#roomconfig_changesubject': '0',
  'muc#roomconfig_allowinvites': '0',
  'muc#roomconfig_enablearchiving': '1',
  mam: '1',
};

/** Enters the room as `Natter` without history; creates it if the server lets the router create rooms. */
export function joinRoom(component: Component, room: string): void {
  component.send(
    el('presence', { from: component.domain, to: `${room}/${ROUTER_NICK}` }, el('x', { xmlns: MUC_NS }, el('history', { maxstanzas: '0' }))),
  );
}

/**
 * Configures the room (the router is its owner). It asks for the room's form first and submits only the
 * fields the server offers: ejabberd refuses a form with a field it does not know (Prosody's archive switch).
 */
export async function configureRoom(component: Component, room: string, name: string): Promise<void> {
  const query = (type: 'get' | 'set', ...children: XmlElement[]) =>
    el('iq', { type, from: component.domain, to: room }, el('query', { xmlns: MUC_OWNER_NS }, ...children));
  const form = await component.iq(query('get'));
  const offered = new Set(form.child('query')?.child('x', 'jabber:x:data')?.elements('field').map((f) => f.attrs.var) ?? []);
  const fields = [field('FORM_TYPE', 'http://jabber.org/protocol/muc#roomconfig')];
  for (const [key, value] of Object.entries({ 'muc#roomconfig_roomname': name, ...ROOM_CONFIG })) if (offered.has(key)) fields.push(field(key, value));
  await component.iq(query('set', el('x', { xmlns: 'jabber:x:data', type: 'submit' }, ...fields)));
}

/**
 * Gives `jid` (bare) an affiliation: `member` lets a visitor or agent into the members-only room. With `nick`,
 * the nick is reserved for that account (Prosody refuses it to anyone else with `conflict`), so nobody can
 * speak as `Natter` or as the visitor, even while they are out of the room.
 */
export async function setAffiliation(component: Component, room: string, jid: string, affiliation: 'owner' | 'member' | 'none', nick?: string): Promise<void> {
  await component.iq(el('iq', { type: 'set', from: component.domain, to: room }, el('query', { xmlns: MUC_ADMIN_NS }, el('item', { affiliation, jid, nick }))));
}

/** A direct invitation (XEP-0249), with a body for clients that do not show invitations. */
export function invite(component: Component, to: string, room: string, reason: string): void {
  component.send(
    el('message', { from: component.domain, to }, el('body', {}, `${reason} — join ${room}`), el('x', { xmlns: 'jabber:x:conference', jid: room, reason })),
  );
}

/** The occupant's real address from a room presence (`<x xmlns="…muc#user"><item jid=…/>`), if the room shows it. */
export function occupantJid(presence: XmlElement): string | undefined {
  return presence.child('x', MUC_USER_NS)?.child('item')?.attrs.jid;
}

/** Whether a room presence carries a status code (110: about the receiver itself; 332: the room's node shut down). */
export function hasStatus(presence: XmlElement, code: string): boolean {
  return presence.child('x', MUC_USER_NS)?.elements('status').some((status) => status.attrs.code === code) ?? false;
}

export function isSelfPresence(presence: XmlElement): boolean {
  return hasStatus(presence, '110');
}

function field(name: string, value: string): XmlElement {
  return el('field', { var: name }, el('value', {}, value));
}
