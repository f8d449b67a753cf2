/**
 * Catching up with the room's archive (XEP-0313 with RSM paging): every item after the last one seen, 100 a
 * query, delivered in archive order with its `order` and cursor. Live room messages only ask for a catch-up;
 * asks made while one runs are folded into one more round after it.
 * @module
 */
import type { TransportSink } from '../../core/transport.ts';
import { cursorOf, nextPosition, orderOf, readResult, type Position } from './archive.ts';
import { LinkError, type Link } from './link.ts';
import { child, condition, esc, NS, tag } from './xml.ts';

export class CatchUp {
  /** The last archive item seen (from the cursor, then from the archive). */
  last: Position | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #queryId: string | undefined;
  #results: Element[] = [];

  constructor(readonly sink: TransportSink) {}

  /** Catches up on `link` with `room`, where the visitor is `nick`; resolves when the archive has nothing more. */
  run(link: Link, room: string, nick: string, timeoutMs: number): Promise<void> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    const running: Promise<void> = this.#rounds(link, room, nick, timeoutMs).finally(() => {
      if (this.#running === running) this.#running = undefined;
    });
    return (this.#running = running);
  }

  async #rounds(link: Link, room: string, nick: string, timeoutMs: number): Promise<void> {
    do {
      this.#again = false;
      await this.#query(link, room, nick, timeoutMs);
    } while (this.#again);
  }

  /** Forgets the catch-up under way (its link is gone). */
  stop(): void {
    this.#running = this.#queryId = undefined;
  }

  /** Takes a `<result>` from the room if the query under way asked for it; `false` otherwise. */
  take(result: Element): boolean {
    if (!this.#queryId || result.getAttribute('queryid') !== this.#queryId) return false;
    this.#results.push(result);
    return true;
  }

  async #query(link: Link, room: string, nick: string, timeoutMs: number): Promise<void> {
    for (let page = 0; page < 10_000; page++) {
      const after = this.last?.id;
      const queryId = (this.#queryId = link.id());
      this.#results = [];
      const rsm = tag('set', { xmlns: NS.rsm }, tag('max', {}, '100') + (after ? tag('after', {}, esc(after)) : ''));
      const answer = await link.iq('set', room, tag('query', { xmlns: NS.mam, queryid: queryId }, rsm), timeoutMs);
      if (this.#queryId !== queryId) return;
      this.#queryId = undefined;
      if (answer.getAttribute('type') !== 'result') {
        if (condition(answer) !== 'item-not-found' || !after) throw new LinkError(`the archive of ${room} refused a query (${condition(answer)})`);
        // The archive does not know the cursor: it lost data, or it is another archive.
        this.sink.warn(`the archive of ${room} does not know item ${after}; starting over from its start`);
        this.last = undefined;
        this.sink.frame({ type: 'reset' });
        continue;
      }
      for (const result of this.#results) this.#deliver(result, room, nick);
      if (child(answer, 'fin', NS.mam)?.getAttribute('complete') === 'true' || this.last?.id === after) return;
    }
  }

  #deliver(result: Element, room: string, nick: string): void {
    const item = readResult(result, room, nick, this.sink.warn);
    if (!item) return;
    const position = (this.last = nextPosition(this.last, item.id, item.stamp ?? this.last?.stamp ?? 0));
    if (item.message) this.sink.frame({ type: 'message', message: item.message, order: orderOf(position), cursor: cursorOf(`${room}/${nick}`, position) });
  }
}
