/**
 * A small Natter backend on 127.0.0.1 that the benchmark drives: it speaks enough of protocol v1
 * (docs/protocol.md: hello → welcome, items, synced, send → ack, sync) to continue the seeded
 * conversations, and sends agent replies when the benchmark says so — one, or a burst of 500.
 */
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

interface Conversation {
  id: string;
  seq: number;
  sockets: Set<WebSocket>;
  /** Items sent since the conversation was set (the seeded ones are never replayed: the client holds them). */
  items: Map<number, object>;
  joined?: () => void;
}

export interface FakeBackend {
  /** `ws://127.0.0.1:port/natter` */
  url: string;
  /** Starts (or restarts) `visitorId`'s conversation at `seq`, matching what was seeded. */
  conversation(visitorId: string, conversationId: string, seq: number): void;
  /** Resolves when a socket of `visitorId` has been welcomed and synced. */
  joined(visitorId: string): Promise<void>;
  /** Sends agent replies with the given texts, each its own frame, back to back. */
  reply(visitorId: string, texts: string[]): void;
  close(): Promise<void>;
}

export async function startFakeBackend(): Promise<FakeBackend> {
  const conversations = new Map<string, Conversation>();
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/natter' });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const send = (socket: WebSocket, frame: object) => socket.readyState === socket.OPEN && socket.send(JSON.stringify(frame));
  const item = (c: Conversation, author: object, text: string, clientId?: string) => {
    const seq = ++c.seq;
    const frame = { id: `b${seq}`, seq, author, text, sentAt: Date.now(), ...(clientId && { clientId }) };
    c.items.set(seq, frame);
    return frame;
  };

  server.on('connection', (socket) => {
    let conversation: Conversation | undefined;
    socket.on('message', (data) => {
      let frame: { type?: string; visitorId?: string; after?: number; clientId?: string; text?: string };
      try {
        frame = JSON.parse(String(data));
      } catch {
        return;
      }
      if (frame.type === 'hello' && frame.visitorId) {
        conversation = conversations.get(frame.visitorId);
        if (!conversation) {
          conversation = { id: `conv-${frame.visitorId}`, seq: 0, sockets: new Set(), items: new Map() };
          conversations.set(frame.visitorId, conversation);
        }
        conversation.sockets.add(socket);
        send(socket, {
          type: 'welcome',
          v: 1,
          conversationId: conversation.id,
          seq: conversation.seq,
          team: { name: 'Bench' },
          available: true,
          availability: { agents: true, open: true },
          mode: null,
          session: null,
        });
        for (let seq = (frame.after ?? 0) + 1; seq <= conversation.seq; seq++) {
          const stored = conversation.items.get(seq);
          if (stored) send(socket, { type: 'item', item: stored });
        }
        send(socket, { type: 'synced', seq: conversation.seq });
        conversation.joined?.();
      } else if (!conversation) {
        send(socket, { type: 'error', code: 'not_ready', message: 'hello first' });
      } else if (frame.type === 'send' && frame.clientId && frame.text) {
        const stored = item(conversation, { role: 'visitor' }, frame.text, frame.clientId) as { id: string; seq: number; sentAt: number };
        send(socket, { type: 'ack', clientId: frame.clientId, id: stored.id, seq: stored.seq, sentAt: stored.sentAt });
      } else if (frame.type === 'sync') {
        for (let seq = (frame.after ?? 0) + 1; seq <= conversation.seq; seq++) {
          const stored = conversation.items.get(seq);
          if (stored) send(socket, { type: 'item', item: stored });
        }
        send(socket, { type: 'synced', seq: conversation.seq });
      }
    });
    socket.on('close', () => conversation?.sockets.delete(socket));
  });

  return {
    url: `ws://127.0.0.1:${port}/natter`,
    conversation(visitorId, conversationId, seq) {
      const previous = conversations.get(visitorId);
      for (const socket of previous?.sockets ?? []) socket.terminate();
      conversations.set(visitorId, { id: conversationId, seq, sockets: new Set(), items: new Map() });
    },
    joined(visitorId) {
      const c = conversations.get(visitorId);
      if (!c) return Promise.reject(new Error(`no conversation for ${visitorId}`));
      if (c.sockets.size) return Promise.resolve();
      return new Promise((resolve) => (c.joined = resolve));
    },
    reply(visitorId, texts) {
      const c = conversations.get(visitorId)!;
      const author = { role: 'agent', id: 'alex', name: 'Alex' };
      for (const text of texts) {
        const frame = { type: 'item', item: item(c, author, text) };
        for (const socket of c.sockets) send(socket, frame);
      }
    },
    async close() {
      for (const client of server.clients) client.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
