/**
 * One agent connection on `/agent` (the inbox, or any bot written against the reference backend).
 * See `agent-protocol.ts` and the "Reference backend: agent protocol" section of docs/protocol.md.
 */
import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import { MAX_TEXT_LENGTH } from '../src/protocol/wire.ts';
import { agentClientFrame, type AgentClientFrame, type AgentErrorCode, type AgentInfo } from './agent-protocol.ts';
import type { ConversationStore } from './conversation-store.ts';
import { describeIssues } from './describe-issues.ts';
import type { Desk, Outcome } from './desk.ts';
import { sendFrame, type Hub } from './hub.ts';
import { frameTypeOf, isRecord, isWireId, readJsonFrame } from './json-frame.ts';
import { CLOSE_NO_HELLO } from './visitor-socket.ts';
import type { FileStore } from './files.ts';

export interface AgentContext {
  store: ConversationStore;
  hub: Hub;
  desk: Desk;
  helloTimeoutMs: number;
  /** The signed-in account (agent-access.ts), whose name replies carry; undefined while the team side is open. */
  account: () => { name: string } | undefined;
  /** Called for every frame: the agent is using its session. */
  used: () => void;
  /** Uploaded files, and this server's http(s) origin as the agent reached it. */
  files?: FileStore;
  origin?: string;
}

type ReplyFrame = Extract<AgentClientFrame, { type: 'reply' }>;
type SlotFrame = Extract<AgentClientFrame, { type: 'slot' }>;

export function acceptAgent(socket: WebSocket, ctx: AgentContext): void {
  const { store, hub, desk } = ctx;
  let agent: AgentInfo | undefined;

  const helloTimer = setTimeout(() => {
    if (agent === undefined) socket.close(CLOSE_NO_HELLO, 'No hello received in time');
  }, ctx.helloTimeoutMs);

  socket.on('close', () => {
    clearTimeout(helloTimer);
    hub.removeAgent(socket);
  });

  const fail = (code: AgentErrorCode, message: string, clientId?: string): void => {
    sendFrame(socket, clientId === undefined ? { type: 'error', code, message } : { type: 'error', code, message, clientId });
  };

  const answer = (outcome: Outcome): void => {
    if (!outcome.ok) fail(outcome.code, outcome.message);
  };

  const hello = (name: string, available: boolean | undefined): void => {
    clearTimeout(helloTimer);
    // Available by default, so the demo answers visitors as soon as the inbox is open; a repeated hello
    // keeps the agent's id (and availability, unless it says otherwise).
    agent =
      agent === undefined
        ? { id: `agent-${randomUUID()}`, name, available: available ?? true }
        : { ...agent, name, available: available ?? agent.available };
    // Snapshot first, so the agent never gets an update about a conversation it has not seen yet.
    sendFrame(socket, {
      type: 'snapshot',
      you: { ...agent },
      conversations: store
        .all()
        .sort((a, b) => b.meta.updatedAt - a.meta.updatedAt)
        .map((c) => ({ ...hub.agentView(c), items: [...c.items] })),
      agents: [...hub.agents().filter((a) => a.id !== agent?.id), { ...agent }],
      // As visitors will see it once this agent is registered.
      availability: { ...desk.availability(), agents: agent.available || hub.agents().some((a) => a.id !== agent?.id && a.available) },
      mode: desk.forcedMode(),
    });
    hub.setAgent(socket, agent);
  };

  const reply = (me: AgentInfo, frame: ReplyFrame): void => {
    if (store.get(frame.conversationId) === undefined) {
      fail('unknown_conversation', `There is no conversation ${frame.conversationId}.`, frame.clientId);
      return;
    }
    const file = frame.file && ctx.files?.resolve(frame.conversationId, frame.file.url, ctx.origin ?? '');
    if (frame.file && !file) {
      fail('file_refused', `The file of reply ${frame.clientId} is not one uploaded to this conversation: ask for a slot and upload it first.`, frame.clientId);
      return;
    }
    const { item, created } = store.append(frame.conversationId, {
      clientId: frame.clientId,
      author: { role: 'agent', id: me.id, name: me.name },
      text: file ? file.name : frame.text,
      ...(file && { file }),
    });
    if (created) hub.broadcastItem(frame.conversationId, item);
    if (created) desk.afterAgentReply(frame.conversationId);
    sendFrame(socket, {
      type: 'ack',
      conversationId: frame.conversationId,
      clientId: frame.clientId,
      id: item.id,
      seq: item.seq,
      sentAt: item.sentAt,
    });
  };

  const slot = (frame: SlotFrame): void => {
    if (store.get(frame.conversationId) === undefined) return fail('unknown_conversation', `There is no conversation ${frame.conversationId}.`, frame.clientId);
    if (!ctx.files || !ctx.origin) return fail('file_refused', 'This server takes no files.', frame.clientId);
    const granted = ctx.files.slot(frame.conversationId, frame.clientId, frame.name, frame.size, frame.mediaType);
    if (typeof granted === 'string') fail('file_refused', granted, frame.clientId);
    else sendFrame(socket, { type: 'slot', conversationId: frame.conversationId, clientId: frame.clientId, ...ctx.files.urls(ctx.origin, granted) });
  };

  const handle = (raw: unknown): void => {
    const parsed = agentClientFrame.safeParse(raw);
    if (!parsed.success) {
      const clientId = isRecord(raw) && raw.type === 'reply' && isWireId(raw.clientId) ? raw.clientId : undefined;
      if (clientId !== undefined && isRecord(raw) && typeof raw.text === 'string' && raw.text.length > MAX_TEXT_LENGTH) {
        fail('too_long', `Reply ${clientId} is ${raw.text.length} characters long; the limit is ${MAX_TEXT_LENGTH}.`, clientId);
        return;
      }
      const type = frameTypeOf(raw);
      const what = type === undefined ? 'Invalid frame' : `Invalid "${type}" frame`;
      fail('invalid_frame', `${what}: ${describeIssues(parsed.error.issues)}`, clientId);
      return;
    }
    const frame = parsed.data;
    if (frame.type === 'hello') {
      // A signed-in agent answers under the account's name, whatever the hello says.
      const name = ctx.account()?.name ?? frame.name.trim();
      if (name === '') fail('invalid_frame', 'Invalid "hello" frame: "name" must not be blank.');
      else hello(name, frame.available);
      return;
    }
    if (agent === undefined) {
      fail('not_ready', `Send hello first: "${frame.type}" is only accepted after the snapshot.`);
      return;
    }
    switch (frame.type) {
      case 'status':
        if (agent.available !== frame.available) {
          agent = { ...agent, available: frame.available };
          hub.setAgent(socket, agent);
        }
        return;
      case 'reply':
        reply(agent, frame);
        return;
      case 'accept':
        answer(desk.accept(agent, frame.conversationId));
        return;
      case 'end':
        answer(desk.end(frame.conversationId));
        return;
      case 'typing':
        answer(desk.agentTyping(agent, frame.conversationId, frame.typing));
        return;
      case 'force':
        desk.force(frame.mode);
        return;
      case 'slot':
        slot(frame);
        return;
    }
  };

  socket.on('message', (data, isBinary) => {
    ctx.used();
    const json = readJsonFrame(data, isBinary);
    if (!json.ok) {
      fail('invalid_frame', json.message);
      return;
    }
    try {
      handle(json.value);
    } catch (error) {
      console.error('Natter demo: agent frame failed:', error);
      fail('internal', 'The server could not handle this frame. Nothing was stored; try again later.');
    }
  });
}
