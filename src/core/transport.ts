/**
 * The one seam between Natter's core and a network. A transport turns what the core wants to say into
 * whatever its backend speaks (Natter's JSON protocol, XMPP stanzas, HTTP calls…) and turns what the
 * backend says into {@link InboundFrame}s. It knows nothing of storage, the outbox or the UI.
 *
 * Rules a transport follows:
 * - after `open`, it reports `connecting`, then `open` once it can send and has delivered the history
 *   after `cursor` (the core may replay its outbox right then), `reconnecting` while it retries on its own,
 *   and `closed` only after `close()` or a failure it cannot retry;
 * - `send` returns `false` when it cannot send now; the core keeps the frame in its outbox and tries again
 *   at the next `open`. A transport never buffers on its own;
 * - the sync cursor is an opaque string the transport owns: it hands one out with inbound items, the core
 *   stores the latest and gives it back to `open` on the next page load;
 * - every message carries an `order`, also opaque, that sorts in the backend's order; the core places items by
 *   it alone (never by a clock), and the customer's unacknowledged messages after all of them;
 * - an item the transport cannot read still moves the cursor: it is delivered as `unreadable`, so one bad item
 *   never blocks what follows; a transport asks again for what it is missing, and says `reset` when the
 *   backend's history does not continue the cursor it was given.
 *
 * @example A transport for another backend (sketch)
 * ```ts
 * class PollingTransport implements Transport {
 *   readonly name = 'polling';
 *   open(options: TransportOpenOptions, sink: TransportSink) { sink.state('connecting'); … sink.state('open'); }
 *   send(frame: OutboundFrame) { if (!this.ready) return false; void fetch(…); return true; }
 *   close() { … }
 * }
 * ```
 * @module
 */
import type { Availability, Mode } from '../model/session.ts';
import type { SessionInfo } from '../model/session.ts';
import type { Attachment, Author, SystemEvent, User, VisitorInfo } from '../model/types.ts';

/**
 * What the core hands a transport when it opens: who the visitor is, and (from {@link VisitorInfo}) their
 * language, page and the site's attributes, which later change with `visitor` frames.
 */
export interface TransportOpenOptions extends VisitorInfo {
  /** The visitor's secret id, made by the core, kept in the browser. */
  visitorId: string;
  /** The latest cursor this transport gave out and the core stored, or `null` for "everything". */
  cursor: string | null;
  user?: User;
  /** The site's signed identity token, if it gave one (`User.token`); sent, never stored. */
  token?: string;
}

/** A message as the backend has it. */
export interface InboundMessage {
  /** The backend's id for the message. */
  id: string;
  /** The id the visitor's browser gave it, when it came from a visitor. */
  clientId?: string;
  author: Author;
  text: string;
  /** The backend's clock when it stored the message (ms since epoch). */
  sentAt: number;
  /** Answers the customer can pick with one tap (sent as their message). */
  quickReplies?: string[];
  /** For system messages: what happened, so the widget can say it in the customer's language. */
  event?: SystemEvent;
  /** A file sent with the message (uploaded: `url` set, no `blob`). */
  file?: Attachment;
  /** The backend has an item here that the transport could not read: the core shows a neutral line in its place. */
  unreadable?: boolean;
}

