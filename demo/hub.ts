/**
 * Who is connected, and fan-out to them. The socket handlers and the desk (`desk.ts`) decide what
 * happens; the hub only knows where frames have to go. It tells the desk when agents come, go or change
 * status, so the desk can recompute what visitors are told about availability.
 */
import { WebSocket } from 'ws';
import type { ClientFrame, ServerFrame, WireItem } from '../src/protocol/wire.ts';

/** The visitor's page and the site's attributes, as their browser last sent them. */
export type Presence = Pick<Extract<ClientFrame, { type: 'visitor' }>, 'page' | 'attributes'>;
import type { AgentConversation, AgentInfo, AgentServerFrame } from './agent-protocol.ts';
import { lastSeq, type Conversation, type ConversationStore } from './conversation-store.ts';
import { deliver } from './outbound.ts';

/** Sends once what was stored before is committed (outbound.ts): an `ack` still means stored. */
export function sendFrame(socket: WebSocket, frame: ServerFrame | AgentServerFrame): void {
  if (socket.readyState === WebSocket.OPEN) deliver(socket, JSON.stringify(frame));
}

/** What the desk adds to a conversation as agents see it. */
export type SessionDetails = Pick<AgentConversation, 'session' | 'ratings' | 'needsPerson'>;

export class Hub {
  readonly #store: ConversationStore;
  /** Visitor sockets that said hello, by conversation: one visitor may have several tabs open. */
  readonly #visitors = new Map<string, Set<WebSocket>>();
  readonly #presence = new Map<string, Presence>();
  /** Agent sockets that said hello. */
  readonly #agents = new Map<WebSocket, AgentInfo>();
  #details: (conversation: Conversation) => SessionDetails = () => ({ ratings: [], needsPerson: false });
  #onAgentsChanged: () => void = () => {};

  constructor(store: ConversationStore) {
    this.#store = store;
  }

  /** Plugs in the desk: session details for agents, and a callback whenever the agents change. */
  attach(details: (conversation: Conversation) => SessionDetails, onAgentsChanged: () => void): void {
    this.#details = details;
    this.#onAgentsChanged = onAgentsChanged;
  }

  /** At least one connected agent who set themselves available (business hours aside). */
  agentsAvailable(): boolean {
    for (const agent of this.#agents.values()) if (agent.available) return true;
    return false;
  }

  /** Whether an agent with this id is connected (agent ids last as long as their connection). */
  hasAgent(agentId: string): boolean {
    for (const agent of this.#agents.values()) if (agent.id === agentId) return true;
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

  /**
   * What the visitor's browser last said about the page they are on and the site's attributes
   * (`hello`, `visitor` frames): kept in memory, as every connection says it again. Returns whether it changed.
   */
  setPresence(conversationId: string, presence: Presence): boolean {
    const before = this.#presence.get(conversationId) ?? {};
    const after = { ...before, ...presence };
    if (JSON.stringify(after) === JSON.stringify(before)) return false;
    this.#presence.set(conversationId, after);
    return true;
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
    this.toVisitor(conversationId, { type: 'item', item });
    this.toAgents({ type: 'item', conversationId, item });
  }

  /** A frame for every tab of one visitor. */
  toVisitor(conversationId: string, frame: ServerFrame): void {
    for (const socket of this.#visitors.get(conversationId) ?? []) sendFrame(socket, frame);
  }

  /** A frame for every connected visitor. */
  toAllVisitors(frame: ServerFrame | ((conversationId: string) => ServerFrame)): void {
    for (const [id, sockets] of this.#visitors) {
      const own = typeof frame === 'function' ? frame(id) : frame;
      for (const socket of sockets) sendFrame(socket, own);
    }
  }

  conversationChanged(conversationId: string): void {
    const conversation = this.#store.get(conversationId);
    if (conversation) this.toAgents({ type: 'conversation', conversation: this.agentView(conversation) });
  }

  agentView(conversation: Conversation): AgentConversation {
    const { id, user, customerId, locale, createdAt, updatedAt } = conversation.meta;
    const details = this.#details(conversation);
    const view: AgentConversation = {
      id,
      user: customerId === undefined ? user : { ...user, verified: true },
      createdAt,
      updatedAt,
      seq: lastSeq(conversation),
      online: this.isOnline(id),
      ratings: details.ratings,
      needsPerson: details.needsPerson,
    };
    if (locale !== undefined) view.locale = locale;
    const { page, attributes } = this.#presence.get(id) ?? {};
    if (page !== undefined) view.page = page;
    if (attributes !== undefined) view.attributes = attributes;
    if (details.session !== undefined) view.session = details.session;
    return view;
  }

  toAgents(frame: AgentServerFrame): void {
    for (const socket of this.#agents.keys()) sendFrame(socket, frame);
  }

  #agentsChanged(): void {
    this.toAgents({ type: 'agents', agents: this.agents() });
    this.#onAgentsChanged();
  }
}
