/**
 * Agents signing in to the reference backend (a child process, as `npm run demo` runs it), over plain HTTP:
 * the agents command, the generic refusal and its delay, throttling, the session cookie's attributes,
 * CSRF (Origin) on the posts, sign-out, and the ways a session ends.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { Backend, freePort } from './harness';
import { agentsCommand, cookieOf, hello, openAgentSocket, PASSWORD, send, signIn } from './backend-inbox-requests';

let backend: Backend;
let base: string;
const GENERIC = 'Wrong email address or password.';

beforeAll(async () => {
  backend = new Backend(await freePort(), { BOT: 'off' });
  for (const [email, name] of [['alex@example.com', 'Alex Kim'], ['sam@example.com', 'Sam'], ['kim@example.com', 'Kim']] as const) {
    const made = await agentsCommand(backend.dataDir, ['add', email, '--name', name]);
    expect(made, made.stderr).toMatchObject({ code: 0 });
  }
  await backend.start();
  base = backend.url;
});

afterAll(async () => {
  await backend?.dispose();
});

test('the agents command keeps a scrypt hash in agents.json (mode 0600), never the password', async () => {
  const file = path.join(backend.dataDir, 'agents.json');
  expect(statSync(file).mode & 0o777).toBe(0o600);
  const text = readFileSync(file, 'utf8');
  expect(text).not.toContain(PASSWORD);
  const alex = JSON.parse(text).agents.find((a: { email: string }) => a.email === 'alex@example.com');
  expect(alex.password).toMatch(/^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
  // Too short a password, a second account for one address, and a bad address change nothing.
  expect((await agentsCommand(backend.dataDir, ['add', 'new@example.com', '--name', 'New'], 'short')).stderr).toContain('at least 12 characters');
  expect((await agentsCommand(backend.dataDir, ['add', 'ALEX@example.com', '--name', 'Again'])).code).toBe(1);
  expect((await agentsCommand(backend.dataDir, ['add', 'not-an-address', '--name', 'X'])).code).toBe(1);
  expect(readFileSync(file, 'utf8')).toBe(text);
  const listed = await agentsCommand(backend.dataDir, ['list']);
  expect(listed.stdout).toContain('alex@example.com\tAlex Kim');
  expect(listed.stdout + listed.stderr).not.toContain('scrypt');
});

test('a wrong password and an unknown address get one generic refusal, after half a second or more', async () => {
  const [wrong, unknown, right] = await Promise.all([
    signIn(base, 'alex@example.com', 'not the password at all', { from: '127.0.0.10' }),
    signIn(base, 'nobody@example.com', PASSWORD, { from: '127.0.0.11' }),
    signIn(base, 'Alex@Example.com ', PASSWORD, { from: '127.0.0.12' }),
  ]);
  for (const refused of [wrong, unknown]) {
    expect(refused.status).toBe(401);
    expect(refused.body).toEqual({ error: GENERIC });
    expect(refused.headers['set-cookie']).toBeUndefined();
    expect(refused.ms).toBeGreaterThanOrEqual(500);
  }
  expect(right.status).toBe(200);
  expect(right.body).toEqual({ access: 'account', email: 'alex@example.com', name: 'Alex Kim' });
  expect(backend.output).not.toContain(PASSWORD);
});

test('the session cookie: 256 random bits, HttpOnly, SameSite=Strict, Path=/; Secure and __Host- over https', async () => {
  const first = await signIn(base, 'alex@example.com', PASSWORD);
  const second = await signIn(base, 'alex@example.com', PASSWORD);
  const pattern = /^natter_inbox=([\w-]{43}); Path=\/; HttpOnly; SameSite=Strict$/;
  expect(first.headers['set-cookie']).toEqual([expect.stringMatching(pattern)]);
  expect(cookieOf(first)).not.toBe(cookieOf(second));
  // Behind a TLS proxy that says so.
  const secure = await signIn(base, 'alex@example.com', PASSWORD, { headers: { 'X-Forwarded-Proto': 'https' } });
  expect(secure.headers['set-cookie']).toEqual([expect.stringMatching(/^__Host-natter_inbox=[\w-]{43}; Path=\/; HttpOnly; SameSite=Strict; Secure$/)]);
  expect((await send(base, 'GET', '/inbox/session', { headers: { Cookie: cookieOf(first) } })).body).toEqual({ access: 'account', email: 'alex@example.com', name: 'Alex Kim' });
});

test('signing in and out only from the inbox origin (CSRF)', async () => {
  for (const origin of [null, 'http://evil.example', `http://127.0.0.1:${backend.port + 1}`]) {
    const answer = await signIn(base, 'alex@example.com', PASSWORD, { origin });
    expect(answer.status, String(origin)).toBe(403);
    expect(answer.headers['set-cookie']).toBeUndefined();
  }
  const cookie = cookieOf(await signIn(base, 'alex@example.com', PASSWORD));
  const foreign = await send(base, 'POST', '/inbox/logout', { headers: { Cookie: cookie, Origin: 'http://evil.example' } });
  expect(foreign.status).toBe(403);
  expect((await send(base, 'GET', '/inbox/session', { headers: { Cookie: cookie } })).status).toBe(200);
  // A form post works too (the sign-in page without script), and lands on the inbox.
  const form = await send(base, 'POST', '/inbox/login', {
    body: new URLSearchParams({ email: 'alex@example.com', password: PASSWORD }).toString(),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: base },
  });
  expect(form.status).toBe(303);
  expect(form.headers.location).toBe('/inbox');
  expect(cookieOf(form)).toMatch(/^natter_inbox=/);
});

test('throttling: after 5 failures from one address, or 10 for one account, in 15 minutes, even the right password waits', async () => {
  // One address, five wrong passwords for five accounts, all at once: the sixth try is refused unchecked.
  const burst = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((x) => signIn(base, `${x}@example.com`, 'wrong password here', { from: '127.0.0.20' })));
  expect(burst.map((a) => a.status)).toEqual([401, 401, 401, 401, 401]);
  const throttled = await signIn(base, 'sam@example.com', PASSWORD, { from: '127.0.0.20' });
  expect(throttled.status).toBe(429);
  expect(throttled.body.error).toMatch(/^Too many failed sign-ins\. Try again in 15 minutes\.$/);
  expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(890);
  expect(throttled.ms).toBeGreaterThanOrEqual(500);
  // Another address is not held back by that one.
  expect((await signIn(base, 'sam@example.com', PASSWORD, { from: '127.0.0.21' })).status).toBe(200);

  // Ten failures for one account from addresses that each stay under their own limit: the account waits.
  const spread = await Promise.all(Array.from({ length: 10 }, (_, i) => signIn(base, 'kim@example.com', 'wrong password here', { from: `127.0.0.${30 + (i % 3)}` })));
  expect(spread.every((a) => a.status === 401)).toBe(true);
  expect((await signIn(base, 'kim@example.com', PASSWORD, { from: '127.0.0.33' })).status).toBe(429);
  // An unknown address is counted the same way, so the answers tell nothing about which accounts exist.
  await Promise.all(Array.from({ length: 10 }, (_, i) => signIn(base, 'ghost@example.com', 'wrong password here', { from: `127.0.0.${40 + (i % 3)}` })));
  expect((await signIn(base, 'ghost@example.com', 'wrong password here', { from: '127.0.0.43' })).status).toBe(429);
});

test('X-Forwarded-For counts only with TRUST_PROXY, and then only the address the proxy added', async () => {
  // Without TRUST_PROXY a made-up header changes nothing: five failures from one socket address are five.
  await Promise.all([1, 2, 3, 4, 5].map((n) => signIn(base, 'alex@example.com', 'wrong password here', { from: '127.0.0.60', headers: { 'X-Forwarded-For': `198.51.100.${n}` } })));
  expect((await signIn(base, 'alex@example.com', PASSWORD, { from: '127.0.0.60', headers: { 'X-Forwarded-For': '198.51.100.9' } })).status).toBe(429);

  const proxied = new Backend(await freePort(), { BOT: 'off', TRUST_PROXY: 'on' });
  try {
    expect((await agentsCommand(proxied.dataDir, ['add', 'alex@example.com', '--name', 'Alex'])).code).toBe(0);
    await proxied.start();
    // Everything comes from the proxy (127.0.0.1); the proxy appends the client it saw.
    const attacker = { 'X-Forwarded-For': '198.51.100.7, 203.0.113.66' };
    await Promise.all([1, 2, 3, 4, 5].map(() => signIn(proxied.url, 'alex@example.com', 'wrong password here', { headers: attacker })));
    expect((await signIn(proxied.url, 'alex@example.com', PASSWORD, { headers: attacker })).status).toBe(429);
    // The claimed first address is not who it was: faking it does not help the attacker either.
    expect((await signIn(proxied.url, 'alex@example.com', PASSWORD, { headers: { 'X-Forwarded-For': '203.0.113.1, 203.0.113.66' } })).status).toBe(429);
    // The agent behind the same proxy is not locked out by the attacker.
    expect((await signIn(proxied.url, 'alex@example.com', PASSWORD, { headers: { 'X-Forwarded-For': '203.0.113.5' } })).status).toBe(200);
  } finally {
    await proxied.dispose();
  }
});

test('signing out ends the session and closes the agent sockets opened with it', async () => {
  const cookie = cookieOf(await signIn(base, 'alex@example.com', PASSWORD));
  const agent = await openAgentSocket(base, { Origin: base, Cookie: cookie });
  expect(agent.status).toBe(101);
  expect((await hello(agent.socket!, 'Someone Else')).you.name).toBe('Alex Kim');
  const out = await send(base, 'POST', '/inbox/logout', { headers: { Cookie: cookie, Origin: base } });
  expect(out.status).toBe(200);
  expect(out.headers['set-cookie']).toEqual(['natter_inbox=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0']);
  expect(await agent.closed).toBe(4401);
  // The old cookie is worth nothing now.
  expect((await send(base, 'GET', '/inbox/session', { headers: { Cookie: cookie } })).status).toBe(401);
  expect((await openAgentSocket(base, { Origin: base, Cookie: cookie })).status).toBe(401);
  expect((await send(base, 'GET', '/inbox', { headers: { Cookie: cookie } })).body).toContain('data-testid="sign-in"');
});

test('a new password ends the sessions; revoked tokens and a removed account end their sockets', async () => {
  const cookie = cookieOf(await signIn(base, 'sam@example.com', PASSWORD, { from: '127.0.0.50' }));
  const token = (await agentsCommand(backend.dataDir, ['token', 'sam@example.com'])).stdout.trim();
  const bySession = await openAgentSocket(base, { Origin: base, Cookie: cookie });
  const byToken = await openAgentSocket(base, { Authorization: `Bearer ${token}` });
  expect([bySession.status, byToken.status]).toEqual([101, 101]);

  expect((await agentsCommand(backend.dataDir, ['password', 'sam@example.com'], 'another long password')).code).toBe(0);
  expect((await send(base, 'GET', '/inbox/session', { headers: { Cookie: cookie } })).status).toBe(401);
  expect(await bySession.closed).toBe(4401);
  expect(byToken.socket!.readyState).toBe(byToken.socket!.OPEN);

  expect((await agentsCommand(backend.dataDir, ['revoke-tokens', 'sam@example.com'])).code).toBe(0);
  expect(await byToken.closed).toBe(4401);
  expect((await openAgentSocket(base, { Authorization: `Bearer ${token}` })).status).toBe(401);

  const kim = await agentsCommand(backend.dataDir, ['token', 'kim@example.com']);
  const kimSocket = await openAgentSocket(base, { Authorization: `Bearer ${kim.stdout.trim()}` });
  expect((await agentsCommand(backend.dataDir, ['remove', 'kim@example.com'])).code).toBe(0);
  expect(await kimSocket.closed).toBe(4401);
});

test('a session unused for INBOX_SESSION_IDLE_MS has ended', async () => {
  const idle = new Backend(await freePort(), { BOT: 'off', INBOX_SESSION_IDLE_MS: '1500' });
  try {
    expect((await agentsCommand(idle.dataDir, ['add', 'alex@example.com', '--name', 'Alex'])).code).toBe(0);
    await idle.start();
    const cookie = cookieOf(await signIn(idle.url, 'alex@example.com', PASSWORD));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    // Use keeps it going…
    expect((await send(idle.url, 'GET', '/inbox/session', { headers: { Cookie: cookie } })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await openAgentSocket(idle.url, { Origin: idle.url, Cookie: cookie })).status).toBe(101);
    // …and without use it ends.
    await new Promise((resolve) => setTimeout(resolve, 1700));
    expect((await openAgentSocket(idle.url, { Origin: idle.url, Cookie: cookie })).status).toBe(401);
    expect((await send(idle.url, 'GET', '/inbox/session', { headers: { Cookie: cookie } })).status).toBe(401);
  } finally {
    await idle.dispose();
  }
});
