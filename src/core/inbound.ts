import type { Message } from '../model/types.ts';
import type { Conversation } from './conversation.ts';
import { NatterError } from './errors.ts';
import { fileLimits } from './files.ts';
import type { InboundFrame, InboundMessage } from './transport.ts';

/** How long the customer is asked to slow down, and a refused message waits, when the backend gives no time. */
const SLOW_DOWN_MS = 5000;

/**
 * What the transport delivers, applied to the conversation: items placed by their server order, acks and
 * refusals settling the outbox, a `reset` when the backend's history no longer continues ours, and the live
 * chat frames handed to `live.ts`.
 */
export class Inbound {
  #slow: ReturnType<typeof setTimeout> | undefined;

  constructor(readonly conversation: Conversation) {}

  receive(frame: InboundFrame): void {
    const c = this.conversation;
    switch (frame.type) {
      case 'message':
        return this.#message(frame.message, frame.order, frame.cursor);
      case 'ack': {
        const message = c.timeline.get(frame.clientId);
        if (!message) return c.warn(`ignored an ack for unknown message ${frame.clientId}`);
        c.outbox.settle(frame.clientId);
        const order = frame.order ?? message.order;
        if (message.status === 'sent' && message.id === frame.id && message.order === order) return;
        c.update({ ...message, id: frame.id, sentAt: frame.sentAt, status: 'sent', error: undefined, rejected: undefined, ...(order !== undefined && { order }) });
        return;
      }
      case 'reject': {
        const message = c.timeline.get(frame.clientId);
        if (!message) return c.warn(`ignored a refusal for unknown message ${frame.clientId}`);
        c.outbox.settle(frame.clientId);
        c.uploads.refused(frame.clientId);
        c.update({ ...message, status: 'failed', rejected: true, error: frame.reason });
        c.fail(new NatterError('transport', `Natter: the server refused a message (${frame.reason}).`));
        return;
      }
      case 'reset':
        return this.#reset();
      case 'slow': {
        // Nothing is lost: the message stays in the outbox and goes again after a pause; the customer is told.
        const message = frame.clientId === undefined ? undefined : c.timeline.get(frame.clientId);
        if (message) c.outbox.postpone(message, frame.retryInMs ?? SLOW_DOWN_MS);
        clearTimeout(this.#slow);
        c.store.setState({ slowDown: true });
        this.#slow = setTimeout(() => c.store.setState({ slowDown: false }), frame.retryInMs ?? SLOW_DOWN_MS);
        return;
      }
      case 'identity':
        c.fail(new NatterError('identity', frame.message));
        return;
      case 'slot':
        return void c.uploads.granted(frame.clientId, frame.put, frame.get);
      case 'files':
        return c.store.setState({ files: fileLimits(frame, c.options.files) });
      case 'team':
        if (c.options.teamName) return;
        c.store.setState({ teamName: frame.name });
        // Kept with the conversation: a reload with the backend unreachable still shows whose chat this is.
        if (c.meta?.teamName !== frame.name) c.saveMeta({ teamName: frame.name });
        return;
      default:
        return c.live.receive(frame);
    }
  }

  #message(inbound: InboundMessage, order: string, cursor: string | undefined): void {
    const c = this.conversation;
    const key = inbound.clientId ?? `s:${inbound.id}`;
    const existing = c.timeline.get(key);
    const message: Message = {
      ...existing,
      key,
      ...(inbound.clientId && { clientId: inbound.clientId }),
      id: inbound.id,
      author: { ...existing?.author, ...inbound.author },
      text: inbound.text,
      createdAt: existing?.createdAt ?? inbound.sentAt,
      sentAt: inbound.sentAt,
      order,
      status: 'sent',
      error: undefined,
      rejected: undefined,
      ...(inbound.quickReplies?.length && { quickReplies: inbound.quickReplies }),
      ...(inbound.event && { event: inbound.event }),
      ...(inbound.unreadable && { unreadable: true }),
      ...(inbound.file && { file: inbound.file }),
    };
    if (inbound.clientId) c.outbox.settle(inbound.clientId);
    if (message.author.role !== 'visitor' && c.store.getState().typing) c.store.setState({ typing: undefined });
    const isNew = !existing;
    const fromTeam = isNew && message.author.role !== 'visitor' && !message.unreadable;
    const meta = c.meta ?? { unread: 0, readOrder: undefined };
    let unread = meta.unread;
    let readOrder = meta.readOrder;
    if (fromTeam && (readOrder === undefined || order > readOrder)) {
      if (c.store.getState().isOpen && c.pageVisible) readOrder = order;
      else unread++;
    }
    c.saveMeta({ ...(cursor !== undefined && { cursor }), unread, ...(readOrder !== undefined && { readOrder }) });
    c.update(message);
    if (isNew) c.events.emit('message', message);
    c.setUnread(unread);
  }

  /**
   * The backend lost what this browser holds (or this is another conversation): its items go, the customer's
   * unsent messages stay and go out again once the transport has replayed the backend's history from the start.
   */
  #reset(): void {
    const c = this.conversation;
    c.timeline.removeWhere((message) => message.order !== undefined);
    for (const message of c.timeline.list) c.outbox.settle(message.key);
    c.store.setState({ messages: c.timeline.list, hasOlder: false });
    c.saveMeta({ cursor: null, unread: 0, readOrder: undefined });
    c.setUnread(0);
    c.save({ dropPlaced: true, meta: c.meta! });
  }
}
