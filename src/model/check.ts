/**
 * A validator kit small enough for the drop-in script (every host page downloads it), for the values Natter
 * takes from outside in the browser: server frames, stored records, settings and options. zod stays the
 * schema language of the protocol (`src/protocol/wire.ts`) and the reference backend; the browser's copies
 * are tested against it on one corpus of good and bad frames (`test/unit/protocol/agreement.test.ts`).
 *
 * A validator returns the value it accepts, rebuilt like zod rebuilds it (objects keep only the keys of
 * their shape, arrays are copied), and otherwise records issues with zod's paths (`item.author.role`), so
 * {@link check} and {@link schema} answer as zod's `safeParse` would. No `eval`, no `Function` (strict CSP).
 *
 * @example
 * ```ts
 * const point = obj({ x: int(0, 100), label: opt(str(1, 20)) });
 * check(point, { x: 1.5 }); // { ok: false, issues: [{ path: ['x'], message: 'must be a whole number' }] }
 * ```
 * @module
 */

/** What is wrong where: `path` names the field as zod does (`['item', 'author', 'role']`). */
export interface Issue {
  path: PropertyKey[];
  message: string;
}

/** Returns the accepted value (rebuilt); or records why not in `issues` (and its return value is meaningless). */
export type Validator<T> = (value: unknown, path: PropertyKey[], issues: Issue[]) => T;

/** The type a validator accepts. */
export type Infer<V> = V extends Validator<infer T> ? T : never;

/** The outcome of {@link check}. */
export type Result<T> = { ok: true; value: T } | { ok: false; issues: Issue[] };

/** The message of an issue about a key that a strict {@link obj} does not know; the issue's path ends with the key. */
export const UNKNOWN = 'is not a known key';

const fail = (issues: Issue[], path: PropertyKey[], message: string): any => {
  issues.push({ path, message });
};
/** A wrong type says "is required" when there was nothing at all. */
const kind = (value: unknown, message: string) => (value === undefined ? 'is required' : message);

/**
 * A string of `min`–`max` characters, matching `pattern` if given (`message` then says what it must be).
 * Characters are Unicode code points, as zod counts them (an emoji is one, a lone surrogate too); they are
 * counted only when the UTF-16 length leaves the verdict in doubt.
 */
export const str =
  (min = 0, max = Infinity, pattern?: RegExp, message = 'is not valid'): Validator<string> =>
  (value, path, issues) => {
    if (typeof value != 'string') return fail(issues, path, kind(value, 'must be a string'));
    const length = value.length > max || value.length < 2 * min ? [...value].length : value.length;
    return length < min
      ? fail(issues, path, min > 1 ? `must be at least ${min} characters` : 'must not be empty')
      : length > max
        ? fail(issues, path, `must be at most ${max} characters`)
        : pattern && !pattern.test(value)
          ? fail(issues, path, message)
          : value;
  };

/** A finite number from `min` to `max` (NaN and ±Infinity never pass, as in zod); a safe integer if `whole`. */
export const num =
  (min = -Infinity, max = Infinity, whole?: boolean): Validator<number> =>
  (value, path, issues) =>
    typeof value != 'number' || !isFinite(value)
      ? fail(issues, path, kind(value, 'must be a number'))
      : whole && !Number.isSafeInteger(value)
        ? fail(issues, path, 'must be a whole number')
        : value < min
          ? fail(issues, path, `must be at least ${min}`)
          : value > max
            ? fail(issues, path, `must be at most ${max}`)
            : value;

/** A safe integer from `min` to `max`. */
export const int = (min?: number, max?: number): Validator<number> => num(min, max, true);

/** `true` or `false`. */
export const bool: Validator<boolean> = (value, path, issues) =>
  typeof value == 'boolean' ? value : fail(issues, path, kind(value, 'must be true or false'));

