/** `node demo/xmpp/router.ts` as an operator runs it: configured from the environment, against real Prosody. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { RouterFixture } from './router-fixture.ts';

const f = new RouterFixture();
let child: ChildProcess | undefined;
let output = '';
beforeAll(() => f.prosody.start());
afterAll(async () => {
  child?.kill('SIGTERM');
  await f.stop();
});

test('the router started from the command line answers a visitor, and a wrong secret is refused with a clear message', async () => {
  const env = {
    PATH: process.env.PATH,
    XMPP_COMPONENT_PORT: String(f.prosody.ports.component),
    XMPP_COMPONENT_DOMAIN: f.prosody.router,
    XMPP_ROOMS: f.prosody.rooms,
    XMPP_AGENTS: f.agentJid('ana'),
    DATA_DIR: mkdtempSync(path.join(tmpdir(), 'natter-router-cli-')),
    TEAM_NAME: 'Shop on XMPP',
  };
  const wrong = spawn(process.execPath, ['demo/xmpp/router.ts'], { env: { ...env, XMPP_COMPONENT_SECRET: 'wrong' } });
  let refused = '';
  wrong.stderr.on('data', (chunk) => (refused += chunk));
  wrong.stdout.on('data', (chunk) => (refused += chunk));
  expect(await new Promise((resolve) => wrong.once('exit', resolve))).toBe(1);
  expect(refused).toContain('check XMPP_COMPONENT_DOMAIN and XMPP_COMPONENT_SECRET');

  child = spawn(process.execPath, ['demo/xmpp/router.ts'], { env: { ...env, XMPP_COMPONENT_SECRET: f.prosody.routerSecret } });
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  for (let i = 0; i < 200 && !output.includes('connected as'); i++) await new Promise((r) => setTimeout(r, 25));
  expect(output).toContain(`XMPP router: connected as ${f.prosody.router}`);
  const visitor = await f.visitor('cli-visitor');
  expect(await f.hello(visitor)).toMatchObject({ type: 'welcome', team: 'Shop on XMPP', nick: 'Visitor' });
  // Prosody takes one connection per component: a second router is refused, and says why.
  await expect(f.startRouter([])).rejects.toThrow('conflict');
});
