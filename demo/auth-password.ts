/**
 * Agent passwords: scrypt from node:crypto, a memory-hard KDF (RFC 7914), with a random 16-byte salt per
 * password. The stored string names its parameters, so stronger ones later still verify old hashes:
 *
 *   scrypt$<N>$<r>$<p>$<salt, base64url>$<hash, base64url>
 *
 * N = 2^15 and r = 8 need 32 MiB per hash (128 · N · r bytes) and take ~50–150 ms on one core. The work runs
 * on libuv's thread pool, never on the event loop.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const N = 2 ** 15;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 1024;

/** What is wrong with a new password, or undefined. Length is what matters; no composition rules. */
export function passwordProblem(password: string): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH) return `A password needs at least ${MIN_PASSWORD_LENGTH} characters.`;
  if (password.length > MAX_PASSWORD_LENGTH) return `A password can have at most ${MAX_PASSWORD_LENGTH} characters.`;
  if (password.trim() !== password) return 'A password must not begin or end with spaces.';
  return undefined;
}

function derive(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  // Twice what the parameters need: Node refuses anything at or above maxmem.
  const options: ScryptOptions = { N: n, r, p, maxmem: 2 * 128 * n * r * p + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const key = await derive(password, salt, N, R, P);
  return ['scrypt', N, R, P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Whether `stored` looks like something `hashPassword` wrote (the accounts file is checked on load). */
export function isPasswordHash(stored: unknown): stored is string {
  return typeof stored === 'string' && parse(stored) !== undefined;
}

function parse(stored: string) {
  const [kind, n, r, p, salt, key] = stored.split('$');
  if (kind !== 'scrypt' || salt === undefined || key === undefined) return undefined;
  const [cost, blockSize, parallel] = [Number(n), Number(r), Number(p)];
  // Bounds keep a tampered file from asking for gigabytes.
  if (!Number.isInteger(Math.log2(cost)) || cost < 2 ** 14 || cost > 2 ** 20) return undefined;
  if (!Number.isInteger(blockSize) || blockSize < 1 || blockSize > 32 || !Number.isInteger(parallel) || parallel < 1 || parallel > 4) return undefined;
  return { cost, blockSize, parallel, salt: Buffer.from(salt, 'base64url'), key: Buffer.from(key, 'base64url') };
}

/** Whether `password` matches `stored`, compared in constant time. A malformed `stored` never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (parsed === undefined || parsed.key.length !== KEY_LENGTH) return false;
  const key = await derive(password, parsed.salt, parsed.cost, parsed.blockSize, parsed.parallel);
  return timingSafeEqual(key, parsed.key);
}

/**
 * A hash of a password nobody knows, for sign-ins with an unknown address: verifying against it costs the
 * same as against a real account, so the answer's timing does not tell which addresses have accounts.
 */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  return (decoy ??= hashPassword(randomBytes(32).toString('base64url')));
}