/** What a transport delivers to the core. */
export type InboundFrame =
  /**
   * A timeline message, new or from the history. `order` places it: opaque strings that sort (by code unit)
   * in the backend's order, the same in every tab and on every device. `cursor` marks the position just after
   * it, for `open` on the next page load.
   */
  | { type: 'message'; message: InboundMessage; order: string; cursor?: string }
  /** The backend stored the visitor's message `clientId` as `id`, at `order` when the transport knows it. */
  | { type: 'ack'; clientId: string; id: string; sentAt: number; order?: string }
  /**
   * The backend's history does not continue what this browser holds (it lost its data, or this is another
   * conversation): the core drops the items it got from the backend, keeps its unsent messages, and takes the
   * history that follows (the transport replays it from the start) before sending them again.
   */
  | { type: 'reset' }
  /**
   * The backend asks the visitor to slow down (rate limits); `clientId`: the message it did not take. The
   * core keeps that message in its outbox and sends it again after `retryInMs` (default a few seconds).
   */
  | { type: 'slow'; clientId?: string; retryInMs?: number }
  /** The backend refused the message `clientId` for good. `reason` is for developers. */
  | { type: 'reject'; clientId: string; reason: string }
  /** The team's name. */
  | { type: 'team'; name: string }
  /** Who is there, business hours, reply time. */
  | { type: 'availability'; availability: Availability }
  /** The backend imposes a mode, or (`null`) stops imposing one. */
  | { type: 'mode'; mode: Mode | null }
  /**
   * The live session changed. With `restore`, this is the backend's whole truth after (re)connecting, to be
   * taken as it is; otherwise one step, checked against the mode state machine.
   */
  | { type: 'session'; session: SessionInfo | null; restore?: boolean }
  /** Someone on the team started or stopped typing. */
  | { type: 'typing'; author: Author; typing: boolean }
  /** The backend refused the identity the site vouched for; `message` says what the site must fix. */
  | { type: 'identity'; message: string }
  /** The files the backend takes: the largest in bytes, and the media types (`image/*` style wildcards allowed). */
  | { type: 'files'; maxBytes: number; types: string[] }
  /**
   * The place for the file of message `clientId` (XEP-0363's slot): the core hands `put` to
   * {@link Transport.upload} (absent: the backend has the bytes already), then sends the message with
   * `file.url` = `get`. A backend that refuses the file answers with `reject` for `clientId` instead.
   */
  | { type: 'slot'; clientId: string; put?: string; get: string };

/** What the core hands a transport to send. */
export type OutboundFrame =
  /** `context`: the site's invitation the message answers (see `Message.context`). */
  | { type: 'message'; clientId: string; text: string; createdAt: number; context?: string; file?: { name: string; size: number; type: string; url: string } }
  /** Asks for a place to upload the file of message `clientId` (answered by a `slot` or a `reject`). */
  | { type: 'slot'; clientId: string; name: string; size: number; mediaType: string }
  | { type: 'identify'; user: User; token?: string }
  /** The customer asks for live chat, or ends it. */
  | { type: 'live'; action: 'start' | 'end' }
  | { type: 'typing'; typing: boolean }
  | { type: 'rating'; sessionId: string; score: number; comment?: string }
  /** The customer leaves an email address to hear about the reply. */
  | { type: 'email'; email: string }
  /** "Talk to a person": the bot hands over. */
  | { type: 'handoff' }
  /**
   * The customer's language, page or attributes changed (only the fields given). A transport keeps them for
   * its next `hello`, as it keeps `identify`'s user.
   */
  | ({ type: 'visitor' } & VisitorInfo)
  /**
   * An acknowledgement is overdue while the link looks open: deliver again whatever came after the cursor
   * (the ack may have been lost), and check that the link still answers.
   */
  | { type: 'resync' };

/** The link's state as the transport sees it. */
export type TransportState = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** How a transport reports to the core. */
export interface TransportSink {
  frame(frame: InboundFrame): void;
  state(state: TransportState, detail?: { retryInMs?: number; error?: Error }): void;
  /** Something from the backend was malformed or out of place and was ignored. */
  warn(message: string): void;
}

/** A network adapter. See the module documentation for the contract. */
export interface Transport {
  /** A short name for logs, such as `websocket`. */
  readonly name: string;
  open(options: TransportOpenOptions, sink: TransportSink): void;
  /** Sends `frame` now, or returns `false` if it cannot. */
  send(frame: OutboundFrame): boolean;
  close(): void;
  /**
   * Puts `file` at a slot's `put` address, reporting progress (0–1); rejects if it failed or `signal`
   * aborted it, with `refused: true` on the error when the backend will never take these bytes (the message
   * then fails for good). Absent: this transport sends no files. A slot may be used again after a failure.
   */
  upload?(put: string, file: Blob, progress: (fraction: number) => void, signal: AbortSignal): Promise<void>;
}

/**
 * The open options after the core sent `frame`: `identify` and `visitor` frames change who the visitor is and
 * their language, page and attributes, which a transport says again when it reconnects (or hands over).
 */
export function reopenWith<T extends TransportOpenOptions>(options: T | undefined, frame: OutboundFrame): T | undefined {
  if (!options || (frame.type !== 'identify' && frame.type !== 'visitor')) return options;
  const { type: _, ...fields } = frame;
  return { ...options, ...fields };
}
