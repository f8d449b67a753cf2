/**
 * The help desk of the reference backend: live chat sessions (queue → live → ended → rated), the team's
 * availability and business hours, a forced mode, email capture, the bot, and the inactivity timeout.
 * The socket handlers call it; it stores through the conversation store (so a restart keeps
 * every session, rating, email and the bot's memory) and fans out through the hub.
 *
 * Everything here is synchronous: no frame can slip between a check and the change it guards.
 */
import { langOf } from './texts.ts';
import { randomUUID } from 'node:crypto';
import type { WireAvailability, WireEvent, WireItem, WireSession } from '../src/protocol/wire.ts';
import type { AgentInfo, AgentRating, AgentSession, ForcedMode } from './agent-protocol.ts';
import { BOT_AUTHOR, decide } from './bot.ts';
import { describeHours, isOpen, nextOpenAt, type BusinessHours } from './business-hours.ts';
import { currentSession, type Conversation, type ConversationStore, type StoredSession } from './conversation-store.ts';
import type { Hub, SessionDetails } from './hub.ts';

export interface DeskOptions {
  store: ConversationStore;
  hub: Hub;
  hours: BusinessHours;
  /** IANA zone the business hours are in. */
  timeZone: string;
  replyMinutes: number;
  /** The away message in a conversation's language (`locale`). */
  awayMessage: (locale: string | undefined) => string;
  /** A live session without any message for this long ends (`endedBy: 'timeout'`). */
  sessionTimeoutMs: number;
  forceMode: ForcedMode;
  bot: boolean;
  /** The clock business hours are judged by (tests pass a fixed one). */
  clock: () => number;
  /** How often business hours are re-checked, so visitors hear when the team opens or closes. */
  clockTickMs: number;
  /**
   * Whether this conversation's visitor may put another request in the live queue (`queued`: the
   * conversations waiting now). When not, a hand-off goes to the inbox instead. Default: always.
   */
  mayQueue?: (conversationId: string, queued: readonly string[]) => boolean;
}

export type Outcome = { ok: true } | { ok: false; code: 'invalid_transition' | 'unknown_conversation'; message: string };

/** Queued sessions, first in line first. */
type Queue = Array<{ conversationId: string; session: StoredSession }>;

const OK: Outcome = { ok: true };
const refuse = (message: string): Outcome => ({ ok: false, code: 'invalid_transition', message });

/** Used until a few sessions have been accepted: 2 minutes per place in the queue. */
const DEFAULT_WAIT_SECONDS = 120;
const RECENT_WAITS = 10;

const ENDED_TEXT: Record<NonNullable<StoredSession['endedBy']>, string> = {
  agent: "Chat ended — write here any time and we'll reply",
  visitor: "You ended the chat — write here any time and we'll reply",
  timeout: "Chat ended after a quiet while — write here any time and we'll reply",
};

export class Desk {
  readonly #o: DeskOptions;
  #forced: ForcedMode;
  #announced: string;
  readonly #timeouts = new Map<string, ReturnType<typeof setTimeout>>();
  /** Last message time of each live session (ms), for the inactivity timeout. */
  readonly #activity = new Map<string, number>();
  /** What each queued visitor was last told (`position/waitSeconds`), by session id. */
  readonly #told = new Map<string, string>();
  /** Seconds between queueing and acceptance of the latest sessions, newest last. */
  readonly #waits: number[] = [];
  readonly #tick: ReturnType<typeof setInterval>;

  constructor(options: DeskOptions) {
    this.#o = options;
    this.#forced = options.forceMode;
    options.hub.attach(
      (conversation) => this.details(conversation),
      () => this.refreshAvailability(),
    );
    const accepted: StoredSession[] = [];
    for (const conversation of options.store.all()) {
      for (const session of conversation.sessions) if (session.acceptedAt !== undefined) accepted.push(session);
      const session = currentSession(conversation);
      if (session?.state === 'live') {
        // Restarted mid-chat: the clock runs from the last message (or the acceptance).
        const last = lastActivity(conversation, session);
        this.#activity.set(conversation.meta.id, last);
        this.#schedule(conversation.meta.id, Math.max(0, last + options.sessionTimeoutMs - Date.now()));
      }
    }
    accepted.sort((a, b) => (a.acceptedAt ?? 0) - (b.acceptedAt ?? 0));
    for (const s of accepted.slice(-RECENT_WAITS)) this.#waits.push(((s.acceptedAt ?? s.queuedAt) - s.queuedAt) / 1000);
    this.#announced = JSON.stringify(this.availability());
    this.#tick = setInterval(() => this.refreshAvailability(), options.clockTickMs);
    this.#tick.unref();
  }

