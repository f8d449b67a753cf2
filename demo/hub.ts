/**
 * Who is connected, and fan-out to them. The socket handlers decide what happens; the hub only knows
 * where frames have to go, and notices when the team's availability flips so visitors hear about it.
 */
import { WebSocket } from 'ws';
import type { ServerFrame, WireItem } from '../src/protocol/wire.ts';
import type { AgentConversation, AgentInfo, AgentServerFrame } from './agent-protocol.ts';
import { lastSeq, type Conversation, type ConversationStore } from './conversation-store.ts';

export function sendFrame(socket: WebSocket, frame: ServerFrame | AgentServerFrame): void {
  if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
}

export class Hub {
  readonly #store: ConversationStore;
  /** Visitor sockets that said hello, by conversation: one visitor may have several tabs open. */
  readonly #visitors = new Map<string, Set<WebSocket>>();
  /** Agent sockets that said hello. */
  readonly #agents = new Map<WebSocket, AgentInfo>();
  #announcedAvailable = false;

  constructor(store: ConversationStore) {
    this.#store = store;
  }

  /** A person is there to answer: at least one connected agent who set themselves available. */
  available(): boolean {
    for (const agent of this.#agents.values()) if (agent.available) return true;
    return false;
  }

  /**
   * Returns whether the conversation just came online (its first tab), so the caller can tell agents —
   * once, together with whatever else the hello changed.
   */
  addVisitor(conversationId: string, socket: WebSocket): boolean {
    let sockets = this.#visitors.get(conversationId);
    if (!sockets) this.#visitors.set(conversationId, (sockets = new Set()));
    if (sockets.has(socket)) return false;
    sockets.add(socket);
    return sockets.size === 1;
  }

  /** Returns whether the conversation just went offline (its last tab closed). */
  removeVisitor(conversationId: string, socket: WebSocket): boolean {
    const sockets = this.#visitors.get(conversationId);
    if (!sockets?.delete(socket)) return false;
    if (sockets.size > 0) return false;
    this.#visitors.delete(conversationId);
    return true;
  }

  isOnline(conversationId: string): boolean {
    return (this.#visitors.get(conversationId)?.size ?? 0) > 0;
  }

  /** Registers (or updates) an agent and tells everyone who needs to know. */
  setAgent(socket: WebSocket, agent: AgentInfo): void {
    this.#agents.set(socket, agent);
    this.#agentsChanged();
  }

  removeAgent(socket: WebSocket): void {
    if (this.#agents.delete(socket)) this.#agentsChanged();
  }

  agents(): AgentInfo[] {
    return [...this.#agents.values()].map((a) => ({ ...a }));
  }

  /** A new item reaches every tab of its visitor and every agent. */
  broadcastItem(conversationId: string, item: WireItem): void {
    for (const socket of this.#visitors.get(conversationId) ?? []) sendFrame(socket, { type: 'item', item });
    this.toAgents({ type: 'item', conversationId, item });
  }

  conversationChanged(conversationId: string): void {
    const conversation = this.#store.get(conversationId);
    if (conversation) this.toAgents({ type: 'conversation', conversation: this.agentView(conversation) });
  }

  agentView(conversation: Conversation): AgentConversation {
    const { id, user, locale, createdAt, updatedAt } = conversation.meta;
    const view: AgentConversation = {
      id,
      user,
      createdAt,
      updatedAt,
      seq: lastSeq(conversation),
      online: this.isOnline(id),
    };
    if (locale !== undefined) view.locale = locale;
    return view;
  }

  toAgents(frame: AgentServerFrame): void {
    for (const socket of this.#agents.keys()) sendFrame(socket, frame);
  }

  #agentsChanged(): void {
    this.toAgents({ type: 'agents', agents: this.agents() });
    const available = this.available();
    if (available === this.#announcedAvailable) return;
    this.#announcedAvailable = available;
    for (const sockets of this.#visitors.values()) {
      for (const socket of sockets) sendFrame(socket, { type: 'presence', available });
    }
  }
}
