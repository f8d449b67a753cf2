/**
 * The plain-HTTP half of the reference backend: the demo shop, the agent inbox, the widget script (with
 * its map and chunks: dist-files.ts) and a health check. Files are read on every request, or checked for
 * a new version on every request, so edits and rebuilds show up on reload, without a restart.
 */
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { accessOf, handleAuthRoute, OPEN_ONLY_HERE, type AuthHttpContext } from './auth-http.ts';
import { DistFiles, distFileName } from './dist-files.ts';
import { handleFileRoute } from './files-http.ts';
import type { FileStore } from './files.ts';

const demoDir = path.dirname(fileURLToPath(import.meta.url));

export interface HttpOptions {
  /** Where `vite build` puts `natter.js`. */
  distDir: string;
  /** Host and port the server listens on, for requests without a usable Host header. */
  fallbackHost: () => string;
  /** Agent sign-in (auth-http.ts): which inbox page to show, and the /inbox/login, /logout, /session routes. */
  auth: AuthHttpContext;
  /** Uploaded files (`/files/…`: files-http.ts). */
  files?: FileStore;
}

export const defaultDistDir = path.resolve(demoDir, '..', 'dist');

const ENDPOINT_PLACEHOLDER = '__NATTER_ENDPOINT__';

const types = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  text: 'text/plain; charset=utf-8',
} as const;

// The inbox renders visitor-written text; should anything ever slip past textContent, no script but
// our own may run, and the page connects nowhere but back to this server.
const INBOX_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "connect-src 'self' ws: wss:",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

// The sign-in page posts its form back here (its script does, with fetch; without script, the form itself).
const LOGIN_CSP = INBOX_CSP.replace("form-action 'none'", "form-action 'self'");

/**
 * The Host header is client input and ends up inside the shop page, so only a plain host[:port]
 * is believed; anything else gets the address the server listens on.
 */
export function requestHost(req: IncomingMessage, fallback: string): string {
  const host = req.headers.host;
  if (host !== undefined && /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/.test(host)) return host;
  return fallback;
}

/**
 * The request's path, dot segments (also `%2e%2e`) resolved; undefined for a target that is no URL path
 * (`//[`), which `new URL` would throw on, and a throw here would bring the whole server down.
 */
function requestPath(req: IncomingMessage): string | undefined {
  try {
    return new URL(req.url ?? '/', 'http://localhost').pathname;
  } catch {
    return undefined;
  }
}

function escapeAttribute(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function createHttpHandler(options: HttpOptions) {
  const dist = new DistFiles(options.distDir);
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const send = (status: number, type: string, body: string | Buffer, headers: Record<string, string> = {}): void => {
      res.writeHead(status, {
        'Content-Type': type,
        'Content-Length': String(Buffer.byteLength(body)),
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'no-referrer',
        ...headers,
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    };

    const pathname = requestPath(req);
    if (pathname === undefined) {
      send(400, types.text, 'Bad request\n');
      return;
    }
    try {
      if (await handleAuthRoute(req, res, pathname, options.auth)) return;
      if (options.files && (await handleFileRoute(req, res, pathname, options.files, options.auth.auth))) return;
    } catch (error) {
      console.error(`Natter demo: ${pathname} failed:`, error);
      if (!res.headersSent) send(500, types.text, 'Internal server error\n');
      else res.destroy();
      return;
    }
    const route = routes.get(pathname);
    // Only when no page has this path: a script in dist/ itself (natter.js, its map, its chunks).
    const distFile = route === undefined ? distFileName(pathname) : undefined;
    if (route === undefined && distFile === undefined) {
      send(404, types.text, 'Not found\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(405, types.text, 'Method not allowed\n', { Allow: 'GET, HEAD' });
      return;
    }
    try {
      if (route !== undefined) await route({ req, send, options });
      else if (distFile !== undefined && !(await dist.serve(distFile, req, res))) sendMissing(distFile, send);
    } catch (error) {
      console.error(`Natter demo: ${pathname} failed:`, error);
      if (!res.headersSent) send(500, types.text, 'Internal server error\n');
      else res.destroy();
    }
  };
}

interface RouteContext {
  req: IncomingMessage;
  send: (status: number, type: string, body: string | Buffer, headers?: Record<string, string>) => void;
  options: HttpOptions;
}

type Route = (ctx: RouteContext) => Promise<void> | void;

// A Map, not an object literal: `/constructor` or `/__proto__` must not find something inherited.
const routes = new Map<string, Route>(Object.entries({
  '/': async ({ req, send, options }) => {
    const host = requestHost(req, options.fallbackHost());
    const secure = req.headers['x-forwarded-proto'] === 'https';
    const endpoint = `${secure ? 'wss' : 'ws'}://${host}/natter`;
    const page = await readFile(path.join(demoDir, 'shop.html'), 'utf8');
    send(200, types.html, page.replaceAll(ENDPOINT_PLACEHOLDER, escapeAttribute(endpoint)));
  },
  // The inbox for a signed-in agent (or while the team side is open: auth.ts), else the sign-in page.
  '/inbox': async ({ req, send, options }) => {
    const access = accessOf(req, options.auth.auth);
    if (access.status === 403) send(403, types.text, `${OPEN_ONLY_HERE}\n`);
    else if (access.status === 200) send(200, types.html, await readFile(path.join(demoDir, 'inbox.html')), { 'Content-Security-Policy': INBOX_CSP });
    else send(200, types.html, await readFile(path.join(demoDir, 'inbox-login.html')), { 'Content-Security-Policy': LOGIN_CSP });
  },
  '/inbox-login.js': async ({ send }) => {
    send(200, types.js, await readFile(path.join(demoDir, 'inbox-login.js')));
  },
  '/inbox-account.js': async ({ send }) => {
    send(200, types.js, await readFile(path.join(demoDir, 'inbox-account.js')));
  },
  '/inbox-dom.js': async ({ send }) => {
    send(200, types.js, await readFile(path.join(demoDir, 'inbox-dom.js')));
  },
  '/inbox-list.js': async ({ send }) => {
    send(200, types.js, await readFile(path.join(demoDir, 'inbox-list.js')));
  },
  '/inbox-files.js': async ({ send }) => {
    send(200, types.js, await readFile(path.join(demoDir, 'inbox-files.js')));
  },
  '/inbox-thread.js': async ({ send }) => {
    send(200, types.js, await readFile(path.join(demoDir, 'inbox-thread.js')));
  },
  // The shop's service worker: it keeps the shop open while this server is stopped (see the file).
  '/shop-sw.js': async ({ send }) => {
    send(200, types.js, await readFile(path.join(demoDir, 'shop-sw.js')));
  },
  '/inbox.js': async ({ send }) => {
    send(200, types.js, await readFile(path.join(demoDir, 'inbox.js')));
  },
  '/healthz': ({ send }) => {
    send(200, types.text, 'ok');
  },
} satisfies Record<string, Route>));

function sendMissing(name: string, send: RouteContext['send']): void {
  if (name === 'natter.js') send(503, types.text, 'dist/natter.js is missing: run `npm run build` first, then reload this page.\n');
  else if (name.endsWith('.map')) send(404, types.text, 'No source map: run `npm run build`.\n');
  else send(404, types.text, 'Not found\n');
}
