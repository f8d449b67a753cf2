/**
 * Who the customer is, for agents in any XMPP client: the room knows them only as `Visitor`, so the router
 * sets the room's subject (XEP-0045 §8.1, as its owner) to their name, email — marked when the site vouched
 * for them with a signed token — and language, whenever these change. A subject has no body: the servers'
 * archives (Prosody's muc_mam, ejabberd's mod_mam) do not keep it, so the widget's history never shows it;
 * the room gives it to whoever enters.
 */
import type { ConversationMeta, ConversationStore } from '../conversation-store.ts';
import type { Component } from './component.ts';
import type { ConversationRooms } from './conversation-rooms.ts';
import type { Rooms } from './rooms.ts';
import { el } from './xml.ts';

/** The subject for a conversation, or undefined while nothing is known of the customer. */
export function roomSubject(meta: ConversationMeta): string | undefined {
  const { name, email } = meta.user;
  const parts = [name, email && (meta.customerId === undefined ? email : `${email} (verified)`), meta.locale].filter(Boolean);
  return parts.length > 0 ? parts.join(' · ') : undefined;
}

export interface SubjectsContext {
  component: Component;
  store: ConversationStore;
  places: ConversationRooms;
  rooms: Rooms;
  teamName: string;
  log: (line: string) => void;
}

export class Subjects {
  readonly #c: SubjectsContext;
  /** The subject each room was last given, so that a hello that changes nothing sends nothing. */
  readonly #set = new Map<string, string>();

  constructor(context: SubjectsContext) {
    this.#c = context;
  }

  /** The conversation's details may have changed: its room's subject follows them. */
  update(conversationId: string): void {
    const c = this.#c;
    const conversation = c.store.get(conversationId);
    const room = c.places.roomOf(conversationId);
    const subject = conversation && roomSubject(conversation.meta);
    if (room === undefined || subject === undefined || this.#set.get(room) === subject) return;
    this.#set.set(room, subject);
    c.rooms.ensure(room, c.teamName).then(
      () => c.component.send(el('message', { type: 'groupchat', from: c.component.domain, to: room }, el('subject', {}, subject))),
      (error: unknown) => {
        this.#set.delete(room);
        c.log(`XMPP router: could not set the subject of ${room}: ${(error as Error).message}`);
      },
    );
  }
}
