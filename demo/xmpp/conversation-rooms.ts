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
    // Its visitor went on as another verified customer (a shared device): rare, so a scan is cheap enough.
    return this.#store.all().find((conversation) => conversation.meta.visitorId === visitor);
  }

  /** Whether account `jid` (bare) is a visitor of the conversation: the one who began it, or a device linked to it. */
  isVisitor(conversation: Conversation, jid: string | undefined): jid is string {
    return jid !== undefined && this.#store.findByVisitor(jid)?.meta.id === conversation.meta.id;
  }
}
