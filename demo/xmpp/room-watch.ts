/**
 * What the router does with what happens in rooms: an agent entering takes the waiting session; a visitor
 * message is mirrored into the store (so the desk and bot see the conversation as the reference backend
 * does), may get a bot answer, and is announced to available agents when none is in the room; an agent
 * message quiets nothing and wakes the bot again, exactly as an inbox reply does.
 *
 * Authors are told apart by real account, which the room shows its owner: the conversation's visitor (any
 * device of a verified customer linked to it), a configured agent, or nobody the router answers for (ignored
 * with a log line).
 */
import { MAX_TEXT_LENGTH, type WireItem } from '../../src/protocol/wire.ts';
import type { Conversation, ConversationStore } from '../conversation-store.ts';
import type { Desk } from '../desk.ts';
import type { AgentPresence } from './agent-presence.ts';
import type { Assigner } from './assign.ts';
import type { ConversationRooms } from './conversation-rooms.ts';
import { clientIdOf } from './frames.ts';
import type { Occupant, Rooms } from './rooms.ts';
import type { XmlElement } from './xml.ts';

export interface RoomWatchOptions {
  places: ConversationRooms;
  store: ConversationStore;
  desk: Desk;
  rooms: Rooms;
  presence: AgentPresence;
  assigner: Assigner;
  /** A room message stored as an item: agents in the inbox see it (XmppHub.mirrored). */
  mirrored: (conversationId: string, item: WireItem) => void;
  /** The visitor entered or left their room: the inbox shows them online or not (Hub.conversationChanged). */
  changed: (conversationId: string) => void;
  log: (line: string) => void;
}

export class RoomWatch {
  readonly #o: RoomWatchOptions;

  constructor(options: RoomWatchOptions) {
    this.#o = options;
  }

  enter(room: string, occupant: Occupant): void {
    const conversation = this.#conversation(room);
    if (conversation && occupant.jid !== undefined && this.#o.presence.isAgent(occupant.jid)) {
      this.#o.assigner.entered(conversation.meta.id, occupant.jid, occupant.nick);
    }
    if (conversation && this.#o.places.isVisitor(conversation, occupant.jid)) this.#o.changed(conversation.meta.id);
  }

  /** The visitor leaving is their going offline, as their last tab closing is on the reference backend. */
  leave(room: string, occupant: Occupant): void {
    const conversation = this.#conversation(room);
    if (conversation && this.#o.places.isVisitor(conversation, occupant.jid)) this.#o.changed(conversation.meta.id);
  }

  /** The visitor typing in a live chat reaches agents in the inbox (XMPP agents see the chat state in the room). */
  typing(room: string, occupant: Occupant | undefined, typing: boolean): void {
    const conversation = this.#conversation(room);
    if (conversation && this.#o.places.isVisitor(conversation, occupant?.jid)) this.#o.desk.visitorTyping(conversation.meta.id, typing);
  }

  message(room: string, occupant: Occupant | undefined, message: XmlElement): void {
    const { store, desk, presence, log } = this.#o;
    const conversation = this.#conversation(room);
    if (!conversation) return;
    const text = message.childText('body') ?? '';
    if (text.trim() === '' || text.length > MAX_TEXT_LENGTH) {
      log(`XMPP router: ${room}: a message of ${text.length} characters is not a Natter message; not mirrored`);
      return;
    }
    const id = conversation.meta.id;
    const clientId = clientIdOf(message.child('origin-id', 'urn:xmpp:sid:0')?.attrs.id ?? message.attrs.id);
    const jid = occupant?.jid;
    if (this.#o.places.isVisitor(conversation, jid)) {
      const { item, created } = store.append(id, { ...(clientId !== undefined && { clientId }), author: { role: 'visitor' }, text });
      if (!created) return;
      this.#o.mirrored(id, item);
      desk.afterVisitorMessage(id, item);
      const agentHere = this.#o.rooms.occupants(room).some((o) => o.jid !== undefined && presence.isAgent(o.jid));
      if (!agentHere) this.#o.assigner.notify(id, text);
      // The bot may have handed the visitor to the live queue.
      this.#o.assigner.dispatch();
    } else if (jid !== undefined && presence.isAgent(jid)) {
      const { item, created } = store.append(id, { ...(clientId !== undefined && { clientId }), author: { role: 'agent', id: jid, name: occupant!.nick }, text });
      if (created) this.#o.mirrored(id, item);
      desk.afterAgentReply(id);
    } else {
      log(`XMPP router: ${room}: ignored a message from ${jid ?? `the nick ${occupant?.nick ?? '?'}`}: neither the room's visitor nor an agent`);
    }
  }

  /** Conversations whose visitor is in their room now. */
  *online(): Iterable<string> {
    for (const room of this.#o.rooms.all()) {
      const conversation = this.#conversation(room);
      if (conversation && this.#o.rooms.occupants(room).some((o) => this.#o.places.isVisitor(conversation, o.jid))) yield conversation.meta.id;
    }
  }

  #conversation(room: string): Conversation | undefined {
    return this.#o.places.conversationOf(room);
  }
}
