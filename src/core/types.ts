import type { Mode, ModeState } from './modes.ts';
import type { Author, Message, User } from '../model/types.ts';

/**
 * The core's state: what the UI (or any other reader) reads.
 * @module
 */

/**
 * The state of the link to the backend.
 * - `idle`: not connected, and not trying (nothing to say yet, or shut down);
 * - `connecting`: the first attempt is under way;
 * - `open`: connected and synchronised;
 * - `reconnecting`: the link dropped; retrying with backoff. Messages wait safely in the outbox.
 */
export type ConnectionState = 'idle' | 'connecting' | 'open' | 'reconnecting';

/** Everything the UI (or any other reader) needs to show the conversation. */
export interface NatterState {
  /** `true` once the stored history has been read (or found empty). */
  ready: boolean;
  /** The timeline, oldest first. */
  messages: readonly Message[];
  connection: ConnectionState;
  /** Whether the conversation is on screen (the widget's panel is open). */
  isOpen: boolean;
  /** Messages from the team not yet seen by the customer. */
  unread: number;
  /** The team's display name, from settings or the server. */
  teamName: string | undefined;
  /** Whether a person is there to answer now; `undefined` until the server says. */
  available: boolean | undefined;
  /** The people in the conversation besides the customer, by author id or name. */
  participants: readonly Author[];
  user: User | undefined;
  /** Live chat or messaging, and where a live session is. */
  mode: ModeState;
  /** The mode offered to the customer now (derived from `mode`). */
  offeredMode: Mode;
  /** Who on the team is typing, if anyone. */
  typing: Author | undefined;
  /** The email address the customer left to hear about the reply. */
  email: string | undefined;
  /** Whether older messages are stored than the ones in `messages` (see `loadOlder`). */
  hasOlder: boolean;
  /**
   * Set when this browser cannot keep the conversation (storage full, blocked or failing): the widget says
   * "This chat can't be saved on this device". The conversation goes on in memory meanwhile.
   */
  storageProblem: string | undefined;
  /** The backend asked the customer to slow down (rate limits): the widget says so; nothing is lost. */
  slowDown: boolean;
  /** The files the backend takes (`undefined`: none, or it has not said yet). */
  files: { maxBytes: number; types: readonly string[]; maxCount?: number } | undefined;
  /** Uploads under way: how far each is (0–1), by message key. */
  uploads: Readonly<Record<string, number>>;
  /**
   * Whether the conversation may be kept on this device: `true` (the `persist` option is `'always'`, or the
   * customer agreed), `false` (`'never'`, or they declined: it stays in this page's memory), `undefined`
   * while `'after-consent'` waits for an answer (the widget asks once the customer has written).
   */
  consent: boolean | undefined;
  /**
   * The site's invitation (`invite(text)`), shown as a message from the team until the customer answers;
   * stored and sent nowhere until then, and then only with their answer (`Message.context`).
   */
  invitation: string | undefined;
  /**
   * Whether this tab is the one that plays the reply sound and shows the title notice: the tab the customer
   * looked at last, so that several open tabs do not all chime. Always `true` in a tab on its own.
   */
  notifies: boolean;
}
