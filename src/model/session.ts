/**
 * Live chat and messaging as the backend and the core both see them: modes, availability, sessions.
 * @module
 */
import type { Author } from './types.ts';

/** What the site owner asks for. `auto` follows the backend: live chat while agents are there. */
export type ModeSetting = 'live' | 'messaging' | 'auto';

/** The mode the customer is offered right now. */
export type Mode = 'live' | 'messaging';

/**
 * Where the conversation is.
 * - `messaging`: one persistent thread; the team replies when it can. Live chat may be offered.
 * - `queued`: the customer asked for live chat and waits for an agent.
 * - `live`: an agent has joined; both see each other typing.
 * - `ended`: the live session is over; the rating card is shown. The next message continues as messaging.
 */
export type Phase = 'messaging' | 'queued' | 'live' | 'ended';

/** Who ended a live session. */
export type EndedBy = 'agent' | 'visitor' | 'timeout';

/** What the backend says about the team's presence. */
export interface Availability {
  /** At least one agent is available. */
  agents: boolean;
  /** Inside business hours. */
  open: boolean;
  /** Typical reply time in messaging, in minutes. */
  replyMinutes?: number;
  /** The team's away message, in the backend's words. */
  awayMessage?: string;
  /** When business hours next begin (ms since epoch), while closed. */
  nextOpenAt?: number;
}

/** A live session as the backend has it. */
export interface SessionInfo {
  id: string;
  state: 'queued' | 'live' | 'ended';
  /** 1 = next in line. */
  position?: number;
  /** Estimated wait, in seconds. */
  waitSeconds?: number;
  agent?: Author;
  endedBy?: EndedBy;
  rated?: boolean;
}

