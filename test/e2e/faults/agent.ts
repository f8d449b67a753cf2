/**
 * The team's side, through the reference backend's agent socket (docs/protocol.md, "Reference backend:
 * agent protocol"): replies, bursts of replies, and answering each customer message as it arrives. The agent
 * says hello as away (`available: false`) so that its presence changes nothing the widget offers.
 */
import { randomUUID } from 'node:crypto';
import { WebSocket } from 'ws';

export class Agent {
  readonly #acks = new Map<string, () => void>();
  readonly #itemListeners = new Set<(conversationId: string, item: any) => void>();
  readonly errors: string[] = [];

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data));
      if (frame.type === 'ack') this.#acks.get(frame.clientId)?.();
      else if (frame.type === 'item') for (const listener of this.#itemListeners) listener(frame.conversationId, frame.item);
      else if (frame.type === 'error') this.errors.push(`${frame.code}: ${frame.message}`);
    });
  }

  /** Connects to the backend at `httpUrl` and waits for the snapshot. */
  static async connect(httpUrl: string): Promise<Agent> {
    const socket = new WebSocket(`${httpUrl.replace(/^http/, 'ws')}/agent`);
    const agent = new Agent(socket);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no snapshot from ${httpUrl}/agent within 5 s`)), 5000);
      socket.once('error', reject);
      socket.once('open', () => socket.send(JSON.stringify({ type: 'hello', name: 'Fault suite', available: false })));
      socket.on('message', (data) => {
        if (JSON.parse(String(data)).type !== 'snapshot') return;
        clearTimeout(timer);
        resolve();
      });
    });
    return agent;
  }

  get open(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  /**
   * Sends every text as a reply into `conversationId`, all at once, and waits (at most `timeoutMs`) until the
   * backend has stored each one.
   */
  async reply(conversationId: string, texts: string[], timeoutMs = 20_000): Promise<void> {
    const waiting = texts.map((text) => {
      const clientId = randomUUID(); // as the bundled inbox does
      const stored = new Promise<void>((resolve) => this.#acks.set(clientId, resolve));
      this.socket.send(JSON.stringify({ type: 'reply', conversationId, clientId, text }));
      return stored.then(() => this.#acks.delete(clientId));
    });
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stored = 0;
    for (const wait of waiting) void wait.then(() => stored++);
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the backend stored only ${stored} of ${texts.length} replies within ${timeoutMs} ms (${this.errors.join('; ')})`)), timeoutMs);
    });
    try {
      await Promise.race([Promise.all(waiting), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Answers every new customer message whose text matches `pattern` with `answer(text)`, at once, until the
   * returned function is called.
   */
  answerEach(pattern: RegExp, answer: (text: string) => string): () => void {
    const listener = (conversationId: string, item: any) => {
      if (item.author?.role !== 'visitor' || !pattern.test(item.text)) return;
      void this.reply(conversationId, [answer(item.text)]).catch((error: Error) => this.errors.push(error.message));
    };
    this.#itemListeners.add(listener);
    return () => this.#itemListeners.delete(listener);
  }

  close(): void {
    this.socket.terminate();
  }
}
