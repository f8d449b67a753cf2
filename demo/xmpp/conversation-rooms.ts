/**
 * Which room a conversation lives in, and who in it is its visitor. The room is named after the visitor who
 * began the conversation (`meta.visitorId`, stored with it and never changed), so it stays the same when a
 * verified customer's other devices join it; those devices are the conversation's visitors too (the store
 * links them), and each is made a member of that one room.
 */
import type { Conversation, ConversationStore } from '../conversation-store.ts';
import type { Names } from './names.ts';

export class ConversationRooms {
  readonly #names: Names;
  readonly #store: ConversationStore;
  /** Rooms whose first visitor follows another conversation: the visitor → the room's conversation, if any. */
  readonly #elsewhere = new Map<string, string | undefined>();

  constructor(names: Names, store: ConversationStore) {
    this.#names = names;
    this.#store = store;
  }

  /** The conversation's room, or undefined when the router knows no such conversation. */
  roomOf(conversationId: string): string | undefined {
    const visitor = this.#store.get(conversationId)?.meta.visitorId;
    return visitor === undefined ? undefined : this.#names.roomOf(visitor);
  }

  /**
   * The conversation whose room `room` is; undefined for any other room, such as the own room of a device
   * that went on in a verified customer's conversation (its conversation is retired).
   */
  conversationOf(room: string): Conversation | undefined {
    const visitor = this.#names.visitorOfRoom(room);
    if (visitor === undefined) return undefined;
    const followed = this.#store.findByVisitor(visitor);
    if (followed?.meta.visitorId === visitor) return followed;
    // The visitor follows another conversation: theirs is retired (none), or — a shared device that went on
    // as another customer — still the first customer's. A conversation's first visitor never changes, and
    // such a visitor gets no new one, so the answer of one scan holds: kept, as `online()` asks often.
    if (!this.#elsewhere.has(visitor)) this.#elsewhere.set(visitor, this.#store.all().find((conversation) => conversation.meta.visitorId === visitor)?.meta.id);
    const id = this.#elsewhere.get(visitor);
    return id === undefined ? undefined : this.#store.get(id);
  }

  /** Whether account `jid` (bare) is a visitor of the conversation: the one who began it, or a device linked to it. */
  isVisitor(conversation: Conversation, jid: string | undefined): jid is string {
    return jid !== undefined && this.#store.findByVisitor(jid)?.meta.id === conversation.meta.id;
  }
}
