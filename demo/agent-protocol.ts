/**
 * The agent side of the reference backend: frames between the inbox (`/agent`) and `demo/server.ts`.
 *
 * This is NOT part of Natter protocol v1 — a site's own backend talks to its agents however it likes.
 * It is documented in `docs/protocol.md` ("Reference backend: agent protocol") so the inbox, tests and
 * anyone writing a bot against the demo agree on it.
 */
import { z } from 'zod/mini';
import {
  MAX_TEXT_LENGTH,
  type WireAuthor,
  type WireAvailability,
  type WireItem,
  type WireUser,
  wireFile,
} from '../src/protocol/wire.ts';

const id = z.string().check(z.minLength(1), z.maxLength(128));

// ---- agent → server -----------------------------------------------------------------------------

/** First frame: who is answering. Sending it again renames the agent and returns a fresh snapshot. */
export const agentHelloFrame = z.object({
  type: z.literal('hello'),
  name: z.string().check(z.minLength(1), z.maxLength(200)),
  /**
   * Start (or stay) away or available. Omitted: available on the first hello, unchanged on a later one.
   * Lets a reconnecting inbox that was "Away" come back away, without announcing itself available first.
   */
  available: z.optional(z.boolean()),
});

/** The agent goes away or comes back. Visitors see the team available while any agent is. */
export const agentStatusFrame = z.object({ type: z.literal('status'), available: z.boolean() });

/** A reply into a conversation. Idempotent by `clientId`, exactly like a visitor's `send`. */
export const agentReplyFrame = z.object({
  type: z.literal('reply'),
  conversationId: id,
  clientId: id,
  text: z.string().check(z.minLength(1), z.maxLength(MAX_TEXT_LENGTH)),
  /** A file uploaded to a slot granted for this reply's `clientId` (`url`: the slot's `get`). */
  file: z.optional(wireFile),
});

/** A place for the file of reply `clientId`, as a visitor's `slot` (answered with a `slot` or an error). */
export const agentSlotFrame = z.object({
  type: z.literal('slot'),
  conversationId: id,
  clientId: id,
  name: z.string().check(z.minLength(1), z.maxLength(255)),
  size: z.int().check(z.gte(1)),
  mediaType: z.string().check(z.maxLength(100)),
});

/** Take a queued live session: the visitor sees "<name> joined" and chats live with this agent. */
export const agentAcceptFrame = z.object({ type: z.literal('accept'), conversationId: id });

/** End the conversation's live session (or decline a queued one). The thread goes on as messaging. */
export const agentEndFrame = z.object({ type: z.literal('end'), conversationId: id });

/** The agent is typing (at most every 3 s while typing) or stopped. Shown to the visitor during a live session. */
export const agentTypingFrame = z.object({ type: z.literal('typing'), conversationId: id, typing: z.boolean() });

/** Impose a mode on every visitor (`null`: stop imposing one). Not persisted: a restart returns to FORCE_MODE. */
export const agentForceFrame = z.object({ type: z.literal('force'), mode: z.nullable(z.enum(['live', 'messaging'])) });

export const agentClientFrame = z.discriminatedUnion('type', [
  agentHelloFrame,
  agentStatusFrame,
  agentReplyFrame,
  agentAcceptFrame,
  agentEndFrame,
  agentTypingFrame,
  agentForceFrame,
  agentSlotFrame,
]);

export type AgentClientFrame = z.infer<typeof agentClientFrame>;

// ---- server → agent -----------------------------------------------------------------------------
// Plain types, not schemas: the server builds these frames itself, it never has to distrust them.

export interface AgentInfo {
  id: string;
  name: string;
  available: boolean;
}

/**
 * A conversation as agents see it. The visitor id is left out on purpose: it is the visitor's bearer
 * secret (whoever holds it can read and write the conversation), and an agent has no use for it.
 */
export interface AgentConversation {
  id: string;
  /** `verified`: the site's server vouched for this customer with a signed token (`IDENTITY_SECRET`). */
  user: WireUser & { verified?: true };
  locale?: string;
  /** The page the visitor is on (or was on last), as their browser reported it. */
  page?: { url: string; title: string };
  /** The site's custom attributes of the visitor. */
  attributes?: Record<string, string | number | boolean>;
  createdAt: number;
  updatedAt: number;
  /** Highest seq in the conversation (0 when empty). */
  seq: number;
  /** Whether at least one visitor tab is connected right now. */
  online: boolean;
  /** The current or last live session; absent when there never was one. */
  session?: AgentSession;
  /** Every rating the visitor gave, oldest first. */
  ratings: AgentRating[];
  /** The bot handed the visitor to the team's inbox and stays quiet until an agent replies. */
  needsPerson: boolean;
}

/** A live session as agents see it: the visitor's view plus times and the rating. */
export interface AgentSession {
  id: string;
  state: 'queued' | 'live' | 'ended';
  /** While queued: place in the queue, 1 = next. */
  position?: number;
  /** While queued: the estimate the visitor was given, in seconds. */
  waitSeconds?: number;
  /** The agent who accepted. */
  agent?: WireAuthor;
  queuedAt: number;
  acceptedAt?: number;
  endedAt?: number;
  endedBy?: 'agent' | 'visitor' | 'timeout';
  rated: boolean;
}

export interface AgentRating {
  sessionId: string;
  score: number;
  comment?: string;
  at: number;
}

export type AgentErrorCode = 'invalid_frame' | 'not_ready' | 'too_long' | 'unknown_conversation' | 'invalid_transition' | 'file_refused' | 'internal';

/** A mode the server imposes on visitors, or `null`. */
export type ForcedMode = 'live' | 'messaging' | null;

export type AgentServerFrame =
  | {
      type: 'snapshot';
      you: AgentInfo;
      conversations: Array<AgentConversation & { items: WireItem[] }>;
      agents: AgentInfo[];
      availability: WireAvailability;
      mode: ForcedMode;
    }
  | { type: 'item'; conversationId: string; item: WireItem }
  | { type: 'conversation'; conversation: AgentConversation }
  | { type: 'agents'; agents: AgentInfo[] }
  /** What visitors are told about availability changed. */
  | { type: 'availability'; availability: WireAvailability }
  /** The forced mode changed (by an agent's `force`). */
  | { type: 'mode'; mode: ForcedMode }
  /** The visitor of a conversation is typing (or stopped); only during a live session. Hide after 6 s without news. */
  | { type: 'typing'; conversationId: string; typing: boolean }
  | { type: 'ack'; conversationId: string; clientId: string; id: string; seq: number; sentAt: number }
  /** The place for the file of reply `clientId`: PUT the bytes to `put` (absent: stored already), then reply with `file.url` = `get`. */
  | { type: 'slot'; conversationId: string; clientId: string; put?: string; get: string }
  | { type: 'error'; code: AgentErrorCode; message: string; clientId?: string };
