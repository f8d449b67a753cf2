/**
 * Who the customer is, for agents in any XMPP client: the room knows them only as `Visitor`, so the router
 * sets the room's subject (XEP-0045 §8.1, as its owner) to whether the site vouched for them with a signed
 * token, their name, email and language, whenever these change. A subject has no body: the servers'
 * archives (Prosody's muc_mam, ejabberd's mod_mam) do not keep it, so the widget's history never shows it;
 * the room gives it to whoever enters.
 */
import type { ConversationMeta, ConversationStore } from '../conversation-store.ts';
import type { Component } from './component.ts';
import type { ConversationRooms } from './conversation-rooms.ts';
import type { Rooms } from './rooms.ts';
import { el } from './xml.ts';

/** What the customer gave, as plain text on one line: no controls or bidi overrides, no "·" (the separator). */
const plain = (text: string | undefined): string => text?.replace(/[\p{Cc}\p{Cf}·]/gu, ' ').replace(/\s+/g, ' ').trim() ?? '';

/**
 * The subject for a conversation, or undefined while nothing is known of the customer. Whether the site
 * vouched for them comes first, where nothing the customer typed can stand: `Verified: Ana · ana@example.com
 * · de`, `Not verified: …`.
 */
export function roomSubject(meta: ConversationMeta): string | undefined {
  const parts = [meta.user.name, meta.user.email, meta.locale].map(plain).filter(Boolean);
  if (parts.length === 0) return undefined;
  return `${meta.customerId === undefined ? 'Not verified' : 'Verified'}: ${parts.join(' · ')}`;
}

/** Rooms whose subject is remembered; the oldest is forgotten beyond this (it is set again if it changes). */
const REMEMBERED = 10_000;

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
    this.#set.delete(room);
    this.#set.set(room, subject);
    if (this.#set.size > REMEMBERED) this.#set.delete(this.#set.keys().next().value!);
    c.rooms.ensure(room, c.teamName).then(
      () => c.component.send(el('message', { type: 'groupchat', from: c.component.domain, to: room }, el('subject', {}, subject))),
      (error: unknown) => {
        this.#set.delete(room);
        c.log(`XMPP router: could not set the subject of ${room}: ${(error as Error).message}`);
      },
    );
  }
}
