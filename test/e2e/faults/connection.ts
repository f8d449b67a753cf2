/**
 * One browser connection through the fault proxy: the browser's socket, the backend's socket, and what
 * happens to each frame between them. Server frames leave in one ordered queue, so a delay is latency (later
 * frames wait behind it); only `hold` reorders, by releasing the held frames shuffled.
 */
import { WebSocket } from 'ws';
import type { FaultProxy, Frame, Rule, Verdict } from './proxy';

export class Connection {
  readonly closed: Promise<void>;
  #replaying = false;
  #held: string[] = [];
  #holdTimer: ReturnType<typeof setTimeout> | undefined;
  /** Frames waiting for their time, in the order they must leave. */
  #queue: Array<{ at: number; raw: string }> = [];
  #pump: ReturnType<typeof setTimeout> | undefined;
  #lastAt = 0;

  constructor(
    readonly proxy: FaultProxy,
    readonly id: number,
    /** The `tab` query parameter of the browser's URL, to aim faults at one tab. */
    readonly tag: string,
    readonly client: WebSocket,
    readonly upstream: WebSocket,
  ) {
    this.closed = new Promise((resolve) => client.once('close', () => resolve()));
    client.on('message', (data) => this.#fromClient(String(data)));
    upstream.on('message', (data) => this.#fromServer(String(data)));
    // Pass a close on with its code; one that cannot be sent (1005, 1006) becomes an abrupt drop.
    const relay = (to: WebSocket) => (code: number, reason: Buffer) => {
      this.#stopTimers();
      const sendable = (code >= 1000 && code <= 1014 && ![1004, 1005, 1006].includes(code)) || (code >= 3000 && code <= 4999);
      if (sendable) to.close(code, reason);
      else to.terminate();
    };
    client.once('close', relay(upstream));
    upstream.once('close', relay(client));
    client.on('error', () => upstream.terminate());
    upstream.on('error', () => client.terminate());
  }

  /** Queues `raw` for the browser, `delayMs` from now but never before a frame queued earlier. */
  emit(raw: string, delayMs: number): void {
    const at = Math.max(Date.now() + delayMs, this.#lastAt);
    this.#lastAt = at;
    this.#queue.push({ at, raw });
    this.#drain();
  }

  terminate(): void {
    this.#stopTimers();
    this.client.terminate();
    this.upstream.terminate();
  }

  #stopTimers(): void {
    clearTimeout(this.#pump);
    clearTimeout(this.#holdTimer);
    this.#queue = [];
    this.#held = [];
  }

  #drain(): void {
    clearTimeout(this.#pump);
    while (this.#queue.length && this.#queue[0]!.at <= Date.now()) {
      const { raw } = this.#queue.shift()!;
      if (this.client.readyState !== WebSocket.OPEN) continue;
      this.client.send(raw);
    }
    if (this.#queue.length) this.#pump = setTimeout(() => this.#drain(), this.#queue[0]!.at - Date.now());
  }

  #frame(dir: 'up' | 'down', raw: string): Frame {
    let json: any;
    try {
      json = JSON.parse(raw);
    } catch {
      json = undefined;
    }
    return { conn: this, dir, raw, json, replaying: this.#replaying, random: () => this.proxy.random() };
  }

  #decide(rules: Rule[], frame: Frame): Verdict {
    for (const rule of rules) {
      const verdict = rule(frame);
      if (verdict !== undefined) return verdict;
    }
    return 'pass';
  }

  #fromClient(raw: string): void {
    const frame = this.#frame('up', raw);
    if (frame.json?.type === 'hello' || frame.json?.type === 'sync') this.#replaying = true;
    if (this.#decide(this.proxy.up, frame) === 'drop') {
      this.proxy.stats.dropped++;
      return;
    }
    if (this.upstream.readyState === WebSocket.OPEN) this.upstream.send(raw);
  }

  #fromServer(raw: string): void {
    const frame = this.#frame('down', raw);
    const verdict = this.#decide(this.proxy.down, frame);
    if (frame.json?.type === 'synced') this.#replaying = false;
    const stats = this.proxy.stats;
    if (verdict === 'hold') {
      stats.held++;
      this.#held.push(raw);
      if (this.#held.length >= (this.proxy.options.holdWindow ?? 10)) this.#release();
      else this.#holdTimer ??= setTimeout(() => this.#release(), this.proxy.options.holdMs ?? 150);
      return;
    }
    // A frame that is not held goes after the held ones: the stream's shape (items, then synced) stays.
    this.#release();
    if (verdict === 'drop') stats.dropped++;
    else if (verdict === 'pass') {
      stats.passed++;
      this.emit(raw, 0);
    } else if (verdict === 'duplicate') {
      stats.duplicated++;
      this.emit(raw, 0);
      this.emit(raw, 0);
    } else if ('delayMs' in verdict) {
      stats.delayed++;
      this.emit(raw, verdict.delayMs);
    } else {
      stats.replaced++;
      for (const out of verdict.replace) this.emit(out, 0);
    }
  }

  /** Releases the held frames in a seeded random order (Fisher–Yates). */
  #release(): void {
    clearTimeout(this.#holdTimer);
    this.#holdTimer = undefined;
    const held = this.#held;
    this.#held = [];
    for (let i = held.length - 1; i > 0; i--) {
      const j = Math.floor(this.proxy.random() * (i + 1));
      [held[i], held[j]] = [held[j]!, held[i]!];
    }
    for (const raw of held) this.emit(raw, 0);
  }
}
