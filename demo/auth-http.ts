/**
 * Signing agents in and out over HTTP (docs/protocol.md, "Reference backend: agent protocol"):
 *
 *   POST /inbox/login    {email, password} as JSON or a form → a session cookie, or one generic refusal
 *   POST /inbox/logout   ends the session and every agent socket opened with it
 *   GET  /inbox/session  {access: "open"} | {access: "account", email, name} | 401 {access: "none"}
 *
 * Both POSTs must come from the inbox's own origin (`Origin`, checked by TeamAuth) — with the cookie's
 * SameSite=Strict, that is the CSRF defence. A wrong password, an unknown address and a throttled attempt
 * all wait 0.5–1 s before answering.
 */
import { randomInt } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { normalizeEmail } from './auth-accounts.ts';
import { decoyHash, MAX_PASSWORD_LENGTH, verifyPassword } from './auth-password.ts';
import type { TeamAuth } from './auth.ts';
import { readForm, readSessionId, sessionCookie, type FormBody } from './auth-request.ts';

export const GENERIC_REFUSAL = 'Wrong email address or password.';

export interface AuthHttpContext {
  auth: TeamAuth;
  /** Closes the agent sockets that were opened with a session that has just ended. */
  endSession(sessionId: string): void;
}

type Answer = { status: number; body: Record<string, unknown>; headers?: Record<string, string> };

function reply(res: ServerResponse, req: IncomingMessage, answer: Answer, form: boolean, redirect: string): void {
  const headers: Record<string, string> = { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', ...answer.headers };
  if (form) {
    // A form posted without script: back to the inbox, which shows the sign-in page again after a failure.
    res.writeHead(303, { ...headers, Location: answer.status < 300 ? '/inbox' : redirect, 'Content-Length': '0' });
    res.end();
    return;
  }
  const body = JSON.stringify(answer.body);
  res.writeHead(answer.status, { ...headers, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(body)) });
  res.end(req.method === 'HEAD' ? undefined : body);
}

const pause = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, randomInt(500, 1001)));

async function login(req: IncomingMessage, ctx: AuthHttpContext, body: FormBody): Promise<Answer> {
  const { auth } = ctx;
  const email = normalizeEmail(typeof body.email === 'string' ? body.email : '').slice(0, 200);
  const password = typeof body.password === 'string' ? body.password.slice(0, MAX_PASSWORD_LENGTH + 1) : '';
  const address = auth.clientAddress(req);
  const wait = auth.throttle.wait(address, email);
  if (wait > 0) {
    await pause();
    const minutes = Math.ceil(wait / 60_000);
    return {
      status: 429,
      body: { error: `Too many failed sign-ins. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.` },
      headers: { 'Retry-After': String(Math.ceil(wait / 1000)) },
    };
  }
  // Counted before the (slow) check, so that attempts sent all at once cannot slip past the limit.
  auth.throttle.failed(address, email);
  const account = auth.accounts.find(email);
  const matches = await verifyPassword(password, account?.password ?? (await decoyHash()));
  if (account === undefined || !matches) {
    await pause();
    return { status: 401, body: { error: GENERIC_REFUSAL } };
  }
  auth.throttle.succeeded(address, email);
  const session = auth.sessions.create(account);
  return { status: 200, body: { access: 'account', email: account.email, name: account.name }, headers: { 'Set-Cookie': sessionCookie(session.id, auth.secure(req)) } };
}

function logout(req: IncomingMessage, ctx: AuthHttpContext): Answer {
  const id = readSessionId(req);
  if (id !== undefined) {
    ctx.auth.sessions.end(id);
    ctx.endSession(id);
  }
  return { status: 200, body: { access: 'none' }, headers: { 'Set-Cookie': sessionCookie('', ctx.auth.secure(req), 0) } };
}

/** What `GET /inbox/session` says, and what decides which page `/inbox` shows. */
export function accessOf(req: IncomingMessage, auth: TeamAuth): Answer {
  if (auth.isOpen()) {
    if (auth.viaProxy(req) || !auth.viaLoopbackName(req)) return { status: 403, body: { access: 'none', error: OPEN_ONLY_HERE } };
    return { status: 200, body: { access: 'open' } };
  }
  const signedIn = auth.sessions.use(readSessionId(req));
  if (signedIn === undefined) return { status: 401, body: { access: 'none' } };
  return { status: 200, body: { access: 'account', email: signedIn.account.email, name: signedIn.account.name } };
}

export const OPEN_ONLY_HERE =
  'This inbox has no agent accounts, so it only opens on this machine, directly. Create one with: node demo/agents.ts add you@example.com --name "Your Name"';

/** Handles the sign-in routes; false for any other path. */
export async function handleAuthRoute(req: IncomingMessage, res: ServerResponse, pathname: string, ctx: AuthHttpContext): Promise<boolean> {
  if (pathname === '/inbox/session') {
    if (req.method !== 'GET' && req.method !== 'HEAD') return methodNotAllowed(res, 'GET, HEAD');
    reply(res, req, accessOf(req, ctx.auth), false, '');
    return true;
  }
  if (pathname !== '/inbox/login' && pathname !== '/inbox/logout') return false;
  if (req.method !== 'POST') return methodNotAllowed(res, 'POST');
  const origin = req.headers.origin;
  const form = /^application\/x-www-form-urlencoded\b/i.test(req.headers['content-type'] ?? '');
  if (origin === undefined || !ctx.auth.originAllowed(origin, req)) {
    reply(res, req, { status: 403, body: { error: 'Sign in from the inbox page itself.' } }, false, '');
    return true;
  }
  if (pathname === '/inbox/logout') {
    reply(res, req, logout(req, ctx), form, '/inbox');
    return true;
  }
  const body = await readForm(req);
  if (!body.ok) reply(res, req, { status: body.status, body: { error: body.message } }, false, '');
  else reply(res, req, await login(req, ctx, body.value), form, '/inbox?signin=failed');
  return true;
}

function methodNotAllowed(res: ServerResponse, allow: string): true {
  res.writeHead(405, { Allow: allow, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end('Method not allowed\n');
  return true;
}
