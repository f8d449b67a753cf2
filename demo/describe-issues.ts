/**
 * Turns zod issues into one sentence a developer can act on. zod/mini ships no locale (every issue says
 * "Invalid input"), and loading one with `z.config` would change zod for the whole process, so the
 * reference backend words its own messages.
 */
import type { core } from 'zod/mini';

function where(path: readonly PropertyKey[]): string {
  return path.length === 0 ? 'the frame' : `"${path.map(String).join('.')}"`;
}

function describeIssue(issue: core.$ZodIssue): string {
  const at = where(issue.path);
  switch (issue.code) {
    case 'invalid_type':
      return `${at} must be ${issue.expected === 'int' ? 'an integer' : `of type ${issue.expected}`}`;
    case 'too_big':
      return issue.origin === 'string'
        ? `${at} is too long (at most ${String(issue.maximum)} characters)`
        : `${at} must be at most ${String(issue.maximum)}`;
    case 'too_small':
      return issue.origin === 'string'
        ? issue.minimum === 1
          ? `${at} must not be empty`
          : `${at} is too short (at least ${String(issue.minimum)} characters)`
        : `${at} must be at least ${String(issue.minimum)}`;
    case 'invalid_value':
      return `${at} must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_union':
      if ('discriminator' in issue && issue.discriminator !== undefined && 'options' in issue) {
        const options = (issue.options as unknown[]).map((o) => JSON.stringify(o)).join(', ');
        return `${at} must be one of ${options}`;
      }
      return `${at} matches none of the allowed shapes`;
    default:
      return `${at} is invalid`;
  }
}

/** At most a handful of issues: enough to fix the frame, short enough for a console line. */
export function describeIssues(issues: readonly core.$ZodIssue[]): string {
  const shown = issues.slice(0, 5).map(describeIssue);
  const more = issues.length > shown.length ? ` (and ${issues.length - shown.length} more)` : '';
  return `${shown.join('; ')}${more}.`;
}
