/**
 * Live chat assignment: each visitor waiting in the desk's queue is offered to one available agent — the
 * one with the fewest live chats and open offers, taking turns on ties. The offer is room membership plus
 * a direct invitation (XEP-0249). The session goes live when an agent enters the room (`entered`); an
 * offer to an agent who goes away is made to another.
 *
 * The same path tells available agents about a new message in a room no agent is in (`notify`).
 */
import { currentSession, type ConversationStore } from '../conversation-store.ts';
import type { Desk } from '../desk.ts';
import type { AgentPresence } from './agent-presence.ts';
import type { Component } from './component.ts';
import { invite, setAffiliation } from './muc.ts';

/** A room without an agent announces new messages at most this often. */
const NOTIFY_EVERY_MS = 60_000;

export interface AssignerOptions {
  component: Component;
  store: ConversationStore;
  desk: Desk;
  presence: AgentPresence;
  /** The room of a conversation. */
  roomOf: (conversationId: string) => string | undefined;
  log: (line: string) => void;
}

export class Assigner {
  readonly #o: AssignerOptions;
  /** Conversation → the agent its queued session was offered to. */
  readonly #offers = new Map<string, string>();
  readonly #notified = new Map<string, number>();
  #turn = 0;

  constructor(options: AssignerOptions) {
    this.#o = options;
  }

  /** Offers every queued session that has no live offer. Cheap to call after anything that may change the queue. */
  dispatch(): void {
    const queued = new Set(this.#o.desk.queuedConversations());
    for (const conversationId of this.#offers.keys()) if (!queued.has(conversationId)) this.#offers.delete(conversationId);
    for (const conversationId of queued) {
      const offered = this.#offers.get(conversationId);
      if (offered !== undefined && this.#o.presence.isAvailable(offered)) continue;
      const agent = this.#pick();
      if (agent === undefined) return;
      this.#offers.set(conversationId, agent);
      this.#offer(conversationId, agent, 'A visitor is waiting for live chat');
    }
  }

  /** An agent entered a conversation's room: a queued session (or one whose agent is gone) goes live with them. */
  entered(conversationId: string, agent: string, nick: string): void {
    const conversation = this.#o.store.get(conversationId);
    const session = conversation && currentSession(conversation);
    if (session?.state !== 'queued' && !(session?.state === 'live' && session.agent?.id !== agent)) return;
    const outcome = this.#o.desk.accept({ id: agent, name: nick, available: true }, conversationId);
    if (!outcome.ok) this.#o.log(`XMPP router: ${agent} entered ${conversationId} but was not assigned: ${outcome.message}`);
    this.#offers.delete(conversationId);
    this.dispatch();
  }

  /** A visitor wrote in a room no agent is in: tell the available agents (at most once a minute per room). */
  notify(conversationId: string, text: string): void {
    const now = Date.now();
    if (now - (this.#notified.get(conversationId) ?? 0) < NOTIFY_EVERY_MS) return;
    const agents = this.#o.presence.available();
    if (agents.length === 0) return;
    this.#notified.set(conversationId, now);
    const preview = text.length > 140 ? `${text.slice(0, 140)}…` : text;
    for (const agent of agents) this.#offer(conversationId, agent, `New message from a visitor: "${preview}"`);
  }

  #offer(conversationId: string, agent: string, reason: string): void {
    const room = this.#o.roomOf(conversationId);
    if (room === undefined) return;
    const { component, log } = this.#o;
    setAffiliation(component, room, agent, 'member').then(
      () => invite(component, agent, room, reason),
      (error: unknown) => log(`XMPP router: could not let ${agent} into ${room}: ${(error as Error).message}`),
    );
  }

  #pick(): string | undefined {
    const available = this.#o.presence.available();
    if (available.length === 0) return undefined;
    const load = new Map(available.map((agent) => [agent, 0]));
    for (const conversation of this.#o.store.all()) {
      const session = currentSession(conversation);
      const id = session?.state === 'live' ? session.agent?.id : undefined;
      if (id !== undefined && load.has(id)) load.set(id, load.get(id)! + 1);
    }
    for (const agent of this.#offers.values()) if (load.has(agent)) load.set(agent, load.get(agent)! + 1);
    const fewest = Math.min(...load.values());
    const candidates = available.filter((agent) => load.get(agent) === fewest);
    return candidates[this.#turn++ % candidates.length];
  }
}