/** One of `values` (compared with `===`, as zod's enum). */
export const oneOf =
  <const T extends readonly unknown[]>(values: T): Validator<T[number]> =>
  (value, path, issues) =>
    values.includes(value) ? value : fail(issues, path, kind(value, `must be one of ${values.join(', ')}`));

/** Anything `test` accepts, as is; otherwise `message`. */
export const is =
  <T>(test: (value: unknown) => boolean, message: string): Validator<T> =>
  (value, path, issues) =>
    test(value) ? value : fail(issues, path, message);

/** `undefined`, or what `validator` accepts. */
export const opt =
  <T>(validator: Validator<T>): Validator<T | undefined> =>
  (value, path, issues) =>
    value === undefined ? value : validator(value, path, issues);

/** `null`, or what `validator` accepts. */
export const nullable =
  <T>(validator: Validator<T>): Validator<T | null> =>
  (value, path, issues) =>
    value === null ? value : validator(value, path, issues);

/** An array of at most `max` entries, each accepted by `item`; a copy (holes read as `undefined`, as in zod). */
export const arr =
  <T>(item: Validator<T>, max = Infinity): Validator<T[]> =>
  (value, path, issues) =>
    !Array.isArray(value)
      ? fail(issues, path, kind(value, 'must be a list'))
      : value.length > max
        ? fail(issues, path, `must have at most ${max} entries`)
        : Array.from(value, (entry, index) => item(entry, [...path, index], issues));

type Shape = Record<string, Validator<unknown>>;
type OptionalKeys<S extends Shape> = { [K in keyof S]: undefined extends Infer<S[K]> ? K : never }[keyof S];
type Flat<T> = { [K in keyof T]: T[K] } & {};
/** The object a shape accepts: keys whose validator accepts `undefined` are optional. */
export type Shaped<S extends Shape> = Flat<
  { [K in Exclude<keyof S, OptionalKeys<S>>]: Infer<S[K]> } & { [K in OptionalKeys<S>]?: Infer<S[K]> }
>;

/**
 * An object (not null, not an array) whose keys pass their validators, rebuilt with the shape's keys only,
 * as zod's `object` does (an absent optional key stays absent). `strict` refuses keys the shape does not
 * know, as zod's `strictObject` does, each with an issue whose message is {@link UNKNOWN}.
 */
export const obj =
  <S extends Shape>(shape: S, strict?: boolean): Validator<Shaped<S>> =>
  (value, path, issues) => {
    if (typeof value != 'object' || !value || Array.isArray(value)) return fail(issues, path, kind(value, 'must be an object'));
    const input = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    // Own keys only, of the shape and of the input: a host page may have added enumerable keys to
    // Object.prototype, which `for…in` and a plain read would take for fields (or for a setting it never set).
    for (const key of Object.keys(shape)) {
      const own = Object.hasOwn(input, key);
      const field = shape[key]!(own ? input[key] : undefined, [...path, key], issues);
      if (field !== undefined || own) out[key] = field;
    }
    if (strict) for (const key of Object.keys(input)) if (!Object.hasOwn(shape, key)) fail(issues, [...path, key], UNKNOWN);
    return out;
  };

/** Runs a validator: the accepted value, or every issue found. */
export function check<T>(validator: Validator<T>, value: unknown): Result<T> {
  const issues: Issue[] = [];
  const accepted = validator(value, [], issues);
  return issues.length ? { ok: false, issues } : { ok: true, value: accepted };
}

/** A validator with zod's `safeParse` face, for callers (and the npm API) written against zod's. */
export interface Schema<T> {
  safeParse(value: unknown): { success: true; data: T; error?: undefined } | { success: false; data?: undefined; error: { issues: Issue[] } };
}

/** Gives a validator zod's `safeParse` face. */
export const schema = <T>(validator: Validator<T>): Schema<T> => ({
  safeParse(value) {
    const result = check(validator, value);
    return result.ok ? { success: true, data: result.value } : { success: false, error: { issues: result.issues } };
  },
});
