/**
 * Debian's ejabberd as a node of a test cluster: its own configuration, spool and log directories (owned by
 * the `ejabberd` user, whose Erlang cookie every node shares), node name `NAME@localhost`, and everything —
 * WebSocket, component port, Erlang distribution, epmd — on 127.0.0.1 only.
 */
import { execFile } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../e2e/free-port.ts';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const EJABBERDCTL = '/usr/sbin/ejabberdctl';

export interface ClusterSettings {
  domain: string;
  rooms: string;
  router: string;
  routerSecret: string;
  /** PostgreSQL on 127.0.0.1 at this port for everything (`default_db: sql`); absent: Mnesia. */
  postgresPort?: number;
}


export class EjabberdNode {
  readonly name: string;
  readonly dir: string;
  readonly settings: ClusterSettings;
  http = 0;
  component = 0;

  constructor(name: string, settings: ClusterSettings, base = mkdtempSync(path.join(tmpdir(), 'natter-ejabberd-'))) {
    this.name = name;
    this.settings = settings;
    this.dir = path.join(base, name);
  }

  get node(): string {
    return `${this.name}@localhost`;
  }

  get websocketUrl(): string {
    return `ws://127.0.0.1:${this.http}/xmpp-websocket`;
  }

  /** `ejabberdctl` for this node, with its own directories. */
  async ctl(...args: string[]): Promise<string> {
    const dirs = ['--config-dir', path.join(this.dir, 'config'), '--spool', path.join(this.dir, 'spool'), '--logs', path.join(this.dir, 'logs'), '--node', this.node];
    const { stdout } = await run(EJABBERDCTL, [...dirs, ...args], { timeout: 60_000 });
    return stdout;
  }

  async start(): Promise<void> {
    this.http ||= await freePort();
    this.component ||= await freePort();
    for (const sub of ['config', 'spool', 'logs']) mkdirSync(path.join(this.dir, sub), { recursive: true });
    writeFileSync(path.join(this.dir, 'config', 'ejabberd.yml'), this.config());
    writeFileSync(
      path.join(this.dir, 'config', 'ejabberdctl.cfg'),
      [
        `ERLANG_NODE=${this.node}`,
        'INET_DIST_INTERFACE=127.0.0.1',
        'ERL_EPMD_ADDRESS=127.0.0.1',
        `EJABBERD_PID_PATH=${path.join(this.dir, 'spool', 'ejabberd.pid')}`,
        'EJABBERD_BYPASS_WARNINGS=true',
        '',
      ].join('\n'),
    );
    writeFileSync(path.join(this.dir, 'config', 'inetrc'), '{lookup,["file","native"]}.\n{host,{127,0,0,1}, ["localhost"]}.\n{file, resolv, "/etc/resolv.conf"}.\n');
    chownTree(path.dirname(this.dir));
    await this.ctl('start');
    await this.ctl('started');
  }

  async stop(): Promise<void> {
    await this.ctl('stop').catch(() => {});
    await this.ctl('stopped').catch(() => {});
  }

  config(): string {
    const s = this.settings;
    const sql =
      s.postgresPort === undefined
        ? ''
        : `default_db: sql
sql_type: pgsql
sql_server: 127.0.0.1
sql_port: ${s.postgresPort}
sql_database: ejabberd
sql_username: postgres
sql_password: ""
new_sql_schema: true
`;
    return `hosts:
  - ${s.domain}
${sql}loglevel: info
certfiles: []
registration_timeout: infinity
listen:
  -
    port: ${this.http}
    ip: "127.0.0.1"
    module: ejabberd_http
    request_handlers:
      /xmpp-websocket: ejabberd_http_ws
  -
    port: ${this.component}
    ip: "127.0.0.1"
    module: ejabberd_service
    hosts:
      ${s.router}:
        password: "${s.routerSecret}"
acl:
  router:
    server: ${s.router}
access_rules:
  router_only:
    allow: router
  register:
    allow: all
modules:
  mod_disco: {}
  mod_ping: {}
  mod_roster: {}
  mod_register:
    access: register
  mod_mam:
    default: always
  mod_muc:
    host: ${s.rooms}
    access_create: router_only
    access_admin: router_only
    access_persistent: router_only
    history_size: 0
    default_room_options:
      persistent: true
      members_only: true
      public: false
      mam: true
`;
  }
}

/** The nodes run as `ejabberd`: hand it the directories. */
function chownTree(dir: string): void {
  const entry = readFileSync('/etc/passwd', 'utf8').split('\n').find((line) => line.startsWith('ejabberd:'))?.split(':');
  if (!entry || entry.length < 4) throw new Error('there is no ejabberd user: apt-get install ejabberd');
  const [uid, gid] = [Number(entry[2]), Number(entry[3])];
  const walk = (at: string): void => {
    chownSync(at, uid, gid);
    for (const child of readdirSync(at, { withFileTypes: true })) {
      if (child.isDirectory()) walk(path.join(at, child.name));
      else chownSync(path.join(at, child.name), uid, gid);
    }
  };
  walk(dir);
}
