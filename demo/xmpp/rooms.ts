/**
 * The rooms the router sits in, and who else is in each. The router enters a room when its visitor says
 * hello (creating and configuring it the first time), re-enters every room it knew after a reconnect, and
 * follows occupants by their presence. As the rooms' owner it sees occupants' real addresses, so it
 * tells the visitor and agents apart by account, never by nick.
 */
import type { Component } from './component.ts';
import { configureRoom, hasStatus, isSelfPresence, joinRoom, occupantJid, ROUTER_NICK, setAffiliation } from './muc.ts';
import { bareJid, parseJid } from './names.ts';
import { el, type XmlElement } from './xml.ts';

export interface Occupant {
  nick: string;
  /** The occupant's bare account, when the room told it. */
  jid: string | undefined;
}

const CHAT_STATES = 'http://jabber.org/protocol/chatstates';

export interface RoomEvents {
  /** Someone (not the router) entered the room. */
  onEnter(room: string, occupant: Occupant): void;
  /** Someone (not the router) left it. */
  onLeave(room: string, occupant: Occupant): void;
  /** A chat state (XEP-0085) without a body from someone other than the router: composing or not. */
  onTyping(room: string, occupant: Occupant | undefined, typing: boolean): void;
  /** A new groupchat message with a body from someone other than the router. */
  onMessage(room: string, occupant: Occupant | undefined, message: XmlElement): void;
}

interface RoomState {
  /** Joined and configured in this connection (pending while it happens). */
  ready: Promise<void> | undefined;
  readonly occupants: Map<string, Occupant>;
}

export class Rooms {
  readonly #component: Component;
  readonly #events: RoomEvents;
  readonly #log: (line: string) => void;
  readonly #rooms = new Map<string, RoomState>();
  /** The rooms' name (the team's), for re-entering on the router's own initiative. */
  #name = '';

  constructor(component: Component, events: RoomEvents, log: (line: string) => void) {
    this.#component = component;
    this.#events = events;
    this.#log = log;
  }

  /** Enters (creating if needed) and configures the room, once per connection. Rejects when the server refuses. */
  ensure(room: string, name: string): Promise<void> {
    this.#name = name;
    const state = this.#state(room);
    if (!state.ready) {
      joinRoom(this.#component, room);
      // The server handles the join before this IQ (one stream, in order): the room exists by then.
      state.ready = configureRoom(this.#component, room, name)
        .then(() => setAffiliation(this.#component, room, this.#component.domain, 'owner', ROUTER_NICK))
        .catch((error: unknown) => {
          state.ready = undefined;
          throw error;
        });
    }
    return state.ready;
  }

  /** After a reconnect: the server forgot the router's presence in every room; enter them again. */
  rejoinAll(name: string): void {
    for (const [room, state] of this.#rooms) {
      state.ready = undefined;
      state.occupants.clear();
      this.ensure(room, name).catch((error: unknown) => this.#log(`XMPP router: could not re-enter ${room}: ${(error as Error).message}`));
    }
  }

  /** Leaves every room (the router is stopping), so occupants see it go. */
  leaveAll(): void {
    for (const [room, state] of this.#rooms) {
      if (state.ready) this.#component.send(el('presence', { type: 'unavailable', from: this.#component.domain, to: `${room}/${ROUTER_NICK}` }));
      state.ready = undefined;
    }
  }

  occupants(room: string): Occupant[] {
    return [...(this.#rooms.get(room)?.occupants.values() ?? [])];
  }

  /** Rooms the router knows, with occupants. */
  all(): string[] {
    return [...this.#rooms.keys()];
  }

  presence(stanza: XmlElement): void {
    const from = stanza.attrs.from ?? '';
    const room = bareJid(from);
    const nick = parseJid(from).resource;
    const state = this.#rooms.get(room);
    if (!state || !nick) return;
    if (stanza.attrs.type === 'error') {
      const condition = stanza.child('error')?.elements()[0]?.name ?? 'unknown';
      this.#log(`XMPP router: ${room} refused the router (${condition})`);
      return;
    }
    if (isSelfPresence(stanza) || nick === ROUTER_NICK) {
      if (stanza.attrs.type !== 'unavailable') return;
      // The router is out (kicked, room destroyed): it enters again at the next hello or post. When the room
      // went down with its cluster node (status 332), enter again at once: another node serves it.
      state.ready = undefined;
      state.occupants.clear();
      if (hasStatus(stanza, '332')) {
        const retry = setTimeout(() => this.ensure(room, this.#name).catch((error: unknown) => this.#log(`XMPP router: could not re-enter ${room}: ${(error as Error).message}`)), 1000);
        retry.unref();
      }
      return;
    }
    if (stanza.attrs.type === 'unavailable') {
      const occupant = state.occupants.get(nick);
      state.occupants.delete(nick);
      if (occupant) this.#events.onLeave(room, occupant);
      return;
    }
    const jid = occupantJid(stanza);
    const occupant: Occupant = { nick, jid: jid === undefined ? undefined : bareJid(jid) };
    const known = state.occupants.has(nick);
    state.occupants.set(nick, occupant);
    if (!known) this.#events.onEnter(room, occupant);
  }

  message(stanza: XmlElement): void {
    const from = stanza.attrs.from ?? '';
    const room = bareJid(from);
    const nick = parseJid(from).resource;
    const state = this.#rooms.get(room);
    if (!state || stanza.attrs.type !== 'groupchat' || !nick || nick === ROUTER_NICK) return;
    // History replayed on entering carries <delay>: the router asked for none, and takes none.
    if (stanza.child('delay', 'urn:xmpp:delay') !== undefined) return;
    if (stanza.child('body') === undefined) {
      const chatState = stanza.elements().find((child) => child.ns === CHAT_STATES)?.name;
      if (chatState !== undefined) this.#events.onTyping(room, state.occupants.get(nick), chatState === 'composing');
      return;
    }
    this.#events.onMessage(room, state.occupants.get(nick), stanza);
  }

  #state(room: string): RoomState {
    let state = this.#rooms.get(room);
    if (!state) this.#rooms.set(room, (state = { ready: undefined, occupants: new Map() }));
    return state;
  }
}
