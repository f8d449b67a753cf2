/**
 * The reference backend's hub, pointed at XMPP: the desk (demo/desk.ts) runs unchanged and tells this hub
 * where frames go. Items the desk makes (system lines, bot answers) are posted into the room; frames for a
 * visitor become headline pushes to their account; agents need no frames (they are in the rooms and get
 * invitations). Who is available comes from agents' presence, not from sockets.
 */
import type { ServerFrame, WireItem } from '../../src/protocol/wire.ts';
import type { AgentServerFrame } from '../agent-protocol.ts';
import type { ConversationStore } from '../conversation-store.ts';
import { Hub } from '../hub.ts';
import type { AgentPresence } from './agent-presence.ts';

export interface HubOutlet {
  /** Posts a bot or system item into the conversation's room. */
  post(conversationId: string, item: WireItem): void;
  /** Pushes a frame to the conversation's visitor. */
  push(conversationId: string, frame: ServerFrame): void;
  /** Conversations whose visitor is in their room now. */
  online(): Iterable<string>;
}

export class XmppHub extends Hub {
  readonly #outlet: HubOutlet;
  readonly #presence: AgentPresence;

  constructor(store: ConversationStore, presence: AgentPresence, outlet: HubOutlet) {
    super(store);
    this.#presence = presence;
    this.#outlet = outlet;
  }

  override agentsAvailable(): boolean {
    return this.#presence.available().length > 0;
  }

  override hasAgent(agentId: string): boolean {
    return this.#presence.isConnected(agentId);
  }

  override isOnline(conversationId: string): boolean {
    for (const id of this.#outlet.online()) if (id === conversationId) return true;
    return false;
  }

  override broadcastItem(conversationId: string, item: WireItem): void {
    this.#outlet.post(conversationId, item);
  }

  override toVisitor(conversationId: string, frame: ServerFrame): void {
    // Typing travels in the room as chat states; items are posted. Only the desk's state changes are pushed.
    if (frame.type === 'session' || frame.type === 'availability' || frame.type === 'mode') this.#outlet.push(conversationId, frame);
  }

  override toAllVisitors(frame: ServerFrame | ((conversationId: string) => ServerFrame)): void {
    // (A function: each visitor's own frame, such as the away message in their language.)
    for (const conversationId of this.#outlet.online()) this.toVisitor(conversationId, typeof frame === 'function' ? frame(conversationId) : frame);
  }

  override conversationChanged(): void {}

  override toAgents(_frame: AgentServerFrame): void {}
}
