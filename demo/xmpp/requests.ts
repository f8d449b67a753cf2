/**
 * Requests from visitors (docs/xmpp.md, "Router requests"): who may ask, how often, and what each frame
 * does. The visitor is the IQ's sender as the server stamped it — never anything in the frame — and the
 * conversation is the one the store has for that address, so a request can only ever concern the sender's
 * own: their room, or (with IDENTITY_SECRET) the room of the verified customer a valid token says they are.
 */
import { randomBytes } from 'node:crypto';
import { PROTOCOL_VERSION, type WireItem } from '../../src/protocol/wire.ts';
import type { Conversation, ConversationStore } from '../conversation-store.ts';
import { adoptCustomer, vetUser, type Vetted } from '../customers.ts';
import type { Desk, Outcome } from '../desk.ts';
import type { Presence } from '../hub.ts';
import type { IdentityVerifier, Verdict, VerifiedCustomer } from '../identity.ts';
import { TokenBucket } from '../limits.ts';
import type { Component } from './component.ts';
import { answerIq, pushMessage, readRequest, type RouterAnswer, type RouterRequest } from './frames.ts';
import { setAffiliation } from './muc.ts';
import { bareJid, parseJid, type Names } from './names.ts';
import type { Rooms } from './rooms.ts';
import { el, type XmlElement } from './xml.ts';

/** The visitor's nick in their room (constant, so every archived message of theirs is recognisable). */
export const VISITOR_NICK = 'Visitor';

/**
 * `visitor`'s nick in `conversation`'s room: {@link VISITOR_NICK} in their own, and `Visitor` + a space + 6
 * hex digits of their account in a verified customer's room begun on another device (two accounts cannot
 * share a nick; the browser takes every `Visitor…` nick as the visitor's).
 */
export function visitorNick(conversation: Conversation, visitor: string): string {
  return visitor === conversation.meta.visitorId ? VISITOR_NICK : `${VISITOR_NICK} ${parseJid(visitor).local.slice(1, 7)}`;
}

