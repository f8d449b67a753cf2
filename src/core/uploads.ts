import type { Message } from '../model/types.ts';
import type { Conversation } from './conversation.ts';

/**
 * The files of the customer's messages on their way, in two steps the backend decides: a slot asked for over
 * the transport (`slot` out, `slot` or `reject` back, as XEP-0363's request and slot), then the bytes put there
 * with `Transport.upload`. Only then does the outbox send the message, with the slot's address, under its
 * own client id: the file is uploaded before the message exists on the server, and the message is stored
 * once. The bytes stay in storage with the message until the upload succeeded, so a reload or an outage
 * only means asking for the slot again (the backend answers the same one for the same client id).
 */
export class Uploads {
  /** Uploads this tab started, by message key: aborting one cancels it; its timer waits for the slot. */
  readonly #running = new Map<string, [AbortController, ReturnType<typeof setTimeout>]>();

  constructor(readonly conversation: Conversation) {}

  /** Asks for a slot for `message`'s file, unless this tab already is at it; `false` when it cannot send now. */
  start(message: Message): boolean {
    const c = this.conversation;
    const { file, key } = message;
    if (this.#running.has(key)) return true;
    if (!c.options.transport.upload || !c.transmit({ type: 'slot', clientId: key, name: file!.name, size: file!.size, mediaType: file!.type })) return false;
    // A slot that does not come (lost on the way) must not hold the message for ever.
    this.#running.set(key, [new AbortController(), setTimeout(() => this.#failed(key, 'no slot in time'), c.options.ackTimeoutMs ?? 1e4)]);
    this.#progress(key, 0);
    if (message.status === 'failed') c.update({ ...message, status: 'sending', error: undefined });
    return true;
  }

  /** The backend granted a slot: the bytes go there, then the message goes out. */
  async granted(key: string, put: string | undefined, get: string): Promise<void> {
    const c = this.conversation;
    const [abort, timer] = this.#running.get(key) ?? [];
    clearTimeout(timer);
    const blob = c.timeline.get(key)?.file?.blob;
    // Another tab's upload, or one cancelled: nothing for this tab to do.
    if (!abort || !blob) return;
    try {
      if (put) await c.options.transport.upload!(put, blob, (fraction) => this.#progress(key, fraction), abort.signal);
    } catch (error) {
      return this.#failed(key, `upload failed (${error})`, (error as { refused?: boolean }).refused);
    }
    if (abort.signal.aborted) return;
    const current = c.timeline.get(key);
    if (current) {
      const { blob: _blob, ...file } = current.file!;
      c.update({ ...current, file: { ...file, url: get } });
    }
    this.#stop(key);
    this.#release();
  }

  /** The upload of `key`, if any, stops: the backend refused the file or the message (which goes nowhere). */
  refused(key: string): void {
    this.#stop(key);
    this.#release(key);
  }

  #stop(key: string): void {
    const [abort, timer] = this.#running.get(key) ?? [];
    abort?.abort();
    clearTimeout(timer);
    this.#running.delete(key);
    this.#progress(key);
  }

  /**
   * Files go out in the order they were added, though they upload side by side: the uploaded ones (also those
   * shown failed while they waited offline) go now, up to the first this tab is still uploading.
   */
  #release(refused?: string): void {
    for (const message of this.conversation.outbox.host.pending()) {
      if (this.#running.has(message.key)) return;
      if (message.file?.url && message.key !== refused) this.conversation.outbox.offer(message);
    }
  }

  /** The customer took the file back before it was sent: it is gone from the timeline and storage. */
  cancel(key: string): boolean {
    const c = this.conversation;
    const message = c.timeline.get(key);
    if (!message?.file || message.file.url) return false;
    this.refused(key);
    c.outbox.settle(key);
    c.timeline.removeWhere((m) => m === message);
    c.showTimeline();
    c.save({ remove: [message] });
    return true;
  }

  /** The link went down: slots asked for are lost with it, and uploads stop (the outbox asks again later). */
  stop(): void {
    for (const key of [...this.#running.keys()]) this.refused(key);
  }

  /** The upload of `key` failed: shown as failed, and for good (`rejected`) when the backend refused the bytes. */
  #failed(key: string, error: string, rejected?: boolean): void {
    const c = this.conversation;
    this.refused(key);
    const message = c.timeline.get(key);
    if (message && message.status !== 'sent') c.update({ ...message, status: 'failed', error, ...(rejected && { rejected }) });
  }

  /** Shows how far the upload of `key` is (0–1); `undefined`: it is not under way. */
  #progress(key: string, fraction?: number): void {
    const { store } = this.conversation;
    const { [key]: _old, ...uploads } = store.getState().uploads;
    store.setState({ uploads: fraction === undefined ? uploads : { ...uploads, [key]: fraction } });
  }
}
