/**
 * The browser checks server frames with `src/protocol/server-frames.ts` (the small validator kit), the
 * reference backend and the docs with the zod schemas of `src/protocol/wire.ts`, the law. Here both judge
 * one corpus of good and bad frames — every frame type, every optional field, lengths and numbers at and
 * over their limits, unsafe integers, NaN, times past 8.64e15, unknown enum values, extra and
 * prototype-polluting keys, null where it is not allowed — and must give the same verdict, the same accepted
 * value (to the key: stripped keys stay stripped, absent optional keys stay absent) and name the same fields.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod/mini';
import { check, type Infer, type Validator } from '../../../src/model/check';
import { email, identifyInput, token, user } from '../../../src/model/schemas';
import { serverFrames } from '../../../src/protocol/server-frames';
import { identifyFrame, serverFrames as zodFrames, wireEmail, wireToken, wireUser } from '../../../src/protocol/wire';

type FrameType = keyof typeof zodFrames;
type Json = null | boolean | number | string | Json[] | { [key: string]: Json } | undefined;

const author = { role: 'agent', id: 'a1', name: 'Ana' };
const session = { id: 's1', state: 'live', position: 1, waitSeconds: 30, agent: author, endedBy: 'agent', rated: false };
const availability = { agents: true, open: false, replyMinutes: 5, awayMessage: 'Back at 9', nextOpenAt: 1_700_000_000_000 };
const event = { kind: 'rated', name: 'Ana', by: 'visitor', to: 'live', email: 'ana@example.com', score: 5 };
const file = { name: 'mug.png', size: 2048, type: 'image/png', url: 'https://chat.example.com/files/abc' };
const item = {
  id: 'i1',
  seq: 1,
  clientId: 'c1',
  author,
  text: 'Hello',
  sentAt: 1_700_000_000_000,
  quickReplies: ['Yes', 'No'],
  event,
  file,
};

/** Each frame type with every optional field set, and with none. */
const full: Record<FrameType, Record<string, Json>> = {
  welcome: { type: 'welcome', v: 1, conversationId: 'c1', seq: 0, team: { name: 'Acme' }, available: true, availability, mode: 'live', session, files: { maxBytes: 10_000_000, types: ['image/png', 'application/pdf'] } },
  item: { type: 'item', item },
  ack: { type: 'ack', clientId: 'c1', id: 'i1', seq: 1, sentAt: 0 },
  synced: { type: 'synced', seq: 3 },
  availability: { type: 'availability', availability },
  mode: { type: 'mode', mode: 'messaging' },
  session: { type: 'session', session },
  typing: { type: 'typing', typing: true, author },
  slot: { type: 'slot', clientId: 'c1', put: 'https://chat.example.com/files/abc?k=1', get: 'https://chat.example.com/files/abc' },
  error: { type: 'error', code: 'too_long', message: 'over 4000', clientId: 'c1' },
};
const minimal: Record<FrameType, Record<string, Json>> = {
  ...full,
  welcome: { type: 'welcome', v: 1, conversationId: 'c1', seq: 0 },
  item: { type: 'item', item: { id: 'i1', seq: 1, author: { role: 'system' }, text: 'x', sentAt: 0 } },
  availability: { type: 'availability', availability: { agents: false, open: true } },
  session: { type: 'session', session: { id: 's1', state: 'queued' } },
  error: { type: 'error', code: 'internal', message: '' },
  slot: { type: 'slot', clientId: 'c1', get: 'http://127.0.0.1/f' },
};

