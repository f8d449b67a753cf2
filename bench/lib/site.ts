/**
 * The host site of the benchmark: plain HTTP on 127.0.0.1, one listener per origin (IndexedDB, locks and
 * the tabs' channels are per origin, so every stored size gets an origin, and so a database of its own).
 * It serves the host pages, the seeding page, the fixtures, and everything under `dist/` — `natter.js`
 * and whatever chunks it loads from the same place — and logs each script it serves, for the byte counts.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

export const root = path.resolve(import.meta.dirname, '../..');
const benchDir = path.resolve(import.meta.dirname, '..');

/** One script the site served. */
export interface Served {
  origin: string;
  path: string;
  bytes: number;
  /** gzip -9, as the size test measures `dist/natter.js`. */
  gzip: number;
  /** Node's clock (performance.now()) when the request came in. */
  at: number;
}

/** What goes in a host page. */
export interface PageOptions {
  /** `natter`: the script tag; `preact`: the plain Preact widget; `blank`: an empty script; `none`: nothing. */
  script: 'natter' | 'preact' | 'blank' | 'none';
  /** Natter's `data-endpoint`. */
  endpoint?: string;
  /** Natter's `data-open`: the panel opens as soon as the widget loads. */
  open?: boolean;
  /**
   * Serve the page cross-origin isolated (COOP + COEP), where the page's clock has 5 µs steps instead of
   * 100 µs: for timing round trips of a millisecond or two.
   */
  isolated?: boolean;
}

const types: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
};

const escape = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A host page as a site owner would write it: some content and the one script tag. */
export function hostPage(options: PageOptions): string {
  const tag =
    options.script === 'natter'
      ? `<script async src="/natter.js" data-endpoint="${escape(options.endpoint ?? '')}"${options.open ? ' data-open="true"' : ''}></script>`
      : options.script === 'preact'
        ? '<script async src="/fixtures/preact-widget.js"></script>'
        : options.script === 'blank'
          ? '<script async src="/fixtures/blank.js"></script>'
          : '';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,"><title>Host page</title></head><body><main><h1>Slow mornings</h1><p>Small things for slow mornings: teapots, mugs and a blanket or two. Free delivery from 40 €.</p></main>${tag}</body></html>`;
}

export interface Site {
  /** The origin (`http://127.0.0.1:port`) named `name`, started on first use. */
  origin(name: string): Promise<string>;
  /** The URL of a host page on origin `name`; `bench` goes in the hash for the probe. */
  pageUrl(name: string, options: PageOptions, bench?: unknown): Promise<string>;
  /** The name of the origin `url` is on (see `origin`). */
  nameOf(url: string): string | undefined;
  /** Scripts served so far, oldest first. */
  readonly served: Served[];
  /** Adds or replaces a file the site serves (the fixtures built at start). */
  setFile(pathname: string, body: string | Buffer): void;
  close(): Promise<void>;
}

/** Starts the site, serving the build in `dist` (the repository's `dist/` unless told otherwise). */
export async function startSite(dist = path.join(root, 'dist')): Promise<Site> {
  const servers = new Map<string, Promise<{ server: Server; origin: string }>>();
  const names = new Map<string, string>();
  const files = new Map<string, Buffer>();
  const served: Served[] = [];
  files.set('/bench/seed.js', readFileSync(path.join(benchDir, 'page/seed.js')));
  files.set('/fixtures/blank.js', readFileSync(path.join(benchDir, 'fixtures/blank.js')));
  files.set('/seed.html', Buffer.from('<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>seed</title><script src="/bench/seed.js"></script></head><body></body></html>'));

  const handler = (origin: string) => (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', origin);
    const pathname = decodeURIComponent(url.pathname);
    let body: Buffer | undefined;
    let type = types[path.extname(pathname)] ?? 'application/octet-stream';
    const headers: Record<string, string> = {};
    if (pathname === '/page.html') {
      const script = url.searchParams.get('script') as PageOptions['script'];
      body = Buffer.from(hostPage({ script, endpoint: url.searchParams.get('endpoint') ?? '', open: url.searchParams.get('open') === '1' }));
      if (url.searchParams.get('isolated') === '1') Object.assign(headers, { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' });
    } else if (files.has(pathname)) {
      body = files.get(pathname);
    } else {
      // dist/: the script and whatever it loads from where it came from.
      const file = path.resolve(dist, `.${pathname}`);
      if (file.startsWith(dist + path.sep) && existsSync(file) && statSync(file).isFile()) body = readFileSync(file);
    }
    if (body === undefined) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    if (pathname.endsWith('.html')) type = types['.html']!;
    if (/\.m?js$/.test(pathname)) {
      served.push({ origin, path: pathname, bytes: body.length, gzip: gzipSync(body, { level: 9 }).length, at: performance.now() });
    }
    response.writeHead(200, { 'content-type': type, 'content-length': String(body.length), 'cache-control': 'no-store', ...headers });
    response.end(body);
  };

  const origin = (name: string) => {
    let started = servers.get(name);
    if (!started) {
      started = new Promise((resolve, reject) => {
        const server = createServer();
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => {
          const { port } = server.address() as { port: number };
          const origin = `http://127.0.0.1:${port}`;
          server.on('request', handler(origin));
          names.set(origin, name);
          resolve({ server, origin });
        });
      });
      servers.set(name, started);
    }
    return started.then((s) => s.origin);
  };

  return {
    origin,
    async pageUrl(name, options, bench) {
      const query = new URLSearchParams({
        script: options.script,
        ...(options.endpoint && { endpoint: options.endpoint }),
        ...(options.open && { open: '1' }),
        ...(options.isolated && { isolated: '1' }),
      });
      return `${await origin(name)}/page.html?${query}${bench === undefined ? '' : `#bench=${encodeURIComponent(JSON.stringify(bench))}`}`;
    },
    nameOf: (url) => names.get(new URL(url).origin),
    served,
    setFile: (pathname, body) => void files.set(pathname, Buffer.from(body)),
    async close() {
      await Promise.all(
        [...servers.values()].map(async (started) => {
          const { server } = await started;
          server.closeAllConnections();
          await new Promise<void>((resolve) => server.close(() => resolve()));
        }),
      );
    },
  };
}
