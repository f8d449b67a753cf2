/**
 * Who can open the agent socket of the reference backend (a child process), and the inbox's sign-in in
 * Chromium: the attacks of issue 8 (the shop page's console, a local process without Origin, another site,
 * DNS rebinding, a LAN listener without accounts), the sign-in page, and the open first-run mode.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { Backend, freePort, launchChromium, root, startSite } from './harness';
import { agentsCommand, cookieOf, hello, openAgentSocket, PASSWORD, send, signIn } from './backend-inbox-requests';

let backend: Backend;
let base: string;
let chromium: Awaited<ReturnType<typeof launchChromium>>;

beforeAll(async () => {
  backend = new Backend(await freePort(), { BOT: 'off' });
  expect((await agentsCommand(backend.dataDir, ['add', 'alex@example.com', '--name', 'Alex Kim'])).code).toBe(0);
  await backend.start();
  base = backend.url;
  chromium = await launchChromium();
});

afterAll(async () => {
  await chromium?.dispose();
  await backend?.dispose();
});

test('a browser needs the inbox origin and a session; a client without Origin needs an agent token', async () => {
  const cookie = cookieOf(await signIn(base, 'alex@example.com', PASSWORD));
  const token = (await agentsCommand(backend.dataDir, ['token', 'alex@example.com'])).stdout.trim();
  const port = backend.port;
  const refused: Array<[string, Record<string, string>, number]> = [
    ['nothing', {}, 401],
    ['a wrong token', { Authorization: 'Bearer natter_agent_not-a-real-token' }, 401],
    ['a session cookie without Origin', { Cookie: cookie }, 401],
    ['the inbox origin without a session', { Origin: base }, 401],
    ['a made-up session', { Origin: base, Cookie: `natter_inbox=${randomBytes(32).toString('base64url')}` }, 401],
    ['another site', { Origin: 'http://evil.example', Cookie: cookie }, 403],
    // Same host, another port: the same site to the browser, so SameSite sends the cookie; Origin stops it.
    ['another port', { Origin: `http://127.0.0.1:${port + 1}`, Cookie: cookie }, 403],
    ['DNS rebinding', { Host: `evil.example:${port}`, Origin: `http://evil.example:${port}`, Cookie: cookie }, 403],
  ];
  for (const [what, headers, status] of refused) expect((await openAgentSocket(base, headers)).status, what).toBe(status);

  const bySession = await openAgentSocket(base, { Origin: base, Cookie: cookie });
  expect(bySession.status).toBe(101);
  // The account's name, not whatever the hello says.
  expect((await hello(bySession.socket!, 'Mallory')).you.name).toBe('Alex Kim');
  const byToken = await openAgentSocket(base, { Authorization: `Bearer ${token}` });
  expect(byToken.status).toBe(101);
  expect((await hello(byToken.socket!)).you.name).toBe('Alex Kim');
  bySession.socket!.close();
  byToken.socket!.close();
});

/** What `new WebSocket(url)` in the page comes to: "open", or "refused". */
const tryAgentSocket = (page: Page, url: string) =>
  page.evaluate(
    (target) =>
      new Promise<string>((resolve) => {
        const ws = new WebSocket(target);
        ws.onopen = () => (ws.close(), resolve('open'));
        ws.onerror = () => resolve('refused');
      }),
    url,
  );

async function signInOnPage(context: BrowserContext, password = PASSWORD): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${base}/inbox`);
  await page.getByTestId('sign-in-email').fill('alex@example.com');
  await page.getByTestId('sign-in-password').fill(password);
  await page.getByTestId('sign-in-submit').click();
  return page;
}

test("the shop's pages cannot open it: not a visitor on the shop, nor another site in the agent's own browser", async () => {
  const agentSocket = `ws://127.0.0.1:${backend.port}/agent`;
  const visitor = await (await chromium.browser.newContext()).newPage();
  await visitor.goto(`${base}/`);
  expect(await tryAgentSocket(visitor, agentSocket)).toBe('refused');

  const agentContext = await chromium.browser.newContext();
  const inbox = await signInOnPage(agentContext);
  await inbox.locator('[data-testid="connection"].is-connected').waitFor();
  expect(await tryAgentSocket(inbox, agentSocket)).toBe('open');
  const site = await startSite(`ws://127.0.0.1:${backend.port}/natter`);
  try {
    const shop = await agentContext.newPage();
    await shop.goto(`${site.url}/`);
    expect(await tryAgentSocket(shop, agentSocket)).toBe('refused');
  } finally {
    await site.close();
    await agentContext.close();
  }
});

