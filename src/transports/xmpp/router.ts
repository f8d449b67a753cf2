/**
 * What the routing service (the component `router.DOMAIN`, docs/xmpp.md) says, checked with the browser's
 * validators: its answer to `hello` (`welcome`: the room and the visitor's nick in it), and the server frames
 * it pushes (`availability`, `mode`, `session`) or answers with (`ok`, `error`).
 * @module
 */
import { check, nullable, obj, oneOf, opt, str, type Validator } from '../../model/check.ts';
import { describeIssues } from '../../model/schemas.ts';
import { availability, serverFrames, session } from '../../protocol/server-frames.ts';
import type { ServerFrame } from '../../protocol/wire.ts';
import { child, NS } from './xml.ts';

/** The router's answer to `hello`. */
export const welcome = obj({
  type: oneOf(['welcome']),
  /** A bare JID: the conversation's room. */
  room: str(3, 1023, /^[^@/\s"'<>&]+@[^@/\s"'<>&]+$/, 'must be a room JID such as c1@rooms.example.com'),
  nick: str(1, 200, /^[^\s/][^/]*$/),
  team: opt(str(0, 200)),
  availability: opt(availability),
  mode: opt(nullable(oneOf(['live', 'messaging']))),
  session: opt(nullable(session)),
});

export type Welcome = ReturnType<typeof welcome>;

const validators = {
  welcome,
  ok: obj({ type: oneOf(['ok']) }),
  availability: serverFrames.availability,
  mode: serverFrames.mode,
  session: serverFrames.session,
  error: serverFrames.error,
} satisfies Record<string, Validator<unknown>>;

/** A router frame as its validator accepts it. */
export type RouterFrame = Welcome | { type: 'ok' } | Extract<ServerFrame, { type: 'availability' | 'mode' | 'session' | 'error' }>;

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
