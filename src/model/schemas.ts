/**
 * Validators of the conversation's own values (authors, users, system events), shared by everything in the
 * browser that takes them from outside: server frames, storage, and the host page (`identify`). They are
 * made with the small kit of `check.ts`, not zod, to keep the drop-in script small; the protocol's zod
 * originals (`wireAuthor`, `wireUser`, `wireEvent`, `wireEmail` in `src/protocol/wire.ts`) are the law, and
 * `test/unit/protocol/agreement.test.ts` holds these to them.
 * @module
 */
import { arr, int, is, obj, oneOf, opt, schema, str, type Validator } from './check.ts';
import type { Attributes, VisitorInfo } from './types.ts';

const name = opt(str(0, 200));

/** An id: 1–128 characters. */
export const id = str(1, 128);

/** Who wrote a message. `bot` messages are always shown as coming from a bot. */
export const author = obj({
  role: oneOf(['visitor', 'agent', 'bot', 'system']),
  id: opt(id),
  name,
});

/** A signed identity token (a JWT): 1–4096 characters. */
export const token = str(1, 4096);

/** An email address: something@domain.tld, at most 200 characters. */
export const email = str(0, 200, /^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'must be an email address such as ana@example.com');

const userFields = { id: opt(id), name, email: opt(email) };

/** Who the customer is, as stored and sent (`wireUser`). */
export const user = obj(userFields);

/** What `identify(user)` accepts: {@link user} and the site's signed `token`, which is sent and never stored. */
export const identifyInput = obj({ ...userFields, token: opt(token) });

/** What a system message reports, so a client can say it in the customer's language (see `SystemEvent`). */
export const systemEvent = obj({
  kind: oneOf(['queued', 'joined', 'ended', 'handoff', 'email', 'rated', 'mode']),
  name,
  by: opt(oneOf(['agent', 'visitor', 'timeout'])),
  to: opt(oneOf(['live', 'messaging'])),
  email: name,
  score: opt(int(1, 5)),
});

const fileLimits = obj({ maxBytes: opt(int(1)), types: opt(arr(str(1, 100), 50)), maxCount: opt(int(1, 20)) });

/**
 * The site's own limits on files (the `files` setting): `false` (no files), or narrower than the backend's:
 * `maxBytes`, `types` (media types such as `image/png`), `maxCount` (files at a time, 1–20).
 */
export const fileSettings: Validator<false | { maxBytes?: number; types?: string[]; maxCount?: number } | undefined> = (value, path, issues) =>
  value === false ? value : opt(fileLimits)(value, path, issues);

/** {@link identifyInput} with zod's `safeParse` face (as `identify` calls it). */
export const userSchema = schema(identifyInput);

/** {@link email} with zod's `safeParse` face (as `leaveEmail` and the away notice call it). */
export const emailSchema = schema(email);

/** What {@link attributes} must be, for error messages (the settings' too). */
export const ATTRIBUTES_RULE = 'an object of up to 20 attributes: names of 1–40 characters, values texts of up to 200 characters, numbers or booleans';

/** {@link Attributes}: up to 20 keys of 1–40 characters, each a text of at most 200 characters, a finite number or a boolean. */
export const attributes = is<Attributes>(
  (value) =>
    !!value &&
    typeof value == 'object' &&
    !Array.isArray(value) &&
    Object.keys(value).length <= 20 &&
    Object.entries(value).every(
      ([key, v]) => key.length > 0 && key.length <= 40 && (typeof v == 'string' ? v.length <= 200 : typeof v == 'number' ? isFinite(v) : typeof v == 'boolean'),
    ),
  `must be ${ATTRIBUTES_RULE}`,
);

/** {@link VisitorInfo}, as `NatterClient.setVisitor` takes it. */
export const visitorInfo: Validator<VisitorInfo> = obj({
  locale: opt(str(1, 35)),
  page: opt(obj({ url: str(0, 2000), title: str(0, 300) })),
  attributes: opt(attributes),
});

/** Turns validation issues into one short line: `endpoint: is required; locale: …`. */
export function describeIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 3)
    .map((issue) => `${issue.path.map(String).join('.') || '(value)'}: ${issue.message}`)
    .join('; ');
}