const lengths = [0, 1, 59, 60, 61, 127, 128, 129, 199, 200, 201, 499, 500, 501, 3999, 4000, 4001];
/** Values to put in place of any field. */
const anything: Json[] = [
  null, true, false, 0, -0, 1, -1, 1.5, 5, 6, 2 ** 53 - 1, 2 ** 53, -(2 ** 53), 1e300, NaN, Infinity, -Infinity,
  8.64e15, 8.64e15 + 1, 1_700_000_000, '', 'x', '1', 'live', 'messaging', 'agent', 'visitor', 'ended', 'teleport', 'WELCOME',
  [], ['Yes'], {}, { role: 'agent' },
];
/** Values fitted to the field's own value: lengths around every limit, neighbours of numbers, other sizes of lists. */
function near(value: Json): Json[] {
  if (typeof value === 'string') {
    // zod counts characters in code points: an emoji (two UTF-16 units) is one, a lone surrogate too.
    return [
      ...lengths.map((n) => 'x'.repeat(n)),
      ...lengths.filter((n) => n > 0).map((n) => '😀'.repeat(n)),
      ...[60, 61, 200, 201].flatMap((n) => ['\uD83D'.repeat(n), `x${'😀'.repeat(n - 1)}`, `${'😀'.repeat(n - 1)}\uD83D`]),
      `${value} `,
      value.toUpperCase(),
    ];
  }
  if (typeof value === 'number') return [value - 1, value + 1, value + 0.5, -value];
  if (Array.isArray(value)) return [0, 1, 5, 6].map((n) => Array.from({ length: n }, (_, i) => value[i % value.length] ?? 'x')).concat([[''], ['x'.repeat(61)], [null], [1]]);
  return [];
}
/** Keys an object may carry that no shape knows, prototype polluters among them. */
const extras = ['{"extra":1}', '{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{"admin":true}}}', '{"toString":"x","hasOwnProperty":1}'];

type Case = { label: string; type: FrameType; frame: unknown };

function setAt(root: Json, at: (string | number)[], value: Json | typeof DELETE): Json {
  const copy = structuredClone(root) as Record<string | number, Json>;
  let node = copy;
  for (const key of at.slice(0, -1)) node = node[key] as Record<string | number, Json>;
  const last = at.at(-1)!;
  if (value === DELETE) delete node[last];
  else node[last] = value;
  return copy;
}
const DELETE = Symbol('delete');

/** Every path under `value` (objects and arrays), with the value there. */
function paths(value: Json, at: (string | number)[] = []): [(string | number)[], Json][] {
  if (value === null || typeof value !== 'object') return [];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return entries.flatMap(([key, v]) => [[[...at, key], v] as [(string | number)[], Json], ...paths(v, [...at, key])]);
}

function corpus(): Case[] {
  const cases: Case[] = [];
  for (const type of Object.keys(full) as FrameType[]) {
    for (const [variant, base] of [['full', full[type]], ['minimal', minimal[type]]] as const) {
      cases.push({ label: `${type} ${variant}`, type, frame: base });
      for (const [at, value] of paths(base)) {
        const where = `${type} ${variant} ${at.join('.')}`;
        cases.push({ label: `${where} deleted`, type, frame: setAt(base, at, DELETE) });
        for (const other of [...anything, ...near(value)]) cases.push({ label: `${where} = ${JSON.stringify(other)?.slice(0, 40)}`, type, frame: setAt(base, at, other) });
      }
      for (const [at, value] of [[[], base] as [(string | number)[], Json], ...paths(base)]) {
        if (value === null || typeof value !== 'object' || Array.isArray(value)) continue;
        for (const extra of extras) {
          const frame = at.length ? setAt(base, at, { ...value, ...JSON.parse(extra) }) : { ...base, ...JSON.parse(extra) };
          cases.push({ label: `${type} ${variant} ${at.join('.') || '(frame)'} + ${extra}`, type, frame });
        }
      }
    }
    for (const frame of [null, undefined, 'welcome', 1, [], [full[type]], {}, { type }, { ...full.synced, type }]) {
      cases.push({ label: `${type} given ${JSON.stringify(frame)}`, type, frame });
    }
  }
  return cases;
}

const fields = (issues: readonly { path: readonly PropertyKey[] }[]) => [...new Set(issues.map((issue) => issue.path.join('.')))].sort();

