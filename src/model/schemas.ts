/**
 * Schemas of the conversation's own values (authors, users, system events), shared by everything that takes
 * them from outside: the wire protocol, storage, and the host page (`identify`). They import nothing but
 * `zod/mini`, so the reference backend (Node, type stripping) uses them too.
 * @module
 */
import { z } from 'zod/mini';

const name = z.string().check(z.maxLength(200));
/** An id: 1–128 characters. */
export const idSchema = z.string().check(z.minLength(1), z.maxLength(128));

/** A safe integer. (zod's `z.int()` would add a number-format module to the browser bundle for this.) */
export const wholeNumber = z.number().check(z.refine(Number.isSafeInteger, 'must be a whole number'));

/** Who wrote a message. `bot` messages are always shown as coming from a bot. */
export const authorSchema = z.object({
  role: z.enum(['visitor', 'agent', 'bot', 'system']),
  id: z.optional(idSchema),
  name: z.optional(name),
});

/** An email address: something@domain.tld, at most 200 characters. */
export const emailSchema = z.string().check(z.maxLength(200), z.regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'must be an email address such as ana@example.com'));

/** What `identify(user)` accepts. */
export const userSchema = z.object({
  id: z.optional(idSchema),
  name: z.optional(name),
  email: z.optional(emailSchema),
});

/** What a system message reports, so a client can say it in the customer's language (see `SystemEvent`). */
export const systemEventSchema = z.object({
  kind: z.enum(['queued', 'joined', 'ended', 'handoff', 'email', 'rated', 'mode']),
  name: z.optional(name),
  by: z.optional(z.enum(['agent', 'visitor', 'timeout'])),
  to: z.optional(z.enum(['live', 'messaging'])),
  email: z.optional(name),
  score: z.optional(wholeNumber.check(z.gte(1), z.lte(5))),
});

/** Turns schema issues into one short line: `endpoint: Invalid input; locale: …`. */
export function describeIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 3)
    .map((issue) => `${issue.path.map(String).join('.') || '(value)'}: ${issue.message}`)
    .join('; ');
}
