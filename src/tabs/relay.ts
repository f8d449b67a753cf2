/**
 * What `TabTransport` tabs say to each other on the link's `transport` channel, and the hand-written
 * check of it (no zod: this ships in the size-budgeted script). The link's envelope version covers these
 * shapes: change one in a way an older tab would misread, and bump it.
 * @module
 */
import type { InboundFrame, OutboundFrame, TransportState } from '../core/transport.ts';

/** A message between tabs about the shared connection. `visitorId`: whose stream the leader holds. */
export type Relay =
  /** A follower (re)joins: the leader answers with a snapshot. `cursor`: the newest one it delivered. */
  | { t: 'hello'; cursor: string | null }
  | { t: 'snapshot'; visitorId: string; state: TransportState; frames: InboundFrame[] }
  | { t: 'frame'; visitorId: string; frame: InboundFrame }
  | { t: 'state'; visitorId: string; state: TransportState; retryInMs?: number; error?: string }
  /** A follower's frame, for the leader to send. */
  | { t: 'send'; visitorId: string; frame: OutboundFrame }
  /** The leader is closing; the lock passes to another tab. */
  | { t: 'gone' };

/** Inbound frames of which only the latest matters to a tab that joins. */
export const LATEST = ['team', 'availability', 'mode', 'session', 'files'];
const INBOUND = ['message', 'ack', 'reject', 'reset', 'slow', 'typing', 'identity', 'slot', ...LATEST];
const OUTBOUND = ['message', 'identify', 'live', 'typing', 'rating', 'email', 'handoff', 'resync', 'slot', 'visitor'];
const STATES = ['connecting', 'open', 'reconnecting', 'closed'];

type Fields = Partial<Record<string, unknown>>;

/**
 * A frame of a known type. Its other fields are not checked again: the envelope's version says this
 * version's transport made it, and that transport checked what the backend sent.
 */
const isFrame = (frame: unknown, types: string[]) =>
  typeof frame === 'object' && frame !== null && types.includes((frame as Fields).type as string);
const isState = (r: Fields) => typeof r.visitorId === 'string' && STATES.includes(r.state as string);

const checks: Record<Relay['t'], (r: Fields) => boolean> = {
  hello: (r) => r.cursor === null || typeof r.cursor === 'string',
  gone: () => true,
  send: (r) => typeof r.visitorId === 'string' && isFrame(r.frame, OUTBOUND),
  frame: (r) => typeof r.visitorId === 'string' && isFrame(r.frame, INBOUND),
  state: (r) =>
    isState(r) &&
    (r.retryInMs === undefined || typeof r.retryInMs === 'number') &&
    (r.error === undefined || typeof r.error === 'string'),
  snapshot: (r) => isState(r) && Array.isArray(r.frames) && r.frames.every((frame) => isFrame(frame, INBOUND)),
};

/**
 * What is wrong with `body` as a {@link Relay}, in a few words that are the same for every message of one
 * kind (so that a caller can warn once per kind); `''` when nothing is.
 */
export function relayProblem(body: unknown): string {
  const r = (typeof body === 'object' && body) as Fields | false;
  const t = r && r.t;
  if (typeof t !== 'string' || !Object.hasOwn(checks, t)) return 'a message of unknown type';
  return checks[t as Relay['t']](r as Fields) ? '' : `a malformed "${t}" message`;
}