/** Runs zod and the browser's validator on each value; lists every disagreement. */
function disagreements(cases: { label: string; value: unknown; zod: z.ZodMiniType; browser: Validator<unknown> }[]) {
  const found: string[] = [];
  let accepted = 0;
  for (const { label, value, zod, browser } of cases) {
    const law = zod.safeParse(value);
    const ours = check(browser, value);
    if (law.success !== ours.ok) found.push(`${label}: zod ${law.success ? 'accepts' : 'refuses'}, the browser ${ours.ok ? 'accepts' : 'refuses'}`);
    else if (law.success && ours.ok) {
      accepted++;
      try {
        expect(ours.value).toStrictEqual(law.data);
      } catch {
        found.push(`${label}: accepted as ${JSON.stringify(ours.value)}, zod made ${JSON.stringify(law.data)}`);
      }
    } else if (!law.success && !ours.ok && fields(law.error.issues).join() !== fields(ours.issues).join()) {
      found.push(`${label}: zod names ${fields(law.error.issues)}, the browser ${fields(ours.issues)}`);
    }
  }
  return { found, accepted, refused: cases.length - accepted - found.length };
}

describe('server frames: wire.ts (zod) and server-frames.ts (browser) agree', () => {
  const cases = corpus();

  it('on the same frame types', () => {
    expect(Object.keys(serverFrames).sort()).toEqual(Object.keys(zodFrames).sort());
  });

  it(`on a corpus of ${cases.length} good and bad frames: same verdict, same accepted value, same fields named`, () => {
    const result = disagreements(cases.map(({ label, type, frame }) => ({ label, value: frame, zod: zodFrames[type], browser: serverFrames[type] as Validator<unknown> })));
    expect(result.found).toEqual([]);
    // The corpus holds both: a corpus that every validator refused (or accepted) would prove nothing.
    expect(result.accepted).toBeGreaterThan(500);
    expect(result.refused).toBeGreaterThan(2000);
  });

  it.each([
    ['item', { ...full.item, item: { ...item, text: 'x'.repeat(4000) } }, true, 'text of 4000'],
    ['item', { ...full.item, item: { ...item, text: 'x'.repeat(4001) } }, false, 'text of 4001'],
    ['item', { ...full.item, item: { ...item, text: '' } }, false, 'empty text'],
    ['item', { ...full.item, item: { ...item, text: '😀'.repeat(4000) } }, true, 'text of 4000 emoji (8000 UTF-16 units)'],
    ['item', { ...full.item, item: { ...item, text: '😀'.repeat(4001) } }, false, 'text of 4001 emoji'],
    ['item', { ...full.item, item: { ...item, seq: 0 } }, false, 'seq 0'],
    ['item', { ...full.item, item: { ...item, seq: 2 ** 53 } }, false, 'unsafe seq'],
    ['item', { ...full.item, item: { ...item, sentAt: 8.64e15 } }, true, 'the last time a Date holds'],
    ['item', { ...full.item, item: { ...item, sentAt: 8.64e15 + 1 } }, false, 'a time past it'],
    ['item', { ...full.item, item: { ...item, sentAt: NaN } }, false, 'NaN time'],
    ['item', { ...full.item, item: { ...item, quickReplies: ['1', '2', '3', '4', '5'] } }, true, '5 quick replies'],
    ['item', { ...full.item, item: { ...item, quickReplies: ['1', '2', '3', '4', '5', '6'] } }, false, '6 quick replies'],
    ['item', { ...full.item, item: { ...item, quickReplies: ['x'.repeat(61)] } }, false, 'a quick reply of 61'],
    ['item', { ...full.item, item: { ...item, event: { kind: 'transferred' } } }, false, 'unknown event kind'],
    ['item', { ...full.item, item: { ...item, event: { ...event, score: 6 } } }, false, 'score 6'],
    ['item', { ...full.item, item: { ...item, author: null } }, false, 'null author'],
    ['item', { ...full.item, item: { ...item, author: { role: 'hacker' } } }, false, 'unknown role'],
    ['item', { ...full.item, item: JSON.parse(`{"__proto__":{"seq":1},${JSON.stringify(item).slice(1)}`) }, true, '__proto__ in item'],
    ['welcome', { ...full.welcome, v: 1.5 }, false, 'v 1.5'],
    ['welcome', { ...full.welcome, mode: null, session: null }, true, 'no mode, no session'],
    ['welcome', { ...full.welcome, team: { name: 'x'.repeat(201) } }, false, 'team name of 201'],
    ['session', { ...full.session, session: null }, false, 'null session'],
    ['mode', { type: 'mode', mode: 'auto' }, false, 'mode auto'],
    ['mode', { type: 'mode' }, false, 'no mode'],
    ['availability', { ...full.availability, availability: { ...availability, awayMessage: 'x'.repeat(500) } }, true, 'away message of 500'],
    ['availability', { ...full.availability, availability: { ...availability, awayMessage: 'x'.repeat(501) } }, false, 'away message of 501'],
    ['error', { ...full.error, code: 'teapot' }, false, 'unknown error code'],
    ['item', { ...full.item, item: { ...item, file: { ...file, url: 'javascript:alert(1)' } } }, false, 'a javascript: file URL'],
    ['item', { ...full.item, item: { ...item, file: { ...file, url: 'data:image/svg+xml,<svg/>' } } }, false, 'a data: file URL'],
    ['item', { ...full.item, item: { ...item, file: { ...file, name: 'x'.repeat(256) } } }, false, 'a file name of 256'],
    ['item', { ...full.item, item: { ...item, file: { ...file, size: 0 } } }, false, 'an empty file'],
    ['slot', { ...full.slot, get: 'ftp://example.com/f' }, false, 'an ftp slot'],
    ['slot', { ...full.slot, put: 'https://x/'.padEnd(2001, 'x') }, false, 'a put URL of 2001'],
    ['error', { ...full.error, code: 'file_refused' }, true, 'a refused file'],
    ['ack', { ...full.ack, id: 'x'.repeat(128) }, true, 'id of 128'],
    ['ack', { ...full.ack, id: 'x'.repeat(129) }, false, 'id of 129'],
  ] as [FrameType, unknown, boolean, string][])('%s: %#, %s', (type, frame, good) => {
    expect(zodFrames[type].safeParse(frame).success).toBe(good);
    expect(check(serverFrames[type] as Validator<unknown>, frame).ok).toBe(good);
  });

  it('accept the same types (checked by the compiler)', () => {
    type Law<T extends FrameType> = z.infer<(typeof zodFrames)[T]>;
    type Ours<T extends FrameType> = Infer<(typeof serverFrames)[T]>;
    expectTypeOf<Ours<'welcome'>>().toEqualTypeOf<Law<'welcome'>>();
    expectTypeOf<Ours<'item'>>().toEqualTypeOf<Law<'item'>>();
    expectTypeOf<Ours<'ack'>>().toEqualTypeOf<Law<'ack'>>();
    expectTypeOf<Ours<'synced'>>().toEqualTypeOf<Law<'synced'>>();
    expectTypeOf<Ours<'availability'>>().toEqualTypeOf<Law<'availability'>>();
    expectTypeOf<Ours<'mode'>>().toEqualTypeOf<Law<'mode'>>();
    expectTypeOf<Ours<'session'>>().toEqualTypeOf<Law<'session'>>();
    expectTypeOf<Ours<'typing'>>().toEqualTypeOf<Law<'typing'>>();
    expectTypeOf<Ours<'error'>>().toEqualTypeOf<Law<'error'>>();
  });
});

