/**
 * What the routing service (the component `router.DOMAIN`, docs/xmpp.md) says, checked with the browser's
 * validators: its answer to `hello` (`welcome`: the room and the visitor's nick in it), and the server frames
 * it pushes (`availability`, `mode`, `session`) or answers with (`ok`, `error`).
 * @module
 */
import { check, nullable, obj, oneOf, opt, str, type Validator } from '../../model/check.ts';
import { describeIssues, id } from '../../model/schemas.ts';
import { availability, session } from '../../protocol/server-frames.ts';
import type { ServerFrame } from '../../protocol/wire.ts';
import type { TransportSink } from '../../core/transport.ts';
import { toJson } from '../../model/json.ts';
import type { Link } from './link.ts';
import { child, condition, esc, NS, tag } from './xml.ts';

const mode = nullable(oneOf(['live', 'messaging']));

/** The router's answer to `hello`. */
export const welcome = obj({
  type: oneOf(['welcome']),
  /** A bare JID: the conversation's room. */
  room: str(3, 1023, /^[^@/\s"'<>&]+@[^@/\s"'<>&]+$/, 'must be a room JID such as c1@rooms.example.com'),
  nick: str(1, 200, /^[^\s/][^/]*$/),
  team: opt(str(0, 200)),
  availability: opt(availability),
  mode: opt(mode),
  session: opt(nullable(session)),
});

export type Welcome = ReturnType<typeof welcome>;

/** The frames a router sends; pushes and answers as in `server-frames.ts`, whose parts they are made of. */
const validators = {
  welcome,
  ok: obj({ type: oneOf(['ok']) }),
  availability: obj({ type: oneOf(['availability']), availability }),
  mode: obj({ type: oneOf(['mode']), mode }),
  session: obj({ type: oneOf(['session']), session }),
  // Any code: a newer router's codes are warned about, not dropped unread.
  error: obj({ type: oneOf(['error']), code: str(1, 64), message: str(0, 2000), clientId: opt(id) }),
} satisfies Record<string, Validator<unknown>>;

/** A router frame as its validator accepts it. */
export type RouterFrame = Welcome | { type: 'ok' } | Extract<ServerFrame, { type: 'availability' | 'mode' | 'session' }> | { type: 'error'; code: string; message: string; clientId?: string };

/** The JSON frame inside `stanza`'s `<frame xmlns="urn:natter:router:0">`, checked; `undefined` (and a warning) if none or not valid. */
export function readFrame(stanza: Element, warn: (message: string) => void): RouterFrame | undefined {
  const text = child(stanza, 'frame', NS.router)?.textContent;
  if (text == null) return void warn(`ignored a <${stanza.localName}> from the router without a frame`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return void warn(`ignored a router frame that is not JSON: ${text.slice(0, 80)}`);
  }
  const type = (json as { type?: unknown } | null)?.type;
  if (typeof type !== 'string' || !Object.hasOwn(validators, type)) return void warn(`ignored a router frame of unknown type ${JSON.stringify(type)}`);
  const parsed = check(validators[type as keyof typeof validators] as Validator<unknown>, json);
  if (!parsed.ok) return void warn(`ignored a router "${type}" frame: ${describeIssues(parsed.issues)}`);
  return parsed.value as RouterFrame;
}

/** Sends a client frame to `router`; its answer, or `undefined` (with a warning) when it is not there. */
export async function ask(link: Link, router: string, frame: object, timeoutMs: number, warn: (message: string) => void): Promise<RouterFrame | undefined> {
  try {
    const answer = await link.iq('set', router, tag('frame', { xmlns: NS.router }, esc(toJson(frame))), timeoutMs, true);
    if (answer.getAttribute('type') === 'result') return readFrame(answer, warn);
    warn(`the routing service ${router} is not there (${condition(answer)})`);
  } catch (error) {
    warn(`the routing service ${router}: ${(error as Error).message}`);
  }
  return undefined;
}

/** A router answer or push as the core's frames (a `welcome` as its truth on connecting); errors as the WebSocket transport maps them. */
export function passOn(frame: RouterFrame, sink: TransportSink): void {
  if (frame.type === 'welcome') {
    if (frame.team) sink.frame({ type: 'team', name: frame.team });
    if (frame.availability) sink.frame({ type: 'availability', availability: frame.availability });
    if (frame.mode !== undefined) sink.frame({ type: 'mode', mode: frame.mode });
    if (frame.session !== undefined) sink.frame({ type: 'session', session: frame.session, restore: true });
  } else if (frame.type === 'availability' || frame.type === 'mode' || frame.type === 'session') sink.frame(frame);
  else if (frame.type === 'error') {
    if (frame.code === 'rate_limited') sink.frame({ type: 'slow' });
    else if (frame.code === 'unverified') sink.frame({ type: 'identity', message: frame.message });
    else sink.warn(`the routing service reported ${frame.code}: ${frame.message}`);
  }
}
