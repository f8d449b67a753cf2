/**
 * The reference backend's files: slots granted to a conversation's visitor over the socket (one per message
 * client id), bytes PUT to the slot with its secret key, checked from the bytes (files-check.ts) and kept
 * under random names in `dataDir/files/`, each with a JSON sidecar. A file is read with its own read key
 * (handed only to the conversation, in its items) or by an agent. Nothing of the sender's name or claimed
 * type reaches the disk as a path, or a browser unchecked.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { WireFile } from '../src/protocol/wire.ts';
import { cleanName, sniff } from './files-check.ts';

/** What the backend takes (`LIMIT_FILE_BYTES`, `LIMIT_FILE_TYPES`). */
export interface FileLimits {
  maxBytes: number;
  types: string[];
}

interface StoredFile {
  id: string;
  conversationId: string;
  clientId: string;
  name: string;
  size: number;
  /** Claimed by the sender at the slot; checked against the bytes. */
  claimed: string;
  /** Found in the bytes, once uploaded. */
  type?: string;
  putKey: string;
  readKey: string;
}

const ID = /^[A-Za-z0-9_-]{22}$/;
/** Slots granted and not uploaded yet, per conversation: a visitor cannot pile up unused ones. */
const MAX_WAITING_SLOTS = 20;
const random = () => randomBytes(16).toString('base64url');
const sameKey = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

export type PutResult = { status: 201 } | { status: 400 | 403 | 404 | 413 | 415; message: string };

export class FileStore {
  readonly limits: FileLimits;
  readonly #dir: string;
  readonly #byId = new Map<string, StoredFile>();
  readonly #bySlot = new Map<string, StoredFile>();

  constructor(dataDir: string, limits: FileLimits) {
    this.limits = limits;
    this.#dir = path.join(dataDir, 'files');
    mkdirSync(this.#dir, { recursive: true });
    for (const name of readdirSync(this.#dir)) {
      if (!name.endsWith('.json')) continue;
      try {
        const file = JSON.parse(readFileSync(path.join(this.#dir, name), 'utf8')) as StoredFile;
        if (ID.test(file.id) && `${file.id}.json` === name) this.#keep(file);
      } catch {
        console.warn(`Natter files: skipped an unreadable ${name}`);
      }
    }
  }

  /** A slot for the file of message `clientId`: the same one when asked again; a string says why not. */
  slot(conversationId: string, clientId: string, name: string, size: number, claimed: string): StoredFile | string {
    const known = this.#bySlot.get(`${conversationId}\n${clientId}`);
    if (known) return known;
    if (size > this.limits.maxBytes) return `The file has ${size} bytes; the limit is ${this.limits.maxBytes}.`;
    if (!this.limits.types.includes(claimed)) return `Files of type "${claimed}" are not taken here; send one of ${this.limits.types.join(', ')}.`;
    let waiting = 0;
    for (const file of this.#byId.values()) if (file.conversationId === conversationId && file.type === undefined) waiting++;
    if (waiting >= MAX_WAITING_SLOTS) return `${waiting} files of this conversation are waiting to be uploaded: upload them (or wait) before asking for more.`;
    const file: StoredFile = { id: random().slice(0, 22), conversationId, clientId, name: cleanName(name), size, claimed, putKey: random(), readKey: random() };
    this.#keep(file);
    return file;
  }

  /** Addresses of a slot, on this server's `origin`. */
  urls(origin: string, file: StoredFile): { put?: string; get: string } {
    const at = `${origin}/files/${file.id}`;
    return { ...(file.type === undefined && { put: `${at}?k=${file.putKey}` }), get: `${at}?k=${file.readKey}` };
  }

  /** Takes the bytes of slot `id`: within the limit, the claimed size, and of the claimed type by their magic numbers. */
  async put(id: string, key: string, body: AsyncIterable<Buffer>): Promise<PutResult> {
    const file = this.#byId.get(id);
    if (!file) return { status: 404, message: 'No such slot: ask for one again.' };
    if (!sameKey(key, file.putKey)) return { status: 403, message: 'This is not the key of the slot.' };
    if (file.type !== undefined) return { status: 201 };
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const chunk of body) {
      total += chunk.length;
      if (total > Math.min(file.size, this.limits.maxBytes)) return { status: 413, message: `More than the ${file.size} bytes the slot was asked for.` };
      chunks.push(chunk);
    }
    if (total !== file.size) return { status: 400, message: `${total} bytes, but the slot was asked for ${file.size}.` };
    const bytes = Buffer.concat(chunks);
    const type = sniff(bytes);
    if (type === undefined || type !== file.claimed || !this.limits.types.includes(type)) {
      return { status: 415, message: `The bytes are ${type ?? 'of no type taken here'}, not ${file.claimed}.` };
    }
    const at = path.join(this.#dir, file.id);
    writeFileSync(`${at}.part`, bytes);
    renameSync(`${at}.part`, at);
    file.type = type;
    writeFileSync(`${at}.json`, JSON.stringify(file));
    return { status: 201 };
  }

  /** A stored file, for a reader with its read key (or an agent: `key` undefined, `agent` true). */
  read(id: string, key: string | undefined, agent: boolean): (StoredFile & { path: string; type: string }) | undefined {
    const file = ID.test(id) ? this.#byId.get(id) : undefined;
    if (!file?.type || !(agent || (key !== undefined && sameKey(key, file.readKey)))) return undefined;
    return { ...file, type: file.type, path: path.join(this.#dir, file.id) };
  }

  /** The file a `send` or a `reply` names by its address, if it is an uploaded one of `conversationId`. */
  resolve(conversationId: string, url: string, origin: string): WireFile | undefined {
    const id = /\/files\/([A-Za-z0-9_-]{22})\?/.exec(url)?.[1];
    const file = id === undefined ? undefined : this.#byId.get(id);
    if (!file?.type || file.conversationId !== conversationId) return undefined;
    return { name: file.name, size: file.size, type: file.type, url: this.urls(origin, file).get };
  }

  #keep(file: StoredFile): void {
    this.#byId.set(file.id, file);
    this.#bySlot.set(`${file.conversationId}\n${file.clientId}`, file);
  }
}

/** `LIMIT_FILE_BYTES` (default 10 MB) and `LIMIT_FILE_TYPES` (comma-separated media types). */
export function fileLimitsFromEnv(env: NodeJS.ProcessEnv, defaults: FileLimits): FileLimits {
  const limits = { ...defaults };
  if (env.LIMIT_FILE_BYTES) {
    const bytes = Number(env.LIMIT_FILE_BYTES);
    if (!Number.isSafeInteger(bytes) || bytes < 1) throw Object.assign(new Error(`LIMIT_FILE_BYTES must be a whole number of at least 1, got "${env.LIMIT_FILE_BYTES}".`), { code: 'NATTER_CONFIG' });
    limits.maxBytes = bytes;
  }
  if (env.LIMIT_FILE_TYPES !== undefined) {
    const types = env.LIMIT_FILE_TYPES.split(',').map((t) => t.trim()).filter(Boolean);
    const unknown = types.filter((t) => !defaults.types.includes(t));
    if (unknown.length) throw Object.assign(new Error(`LIMIT_FILE_TYPES: ${unknown.join(', ')} cannot be checked from the bytes; use some of ${defaults.types.join(', ')}.`), { code: 'NATTER_CONFIG' });
    limits.types = types;
  }
  return limits;
}
