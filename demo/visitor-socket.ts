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
  type WireUser,
} from '../src/protocol/wire.ts';
import { lastSeq, type ConversationStore } from './conversation-store.ts';
import { adoptCustomer, vetUser, type Vetted } from './customers.ts';
import { describeIssues } from './describe-issues.ts';
import type { Desk, Outcome } from './desk.ts';
import type { IdentityVerifier, Verdict, VerifiedCustomer } from './identity.ts';
import { sendFrame, type Hub } from './hub.ts';
import { frameTypeOf, isRecord, isWireId, readJsonFrame } from './json-frame.ts';
import type { Limits } from './limits.ts';
import { closeAfterFrames } from './outbound.ts';
import { VisitorGuard } from './visitor-guard.ts';
import type { FileStore } from './files.ts';

export interface VisitorContext {
  store: ConversationStore;
  hub: Hub;
  desk: Desk;
  teamName: string;
  helloTimeoutMs: number;
  limits: Limits;
  /** The remote address the limits count this connection by (`clientAddress` in limits.ts). */
  address: string;
  /** Set with `IDENTITY_SECRET`: a claim to a user id needs the site's signed token. */
  identity?: IdentityVerifier | undefined;
  /** Uploaded files; without, the server takes none. */
  files?: FileStore | undefined;
  /** This server's http(s) origin as the visitor reached it: where file slots are. */
  origin?: string;
}

/** Close codes of the visitor socket (4000–4999 is the range RFC 6455 leaves to applications). */
export const CLOSE_NO_HELLO = 4000;
export const CLOSE_UNSUPPORTED_VERSION = 4001;

type HelloFrame = Extract<ClientFrame, { type: 'hello' }>;
type SendFrame = Extract<ClientFrame, { type: 'send' }>;
type IdentifyFrame = Extract<ClientFrame, { type: 'identify' }>;
type SlotFrame = Extract<ClientFrame, { type: 'slot' }>;