export interface RequestContext {
  component: Component;
  names: Names;
  store: ConversationStore;
  desk: Desk;
  rooms: Rooms;
  teamName: string;
  /** Set with `IDENTITY_SECRET`: a claim to a user id needs the site's signed token (demo/customers.ts). */
  identity?: IdentityVerifier | undefined;
  /** Items of a second device's conversation that joined a verified customer's: posted into its room. */
  broadcast: (conversationId: string, item: WireItem) => void;
  /** A conversation's details changed (hello, identify): agents in the inbox see it. */
  changed: (conversationId: string) => void;
  /** The page the visitor is on and the site's attributes (`hello`, `visitor`), for the inbox; whether they changed. */
  presence: (conversationId: string, presence: Presence) => boolean;
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
        return this.#identify(visitor, frame);
      case 'visitor': {
        // Another language, page or attributes (a single-page app's route, Natter.update): the team sees it at
        // once; the away message follows the language, as on the reference backend.
        const { type: _, locale, ...presence } = frame;
        const changed = c.presence(id, presence);
        if ((locale !== undefined && c.store.updateMeta(id, { locale })) || changed) c.changed(id);
        if (locale !== undefined) c.component.send(pushMessage(c.component.domain, visitor, { type: 'availability', availability: c.desk.availability(locale) }));
        return { type: 'ok' };
      }
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
    const verdict = await this.#verify(frame.token);
    const found = c.store.findByVisitor(visitor);
    const vetted = vetUser(c.store, c.identity, frame.user, frame.token, verdict, found?.meta.id);
    const conversation = found ?? c.store.create(visitor, vetted.user ?? {}, frame.locale);
    const [id] = this.#follow(visitor, conversation.meta.id, vetted);
    c.store.updateMeta(id, { user: vetted.user, locale: frame.locale });
    const { page, attributes } = frame;
    c.presence(id, { ...(page && { page }), ...(attributes && { attributes }) });
    // The welcome answers; the refusal goes with it as a push, as the reference backend sends both.
    if (vetted.refused !== undefined) c.component.send(pushMessage(c.component.domain, visitor, { type: 'error', code: 'unverified', message: vetted.refused }));
    const { room, nick } = await this.#enter(visitor, id);
    c.changed(id);
    const desk = c.desk.welcome(id);
    return { type: 'welcome', room, nick, team: c.teamName, availability: desk.availability, mode: desk.mode, session: desk.session };
  }

  /** `identify`: the user as vetted; a verified customer's other device follows their conversation at its next hello. */
  async #identify(visitor: string, frame: Extract<RouterRequest, { type: 'identify' }>): Promise<RouterAnswer> {
    const c = this.#c;
    const verdict = await this.#verify(frame.token);
    // Looked up after the check: another request may have moved the visitor meanwhile.
    const current = c.store.findByVisitor(visitor);
    if (!current) return { type: 'error', code: 'not_ready', message: 'Say hello first: the router knows no conversation of yours yet.' };
    const vetted = vetUser(c.store, c.identity, frame.user, frame.token, verdict, current.meta.id);
    const [id, claimed] = this.#follow(visitor, current.meta.id, vetted);
    if (id !== current.meta.id) c.changed(current.meta.id);
    if (c.store.updateMeta(id, { user: vetted.user }) || id !== current.meta.id || claimed) c.changed(id);
    return vetted.refused === undefined ? { type: 'ok' } : { type: 'error', code: 'unverified', message: vetted.refused };
  }

  /**
   * The conversation `visitor` (now in `own`) goes on in: `own`, or their verified customer's; and whether it
   * became the customer's just now.
   */
  #follow(visitor: string, own: string, vetted: Vetted): [string, boolean] {
    const c = this.#c;
    if (!vetted.customer) return [own, false];
    const left = c.store.get(own)?.meta.visitorId;
    const adopted = adoptCustomer(c.store, visitor, own, vetted.customer, () => this.#fresh(visitor, vetted.customer!));
    for (const item of adopted.appended) c.broadcast(adopted.id, item);
    // Out of the conversation it was in, out of its room: on a shared device the account that was one customer's
    // reads nothing more of theirs (as the reference backend no longer gives that conversation to the visitor).
    if (adopted.id !== own && left !== undefined) {
      const room = c.names.roomOf(left);
      setAffiliation(c.component, room, visitor, 'none').catch((error: unknown) => c.log(`XMPP router: could not take ${visitor} out of ${room}: ${(error as Error).message}`));
    }
    return [adopted.id, adopted.claimed === true];
  }

  /**
   * A new conversation for a device whose conversation is another verified customer's (a shared device):
   * a room of its own, so that customer's devices are never let into this one. Its room is named after a
   * random account nobody has, and the visitor is linked to it. (Registering that account would let one into
   * this conversation alone, and only its members and agents know the room's name.)
   */
  #fresh(visitor: string, customer: VerifiedCustomer): string {
    const c = this.#c;
    const id = c.store.create(`v${randomBytes(20).toString('hex')}@${c.names.visitors}`, customer).meta.id;
    c.store.link(visitor, id, id);
    return id;
  }

  /** Makes `visitor` a member of conversation `id`'s room (created if need be) under their nick there. */
  async #enter(visitor: string, id: string): Promise<{ room: string; nick: string }> {
    const c = this.#c;
    const conversation = c.store.get(id)!;
    // The room belongs to the conversation: named after the visitor who began it, whoever asks now.
    const room = c.names.roomOf(conversation.meta.visitorId);
    const nick = visitorNick(conversation, visitor);
    await c.rooms.ensure(room, c.teamName);
    await setAffiliation(c.component, room, visitor, 'member', nick);
    return { room, nick };
  }

  /** The token's check, when the router verifies identities and the frame carries one. */
  async #verify(token: string | undefined): Promise<Verdict | undefined> {
    return token === undefined || !this.#c.identity ? undefined : this.#c.identity.verify(token);
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
