/**
 * One visitor connection on `/natter`, speaking Natter protocol v1 (src/protocol/wire.ts).
 */
import type { WebSocket } from 'ws';
import {
  MAX_TEXT_LENGTH,
  PROTOCOL_VERSION,
  clientFrame,
  type ClientFrame,
  type ErrorCode,
  type WireAuthor,
} from '../src/protocol/wire.ts';
import { lastSeq, type ConversationStore } from './conversation-store.ts';
import { describeIssues } from './describe-issues.ts';
import type { Desk, Outcome } from './desk.ts';
import { sendFrame, type Hub } from './hub.ts';
import { frameTypeOf, isRecord, isWireId, readJsonFrame } from './json-frame.ts';
import type { Limits } from './limits.ts';
import { closeAfterFrames } from './outbound.ts';
import { VisitorGuard } from './visitor-guard.ts';

export interface VisitorContext {
  store: ConversationStore;
  hub: Hub;
  desk: Desk;
  teamName: string;
  helloTimeoutMs: number;
  limits: Limits;
  /** The remote address the limits count this connection by (`clientAddress` in limits.ts). */
  address: string;
}

/** Close codes of the visitor socket (4000–4999 is the range RFC 6455 leaves to applications). */
export const CLOSE_NO_HELLO = 4000;
export const CLOSE_UNSUPPORTED_VERSION = 4001;

type HelloFrame = Extract<ClientFrame, { type: 'hello' }>;
type SendFrame = Extract<ClientFrame, { type: 'send' }>;