test('the inbox: a wrong password gets the generic message after a delay; signed in it says who; signing out', async () => {
  const context = await chromium.browser.newContext();
  const page = await signInOnPage(context, 'this is not the password');
  const started = Date.now();
  // The answer comes after 0.5–1 s on purpose, plus the hash: longer than expect.poll's default second.
  await expect.poll(() => page.getByTestId('sign-in-error').textContent(), { timeout: 5_000 }).toBe('Wrong email address or password.');
  expect(Date.now() - started).toBeGreaterThanOrEqual(400); // the click returned before the request was sent
  expect(await page.getByTestId('sign-in-password').inputValue()).toBe('');

  await page.getByTestId('sign-in-password').fill(PASSWORD);
  await page.getByTestId('sign-in-submit').click();
  await page.locator('[data-testid="connection"].is-connected').waitFor();
  expect(await page.getByTestId('account').textContent()).toBe('alex@example.com');
  expect(await page.getByTestId('agent-name').inputValue()).toBe('Alex Kim');
  expect(await page.getByTestId('agent-name').evaluate((input: HTMLInputElement) => input.readOnly)).toBe(true);
  expect(await page.getByTestId('open-banner').isVisible()).toBe(false);
  expect(await context.cookies()).toEqual([expect.objectContaining({ name: 'natter_inbox', path: '/', httpOnly: true, sameSite: 'Strict', secure: false, expires: -1 })]);
  expect(await page.evaluate(() => document.cookie)).toBe('');

  await page.getByTestId('sign-out').click();
  await page.getByTestId('sign-in').waitFor();
  expect(await context.cookies()).toEqual([]);
  await context.close();
});

test('without accounts: open on loopback with a banner, refused through a proxy; the first account locks it', async () => {
  const open = new Backend(await freePort(), { BOT: 'off' });
  try {
    await open.start();
    expect(open.output).toContain('no agent accounts');
    const page = await (await chromium.browser.newContext()).newPage();
    await page.goto(`${open.url}/inbox`);
    await page.locator('[data-testid="connection"].is-connected').waitFor();
    expect(await page.getByTestId('open-banner').textContent()).toContain('No agent accounts: anyone on this machine can answer.');
    expect(await page.getByTestId('sign-out').isVisible()).toBe(false);
    // A local process gets in as well: that is what "open" means, and why the banner is red.
    const local = await openAgentSocket(open.url, {});
    expect(local.status).toBe(101);
    const proxied: Array<Record<string, string>> = [{ 'X-Forwarded-For': '203.0.113.9' }, { Forwarded: 'for=203.0.113.9' }, { Host: 'chat.example.com' }];
    for (const headers of proxied) {
      expect((await openAgentSocket(open.url, headers)).status, JSON.stringify(headers)).toBe(403);
      expect((await send(open.url, 'GET', '/inbox', { headers })).status, JSON.stringify(headers)).toBe(403);
    }
    // The first account: open sockets close, and the open inbox goes to the sign-in page.
    expect((await agentsCommand(open.dataDir, ['add', 'alex@example.com', '--name', 'Alex'])).code).toBe(0);
    expect(await local.closed).toBe(4401);
    await page.getByTestId('sign-in').waitFor({ timeout: 10_000 });
    expect((await openAgentSocket(open.url, {})).status).toBe(401);
  } finally {
    await open.dispose();
  }
});

/** Runs the server as `npm run demo` would, expecting it to refuse to start; never lets it listen for long. */
function refusedStart(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['demo/server.ts'], { cwd: root, env: { ...process.env, PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    const read = (chunk: Buffer): void => {
      output += chunk;
      if (output.includes('Natter demo: shop')) child.kill('SIGKILL'); // it listened: kill it at once
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

test('beyond loopback without an agent account the server refuses to start, and says what to do', async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'natter-refuse-'));
  try {
    const lan = await refusedStart({ HOST: '0.0.0.0', DATA_DIR: dataDir });
    expect(lan.code).toBe(1);
    expect(lan.output).toContain('HOST=0.0.0.0 reaches beyond this machine, and there is no agent account yet');
    expect(lan.output).toContain('node demo/agents.ts add you@example.com --name "Your Name"');
    expect(lan.output).not.toContain('Natter demo: shop');
    const proxied = await refusedStart({ HOST: '127.0.0.1', INBOX_ORIGIN: 'https://inbox.example.com', DATA_DIR: dataDir });
    expect(proxied.code).toBe(1);
    expect(proxied.output).toContain('INBOX_ORIGIN=https://inbox.example.com reaches beyond this machine');
    expect((await refusedStart({ INBOX_ORIGIN: 'https://inbox.example.com/inbox', DATA_DIR: dataDir })).output).toContain('INBOX_ORIGIN must be an origin');

    // With an account the check passes: on an address this machine does not have (TEST-NET-1), listening
    // itself fails instead, so nothing is exposed here either.
    expect((await agentsCommand(dataDir, ['add', 'alex@example.com', '--name', 'Alex'])).code).toBe(0);
    const allowed = await refusedStart({ HOST: '192.0.2.1', DATA_DIR: dataDir });
    expect(allowed.code).toBe(1);
    expect(allowed.output).toContain('could not start');
    expect(allowed.output).not.toContain('no agent account');
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
