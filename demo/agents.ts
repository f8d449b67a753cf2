/**
 * Agent accounts of the reference backend, on the command line (Node ≥ 24):
 *
 *   node demo/agents.ts add alex@example.com --name "Alex Kim"
 *   node demo/agents.ts password alex@example.com
 *   node demo/agents.ts rename alex@example.com --name "Alex K."
 *   node demo/agents.ts remove alex@example.com
 *   node demo/agents.ts token alex@example.com          # for a bot or script: Authorization: Bearer <token>
 *   node demo/agents.ts revoke-tokens alex@example.com
 *   node demo/agents.ts list
 *
 * It works on `DATA_DIR/agents.json` (DATA_DIR as for the server). Passwords are asked twice without echo, or
 * read from NATTER_AGENT_PASSWORD, or from the first line of stdin when that is not a terminal. A running
 * server sees every change at once: a new password or a removed account ends that agent's sessions.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { AgentAccounts, accountsPath, isEmail, normalizeEmail } from './auth-accounts.ts';
import { hashPassword, passwordProblem } from './auth-password.ts';
import { CliError, readNewPassword } from './agents-prompt.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const usage = (file: string): string => `Usage: node demo/agents.ts <command>
  add <email> --name "<name>"     create an agent account (asks for a password)
  password <email>                set a new password; signs the agent out everywhere
  rename <email> --name "<name>"  change the name visitors see
  remove <email>                  delete the account, its tokens and its sessions
  token <email>                   print a new agent token for clients that are not browsers
  revoke-tokens <email>           delete every token of the account
  list                            show the accounts (never passwords or tokens)
Accounts live in DATA_DIR/agents.json (now ${file}).
The password comes from NATTER_AGENT_PASSWORD, else it is asked twice (no echo), else stdin's first line.`;

const COMMANDS = new Set(['add', 'password', 'rename', 'remove', 'token', 'revoke-tokens', 'list']);


function checkedName(name: string | undefined): string {
  const trimmed = name?.trim() ?? '';
  if (trimmed === '' || trimmed.length > 200) throw new CliError('Give the agent a name with --name "Alex Kim" (1–200 characters).');
  return trimmed;
}

async function newPasswordHash(): Promise<string> {
  const password = await readNewPassword(process.env.NATTER_AGENT_PASSWORD);
  const problem = passwordProblem(password);
  if (problem !== undefined) throw new CliError(problem);
  return hashPassword(password);
}

export async function agentsCommand(argv: string[], dataDir: string, out: (line: string) => void): Promise<void> {
  const file = accountsPath(dataDir);
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { name: { type: 'string' } }, allowPositionals: true });
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n\n${usage(file)}`);
  }
  const { values, positionals } = parsed;
  const [command, rawEmail, ...rest] = positionals;
  const accounts = new AgentAccounts(file);
  if (command === undefined || !COMMANDS.has(command) || rest.length > 0) throw new CliError(usage(file));
  if (command === 'list') {
    const all = accounts.all();
    if (all.length === 0) out(`No agent accounts in ${file}.`);
    for (const a of all) out(`${a.email}\t${a.name}\t${a.tokens.length} token(s)`);
    return;
  }
  const email = normalizeEmail(rawEmail ?? '');
  if (!isEmail(email)) throw new CliError(`"${rawEmail ?? ''}" is not an email address.\n\n${usage(file)}`);
  const existing = accounts.find(email);
  if (command === 'add') {
    if (existing) throw new CliError(`${email} already has an account; use "password" or "rename".`);
    const name = checkedName(values.name);
    accounts.add({ email, name, password: await newPasswordHash(), passwordChangedAt: Date.now() });
    out(`Added ${email} (${name}). They sign in on the inbox, /inbox. Stored in ${file}.`);
    return;
  }
  if (!existing) throw new CliError(`There is no account ${email} in ${file}.`);
  switch (command) {
    case 'password': {
      const password = await newPasswordHash();
      accounts.update(email, (a) => ({ ...a, password, passwordChangedAt: Date.now() }));
      out(`New password set for ${email}; their sessions have ended.`);
      return;
    }
    case 'rename': {
      const name = checkedName(values.name);
      accounts.update(email, (a) => ({ ...a, name }));
      out(`${email} is now called ${name} (from their next connection).`);
      return;
    }
    case 'remove':
      accounts.remove(email);
      out(`Removed ${email}, with their tokens and sessions.`);
      return;
    case 'token':
      out(accounts.createToken(email));
      process.stderr.write(`A new agent token for ${email}, shown this once. Send it as "Authorization: Bearer <token>".\n`);
      return;
    case 'revoke-tokens':
      accounts.update(email, (a) => ({ ...a, tokens: [] }));
      out(`Revoked every token of ${email}.`);
      return;
  }
}

if (import.meta.main) {
  const dataDir = path.resolve(process.env.DATA_DIR || path.join(repoRoot, '.demo-data'));
  agentsCommand(process.argv.slice(2), dataDir, (line) => console.log(line)).catch((error: unknown) => {
    if (error instanceof CliError || (error as NodeJS.ErrnoException).code === 'NATTER_CONFIG') console.error((error as Error).message);
    else console.error('natter agents:', error);
    process.exit(1);
  });
}