export function acceptVisitor(socket: WebSocket, ctx: VisitorContext): void {
  const { store, hub, desk } = ctx;
  let conversationId: string | undefined;

  const helloTimer = setTimeout(() => {
    if (conversationId === undefined) socket.close(CLOSE_NO_HELLO, 'No hello received in time');
  }, ctx.helloTimeoutMs);

  socket.on('close', () => {
    clearTimeout(helloTimer);
    guard.disconnect();
    if (conversationId !== undefined) leave(conversationId);
  });

  /** This socket leaves the conversation; when it was the last one, agents see the visitor go offline. */
  const leave = (id: string): void => {
    if (!hub.removeVisitor(id, socket)) return;
    hub.conversationChanged(id);
    // Nothing stored in it: it lived only in memory for this visitor, and goes with them.
    if (store.forget(id)) ctx.limits.forget(id);
  };

  const fail = (code: ErrorCode, message: string, clientId?: string): void => {
    sendFrame(socket, clientId === undefined ? { type: 'error', code, message } : { type: 'error', code, message, clientId });
  };
  const guard = new VisitorGuard(socket, ctx.limits.connect(ctx.address), fail);

  const replay = (id: string, after: number): void => {
    for (const item of store.itemsAfter(id, after)) sendFrame(socket, { type: 'item', item });
    sendFrame(socket, { type: 'synced', seq: lastSeq(store.get(id)!) });
  };

  /** A frame that stores something may go on; `mayCreate`: it would write an unwritten conversation. */
  const mayWrite = (id: string, mayCreate: boolean, clientId?: string): boolean => guard.write(mayCreate && !store.isWritten(id), clientId);

  const hello = (frame: HelloFrame): void => {
    if (!guard.hello()) return;
    let conversation = store.findByVisitor(frame.visitorId);
    let changed = false;
    if (!conversation) {
      conversation = store.create(frame.visitorId, frame.user, frame.locale);
      changed = true;
    } else {
      changed = store.updateMeta(conversation.meta.id, { user: frame.user, locale: frame.locale });
    }
    const id = conversation.meta.id;
    // A second hello on the same socket is allowed; it simply re-opens (possibly another) conversation.
    if (conversationId !== undefined && conversationId !== id) leave(conversationId);
    conversationId = id;
    ctx.limits.opened(id, ctx.address);
    clearTimeout(helloTimer);
    // Registering before replaying, with nothing async in between, means no live item can slip
    // between the replay and the live stream, and none arrives twice.
    if (hub.addVisitor(id, socket)) changed = true;
    if (changed) hub.conversationChanged(id);
    sendFrame(socket, {
      type: 'welcome',
      v: PROTOCOL_VERSION,
      conversationId: id,
      seq: lastSeq(conversation),
      team: { name: ctx.teamName },
      ...desk.welcome(id),
    });
    replay(id, frame.after);
  };

  const send = (id: string, frame: SendFrame): void => {
    // A resend of a stored message costs nothing and is answered whatever the limits.
    if (!store.hasClientId(id, frame.clientId) && !mayWrite(id, true, frame.clientId)) return;
    const name = store.get(id)?.meta.user.name;
    const author: WireAuthor = name === undefined ? { role: 'visitor' } : { role: 'visitor', name };
    const { item, created } = store.append(id, { clientId: frame.clientId, author, text: frame.text });
    // Stored above (committed at the end of this turn, and every frame below waits for that commit).
    if (created) hub.broadcastItem(id, item);
    sendFrame(socket, { type: 'ack', clientId: frame.clientId, id: item.id, seq: item.seq, sentAt: item.sentAt });
    // The live session's clock and the bot, after the sender has its ack (a bot answer follows it).
    if (created) desk.afterVisitorMessage(id, item);
  };

  const answer = (outcome: Outcome): void => {
    // Only `invalid_transition` can come from a visitor's own conversation.
    if (!outcome.ok) fail('invalid_transition', outcome.message);
  };

  const refuse = (raw: unknown, describe: string): void => {
    // A `send` that fails validation is refused for good; naming its clientId lets the client stop
    // retrying it and mark it failed instead.
    const clientId = isRecord(raw) && raw.type === 'send' && isWireId(raw.clientId) ? raw.clientId : undefined;
    if (clientId !== undefined && isRecord(raw) && typeof raw.text === 'string' && raw.text.length > MAX_TEXT_LENGTH) {
      fail(
        'too_long',
        `Message ${clientId} is ${raw.text.length} characters long; the limit is ${MAX_TEXT_LENGTH}. ` +
          'Shorten or split it: the same message will be refused again.',
        clientId,
      );
      return;
    }
    const type = frameTypeOf(raw);
    fail('invalid_frame', `${type === undefined ? 'Invalid frame' : `Invalid "${type}" frame`}: ${describe}`, clientId);
  };

  const handle = (raw: unknown): void => {
    if (isRecord(raw) && raw.type === 'hello' && typeof raw.v === 'number' && raw.v !== PROTOCOL_VERSION) {
      fail(
        'unsupported_version',
        `This server speaks Natter protocol v${PROTOCOL_VERSION}, but the client said hello with v ${raw.v}. ` +
          `Load a Natter script that speaks v${PROTOCOL_VERSION} (or upgrade the server); reconnecting as is will not help.`,
      );
      closeAfterFrames(socket, CLOSE_UNSUPPORTED_VERSION, 'Unsupported protocol version');
      return;
    }
    const parsed = clientFrame.safeParse(raw);
    if (!parsed.success) {
      refuse(raw, describeIssues(parsed.error.issues));
      return;
    }
    const frame = parsed.data;
    if (frame.type === 'hello') {
      hello(frame);
      return;
    }
    if (conversationId === undefined) {
      fail('not_ready', `Send hello first: "${frame.type}" is only accepted after the server has answered hello with welcome.`);
      return;
    }
    switch (frame.type) {
      case 'send':
        send(conversationId, frame);
        return;
      case 'identify':
        if (store.updateMeta(conversationId, { user: frame.user })) hub.conversationChanged(conversationId);
        return;
      case 'sync':
        if (guard.replay()) replay(conversationId, frame.after);
        return;
      case 'live':
        if (frame.action === 'end') {
          if (mayWrite(conversationId, false)) answer(desk.liveEnd(conversationId));
        } else if (guard.queue(conversationId, desk.queuedConversations()) && mayWrite(conversationId, true)) {
          answer(desk.liveStart(conversationId));
        }
        return;
      case 'typing':
        desk.visitorTyping(conversationId, frame.typing);
        return;
      case 'rate':
        if (mayWrite(conversationId, false)) answer(desk.rate(conversationId, frame.sessionId, frame.score, frame.comment));
        return;
      case 'email':
        if (mayWrite(conversationId, true)) answer(desk.email(conversationId, frame.email));
        return;
      case 'handoff':
        if (mayWrite(conversationId, true)) answer(desk.handoff(conversationId));
        return;
    }
  };

  socket.on('message', (data, isBinary) => {
    // The limit first, before the frame is even parsed: refusing a flood must cost next to nothing.
    if (!guard.frame(data, isBinary)) return;
    const json = readJsonFrame(data, isBinary);
    if (!json.ok) {
      fail('invalid_frame', json.message);
      return;
    }
    try {
      handle(json.value);
    } catch (error) {
      // Most likely the disk (full, read-only). Nothing was acknowledged, so the client may retry.
      console.error('Natter demo: visitor frame failed:', error);
      fail('internal', 'The server could not handle this frame. Nothing was stored; try again later.');
    }
  });
}
