/**
 * `npm run test:cluster`: the router and the widget's XMPP mapping on a two-node ejabberd cluster (Debian's
 * ejabberd 23.01, Mnesia). A visitor on node A and an agent on node B chat through a room the router made;
 * then node A stops: the router moves to B, the visitor reconnects to B, and the room's history is intact
 * and writable. `CLUSTER_DB=pgsql` puts both nodes on one PostgreSQL (Debian's postgresql-15 and
 * erlang-p1-pgsql), as production would. `npm test` runs it on Mnesia (test/e2e/xmpp/cluster.test.ts).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startRouter, type RunningRouter } from '../../demo/xmpp/service.ts';
import { el, XmppClient, type XmlElement } from '../e2e/xmpp/client.ts';
import { EJABBERDCTL, EjabberdNode } from './ejabberd.ts';
import { Postgres } from './postgres.ts';

const SETTINGS = { domain: 'localhost', rooms: 'rooms.localhost', router: 'router.localhost', routerSecret: 'cluster-secret-for-tests' };
const ROUTER_NS = 'urn:natter:router:0';
const started = Date.now();
const step = (what: string): void => console.log(`[cluster] ${((Date.now() - started) / 1000).toFixed(1)} s  ${what}`);

async function request(client: XmppClient, frame: object): Promise<Record<string, unknown>> {
  const result = await client.iq(el('iq', { type: 'set', to: SETTINGS.router }, el('frame', { xmlns: ROUTER_NS }, JSON.stringify(frame))), 10_000);
  return JSON.parse(result.child('frame')!.text()) as Record<string, unknown>;
}

async function enter(client: XmppClient, room: string, nick: string): Promise<void> {
  const since = client.received.length;
  client.send(el('presence', { to: `${room}/${nick}` }, el('x', { xmlns: 'http://jabber.org/protocol/muc' })));
  const answer = await client.waitFor((s) => s.name === 'presence' && s.attrs.from === `${room}/${nick}`, { since, what: `entering ${room}`, timeoutMs: 10_000 });
  assert.equal(answer.attrs.type, undefined, `entering ${room} as ${nick}: ${answer.toString()}`);
}

const groupchat = (room: string, id: string, text: string): XmlElement =>
  el('message', { type: 'groupchat', to: room, id }, el('body', {}, text), el('origin-id', { xmlns: 'urn:xmpp:sid:0', id }));

const said = (room: string, text: string) => (s: XmlElement): boolean =>
  s.name === 'message' && s.attrs.type === 'groupchat' && (s.attrs.from ?? '').startsWith(`${room}/`) && s.childText('body') === text;

async function main(): Promise<void> {
  if (!existsSync(EJABBERDCTL)) throw new Error(`${EJABBERDCTL} is missing: apt-get install ejabberd (Debian 12: 23.01)`);
  const base = mkdtempSync(path.join(tmpdir(), 'natter-cluster-'));
  // CLUSTER_DB=pgsql: the nodes keep everything (accounts, rooms, archives) in PostgreSQL, as in production.
  const postgres = process.env.CLUSTER_DB === 'pgsql' ? new Postgres() : undefined;
  if (postgres) {
    await postgres.start().catch(async (error: unknown) => {
      await postgres.stop();
      throw error;
    });
    step(`PostgreSQL on 127.0.0.1:${postgres.port} with ejabberd's schema`);
  }
  const settings = { ...SETTINGS, ...(postgres && { postgresPort: postgres.port }) };
  const a = new EjabberdNode('ejabA', settings, base);
  const b = new EjabberdNode('ejabB', settings, base);
  const clients: XmppClient[] = [];
  const epmd = { env: { ...process.env, ERL_EPMD_ADDRESS: '127.0.0.1' }, stdio: 'ignore' as const };
  const epmdWasRunning = spawnSync('epmd', ['-names'], epmd).status === 0;
  let router: RunningRouter | undefined;
  let ok = false;
  try {
    await a.start();
    step(`node A started (WebSocket ${a.http}, component ${a.component})`);
    await b.start();
    await b.ctl('join_cluster', a.node);
    await b.ctl('started');
    step(`node B joined: ${(await a.ctl('list_cluster')).trim().split('\n').join(', ')}`);
    // Everything a test starts listens on loopback only — epmd and Erlang distribution included.
    const listeners = execFileSync('ss', ['-ltnpH'], { encoding: 'utf8' }).split('\n').filter((line) => /beam|epmd/.test(line));
    // epmd adds the IPv6 loopback to ERL_EPMD_ADDRESS by itself.
    const open = listeners.filter((line) => !/\s(127\.0\.0\.1|\[::1\]):\d+\s/.test(line));
    assert.deepEqual(open, [], 'ejabberd, Erlang distribution and epmd listen on loopback only');
    step(`${listeners.length} Erlang listeners, all on loopback`);

    router = await startRouter({
      componentPort: a.component,
      moreEndpoints: [{ host: '127.0.0.1', port: b.component }],
      domain: settings.router,
      secret: settings.routerSecret,
      rooms: settings.rooms,
      agents: [`agent@${settings.domain}`],
      dataDir: mkdtempSync(path.join(base, 'router-')),
      log: (line) => step(line),
    });

    const login = async (url: string, user: string, register: boolean): Promise<XmppClient> => {
      const client = await XmppClient.login(url, settings.domain, user, `password-of-${user}`, { register });
      clients.push(client);
      return client;
    };
    const visitorName = `v${'c0ffee'.repeat(7).slice(0, 40)}`;
    const visitor = await login(a.websocketUrl, visitorName, true);
    const agent = await login(b.websocketUrl, 'agent', true);
    agent.send(el('presence', { to: settings.router }));
    step('visitor logged in on A, agent on B');

    const welcome = await request(visitor, { type: 'hello', v: 1, visitorId: 'x' });
    assert.equal(welcome.type, 'welcome', JSON.stringify(welcome));
    const room = String(welcome.room);
    await enter(visitor, room, String(welcome.nick));
    step(`welcome: room ${room}, availability ${JSON.stringify(welcome.availability)}`);

    assert.deepEqual(await request(visitor, { type: 'live', action: 'start' }), { type: 'ok' });
    await agent.waitFor((s) => s.name === 'message' && s.child('x', 'jabber:x:conference')?.attrs.jid === room, { what: 'invitation on B', timeoutMs: 10_000 });
    await enter(agent, room, 'Agnes');
    await visitor.waitFor((s) => s.name === 'message' && s.attrs.type === 'headline' && s.childText('frame')?.includes('"state":"live"') === true, { what: 'live session', timeoutMs: 10_000 });
    step('agent on B invited by the router, entered; the session is live');

    visitor.send(groupchat(room, 'm1', 'Hello from node A'));
    await agent.waitFor(said(room, 'Hello from node A'), { what: 'visitor message on B' });
    agent.send(groupchat(room, 'm2', 'Hello from node B'));
    await visitor.waitFor(said(room, 'Hello from node B'), { what: 'agent message on A' });
    const before = (await visitor.mam(room)).items.map((item) => item.message.childText('body'));
    step(`chatting across nodes; archive: ${before.length} items`);

    await a.stop();
    step('node A stopped');
    const ping = () => agent.iq(el('iq', { type: 'get', to: settings.router }, el('ping', { xmlns: 'urn:xmpp:ping' })), 2000).then(() => true, () => false);
    for (let i = 0; i < 100 && !(router.component.online && (await ping())); i++) await new Promise((resolve) => setTimeout(resolve, 200));
    assert.ok(router.component.online, 'the router reconnected');
    step('the router is back, on node B');

    // The room ran on A: its occupants were told "system shutdown" (status 332). On B it starts again, from
    // the database, when someone enters; a client re-enters and catches up from the archive.
    await agent.waitFor((s) => s.name === 'presence' && s.attrs.from === `${room}/Agnes` && s.attrs.type === 'unavailable', { what: 'the shutdown notice' });
    await enter(agent, room, 'Agnes');
    const again = await login(b.websocketUrl, visitorName, false);
    const second = await request(again, { type: 'hello', v: 1, visitorId: 'x' });
    assert.equal(second.room, room, 'the same room after failover');
    await enter(again, room, String(second.nick));
    const after = (await again.mam(room)).items.map((item) => item.message.childText('body'));
    assert.deepEqual(after.slice(0, before.length), before, 'the archive read on B after A stopped');
    again.send(groupchat(room, 'm3', 'Still here, now on B'));
    await agent.waitFor(said(room, 'Still here, now on B'), { what: 'visitor message after failover' });
    agent.send(groupchat(room, 'm4', 'Me too'));
    await again.waitFor(said(room, 'Me too'), { what: 'agent message after failover' });
    step(`visitor reconnected to B: history intact (${after.length} items: ${after.join(' | ')}), both still write`);
    if (postgres) {
      const [local] = room.split('@');
      const rows = await postgres.psql('ejabberd', '-tA', '-c', `SELECT (SELECT count(*) FROM muc_room WHERE name = '${local}'), (SELECT count(*) FROM archive WHERE username = '${room}')`);
      const [rooms, archived] = rows.trim().split('|').map(Number);
      assert.equal(rooms, 1, 'the room is stored in PostgreSQL');
      assert.ok(archived! >= after.length + 2, `the room's archive is in PostgreSQL (${archived} rows)`);
      step(`PostgreSQL holds the room and ${archived} archived messages`);
    }
    ok = true;
  } finally {
    for (const client of clients) client.close();
    await router?.stop();
    await b.stop();
    await a.stop();
    // The nodes started epmd; stop it unless it was there before.
    if (!epmdWasRunning) spawnSync('epmd', ['-kill'], epmd);
    await postgres?.stop();
    const dirs = postgres ? [base, postgres.dir] : [base];
    if (ok) {
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    } else {
      console.error(`[cluster] logs kept in ${dirs.join(' and ')}`);
    }
  }
}

main().then(
  () => {
    step('passed');
    process.exit(0);
  },
  (error: unknown) => {
    console.error(`[cluster] FAILED: ${(error as Error).stack ?? String(error)}`);
    process.exit(1);
  },
);
