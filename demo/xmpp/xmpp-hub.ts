/**
 * The reference backend's hub, pointed at XMPP: the desk (demo/desk.ts) runs unchanged and tells this hub
 * where frames go. Items the desk makes (system lines, bot answers) are posted into the room; frames for a
 * visitor become headline pushes to their account. XMPP agents need no frames (they are in the rooms and get
 * invitations); agents in the inbox (`inbox.ts`, when the router serves one) get the reference backend's
 * agent frames, as the base hub sends them. Who is available: agents by their XMPP presence, and inbox
 * agents who set themselves available.
 */
import type { ServerFrame, WireItem } from '../../src/protocol/wire.ts';
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
    return this.#presence.available().length > 0 || super.agentsAvailable();
  }

  override hasAgent(agentId: string): boolean {
    return this.#presence.isConnected(agentId) || super.hasAgent(agentId);
  }

  override isOnline(conversationId: string): boolean {
    for (const id of this.#outlet.online()) if (id === conversationId) return true;
    return false;
  }

  override broadcastItem(conversationId: string, item: WireItem): void {
    this.#outlet.post(conversationId, item);
    this.toAgents({ type: 'item', conversationId, item });
  }

  /** An item the router mirrored from the room into the store (the visitor's, an XMPP agent's): for the inbox. */
  mirrored(conversationId: string, item: WireItem): void {
    this.toAgents({ type: 'item', conversationId, item });
  }

  override toVisitor(conversationId: string, frame: ServerFrame): void {
    // Typing travels in the room as chat states; items are posted. Only the desk's state changes are pushed.
    if (frame.type === 'session' || frame.type === 'availability' || frame.type === 'mode') this.#outlet.push(conversationId, frame);
  }

  override toAllVisitors(frame: ServerFrame | ((conversationId: string) => ServerFrame)): void {
    // (A function: each visitor's own frame, such as the away message in their language.)
    for (const conversationId of this.#outlet.online()) this.toVisitor(conversationId, typeof frame === 'function' ? frame(conversationId) : frame);
  }
}
