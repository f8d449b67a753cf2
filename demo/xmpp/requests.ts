/**
 * Requests from visitors (docs/xmpp.md, "Router requests"): who may ask, how often, and what each frame
 * does. The visitor is the IQ's sender as the server stamped it — never anything in the frame — and their
 * room is derived from that address alone, so a request can only ever concern the sender's own room.
 */
import { PROTOCOL_VERSION } from '../../src/protocol/wire.ts';
import type { ConversationStore } from '../conversation-store.ts';
import type { Desk, Outcome } from '../desk.ts';
import { TokenBucket } from '../limits.ts';
import type { Component } from './component.ts';
import { answerIq, readRequest, type RouterAnswer, type RouterRequest } from './frames.ts';
import { setAffiliation } from './muc.ts';
import { bareJid, type Names } from './names.ts';
import type { Rooms } from './rooms.ts';
import { el, type XmlElement } from './xml.ts';

/** The visitor's nick in their room (constant, so every archived message of theirs is recognisable). */
export const VISITOR_NICK = 'Visitor';

export interface RequestContext {
  component: Component;
  names: Names;
  store: ConversationStore;
  desk: Desk;
  rooms: Rooms;
  teamName: string;
  /** A conversation's details changed (hello, identify): agents in the inbox see it. */
  changed: (conversationId: string) => void;
  /** After any request: offer queued sessions to agents. */
  dispatch: () => void;
  log: (line: string) => void;
}

/** Requests per visitor: a burst of 20, then 2 a second. */
const BURST = 20;
const PER_SECOND = 2;

export class Requests {
  readonly #c: RequestContext;
  readonly #buckets = new Map<string, TokenBucket>();

  constructor(context: RequestContext) {
    this.#c = context;
  }

  /** Handles an `<iq type="set">` carrying a `<frame>`; always answers it. */
  async handle(iq: XmlElement): Promise<void> {
    const c = this.#c;
    const from = iq.attrs.from ?? '';
    const reply = (answer: RouterAnswer): void => c.component.send(answerIq(iq, c.component.domain, answer));
    if (!c.names.isVisitor(from)) {
      c.log(`XMPP router: ignored a request from ${from || 'nobody'}: not a visitor account on ${c.names.visitors}`);
      c.component.send(errorIq(iq, c.component.domain, 'forbidden'));
      return;
    }
    const visitor = bareJid(from);
    if (!this.#allow(visitor)) {
      reply({ type: 'error', code: 'rate_limited', message: 'Too many requests; wait a few seconds and try again.' });
      return;
    }
    const parsed = readRequest(iq);
    if (!parsed.ok) {
      c.log(`XMPP router: ${visitor}: ${parsed.message}`);
      reply({ type: 'error', code: 'invalid_frame', message: parsed.message });
      return;
    }
    try {
      reply(await this.#answer(visitor, parsed.frame));
    } catch (error) {
      c.log(`XMPP router: ${visitor}: ${parsed.frame.type} failed: ${(error as Error).message}`);
      reply({ type: 'error', code: 'internal', message: 'The router could not do that just now; try again in a moment.' });
    }
    c.dispatch();
  }

  async #answer(visitor: string, frame: RouterRequest): Promise<RouterAnswer> {
    const c = this.#c;
    if (frame.type === 'hello') return this.#hello(visitor, frame);
    const conversation = c.store.findByVisitor(visitor);
    if (!conversation) return { type: 'error', code: 'not_ready', message: 'Say hello first: the router knows no conversation of yours yet.' };
    const id = conversation.meta.id;
    switch (frame.type) {
      case 'identify':
        if (c.store.updateMeta(id, { user: frame.user })) c.changed(id);
        return { type: 'ok' };
      case 'live':
        return outcome(frame.action === 'start' ? c.desk.liveStart(id) : c.desk.liveEnd(id));
      case 'rate':
        return outcome(c.desk.rate(id, frame.sessionId, frame.score, frame.comment));
      case 'email':
        return outcome(c.desk.email(id, frame.email));
      case 'handoff':
        return outcome(c.desk.handoff(id));
    }
  }

  async #hello(visitor: string, frame: Extract<RouterRequest, { type: 'hello' }>): Promise<RouterAnswer> {
    const c = this.#c;
    if (frame.v !== PROTOCOL_VERSION) {
      return { type: 'error', code: 'unsupported_version', message: `This router speaks Natter protocol ${PROTOCOL_VERSION}, not ${frame.v}; update the widget.` };
    }
    const conversation = c.store.findByVisitor(visitor) ?? c.store.create(visitor, frame.user ?? {}, frame.locale);
    c.store.updateMeta(conversation.meta.id, { user: frame.user, locale: frame.locale });
    const room = c.names.roomOf(visitor);
    await c.rooms.ensure(room, c.teamName);
    await setAffiliation(c.component, room, visitor, 'member', VISITOR_NICK);
    c.changed(conversation.meta.id);
    const desk = c.desk.welcome(conversation.meta.id);
    return { type: 'welcome', room, nick: VISITOR_NICK, team: c.teamName, availability: desk.availability, mode: desk.mode, session: desk.session };
  }

  #allow(visitor: string): boolean {
    const now = Date.now();
    let bucket = this.#buckets.get(visitor);
    if (!bucket) {
      // Full buckets hold nothing worth keeping: drop them before the map grows large.
      if (this.#buckets.size > 10_000) for (const [key, old] of this.#buckets) if (old.full(now)) this.#buckets.delete(key);
      this.#buckets.set(visitor, (bucket = new TokenBucket(BURST, PER_SECOND, now)));
    }
    return bucket.take(now);
  }
}

function outcome(result: Outcome): RouterAnswer {
  return result.ok ? { type: 'ok' } : { type: 'error', code: 'invalid_transition', message: result.message };
}

/** An IQ error (for requests the router will not consider at all). */
export function errorIq(iq: XmlElement, from: string, condition: string): XmlElement {
  return el(
    'iq',
    { type: 'error', id: iq.attrs.id, from, to: iq.attrs.from },
    el('error', { type: 'cancel' }, el(condition, { xmlns: 'urn:ietf:params:xml:ns:xmpp-stanzas' })),
  );
}
