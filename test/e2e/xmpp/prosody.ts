/**
 * Debian's Prosody, started by the tests themselves on loopback with a generated configuration: one
 * visitors' host, a group-chat service with archives, and the routing component's port. Each instance keeps
 * its data in its own directory (SQLite), so a restart keeps rooms and archives.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePorts } from '../free-port.ts';

const PROSODY = process.env.PROSODY_PATH ?? '/usr/bin/prosody';

export interface ProsodyPorts {
  c2s: number;
  http: number;
  component: number;
}

export interface ProsodyOptions {
  /** The visitors' (and agents') host. */
  domain?: string;
  /** The group-chat service's host. */
  rooms?: string;
  /** The routing component's host and secret. */
  router?: string;
  routerSecret?: string;
  /** Lua lines added to the global section, such as `'allow_registration = false'`. */
  extra?: string[];
  /** Modules left out of the global list, to test a server that lacks a feature (such as `'register'`). */
  without?: string[];
}

const MODULES = ['roster', 'saslauth', 'disco', 'ping', 'register', 'mam', 'websocket', 'http', 'posix'];

export class Prosody {
  readonly dataDir = mkdtempSync(path.join(tmpdir(), 'natter-prosody-'));
  readonly domain: string;
  readonly rooms: string;
  readonly router: string;
  readonly routerSecret: string;
  output = '';
  #child: ChildProcess | undefined;
  #ports: ProsodyPorts | undefined;

  constructor(readonly options: ProsodyOptions = {}) {
    this.domain = options.domain ?? 'localhost';
    this.rooms = options.rooms ?? `rooms.${this.domain}`;
    this.router = options.router ?? `router.${this.domain}`;
    this.routerSecret = options.routerSecret ?? 'router-secret-for-tests';
  }

  get ports(): ProsodyPorts {
    if (!this.#ports) throw new Error('Prosody has not been started');
    return this.#ports;
  }

  /** The RFC 7395 endpoint the widget connects to. */
  get websocketUrl(): string {
    return `ws://127.0.0.1:${this.ports.http}/xmpp-websocket`;
  }

  config(ports: ProsodyPorts): string {
    const modules = MODULES.filter((name) => !this.options.without?.includes(name));
    const list = (items: string[]) => `{ ${items.map((item) => JSON.stringify(item)).join('; ')} }`;
    return [
      'run_as_root = true',
      `pidfile = ${JSON.stringify(path.join(this.dataDir, 'prosody.pid'))}`,
      `data_path = ${JSON.stringify(path.join(this.dataDir, 'data'))}`,
      `certificates = ${JSON.stringify(path.join(this.dataDir, 'certs'))}`,
      'log = { { levels = { min = "info" }, to = "console" } }',
      'interfaces = { "127.0.0.1" }',
      'local_interfaces = { "127.0.0.1" }',
      `c2s_ports = { ${ports.c2s} }`,
      'c2s_direct_tls_ports = { }',
      's2s_ports = { }',
      `component_ports = { ${ports.component} }`,
      'component_interfaces = { "127.0.0.1" }',
      `http_ports = { ${ports.http} }`,
      'http_interfaces = { "127.0.0.1" }',
      'https_ports = { }',
      `modules_enabled = ${list(modules)}`,
      'modules_disabled = { "s2s"; "tls" }',
      'c2s_require_encryption = false',
      'allow_unencrypted_plain_auth = true',
      'authentication = "internal_hashed"',
      'storage = "sql"',
      'sql = { driver = "SQLite3", database = "prosody.sqlite" }',
      // Prosody forgets archives after a week by default: a conversation must last.
      'archive_expires_after = "never"',
      'consider_websocket_secure = true',
      `allow_registration = ${modules.includes('register') ? 'true' : 'false'}`,
      // Tests register many visitors from one address in a few seconds.
      'min_seconds_between_registrations = 0',
      ...(this.options.extra ?? []),
      `VirtualHost ${JSON.stringify(this.domain)}`,
      `Component ${JSON.stringify(this.rooms)} "muc"`,
      '  modules_enabled = { "muc_mam" }',
      '  muc_room_locking = false',
      '  muc_log_all_rooms = true',
      '  muc_log_expires_after = "never"',
      '  restrict_room_creation = true',
      // Only the router creates rooms; as an admin of the service it is also every room's owner.
      `  admins = { ${JSON.stringify(this.router)} }`,
      `Component ${JSON.stringify(this.router)}`,
      `  component_secret = ${JSON.stringify(this.routerSecret)}`,
      '',
    ].join('\n');
  }

  /**
   * Starts Prosody (again, on the same ports, after a stop). A free port can be taken by another process
   * between `freePort` and Prosody binding it (other test runs share the machine), and Prosody then runs on
   * without that port while the other process answers on it: so a start counts only once Prosody's own log
   * says it serves every port, and a first start that lost a port tries again on fresh ones.
   */
  async start(): Promise<void> {
    if (!existsSync(PROSODY)) throw new Error(`${PROSODY} is missing: apt-get install prosody (.ci/run does)`);
    const fresh = !this.#ports;
    for (let attempt = 1; ; attempt++) {
      if (!this.#ports) {
        // Three distinct ports: picked one after another, the system may hand the same one out twice.
        const [c2s, http, component] = await freePorts(3);
        this.#ports = { c2s: c2s!, http: http!, component: component! };
      }
      const outcome = await this.#spawn(this.#ports);
      if (outcome === 'ok') return;
      await this.stop('SIGKILL');
      if (attempt === 3) throw new Error(`prosody could not bind its ports ${JSON.stringify(this.#ports)} in 3 attempts:\n${this.output}`);
      if (fresh) this.#ports = undefined;
      else await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  async #spawn(ports: ProsodyPorts): Promise<'ok' | 'port taken'> {
    mkdirSync(path.join(this.dataDir, 'data'), { recursive: true });
    const file = path.join(this.dataDir, 'prosody.cfg.lua');
    writeFileSync(file, this.config(ports));
    const since = this.output.length;
    const child = spawn(PROSODY, ['--config', file, '-F'], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child = child;
    child.stdout!.on('data', (chunk) => (this.output += chunk));
    child.stderr!.on('data', (chunk) => (this.output += chunk));
    const served = (name: string, port: number) => this.output.includes(`Activated service '${name}' on [127.0.0.1]:${port}`, since);
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`prosody exited with ${child.exitCode}:\n${this.output}`);
      if (this.output.includes('Failed to open server port', since)) return 'port taken';
      if (served('http', ports.http) && served('component', ports.component) && served('c2s', ports.c2s) && (await listening(ports.http))) return 'ok';
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`prosody did not serve its ports within 15 s:\n${this.output}`);
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

/** Writes a throwaway file next to the data (handy for a test's own configuration pieces). */
export function writeBeside(prosody: Prosody, name: string, text: string): string {
  const file = path.join(prosody.dataDir, name);
  writeFileSync(file, text);
  return file;
}
