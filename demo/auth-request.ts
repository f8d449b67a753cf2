/**
 * What the team side reads from a request and writes back: the session cookie, an agent token, and a small
 * sign-in body (JSON or a form). Nothing here decides anything; auth.ts and auth-http.ts do.
 */
import type { IncomingMessage } from 'node:http';

/** Over https the cookie gets the `__Host-` prefix: the browser then insists on Secure, Path=/ and no Domain. */
const COOKIE = 'natter_inbox';
const SECURE_COOKIE = `__Host-${COOKIE}`;
const MAX_BODY = 4096;

/**
 * The session cookie: HttpOnly (no script reads it), SameSite=Strict (no other site's page sends it), Path=/
 * (the inbox and the agent socket), Secure over https. No Max-Age: it goes when the browser session does,
 * and the server ends it sooner (auth-sessions.ts). `maxAge` 0 deletes it.
 */
export function sessionCookie(id: string, secure: boolean, maxAge?: number): string {
  const parts = [`${secure ? SECURE_COOKIE : COOKIE}=${id}`, 'Path=/', 'HttpOnly', 'SameSite=Strict'];
  if (secure) parts.push('Secure');
  if (maxAge !== undefined) parts.push(`Max-Age=${maxAge}`);
  return parts.join('; ');
}

export function readSessionId(req: IncomingMessage): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const index = part.indexOf('=');
    const name = part.slice(0, index).trim();
    if (index > 0 && (name === COOKIE || name === SECURE_COOKIE)) {
      const value = part.slice(index + 1).trim();
      if (/^[A-Za-z0-9_-]{43}$/.test(value)) return value;
    }
  }
  return undefined;
}

/** `Authorization: Bearer <agent token>`, for agent clients that are not browsers. */
export function bearerToken(req: IncomingMessage): string | undefined {
  const match = /^Bearer ([\x21-\x7e]{1,200})$/.exec(req.headers.authorization ?? '');
  return match?.[1];
}

export type FormBody = Record<string, unknown>;

/** A JSON object or an urlencoded form, at most 4 KiB. */
export async function readForm(req: IncomingMessage): Promise<{ ok: true; value: FormBody } | { ok: false; status: number; message: string }> {
  const type = req.headers['content-type'] ?? '';
  const json = /^application\/json\b/i.test(type);
  if (!json && !/^application\/x-www-form-urlencoded\b/i.test(type)) {
    return { ok: false, status: 415, message: 'Send the sign-in as JSON or as a form.' };
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) return { ok: false, status: 413, message: 'The sign-in is too large.' };
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (!json) return { ok: true, value: Object.fromEntries(new URLSearchParams(text)) };
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return { ok: true, value: value as FormBody };
  } catch {
    // below
  }
  return { ok: false, status: 400, message: 'The sign-in is not a JSON object.' };
}
