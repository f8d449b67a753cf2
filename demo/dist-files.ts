/**
 * The built widget as the reference backend serves it: `natter.js`, its source map, and any other script
 * next to it in `dist/` (the chunks a first stage loads), compressed (brotli or gzip, as the browser
 * accepts) once per version of a file rather than per request, with an ETag and cache headers.
 */
import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/**
 * Which names may be served: one path segment in `dist/` itself, a script or its map. No slash, no
 * backslash, no `%` (so nothing percent-encoded), and a name cannot be `.` or `..`: nothing outside
 * `dist/`, nor in its subfolders (`esm/`, `types/`) is reachable, whatever the request path looks like.
 */
const DIST_FILE = /^\/([A-Za-z0-9][A-Za-z0-9_.-]*\.js(?:\.map)?)$/;

/** The file name a request path asks for, or undefined when it is not one that may be served. */
export function distFileName(pathname: string): string | undefined {
  return DIST_FILE.exec(pathname)?.[1];
}

/**
 * The script's URL carries no version (site owners paste `<script src=".../natter.js">` once), so a
 * browser cannot be told to keep it for long: a release must reach visitors within minutes. Five minutes
 * fresh, then for a day the browser still runs its copy at once and revalidates in the background — a
 * 304 of a few hundred bytes when nothing changed. Chunks get the same, since their names are not
 * versioned either (content-hashed names could be `immutable`).
 */
export const DIST_CACHE_CONTROL = 'public, max-age=300, stale-while-revalidate=86400';

type Encoding = 'br' | 'gzip' | 'identity';

interface Version {
  raw: Buffer;
  hash: string;
  /** Compressed bodies, made on first demand; undefined when compression would not make it smaller. */
  compressed: Partial<Record<'br' | 'gzip', Promise<Buffer | undefined>>>;
}

function contentType(name: string): string {
  return name.endsWith('.map') ? 'application/json; charset=utf-8' : 'text/javascript; charset=utf-8';
}

/** The q-value the client gives an encoding (`Accept-Encoding: br;q=1, gzip;q=0.5, *;q=0`). */
function qualityOf(accept: string, encoding: string): number {
  let wildcard: number | undefined;
  for (const part of accept.split(',')) {
    const [token = '', ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => /^\s*q\s*=\s*([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    const quality = q === undefined ? 1 : Number.isFinite(Number(q)) ? Number(q) : 0;
    if (token.trim() === encoding) return quality;
    if (token.trim() === '*') wildcard = quality;
  }
  return wildcard ?? 0;
}

/** br when accepted, else gzip, else none; a higher q-value wins over the preference for br. */
export function chooseEncoding(accept: string | undefined): Encoding {
  if (accept === undefined) return 'identity';
  const br = qualityOf(accept, 'br');
  const gz = Math.max(qualityOf(accept, 'gzip'), qualityOf(accept, 'x-gzip'));
  if (br > 0 && br >= gz) return 'br';
  if (gz > 0) return 'gzip';
  return 'identity';
}

/** Whether `If-None-Match` names this ETag (weak comparison, as RFC 9110 asks for this header). */
function matches(ifNoneMatch: string, etag: string): boolean {
  if (ifNoneMatch.trim() === '*') return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((tag) => opaque(tag) === opaque(etag));
}

export class DistFiles {
  /** By file name: the version last read, under what identifies it on disk (size, mtime, inode). */
  readonly #versions = new Map<string, { key: string; version: Promise<Version> }>();
  readonly #dir: string;

  // No parameter property: the demo runs on Node's type stripping.
  constructor(distDir: string) {
    this.#dir = path.resolve(distDir);
  }

  /**
   * Answers a GET or HEAD for `name` (from `distFileName`); false when there is no such file, so the
   * caller can say why.
   */
  async serve(name: string, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const version = await this.#version(name);
    if (version === undefined) return false;
    let encoding = chooseEncoding(req.headers['accept-encoding']);
    const compressed = encoding === 'identity' ? undefined : await compressedBody(version, encoding);
    if (compressed === undefined) encoding = 'identity';
    const body = compressed ?? version.raw;
    // Each encoding is a representation of its own, with bytes of its own, so an ETag of its own.
    const etag = `"${version.hash}${encoding === 'identity' ? '' : `-${encoding}`}"`;
    const headers: Record<string, string> = {
      'Cache-Control': DIST_CACHE_CONTROL,
      ETag: etag,
      Vary: 'Accept-Encoding',
      // Public files: a first stage on the shop's origin may fetch or import() its chunks from here.
      'Access-Control-Allow-Origin': '*',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
    };
    const ifNoneMatch = req.headers['if-none-match'];
    if (ifNoneMatch !== undefined && matches(ifNoneMatch, etag)) {
      res.writeHead(304, headers);
      res.end();
      return true;
    }
    res.writeHead(200, {
      ...headers,
      'Content-Type': contentType(name),
      'Content-Length': String(body.length),
      ...(encoding === 'identity' ? {} : { 'Content-Encoding': encoding }),
    });
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  }

  /**
   * The file as it is on disk now: from memory while its size and mtime are unchanged, so it is read,
   * hashed and compressed once per version, also when requests for a new version arrive together.
   */
  async #version(name: string): Promise<Version | undefined> {
    const file = path.resolve(this.#dir, name);
    // distFileName allows one plain segment only; this guards against a caller that forgets it.
    if (path.dirname(file) !== this.#dir) return undefined;
    let handle;
    try {
      handle = await open(file, 'r');
    } catch (error) {
      if (['ENOENT', 'ENOTDIR', 'EISDIR'].includes((error as NodeJS.ErrnoException).code ?? '')) return undefined;
      throw error;
    }
    try {
      const stats = await handle.stat();
      if (!stats.isFile()) return undefined;
      const key = `${stats.size}:${stats.mtimeMs}:${stats.ino}`;
      const known = this.#versions.get(name);
      if (known?.key === key) return await known.version;
      const entry = { key, version: read(handle) };
      this.#versions.set(name, entry);
      const forget = () => {
        if (this.#versions.get(name) === entry) this.#versions.delete(name);
      };
      try {
        const version = await entry.version;
        // Rewritten by a build while it was read: serve what was read, but do not keep it.
        const after = await handle.stat();
        if (`${after.size}:${after.mtimeMs}:${after.ino}` !== key) forget();
        return version;
      } catch (error) {
        forget();
        throw error;
      }
    } finally {
      await handle.close();
    }
  }
}

async function read(handle: FileHandle): Promise<Version> {
  const raw = await handle.readFile();
  return { raw, hash: createHash('sha256').update(raw).digest('hex').slice(0, 32), compressed: {} };
}

/** The body in `encoding`, compressed on the first request for it; undefined if that is no smaller. */
function compressedBody(version: Version, encoding: 'br' | 'gzip'): Promise<Buffer | undefined> {
  return (version.compressed[encoding] ??= compress(version.raw, encoding).catch((error: unknown) => {
    delete version.compressed[encoding];
    throw error;
  }));
}

async function compress(raw: Buffer, encoding: 'br' | 'gzip'): Promise<Buffer | undefined> {
  const body =
    encoding === 'br'
      ? await brotli(raw, {
          params: {
            [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
            [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
            [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
          },
        })
      : await gzipAsync(raw, { level: constants.Z_BEST_COMPRESSION });
  return body.length < raw.length ? body : undefined;
}