describe('what identify and leaveEmail take: wire.ts (zod) and model/schemas.ts (browser) agree', () => {
  const emails = [
    'ana@example.com', 'a@b.c', 'a@b', '@b.c', 'a@.c', 'a b@c.d', ' a@b.c', 'a@b.c ', 'a@@b.c', 'a@b..c', 'ä@ö.ü', '',
    `${'x'.repeat(188)}@example.com`, `${'x'.repeat(189)}@example.com`, null, 1, ['a@b.c'], { email: 'a@b.c' },
  ];
  const users: unknown[] = [{}, { id: 'u1', name: 'Ana', email: 'ana@example.com' }, null, [], 'Ana'];
  for (const [key, good] of [['id', 'u1'], ['name', 'Ana'], ['email', 'ana@example.com']] as const) {
    for (const value of [...anything, ...near(good), ...emails]) users.push({ id: 'u1', [key]: value });
  }
  for (const extra of extras) users.push({ name: 'Ana', ...JSON.parse(extra) });

  it(`on ${emails.length} emails and ${users.length} users`, () => {
    const result = disagreements([
      ...emails.map((value) => ({ label: `email ${JSON.stringify(value)}`, value, zod: wireEmail, browser: email })),
      ...users.map((value) => ({ label: `user ${JSON.stringify(value)?.slice(0, 60)}`, value, zod: wireUser, browser: user })),
    ]);
    expect(result.found).toEqual([]);
    expect(result.accepted).toBeGreaterThan(20);
    expect(result.refused).toBeGreaterThan(20);
    expectTypeOf<Infer<typeof user>>().toEqualTypeOf<z.infer<typeof wireUser>>();
  });
});