export function acceptVisitor(socket: WebSocket, ctx: VisitorContext): void {
  const { store, hub, desk } = ctx;
  let conversationId: string | undefined;
  /** The visitor this socket said hello as (a linked visitor's conversation has another visitor's id). */
  let visitorId: string | undefined;
  /** Frames that came while a token was being checked: they follow it, in order. */
  let waiting: unknown[] | undefined;

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

  /** `user` vetted (customers.ts); a refused claim is answered with an `unverified` error, and the rest goes on. */
  const vet = (user: WireUser | undefined, token: string | undefined, verdict: Verdict | undefined, current: string | undefined): Vetted => {
    const vetted = vetUser(store, ctx.identity, user, token, verdict, current);
    if (vetted.refused !== undefined) fail('unverified', vetted.refused);
    return vetted;
  };

  /** The conversation of verified `customer` (customers.ts); what joins it is broadcast there. */
  const adopt = (visitorId: string, own: string, customer: VerifiedCustomer): { id: string; claimed?: true } => {
    const adopted = adoptCustomer(store, visitorId, own, customer);
    for (const item of adopted.appended) hub.broadcastItem(adopted.id, item);
    return adopted;
  };

  /** This socket now follows conversation `id` (told with `welcome`); `after`: replay what follows it. */
  const open = (id: string, changed: boolean, after: number | undefined): void => {
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
      seq: lastSeq(store.get(id)!),
      team: { name: ctx.teamName },
      ...desk.welcome(id),
      ...(ctx.files?.limits.types.length && { files: ctx.files.limits }),
    });
    // Without `after` (another conversation, mid-connection) the client asks for the history itself.
    if (after !== undefined) replay(id, after);
  };

  const hello = (frame: HelloFrame, verdict?: Verdict): void => {
    if (!guard.hello()) return;
    visitorId = frame.visitorId;
    let conversation = store.findByVisitor(frame.visitorId);
    const vetted = vet(frame.user, frame.token, verdict, conversation?.meta.id);
    let changed = false;
    if (!conversation) {
      conversation = store.create(frame.visitorId, vetted.user, frame.locale);
      changed = true;
    } else {
      changed = store.updateMeta(conversation.meta.id, { user: vetted.user, locale: frame.locale });
    }
    let id = conversation.meta.id;
    if (hub.setPresence(id, { page: frame.page, attributes: frame.attributes })) changed = true;
    if (vetted.customer) {
      const own = id;
      id = adopt(frame.visitorId, own, vetted.customer).id;
      if (store.updateMeta(id, { user: vetted.user, locale: frame.locale })) changed = true;
      if (id !== own) {
        // The client's `after` counted another conversation's items: it gets this one's from the start.
        open(id, true, 0);
        return;
      }
    }
    open(id, changed, frame.after);
  };

  const identify = (id: string, frame: IdentifyFrame, verdict?: Verdict): void => {
    const vetted = vet(frame.user, frame.token, verdict, id);
    if (!vetted.customer) {
      if (store.updateMeta(id, { user: vetted.user })) hub.conversationChanged(id);
      return;
    }
    const { id: target, claimed } = adopt(visitorId!, id, vetted.customer);
    // Claimed now: the user is the token's already, and the team sees a verified customer.
    const changed = store.updateMeta(target, { user: vetted.user }) || claimed;
    if (target === id) {
      if (changed) hub.conversationChanged(id);
      return;
    }
    hub.conversationChanged(id);
    open(target, true, undefined);
  };

  const send = (id: string, frame: SendFrame): void => {
    // A resend of a stored message costs nothing and is answered whatever the limits.
    if (!store.hasClientId(id, frame.clientId) && !mayWrite(id, true, frame.clientId)) return;
    // A file must be one uploaded to this conversation's slot; its name, size and type are the server's.
    const file = frame.file && ctx.files?.resolve(id, frame.file.url, ctx.origin ?? '');
    if (frame.file && !file && !store.hasClientId(id, frame.clientId)) {
      fail('file_refused', `The file of message ${frame.clientId} is not one uploaded to this conversation: ask for a slot and upload it first.`, frame.clientId);
      return;
    }
    const name = store.get(id)?.meta.user.name;
    const author: WireAuthor = name === undefined ? { role: 'visitor' } : { role: 'visitor', name };
    const { item, created } = store.append(id, { clientId: frame.clientId, author, text: file ? file.name : frame.text, ...(file && { file }) });
    // Stored above (committed at the end of this turn, and every frame below waits for that commit).
    if (created) hub.broadcastItem(id, item);
    sendFrame(socket, { type: 'ack', clientId: frame.clientId, id: item.id, seq: item.seq, sentAt: item.sentAt });
    // The live session's clock and the bot, after the sender has its ack (a bot answer follows it).
    if (created) desk.afterVisitorMessage(id, item);
  };

  /** A place for a file (docs/protocol.md, "Files"): counted as a write, checked against the limits by its claims. */
  const slot = (id: string, frame: SlotFrame): void => {
    if (!ctx.files || !ctx.origin) {
      fail('file_refused', 'This server takes no files.', frame.clientId);
      return;
    }
    // A message's worth of the limits; not a new conversation (nothing is stored in it until the `send`).
    if (!store.hasClientId(id, frame.clientId) && !mayWrite(id, false, frame.clientId)) return;
    const granted = ctx.files.slot(id, frame.clientId, frame.name, frame.size, frame.mediaType);
    if (typeof granted === 'string') fail('file_refused', granted, frame.clientId);
    else sendFrame(socket, { type: 'slot', clientId: frame.clientId, ...ctx.files.urls(ctx.origin, granted) });
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

  const handle = (raw: unknown, verdict?: Verdict): void => {
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
    if (verdict === undefined && ctx.identity && (frame.type === 'hello' || frame.type === 'identify') && frame.token !== undefined) {
      // The check is asynchronous: what comes meanwhile waits, so every frame still applies in order.
      waiting = [];
      void ctx.identity.verify(frame.token).then((checked) => {
        if (socket.readyState !== socket.OPEN) return;
        const queued = waiting ?? [];
        waiting = undefined;
        receive(raw, checked);
        // A frame among them may start another check: those after it wait for that one.
        for (const next of queued) receive(next);
      });
      return;
    }
    if (frame.type === 'hello') {
      hello(frame, verdict);
      return;
    }
    if (conversationId === undefined) {
      fail('not_ready', `Send hello first: "${frame.type}" is only accepted after the server has answered hello with welcome.`);
      return;
    }
    if (!store.get(conversationId)) {
      // Retired: this visitor joined a verified customer's conversation on another connection. This one
      // follows (a fresh welcome; the client syncs from the start), and the frame goes there.
      const now = visitorId === undefined ? undefined : store.findByVisitor(visitorId);
      if (!now) {
        fail('not_ready', 'This conversation is gone: send hello again.');
        return;
      }
      open(now.meta.id, true, undefined);
    }
    switch (frame.type) {
      case 'send':
        send(conversationId, frame);
        return;
      case 'slot':
        slot(conversationId, frame);
        return;
      case 'identify':
        identify(conversationId, frame, verdict);
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
      case 'visitor': {
        // Another language, page or attributes: the team sees it at once; the bot and away message follow the language.
        const { type: _, locale, ...presence } = frame;
        const changed = hub.setPresence(conversationId, presence);
        if ((locale !== undefined && store.updateMeta(conversationId, { locale })) || changed) hub.conversationChanged(conversationId);
        if (locale !== undefined) sendFrame(socket, { type: 'availability', availability: desk.availability(locale) });
        return;
      }
    }
  };

  /** Handles a frame now, or after the token being checked (`verdict`: this frame's own token's check). */
  const receive = (raw: unknown, verdict?: Verdict): void => {
    if (waiting && verdict === undefined) {
      waiting.push(raw);
      return;
    }
    try {
      handle(raw, verdict);
    } catch (error) {
      // Most likely the disk (full, read-only). Nothing was acknowledged, so the client may retry.
      console.error('Natter demo: visitor frame failed:', error);
      fail('internal', 'The server could not handle this frame. Nothing was stored; try again later.');
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
    receive(json.value);
  });
}