  stop(): void {
    clearInterval(this.#tick);
    for (const timer of this.#timeouts.values()) clearTimeout(timer);
    this.#timeouts.clear();
  }

  // ---- availability and mode ----------------------------------------------------------------------

  /** Who is there and when; the away message in the language of `locale` (a conversation's). */
  availability(locale?: string): WireAvailability {
    const now = this.#o.clock();
    const open = isOpen(this.#o.hours, now, this.#o.timeZone);
    const availability: WireAvailability = {
      agents: this.#o.hub.agentsAvailable(),
      open,
      replyMinutes: this.#o.replyMinutes,
      awayMessage: this.#o.awayMessage(locale),
    };
    if (!open) {
      const next = nextOpenAt(this.#o.hours, now, this.#o.timeZone);
      if (next !== undefined) availability.nextOpenAt = next;
    }
    return availability;
  }

  /** An agent is available inside business hours: live chat can be offered. */
  someoneAvailable(): boolean {
    const a = this.availability();
    return a.agents && a.open;
  }

  forcedMode(): ForcedMode {
    return this.#forced;
  }

  /** Tells every visitor and agent about availability if it changed since the last time. */
  refreshAvailability(): void {
    const availability = this.availability();
    const json = JSON.stringify(availability);
    if (json === this.#announced) return;
    this.#announced = json;
    // Each visitor in their conversation's language.
    this.#o.hub.toAllVisitors((id) => ({ type: 'availability', availability: this.availability(this.#o.store.get(id)?.meta.locale) }));
    this.#o.hub.toAgents({ type: 'availability', availability });
  }

  force(mode: ForcedMode): void {
    this.#forced = mode;
    this.#o.hub.toAllVisitors({ type: 'mode', mode });
    this.#o.hub.toAgents({ type: 'mode', mode });
  }

  /** The desk's part of `welcome`. */
  welcome(conversationId: string): { available: boolean; availability: WireAvailability; mode: ForcedMode; session: WireSession | null } {
    const availability = this.availability(this.#o.store.get(conversationId)?.meta.locale);
    const session = this.#sessionOf(conversationId);
    return {
      available: availability.agents && availability.open,
      availability,
      mode: this.#forced,
      session: session ? this.#wireSession(session) : null,
    };
  }

  // ---- the visitor --------------------------------------------------------------------------------

  liveStart(conversationId: string): Outcome {
    const busy = this.#busy(conversationId);
    if (busy) return busy;
    if (this.#forced === 'messaging') {
      return refuse('Live chat is switched off right now (the team set the mode to messaging). Send a message instead: the team replies in this thread.');
    }
    const availability = this.availability();
    if (!availability.open && this.#forced !== 'live') {
      const next = availability.nextOpenAt === undefined ? '' : ` Live chat opens again at ${new Date(availability.nextOpenAt).toISOString()}.`;
      return refuse(`Live chat is closed outside business hours.${next} Send a message instead: the team replies in this thread.`);
    }
    this.#queue(conversationId, { kind: 'queued' }, 'Waiting for an agent');
    return OK;
  }

  liveEnd(conversationId: string): Outcome {
    const session = this.#sessionOf(conversationId);
    if (session?.state !== 'queued' && session?.state !== 'live') {
      return refuse('There is no live chat to end: this conversation is not waiting in the queue or chatting live.');
    }
    this.#end(conversationId, session, 'visitor');
    return OK;
  }

  /** "Talk to a person": to the live queue when someone is there, else to the team's inbox. */
  handoff(conversationId: string): Outcome {
    const busy = this.#busy(conversationId);
    if (busy) return busy;
    const mayQueue = this.#o.mayQueue?.(conversationId, this.queuedConversations()) ?? true;
    if (this.#forced !== 'messaging' && this.someoneAvailable() && mayQueue) {
      this.#queue(conversationId, { kind: 'handoff', to: 'live' }, 'Connecting you with a person — please wait a moment');
      return OK;
    }
    this.#system(conversationId, { kind: 'handoff', to: 'messaging' }, 'A person will reply here as soon as possible');
    const conversation = this.#o.store.get(conversationId)!;
    this.#o.store.setBot(conversationId, { ...conversation.bot, quiet: true });
    this.#o.hub.conversationChanged(conversationId);
    return OK;
  }

  /** The conversations waiting in the live queue, first in line first. */
  queuedConversations(): string[] {
    return this.#queued().map((entry) => entry.conversationId);
  }

  visitorTyping(conversationId: string, typing: boolean): void {
    if (this.#sessionOf(conversationId)?.state === 'live') this.#o.hub.toAgents({ type: 'typing', conversationId, typing });
  }

  rate(conversationId: string, sessionId: string, score: number, comment: string | undefined): Outcome {
    const session = this.#sessionOf(conversationId);
    if (!session) return refuse(`There is no live chat session ${sessionId} to rate: this conversation has had no live chat.`);
    if (session.id !== sessionId) {
      return refuse(`Session ${sessionId} is not this conversation's latest live chat (that is ${session.id}); only the latest one can be rated.`);
    }
    if (session.state !== 'ended') return refuse(`Session ${sessionId} has not ended yet (it is ${session.state}); rate it once the chat is over.`);
    if (session.rated) return refuse(`Session ${sessionId} is already rated; each session can be rated once.`);
    const trimmed = comment?.trim();
    const rating: NonNullable<StoredSession['rating']> = { score, at: Date.now() };
    if (trimmed) rating.comment = trimmed;
    this.#save(conversationId, { ...session, rated: true, rating }, { kind: 'rated', score }, `Rated ${score} out of 5 — thank you!`);
    return OK;
  }

  email(conversationId: string, email: string): Outcome {
    this.#o.store.updateMeta(conversationId, { user: { email } });
    this.#system(conversationId, { kind: 'email', email }, `We'll email you at ${email} when we reply`);
    this.#o.hub.conversationChanged(conversationId);
    return OK;
  }

  /** After a new visitor message is stored and broadcast: the live session's clock, and the bot. */
  afterVisitorMessage(conversationId: string, item: WireItem): void {
    const conversation = this.#o.store.get(conversationId);
    if (!conversation) return;
    const session = currentSession(conversation);
    if (session?.state === 'live') this.#touch(conversationId);
    if (!this.#o.bot || session?.state === 'queued' || session?.state === 'live') return;
    const decision = decide({
      text: item.text,
      locale: conversation.meta.locale,
      state: conversation.bot,
      firstVisitorMessage: conversation.items.filter((i) => i.author.role === 'visitor').length === 1,
      someoneAvailable: this.someoneAvailable(),
      hours: describeHours(this.#o.hours, this.#o.timeZone, langOf(conversation.meta.locale)),
    });
    this.#o.store.setBot(conversationId, decision.state);
    for (const reply of decision.replies) {
      const { item: botItem } = this.#o.store.append(conversationId, {
        author: BOT_AUTHOR,
        text: reply.text,
        ...(reply.quickReplies && { quickReplies: reply.quickReplies }),
      });
      this.#o.hub.broadcastItem(conversationId, botItem);
    }
    if (decision.handoff) this.handoff(conversationId);
  }

  // ---- agents -------------------------------------------------------------------------------------

  accept(agent: AgentInfo, conversationId: string): Outcome {
    if (!this.#o.store.get(conversationId)) return unknown(conversationId);
    const session = this.#sessionOf(conversationId);
    if (!session) return refuse(`Conversation ${conversationId} has no live chat request to accept.`);
    if (session.state === 'ended') {
      return refuse(`Session ${session.id} has already ended (by ${session.endedBy ?? 'someone'}); only a queued session can be accepted.`);
    }
    if (session.state === 'live') {
      if (session.agent?.id === agent.id) return refuse(`Session ${session.id} is already live with you.`);
      if (session.agent?.id !== undefined && this.#o.hub.hasAgent(session.agent.id)) {
        return refuse(`Session ${session.id} is already live with ${session.agent.name ?? 'another agent'}; only one agent can take a session.`);
      }
      // Its agent is gone (disconnected, or the server restarted): another agent may carry on.
    }
    const wasQueued = session.state === 'queued';
    const now = Date.now();
    const author = { role: 'agent' as const, id: agent.id, name: agent.name };
    if (wasQueued) {
      this.#waits.push((now - session.queuedAt) / 1000);
      if (this.#waits.length > RECENT_WAITS) this.#waits.shift();
      this.#told.delete(session.id);
    }
    this.#save(conversationId, { ...session, state: 'live', agent: author, acceptedAt: session.acceptedAt ?? now }, { kind: 'joined', name: agent.name }, `${agent.name} joined`);
    this.#touch(conversationId);
    if (wasQueued) this.#queueMoved();
    return OK;
  }

  end(conversationId: string): Outcome {
    if (!this.#o.store.get(conversationId)) return unknown(conversationId);
    const session = this.#sessionOf(conversationId);
    if (session?.state !== 'queued' && session?.state !== 'live') {
      return refuse(`Conversation ${conversationId} has no queued or live session to end.`);
    }
    this.#end(conversationId, session, 'agent');
    return OK;
  }

  agentTyping(agent: AgentInfo, conversationId: string, typing: boolean): Outcome {
    if (!this.#o.store.get(conversationId)) return unknown(conversationId);
    if (this.#sessionOf(conversationId)?.state === 'live') {
      this.#o.hub.toVisitor(conversationId, { type: 'typing', typing, author: { role: 'agent', id: agent.id, name: agent.name } });
    }
    return OK;
  }

  /** After a new agent reply is stored and broadcast: the live session's clock, and the bot may speak again. */
  afterAgentReply(conversationId: string): void {
    const conversation = this.#o.store.get(conversationId);
    if (!conversation) return;
    if (currentSession(conversation)?.state === 'live') this.#touch(conversationId);
    if (conversation.bot.quiet) {
      this.#o.store.setBot(conversationId, { ...conversation.bot, quiet: false });
      this.#o.hub.conversationChanged(conversationId);
    }
  }

  /** What agents see of the conversation's sessions and bot. */
  details(conversation: Conversation): SessionDetails {
    const ratings: AgentRating[] = [];
    for (const s of conversation.sessions) {
      if (!s.rating) continue;
      const rating: AgentRating = { sessionId: s.id, score: s.rating.score, at: s.rating.at };
      if (s.rating.comment !== undefined) rating.comment = s.rating.comment;
      ratings.push(rating);
    }
    const details: SessionDetails = { ratings, needsPerson: conversation.bot.quiet };
    const session = currentSession(conversation);
    if (session) {
      const { rating: _rating, ...rest } = session;
      const view: AgentSession = { ...rest };
      if (session.state === 'queued') Object.assign(view, this.#place(session));
      details.session = view;
    }
    return details;
  }

  // ---- internals ----------------------------------------------------------------------------------

  #sessionOf(conversationId: string): StoredSession | undefined {
    const conversation = this.#o.store.get(conversationId);
    return conversation ? currentSession(conversation) : undefined;
  }

  /** Refuses to open a second session while one is waiting or live. */
  #busy(conversationId: string): Outcome | undefined {
    const session = this.#sessionOf(conversationId);
    if (session?.state === 'queued') {
      return refuse(`You are already waiting for an agent (session ${session.id}, position ${this.#place(session).position}).`);
    }
    if (session?.state === 'live') return refuse(`A live chat is already going on (session ${session.id}).`);
    return undefined;
  }

  #queue(conversationId: string, event: WireEvent, text: string): void {
    // Strictly increasing, so two visitors queuing in the same millisecond keep their order (ties would
    // otherwise fall to the random session ids).
    const latest = Math.max(0, ...this.#queued().map((entry) => entry.session.queuedAt));
    const session: StoredSession = { id: randomUUID(), state: 'queued', queuedAt: Math.max(Date.now(), latest + 1), rated: false };
    this.#save(conversationId, session, event, text);
    this.#queueMoved();
  }

  #end(conversationId: string, session: StoredSession, by: NonNullable<StoredSession['endedBy']>): void {
    const wasQueued = session.state === 'queued';
    clearTimeout(this.#timeouts.get(conversationId));
    this.#timeouts.delete(conversationId);
    this.#activity.delete(conversationId);
    this.#told.delete(session.id);
    this.#save(conversationId, { ...session, state: 'ended', endedAt: Date.now(), endedBy: by, rated: false }, { kind: 'ended', by }, ENDED_TEXT[by]);
    if (wasQueued) this.#queueMoved();
  }

  /** Stores the session, posts the system item, tells the visitor's tabs and the agents. */
  #save(conversationId: string, session: StoredSession, event: WireEvent, text: string): void {
    this.#o.store.saveSession(conversationId, session);
    this.#system(conversationId, event, text);
    const wire = this.#wireSession(session);
    if (session.state === 'queued') this.#told.set(session.id, `${wire.position}/${wire.waitSeconds}`);
    this.#o.hub.toVisitor(conversationId, { type: 'session', session: wire });
    this.#o.hub.conversationChanged(conversationId);
  }

  #system(conversationId: string, event: WireEvent, text: string): void {
    const { item } = this.#o.store.append(conversationId, { author: { role: 'system' }, text, event });
    this.#o.hub.broadcastItem(conversationId, item);
  }

  /** Every queued session, first in line first. */
  #queued(): Queue {
    const queued: Queue = [];
    for (const conversation of this.#o.store.all()) {
      const session = currentSession(conversation);
      if (session?.state === 'queued') queued.push({ conversationId: conversation.meta.id, session });
    }
    return queued.sort((a, b) => a.session.queuedAt - b.session.queuedAt || (a.session.id < b.session.id ? -1 : 1));
  }

  #place(session: StoredSession, queue = this.#queued()): { position: number; waitSeconds: number } {
    const index = queue.findIndex((q) => q.session.id === session.id);
    const position = index < 0 ? 1 : index + 1;
    const perPlace = this.#waits.length === 0 ? DEFAULT_WAIT_SECONDS : this.#waits.reduce((a, b) => a + b, 0) / this.#waits.length;
    // Recent accepts in seconds would promise too much; hours would discourage for no reason.
    const clamped = Math.min(30 * 60, Math.max(30, perPlace));
    return { position, waitSeconds: Math.round(position * clamped) };
  }

  /** The queue moved: every waiting visitor whose place or estimate changed hears it. */
  #queueMoved(): void {
    const queue = this.#queued();
    for (const { conversationId, session } of queue) {
      const wire = this.#wireSession(session, queue);
      const told = `${wire.position}/${wire.waitSeconds}`;
      if (this.#told.get(session.id) === told) continue;
      this.#told.set(session.id, told);
      this.#o.hub.toVisitor(conversationId, { type: 'session', session: wire });
      this.#o.hub.conversationChanged(conversationId);
    }
  }

  #wireSession(session: StoredSession, queue?: Queue): WireSession {
    const wire: WireSession = { id: session.id, state: session.state };
    if (session.state === 'queued') Object.assign(wire, this.#place(session, queue));
    if (session.agent) wire.agent = session.agent;
    if (session.state === 'ended') {
      wire.endedBy = session.endedBy ?? 'agent';
      wire.rated = session.rated;
    }
    return wire;
  }

  #touch(conversationId: string): void {
    this.#activity.set(conversationId, Date.now());
    this.#schedule(conversationId, this.#o.sessionTimeoutMs);
  }

  #schedule(conversationId: string, delayMs: number): void {
    clearTimeout(this.#timeouts.get(conversationId));
    const timer = setTimeout(() => this.#expire(conversationId), delayMs);
    timer.unref();
    this.#timeouts.set(conversationId, timer);
  }

  #expire(conversationId: string): void {
    this.#timeouts.delete(conversationId);
    const session = this.#sessionOf(conversationId);
    if (session?.state !== 'live') return;
    const idle = Date.now() - (this.#activity.get(conversationId) ?? 0);
    if (idle < this.#o.sessionTimeoutMs) {
      this.#schedule(conversationId, this.#o.sessionTimeoutMs - idle);
      return;
    }
    try {
      this.#end(conversationId, session, 'timeout');
    } catch (error) {
      // The disk failed; try again in a while rather than dropping the timeout.
      console.error('Natter demo: could not end an inactive session:', error);
      this.#schedule(conversationId, Math.min(60_000, this.#o.sessionTimeoutMs));
    }
  }
}

function unknown(conversationId: string): Outcome {
  return { ok: false, code: 'unknown_conversation', message: `There is no conversation ${conversationId}.` };
}

/** The last message of the visitor or an agent in a live session, or when it was accepted. */
function lastActivity(conversation: Conversation, session: StoredSession): number {
  let last = session.acceptedAt ?? session.queuedAt;
  for (const item of conversation.items) {
    if ((item.author.role === 'visitor' || item.author.role === 'agent') && item.sentAt > last) last = item.sentAt;
  }
  return last;
}
