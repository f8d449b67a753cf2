import type { Message } from '../model/types.ts';
import type { OutboundFrame } from './transport.ts';

/** How often a message is sent again while the link looks open before it is shown as failed. */
export const MAX_RESENDS = 3;

/** What the outbox needs from the client around it. */
export interface OutboxHost {
  /** Hands a frame to the transport; `false` when it cannot send now. */
  send(frame: OutboundFrame): boolean;
  /** The message with this key, as the timeline has it now. */
  find(key: string): Message | undefined;
  /** Every message the server has not acknowledged, in the timeline's order. */
  pending(): Message[];
  /** Records a status change (timeline, storage, `status` event). */
  update(message: Message): void;
  /** Starts uploading the file of `message` (which then comes back through `offer`); `false` when it cannot now. */
  upload(message: Message): boolean;
}

/**
 * The customer's messages on their way: each goes out with its client id (so the server stores it once,
 * however often it is sent), oldest first, every time the link opens. Acknowledgements are reconciled, not
 * guessed: when one is overdue while the link looks open, the outbox asks the transport to deliver again
 * what the server has (a lost ack then arrives as the echo) and sends the message again; only after
 * {@link MAX_RESENDS} unanswered tries, a refusal, or `offlineNoticeMs` without a link is it shown as failed,
 * and even then it goes out by itself the next time the link opens.
 */
export class Outbox {
  readonly #timers = new Map<string, ReturnType<typeof setTimeout>>();
  readonly #tries = new Map<string, number>();
  #offline: ReturnType<typeof setTimeout> | undefined;
  #open = false;

  constructor(
    readonly host: OutboxHost,
    readonly ackTimeoutMs: number,
    readonly offlineNoticeMs: number,
  ) {}

  /** Sends `message` now if the link is open; it waits otherwise. */
  offer(message: Message): void {
    if (this.#open && !this.#timers.has(message.key)) this.#transmit(message);
    else if (!this.#open) this.#startOfflineNotice();
  }

  /** A retry asked for by the customer: a fresh round of tries. */
  retry(message: Message): void {
    this.#tries.delete(message.key);
    this.host.update({ ...message, status: 'sending', error: undefined, rejected: undefined });
    this.offer(this.host.find(message.key)!);
  }

  /** The server did not take `message` now (rate limits): it goes again after `ms`, without counting as a try. */
  postpone(message: Message, ms: number): void {
    clearTimeout(this.#timers.get(message.key));
    this.#timers.set(
      message.key,
      setTimeout(() => {
        this.#timers.delete(message.key);
        const current = this.host.find(message.key);
        if (current && current.status !== 'sent' && !current.rejected && this.#open) this.#transmit(current);
      }, ms),
    );
  }

  /** The server answered for `key` (ack, echo or refusal). */
  settle(key: string): void {
    clearTimeout(this.#timers.get(key));
    this.#timers.delete(key);
    this.#tries.delete(key);
  }

  /** The link opened (flush, oldest first) or went down (wait, and tell the customer if it lasts). */
  linkChanged(open: boolean): void {
    this.#open = open;
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    if (!open) return this.#startOfflineNotice();
    clearTimeout(this.#offline);
    this.#offline = undefined;
    // Files go in the order they were added: after one that must upload first, uploaded ones wait for it (the
    // uploads send them when it is done); texts do not wait for files.
    let uploading = false;
    for (const message of this.host.pending()) {
      if (uploading && message.file?.url) continue;
      if (!this.#transmit(message)) return;
      uploading ||= !!message.file && !message.file.url;
    }
  }

  stop(): void {
    this.linkChanged(false);
    clearTimeout(this.#offline);
    this.#offline = undefined;
    this.#tries.clear();
  }

  #transmit(message: Message): boolean {
    const { context, file } = message;
    // A file goes up first (no ack timer: an upload takes its time); the message follows once it has its address.
    if (file && !file.url) return this.host.upload(message);
    const sent = this.host.send({ type: 'message', clientId: message.clientId ?? message.key, text: message.text, createdAt: message.createdAt, ...(context && { context }), ...(file && { file: { name: file.name, size: file.size, type: file.type, url: file.url! } }) });
    if (!sent) return false;
    if (message.status === 'failed') this.host.update({ ...message, status: 'sending', error: undefined });
    clearTimeout(this.#timers.get(message.key));
    this.#timers.set(message.key, setTimeout(() => this.#overdue(message.key), this.ackTimeoutMs));
    return true;
  }

  #overdue(key: string): void {
    this.#timers.delete(key);
    const message = this.host.find(key);
    if (!message || message.status === 'sent' || message.rejected) return this.settle(key);
    const tries = (this.#tries.get(key) ?? 0) + 1;
    this.#tries.set(key, tries);
    if (tries < MAX_RESENDS) {
      // The ack may be lost while the link looks fine: ask what the server has, and send again (same id).
      this.host.send({ type: 'resync' });
      this.#transmit(message);
      return;
    }
    this.#tries.delete(key);
    this.host.update({ ...message, status: 'failed', error: `no acknowledgement from the server after ${MAX_RESENDS} tries of ${this.ackTimeoutMs} ms` });
  }

  #startOfflineNotice(): void {
    if (this.#offline) return;
    this.#offline = setTimeout(() => {
      this.#offline = undefined;
      if (this.#open) return;
      for (const message of this.host.pending()) {
        if (message.status === 'sending') this.host.update({ ...message, status: 'failed', error: 'offline: it goes out by itself when the connection is back' });
      }
    }, this.offlineNoticeMs);
  }
}
