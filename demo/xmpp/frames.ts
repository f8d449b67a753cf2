/**
 * Natter frames inside XMPP (docs/xmpp.md): requests come as `<iq type="set"><frame
 * xmlns="urn:natter:router:0">JSON</frame></iq>`, answers go back in the IQ result, pushes as headline
 * messages, and bot and system lines as `<natter xmlns="urn:natter:0">` in room messages. The JSON is
 * protocol v1 (src/protocol/wire.ts) and is validated with its zod schemas.
 */
import { z } from 'zod/mini';
import {
  emailFrame,
  handoffFrame,
  helloFrame,
  identifyFrame,
  liveFrame,
  rateFrame,
  visitorFrame,
  wireId,
  type ErrorCode,
  type ServerFrame,
  type WireItem,
} from '../../src/protocol/wire.ts';
import { el, type XmlElement } from './xml.ts';

export const ROUTER_NS = 'urn:natter:router:0';
export const NATTER_NS = 'urn:natter:0';
/** A request's JSON longer than this is refused unread (the largest legitimate one, `rate` with a comment, is ~1.2 KB). */
export const MAX_FRAME_CHARS = 8192;

/** `hello` without `after`: over XMPP the room's archive is the history, not the router. */
const routerHello = z.extend(helloFrame, { after: z.optional(z.number()) });

/** Every frame the router takes. `send`, `sync` and `typing` go to the room, never here. */
export const routerRequest = z.discriminatedUnion('type', [routerHello, identifyFrame, visitorFrame, liveFrame, rateFrame, emailFrame, handoffFrame]);
export type RouterRequest = z.infer<typeof routerRequest>;

export type Parsed = { ok: true; frame: RouterRequest } | { ok: false; message: string };

/** Reads and validates the `<frame>` of a request IQ. */
export function readRequest(iq: XmlElement): Parsed {
  const frame = iq.child('frame', ROUTER_NS);
  if (!frame) return { ok: false, message: `the IQ carries no <frame xmlns="${ROUTER_NS}">` };
  const text = frame.text();
  if (text.length > MAX_FRAME_CHARS) return { ok: false, message: `the frame is longer than ${MAX_FRAME_CHARS} characters` };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, message: 'the frame is not JSON' };
  }
  const parsed = routerRequest.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, message: `invalid frame: ${issue?.path.join('.') || 'type'}: ${issue?.message ?? 'unknown'} (the router takes hello, identify, visitor, live, rate, email, handoff)` };
  }
  return { ok: true, frame: parsed.data };
}

/** The router's answer to a request: `welcome`, `ok` or an `error` frame. */
export type RouterAnswer =
  | { type: 'ok' }
  | { type: 'error'; code: ErrorCode; message: string }
  | { type: 'welcome'; room: string; nick: string; team: string; availability: unknown; mode: 'live' | 'messaging' | null; session: unknown };

export function frameElement(json: object): XmlElement {
  return el('frame', { xmlns: ROUTER_NS }, JSON.stringify(json));
}

/** The IQ result carrying `answer`. */
export function answerIq(request: XmlElement, from: string, answer: RouterAnswer): XmlElement {
  return el('iq', { type: 'result', id: request.attrs.id, from, to: request.attrs.from }, frameElement(answer));
}

/** A push to every session of a visitor (`availability`, `mode`, `session`). */
export function pushMessage(from: string, to: string, frame: ServerFrame): XmlElement {
  return el('message', { type: 'headline', from, to }, frameElement(frame));
}

/** A bot or system line in a room: a human body for any XMPP client, and the item's fields for Natter. */
export function roomLine(from: string, room: string, item: Pick<WireItem, 'author' | 'text' | 'event' | 'quickReplies'>): XmlElement {
  const natter: Record<string, unknown> = { author: item.author };
  if (item.event) natter.event = item.event;
  if (item.quickReplies) natter.quickReplies = item.quickReplies;
  return el('message', { type: 'groupchat', from, to: room }, el('body', {}, item.text), el('natter', { xmlns: NATTER_NS }, JSON.stringify(natter)));
}

/** An id usable as a Natter client id, or undefined. */
export function clientIdOf(value: string | undefined): string | undefined {
  return value !== undefined && wireId.safeParse(value).success ? value : undefined;
}
