/**
 * Which agents are there: the router aggregates the presence agents send it. An agent's client either sends
 * directed presence to the router after login (`<presence to="router.DOMAIN"/>`), or subscribes to the
 * router once so the server sends it at every login; the server tells the router `unavailable` when the
 * client goes. `<show>away|xa|dnd</show>` means "connected but not taking chats". An agent with several
 * clients is available while any of them is.
 */
import { bareJid, parseJid } from './names.ts';
import type { XmlElement } from './xml.ts';

export type PresenceVerdict = 'changed' | 'unchanged' | 'subscribe' | 'probe' | 'unknown';

export class AgentPresence {
  readonly #agents: ReadonlySet<string>;
  /** Per agent (bare JID): each connected resource and whether it takes chats. */
  readonly #resources = new Map<string, Map<string, boolean>>();

  constructor(agents: Iterable<string>) {
    this.#agents = new Set([...agents].map((jid) => bareJid(jid)));
  }

  isAgent(jid: string): boolean {
    return this.#agents.has(bareJid(jid));
  }

  /** Configured agents, bare. */
  agents(): string[] {
    return [...this.#agents];
  }

  /** Takes a presence sent to the router; says what the caller has to do about it. */
  update(presence: XmlElement): PresenceVerdict {
    const from = presence.attrs.from ?? '';
    if (!this.isAgent(from)) return 'unknown';
    const type = presence.attrs.type;
    if (type === 'subscribe') return 'subscribe';
    if (type === 'probe') return 'probe';
    if (type !== undefined && type !== 'unavailable') return 'unchanged';
    const agent = bareJid(from);
    const before = this.isAvailable(agent);
    const resources = this.#resources.get(agent) ?? new Map<string, boolean>();
    const resource = parseJid(from).resource;
    if (type === 'unavailable') resources.delete(resource);
    else resources.set(resource, !['away', 'xa', 'dnd'].includes(presence.childText('show')?.trim() ?? ''));
    if (resources.size === 0) this.#resources.delete(agent);
    else this.#resources.set(agent, resources);
    return this.isAvailable(agent) === before ? 'unchanged' : 'changed';
  }

  isAvailable(agent: string): boolean {
    for (const available of this.#resources.get(bareJid(agent))?.values() ?? []) if (available) return true;
    return false;
  }

  /** Connected at all (available or away): the reference desk's "the agent is still there". */
  isConnected(agent: string): boolean {
    return this.#resources.has(bareJid(agent));
  }

  available(): string[] {
    return this.agents().filter((agent) => this.isAvailable(agent));
  }

  /** Forgets everything (the component connection dropped: the server will resend presence). */
  clear(): void {
    this.#resources.clear();
  }
}
