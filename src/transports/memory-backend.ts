import type { Author, User } from '../core/types';
import type { InboundFrame, InboundMessage, OutboundFrame } from './transport';

/** One connected {@link MemoryTransport}, as the backend sees it. */
export interface MemoryConnection {
  visitorId: string;
  deliver(frame: InboundFrame): void;
}

interface Conversation {
  items: (InboundMessage & { seq: number })[];
  user?: User;
}

/**
 * A whole Natter backend in memory: it stores messages once per client id, orders them, acknowledges them
 * and replays history after a cursor. Tests use it to drive the core without a network; `online = false`
 * makes it refuse connections so outages can be staged.
 *
 * @example
 * ```ts
 * const backend = new MemoryBackend();
 * const natter = createNatter({ transport: new MemoryTransport(backend), storage: 'memory' });
 * await natter.send('Hello');
 * backend.reply(backend.visitorIds()[0]!, 'Hi, how can I help?');
 * ```
 */
export class MemoryBackend {
  /** Whether new connections are accepted. Setting it to `false` drops every open connection. */
  get online(): boolean {
    return this.#online;
  }
  set online(value: boolean) {
    this.#online = value;
    if (!value) for (const connection of [...this.#connections]) this.#onDrop.get(connection)?.();
  }
  /**
   * Whether the visitor hears back about a message it sent (the ack and the echo). Turn it off to stage lost
   * acknowledgements: the message is still stored, but the browser does not know it.
   */
  sendAcks = true;
  teamName = 'Memory Team';
  available = true;
  #online = true;
  #conversations = new Map<string, Conversation>();
  #connections = new Set<MemoryConnection>();
  #onDrop = new Map<MemoryConnection, () => void>();
  #nextId = 1;

  /** Ids of every visitor who has a conversation. */
  visitorIds(): string[] {
    return [...this.#conversations.keys()];
  }

  /** The stored messages of `visitorId`'s conversation, oldest first. */
  messages(visitorId: string): readonly InboundMessage[] {
    return this.#conversations.get(visitorId)?.items ?? [];
  }

  /** The user the visitor identified as, if any. */
  user(visitorId: string): User | undefined {
    return this.#conversations.get(visitorId)?.user;
  }

  /** Adds a message from the team to `visitorId`'s conversation and delivers it live. */
  reply(visitorId: string, text: string, author: Author = { role: 'agent', id: 'a1', name: 'Alex' }): InboundMessage {
    return this.#append(visitorId, true, { id: `m${this.#nextId++}`, author, text, sentAt: Date.now() });
  }

  /** @internal Called by {@link MemoryTransport}. Returns `false` while offline. */
  connect(connection: MemoryConnection, cursor: number, user: User | undefined, onDrop: () => void): boolean {
    if (!this.#online) return false;
    const conversation = this.#conversation(connection.visitorId);
    if (user) conversation.user = { ...conversation.user, ...user };
    this.#connections.add(connection);
    this.#onDrop.set(connection, onDrop);
    connection.deliver({ type: 'team', name: this.teamName, available: this.available });
    for (const { seq, ...message } of conversation.items) {
      if (seq > cursor) connection.deliver({ type: 'message', message, cursor: String(seq) });
    }
    return true;
  }

  /** @internal */
  disconnect(connection: MemoryConnection): void {
    this.#connections.delete(connection);
    this.#onDrop.delete(connection);
  }

  /** @internal */
  receive(connection: MemoryConnection, frame: OutboundFrame): void {
    const conversation = this.#conversation(connection.visitorId);
    if (frame.type === 'identify') {
      conversation.user = { ...conversation.user, ...frame.user };
      return;
    }
    const existing = conversation.items.find((item) => item.clientId === frame.clientId);
    const stored =
      existing ??
      this.#append(connection.visitorId, this.sendAcks, {
        id: `m${this.#nextId++}`,
        clientId: frame.clientId,
        author: { role: 'visitor' },
        text: frame.text,
        sentAt: Date.now(),
      });
    if (this.sendAcks) connection.deliver({ type: 'ack', clientId: frame.clientId, id: stored.id, sentAt: stored.sentAt });
  }

  #conversation(visitorId: string): Conversation {
    let conversation = this.#conversations.get(visitorId);
    if (!conversation) this.#conversations.set(visitorId, (conversation = { items: [] }));
    return conversation;
  }

  #append(visitorId: string, broadcast: boolean, message: InboundMessage): InboundMessage {
    const conversation = this.#conversation(visitorId);
    const seq = conversation.items.length + 1;
    conversation.items.push({ ...message, seq });
    if (!broadcast) return message;
    for (const connection of this.#connections) {
      if (connection.visitorId === visitorId) connection.deliver({ type: 'message', message, cursor: String(seq) });
    }
    return message;
  }
}
