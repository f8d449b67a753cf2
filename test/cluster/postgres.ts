/**
 * A throwaway PostgreSQL 15 (Debian's) for the ejabberd cluster: its own data directory, listening on
 * 127.0.0.1 only (its Unix socket in that directory), trust authentication because nothing but this machine
 * reaches it, and ejabberd's schema (`pg.new.sql`, for `new_sql_schema: true`) loaded into `ejabberd`.
 */
import { execFile } from 'node:child_process';
import { chownSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../e2e/free-port.ts';

const run = promisify(execFile);
const BIN = '/usr/lib/postgresql/15/bin';
export const SCHEMA = '/usr/share/ejabberd/sql/pg.new.sql';

export class Postgres {
  readonly dir = mkdtempSync(path.join(tmpdir(), 'natter-pg-'));
  port = 0;

  get data(): string {
    return path.join(this.dir, 'data');
  }

  /** Runs a PostgreSQL program as the `postgres` user (it refuses to run as root). */
  async #as(program: string, ...args: string[]): Promise<string> {
    const { stdout } = await run('runuser', ['-u', 'postgres', '--', path.join(BIN, program), ...args], { timeout: 60_000 });
    return stdout;
  }

  async start(): Promise<void> {
    this.port = await freePort();
    const passwd = (await run('id', ['-u', 'postgres'])).stdout.trim();
    const group = (await run('id', ['-g', 'postgres'])).stdout.trim();
    chownSync(this.dir, Number(passwd), Number(group));
    await this.#as('initdb', '-D', this.data, '-U', 'postgres', '--auth=trust', '--no-sync');
    const options = `-c listen_addresses=127.0.0.1 -p ${this.port} -k ${this.dir} -c fsync=off`;
    await this.#as('pg_ctl', '-D', this.data, '-o', options, '-l', path.join(this.dir, 'postgres.log'), '-w', 'start');
    await this.psql('postgres', '-c', 'CREATE DATABASE ejabberd');
    await this.psql('ejabberd', '-q', '-f', SCHEMA);
  }

  psql(database: string, ...args: string[]): Promise<string> {
    return this.#as('psql', '-h', '127.0.0.1', '-p', String(this.port), '-U', 'postgres', '-d', database, '-v', 'ON_ERROR_STOP=1', ...args);
  }

  async stop(): Promise<void> {
    await this.#as('pg_ctl', '-D', this.data, '-m', 'fast', '-w', 'stop').catch(() => {});
  }
}
