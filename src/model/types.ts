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

/**
 * Custom attributes the site shows the team about the customer (plan, cart value, …): up to 20, each named by
 * 1–40 characters, a text of at most 200 characters, a number or a boolean.
 */
export type Attributes = Record<string, string | number | boolean>;

/** The page the customer is on, as the team sees it. */
export interface PageInfo {
  url: string;
  title: string;
}

/** What the team sees of the customer's situation, besides who they are: updated as it changes. */
export interface VisitorInfo {
  /** The widget's language as a BCP-47 tag (`de`, `fr-CA`): the backend answers in it. */
  locale?: string;
  page?: PageInfo;
  attributes?: Attributes;
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
  /** When the server stored it, by the server's clock (ms since epoch). Shown, never used for order. */
  sentAt?: number;
  /**
   * The message's place in the server's order, once the server has stored it: an opaque string from the
   * transport that sorts (by code unit) in the server's order. Absent while the message is on its way.
   */
  order?: string;
  /** The order in which this browser's customer wrote the message (a counter, never the clock): places unsent messages. */
  local?: number;
  status: MessageStatus;
  /** Why a `failed` message failed, in words fit for a developer console. */
  error?: string;
  /** `true` when the server refused the message for good: resending the same text will not help. */
  rejected?: boolean;
  /** Answers the customer can pick with one tap. */
  quickReplies?: string[];
  /** For system messages: what happened. */
  event?: SystemEvent;
  /** The server stored an item here that this version cannot read: shown as a neutral line, never hiding what follows. */
  unreadable?: boolean;
  /**
   * The site's invitation (`invite`) the customer answered with this message: shown above it, and sent with
   * it so that the team sees what was answered.
   */
  context?: string;
  /** A file sent with the message. */
  file?: Attachment;
}

/**
 * A file sent with a message. `text` of such a message is the file's name, so that a reader that shows no
 * files still shows something true.
 */
export interface Attachment {
  /** The name the sender gave it: shown as text only. */
  name: string;
  /** Bytes. */
  size: number;
  /** Its media type, such as `image/png` (the server's finding, once it has the file). */
  type: string;
  /** Where it can be downloaded, once uploaded. */
  url?: string;
  /** The bytes, kept (in storage too) until they are uploaded; never sent to another tab or the server as such. */
  blob?: Blob;
}

/** What a visitor tells about themselves with `identify`. */
export interface User {
  /** The site's own id of the user. A different id on the same browser starts a fresh, separate conversation. */
  id?: string;
  name?: string;
  email?: string;
  /**
   * Proof of who the user is, signed by the site's server (a JWT; see "Verified customers" in the README).
   * Sent to the backend, never stored on the device.
   */
  token?: string;
}