describe('the identity token: wire.ts (zod) and model/schemas.ts (browser) agree', () => {
  const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MSJ9.c2lnbmF0dXJl';
  const tokens: unknown[] = [jwt, 'x'.repeat(4095), 'x'.repeat(4096), 'x'.repeat(4097), '😀'.repeat(4096), '😀'.repeat(4097), ...anything, ...near(jwt)];

  it(`on ${tokens.length} tokens, alone and in identify`, () => {
    const result = disagreements([
      ...tokens.map((value) => ({ label: `token ${JSON.stringify(value)?.slice(0, 40)}`, value, zod: wireToken, browser: token })),
      // What identify takes is the identify frame's user and token, side by side.
      ...tokens.map((value) => ({
        label: `identify token ${JSON.stringify(value)?.slice(0, 40)}`,
        value: { id: 'u1', token: value },
        zod: z.object({ ...wireUser.shape, token: identifyFrame.shape.token }),
        browser: identifyInput,
      })),
    ]);
    expect(result.found).toEqual([]);
    expect(result.accepted).toBeGreaterThan(6);
    expect(result.refused).toBeGreaterThan(20);
  });

  it('refuse an empty token and one over 4096 characters', () => {
    expect(check(token, '').ok).toBe(false);
    expect(check(token, 'x'.repeat(4097)).ok).toBe(false);
    expect(check(token, jwt).ok).toBe(true);
    expect(wireToken.safeParse('').success).toBe(false);
    expect(wireToken.safeParse('x'.repeat(4097)).success).toBe(false);
  });

  it('know the error code unverified', () => {
    const frame = { type: 'error', code: 'unverified', message: 'The identity token was refused: it has expired.' };
    expect(check(serverFrames.error, frame)).toEqual({ ok: true, value: frame });
    expect(zodFrames.error.safeParse(frame).data).toEqual(frame);
  });
});

describe('zod stays out of the browser', () => {
  const src = path.resolve(import.meta.dirname, '../../../src');
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? files(path.join(dir, entry.name)) : [path.join(dir, entry.name)]));

  it('only src/protocol/wire.ts imports zod, and other source files import wire.ts for its types only', () => {
    const sources = files(src).filter((file) => /\.tsx?$/.test(file));
    const zod = sources.filter((file) => /from ['"]zod/.test(readFileSync(file, 'utf8'))).map((file) => path.relative(src, file));
    expect(zod).toEqual(['protocol/wire.ts']);
    const wire = sources.filter((file) => /^import (?!type ).*from ['"][./]*(protocol\/)?wire\.ts['"]/m.test(readFileSync(file, 'utf8')));
    expect(wire.map((file) => path.relative(src, file))).toEqual([]);
  });
});
