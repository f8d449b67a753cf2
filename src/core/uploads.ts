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
  /** Uploads this tab started, by message key: aborting one cancels it. */
  readonly #running = new Map<string, AbortController>();
  readonly #timers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(readonly conversation: Conversation) {}

  /** Asks for a slot for `message`'s file, unless this tab already is at it; `false` when it cannot send now. */
  start(message: Message): boolean {
    const c = this.conversation;
    const { file, key } = message;
    if (this.#running.has(key)) return true;
    const sent = c.options.transport.upload && c.transmit({ type: 'slot', clientId: message.clientId ?? key, name: file!.name, size: file!.size, mediaType: file!.type });
    if (!sent) return false;
    this.#running.set(key, new AbortController());
    this.#progress(key, 0);
    // A slot that does not come (lost on the way) must not hold the message for ever.
    this.#timers.set(key, setTimeout(() => this.#failed(key, 'no slot from the server in time'), c.options.ackTimeoutMs ?? 10_000));
    if (message.status === 'failed') c.update({ ...message, status: 'sending', error: undefined });
    return true;
  }

  /** The backend granted a slot: the bytes go there, then the message goes out. */
  async granted(clientId: string, put: string | undefined, get: string): Promise<void> {
    const c = this.conversation;
    const abort = this.#running.get(clientId);
    clearTimeout(this.#timers.get(clientId));
    const message = c.timeline.get(clientId);
    // Another tab's upload, or one cancelled: nothing for this tab to do.
    if (!abort || !message?.file?.blob) return;
    try {
      if (put) await c.options.transport.upload!(put, message.file.blob, (fraction) => this.#progress(clientId, fraction), abort.signal);
    } catch (error) {
      return this.#failed(clientId, `the upload failed (${String(error)}); retry to upload it again`);
    }
    if (abort.signal.aborted) return;
    this.#done(clientId);
    const current = c.timeline.get(clientId);
    if (!current) return;
    const { blob: _blob, ...file } = current.file!;
    const uploaded = { ...current, file: { ...file, url: get } };
    c.update(uploaded);
    c.outbox.offer(uploaded);
  }

  /** The backend refused the file (or the message): the upload, if any, stops. */
  refused(clientId: string): void {
    this.#running.get(clientId)?.abort();
    this.#done(clientId);
  }

  /** The customer took the file back before it was sent: it is gone from the timeline and storage. */
  cancel(key: string): boolean {
    const c = this.conversation;
    const message = c.timeline.get(key);
    if (!message?.file || message.file.url || message.status === 'sent') return false;
    this.refused(key);
    c.outbox.settle(key);
    c.timeline.removeWhere((m) => m.key === key);
    c.showTimeline();
    c.save({ remove: [message] });
    return true;
  }

  /** The link went down: slots asked for are lost with it, and uploads stop (the outbox asks again later). */
  stop(): void {
    for (const key of [...this.#running.keys()]) this.refused(key);
  }

  #failed(key: string, error: string): void {
    const c = this.conversation;
    this.refused(key);
    const message = c.timeline.get(key);
    if (message && message.status !== 'sent') c.update({ ...message, status: 'failed', error });
  }

  #done(key: string): void {
    clearTimeout(this.#timers.get(key));
    this.#timers.delete(key);
    this.#running.delete(key);
    const { [key]: _gone, ...uploads } = this.conversation.store.getState().uploads;
    this.conversation.store.setState({ uploads });
  }

  #progress(key: string, fraction: number): void {
    const { store } = this.conversation;
    store.setState({ uploads: { ...store.getState().uploads, [key]: fraction } });
  }
}
