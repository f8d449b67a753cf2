import type { Mode, ModeState } from './modes.ts';

/**
 * The shapes the headless core works with. They are the same whatever transport or storage is used.
 * @module
 */

/** Who wrote a message. Bot messages are always shown as coming from a bot. */
export type AuthorRole = 'visitor' | 'agent' | 'bot' | 'system';

/** The writer of a message. `name` is shown when present. */
export interface Author {
  role: AuthorRole;
  id?: string;
  name?: string;
}

/**
 * Where a message is on its way.
 * - `sending`: written to the browser's storage and waiting in the outbox for the server's acknowledgement;
 * - `sent`: the server stored it;
 * - `failed`: the server refused it, or did not acknowledge it in time. The customer can retry.
 */
export type MessageStatus = 'sending' | 'sent' | 'failed';

/**
 * What a system message reports, so that the widget can say it in the customer's language.
 * `name` is the agent's name where one is involved.
 */
export interface SystemEvent {
  kind: 'queued' | 'joined' | 'ended' | 'handoff' | 'email' | 'rated' | 'mode';
  name?: string;
  by?: 'agent' | 'visitor' | 'timeout';
  /** For `handoff`: where the customer went; for `mode`: the new mode. */
  to?: 'live' | 'messaging';
  email?: string;
  score?: number;
}

/** One item of the conversation's timeline. */
export interface Message {
  /** Stable local key: the client id for messages made in this browser, `s:<server id>` for the others. */
  key: string;
  /** The id this browser gave the message when it was created (nanoid); resends carry the same id. */
  clientId?: string;
  /** The server's id, once it has stored the message. */
  id?: string;
  author: Author;
  text: string;
  /** When the message was made, by this browser's clock (ms since epoch). */
  createdAt: number;
  /** When the server stored it, by the server's clock (ms since epoch). */
  sentAt?: number;
  status: MessageStatus;
  /** Why a `failed` message failed, in words fit for a developer console. */
  error?: string;
  /** `true` when the server refused the message for good: resending the same text will not help. */
  rejected?: boolean;
  /** Answers the customer can pick with one tap. */
  quickReplies?: string[];
  /** For system messages: what happened. */
  event?: SystemEvent;
}

/** What a visitor tells about themselves with `identify`. */
export interface User {
  /** The site's own id of the user. A different id on the same browser starts a fresh, separate conversation. */
  id?: string;
  name?: string;
  email?: string;
}

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
}
