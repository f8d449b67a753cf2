/** The browser's validator kit: verdicts, rebuilt values, zod-style paths and messages a developer can act on. */
import { describe, expect, it } from 'vitest';
import { arr, bool, check, int, is, nullable, num, obj, oneOf, opt, schema, str, UNKNOWN } from '../../../src/model/check';
import { describeIssues } from '../../../src/model/schemas';

const why = (result: ReturnType<typeof check>) => (result.ok ? 'ok' : describeIssues(result.issues));

describe('the validator kit', () => {
  it('says what a value must be', () => {
    expect(why(check(str(0, 200), 'x'.repeat(201)))).toBe('(value): must be at most 200 characters');
    expect(why(check(str(1, 10), ''))).toBe('(value): must not be empty');
    expect(why(check(str(3), 'ab'))).toBe('(value): must be at least 3 characters');
    expect(why(check(str(0, 9, /^a/, 'must start with a'), 'b'))).toBe('(value): must start with a');
    expect(why(check(str(), 1))).toBe('(value): must be a string');
    expect(why(check(int(), 1.5))).toBe('(value): must be a whole number');
    expect(why(check(int(), 2 ** 53))).toBe('(value): must be a whole number');
    expect(why(check(int(1, 5), 0))).toBe('(value): must be at least 1');
    expect(why(check(num(0, 8.64e15), 8.64e15 + 1))).toBe('(value): must be at most 8640000000000000');
    expect(why(check(num(), '1'))).toBe('(value): must be a number');
    expect(why(check(bool, 'true'))).toBe('(value): must be true or false');
    expect(why(check(oneOf(['live', 'messaging', 'auto']), 'video'))).toBe('(value): must be one of live, messaging, auto');
    expect(why(check(arr(str(), 2), ['a', 'b', 'c']))).toBe('(value): must have at most 2 entries');
    expect(why(check(arr(str()), 'a'))).toBe('(value): must be a list');
    expect(why(check(obj({}), []))).toBe('(value): must be an object');
    expect(why(check(obj({ a: str() }), {}))).toBe('a: is required');
    expect(why(check(is((v) => v === 2, 'must be format 2'), 7))).toBe('(value): must be format 2');
  });

  it('refuses NaN and infinities as numbers, as zod does', () => {
    for (const value of [NaN, Infinity, -Infinity]) expect(check(num(), value).ok).toBe(false);
    expect(check(num(), -0)).toEqual({ ok: true, value: -0 });
  });

  it('names the path of each wrong field, as zod does', () => {
    const frame = obj({ item: obj({ seq: int(1), author: obj({ role: oneOf(['agent', 'bot']) }), tags: opt(arr(str(1))) }) });
    const result = check(frame, { item: { seq: 0, author: { role: 'hacker' }, tags: ['ok', ''] } });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.issues.map((issue) => issue.path)).toEqual([['item', 'seq'], ['item', 'author', 'role'], ['item', 'tags', 1]]);
    expect(why(result)).toBe('item.seq: must be at least 1; item.author.role: must be one of agent, bot; item.tags.1: must not be empty');
  });

  it('rebuilds objects with their shape only: unknown keys (even __proto__) are dropped, absent optional keys stay absent', () => {
    const shape = obj({ id: str(), name: opt(str()), mode: opt(nullable(oneOf(['live']))) });
    const input = JSON.parse('{"id":"a","__proto__":{"admin":true},"constructor":1,"extra":2,"mode":null}');
    const result = check(shape, input);
    expect(result).toStrictEqual({ ok: true, value: { id: 'a', mode: null } });
    expect(result.ok && Object.getPrototypeOf(result.value)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
    // A key that is there with `undefined` stays there, as in zod.
    expect(check(shape, { id: 'a', name: undefined })).toStrictEqual({ ok: true, value: { id: 'a', name: undefined } });
  });

  it('strict objects refuse keys they do not know, own or not, with the key in the path', () => {
    const strict = obj({ greeting: opt(str()) }, true);
    const result = check(obj({ strings: strict }), { strings: JSON.parse('{"greting":"Hi","__proto__":"x"}') });
    expect(!result.ok && result.issues).toEqual([
      { path: ['strings', 'greting'], message: UNKNOWN },
      { path: ['strings', '__proto__'], message: UNKNOWN },
    ]);
    // `toString` is on every object's prototype, not in the shape: still unknown.
    expect(check(strict, { toString: 'x' }).ok).toBe(false);
  });

  it('reads own keys only: keys a host page added to Object.prototype are neither fields nor unknown keys', () => {
    const proto = Object.prototype as Record<string, unknown>;
    // Enumerable, as a careless page (or an attacker's gadget) adds them; one is named like a field.
    proto.polluted = 'yes';
    proto.name = 'from the prototype';
    try {
      const shape = obj({ id: str(), name: opt(str(1)) }, true);
      expect(check(shape, { id: 'a' })).toStrictEqual({ ok: true, value: { id: 'a' } });
      expect(check(obj({ inner: shape }), { inner: { id: 'b', name: 'own' } })).toStrictEqual({ ok: true, value: { inner: { id: 'b', name: 'own' } } });
    } finally {
      delete proto.polluted;
      delete proto.name;
    }
  });

  it('copies arrays, reading holes as undefined', () => {
    const input = ['a', 'b'];
    const result = check(arr(str()), input);
    expect(result).toEqual({ ok: true, value: ['a', 'b'] });
    expect(result.ok && result.value).not.toBe(input);
    expect(check(arr(str()), ['a', , 'c']).ok).toBe(false);
  });

  it('has zod’s safeParse face for callers written against zod', () => {
    const user = schema(obj({ email: opt(str(0, 200, /@/, 'must be an email address')) }));
    expect(user.safeParse({ email: 'a@b', extra: 1 })).toEqual({ success: true, data: { email: 'a@b' } });
    const failed = user.safeParse({ email: 'nope' });
    expect(failed.success).toBe(false);
    expect(failed.error?.issues).toEqual([{ path: ['email'], message: 'must be an email address' }]);
    expect(failed.data).toBeUndefined();
  });
});
