import type { NatterError } from './errors.ts';
import type { Mode, Phase } from './modes.ts';
import type { Author, Message } from '../model/types.ts';
import type { ConnectionState } from './types.ts';

/**
 * Every event Natter fires, with its listener's signature. Listen with `natter.on(name, listener)`.
 *
 * @example
 * ```ts
 * natter.on('message', (message) => {
 *   if (message.author.role === 'agent') analytics.track('agent replied');
 * });
 * ```
 */
export interface NatterEvents {
  /** The stored conversation has been read and is on screen. */
  ready: () => void;
  /** A new message entered the timeline: the customer's own, or one from the team, a bot or the system. */
  message: (message: Message) => void;
  /** A message's delivery status changed (`sending` → `sent`, or `failed`). */
  status: (message: Message) => void;
  /** The panel opened. */
  open: () => void;
  /** The panel closed. */
  close: () => void;
  /** The number of unread messages from the team changed. */
  unread: (count: number) => void;
  /** The link to the backend changed state. */
  connection: (state: ConnectionState) => void;
  /** A person became available to answer, or stopped being. */
  availability: (available: boolean) => void;
  /** The offered mode (live chat or messaging) or the live session's phase changed. */
  modechange: (change: { mode: Mode; phase: Phase }) => void;
  /** Someone on the team started typing (it stops by itself, or when their message arrives). */
  typing: (author: Author) => void;
  /** Something went wrong; `error.message` says what to do. Natter keeps going. */
  error: (error: NatterError) => void;
}
