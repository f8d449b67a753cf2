/**
 * What the real-browser tests stand on: the reference backend as a child process (exactly as
 * `npm run demo` runs it) and Debian's Chromium driven by Playwright.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const root = path.resolve(import.meta.dirname, '../..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

import { freePort } from './free-port.ts';

export { freePort };

/** The reference backend, started and stopped like a real deployment, keeping its data between runs. */
export class Backend {
  readonly dataDir = mkdtempSync(path.join(tmpdir(), 'natter-e2e-'));
  #child: ChildProcess | undefined;
  output = '';
  /** `env` adds to the backend's environment, such as `{ BOT: 'off' }`. */
  constructor(
    readonly port: number,
    readonly env: Record<string, string> = {},
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The running backend's process id (tests read its memory from `/proc/<pid>/status`). */
  get pid(): number | undefined {
    return this.#child?.exitCode === null ? this.#child.pid : undefined;
  }

  async start(): Promise<void> {
    if (!existsSync(path.join(root, 'dist/natter.js'))) throw new Error('dist/natter.js is missing: run `npm run build` first (npm test does).');
    const child = spawn(process.execPath, ['demo/server.ts'], {
      cwd: root,
      env: { ...process.env, PORT: String(this.port), HOST: '127.0.0.1', DATA_DIR: this.dataDir, ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#child = child;
    child.stdout!.on('data', (chunk) => (this.output += chunk));
    child.stderr!.on('data', (chunk) => (this.output += chunk));
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`the backend exited with ${child.exitCode}:\n${this.output}`);
      try {
        if ((await fetch(`${this.url}/healthz`)).ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`the backend did not answer /healthz within 15 s:\n${this.output}`);
  }

  /** Stops the backend: `SIGTERM` lets it close its sockets; `SIGKILL` is a crash. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** Headless Chromium from Debian, with no calls to the outside world. */
export async function launchChromium(): Promise<{ browser: Browser; dispose(): Promise<void> }> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is not at ${CHROMIUM}. Install it with "apt-get install -y chromium" (.ci/run does), or set CHROMIUM_PATH.`);
  }
  // Playwright gives every launch a fresh, empty profile directory of its own.
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
  return {
    browser,
    dispose: () => browser.close(),
  };
}

/**
 * The shop's own web server, separate from the chat backend as on a real site: it serves demo/shop.html
 * (pointing the widget at `endpoint`) and the built dist/natter.js, and keeps serving while the chat backend
 * is down. `extra` adds pages by path.
 */
export async function startSite(
  endpoint: string,
  extra: Record<string, string | { body: string; headers: Record<string, string> }> = {},
): Promise<{ url: string; close(): Promise<void> }> {
  const shop = readFileSync(path.join(root, 'demo/shop.html'), 'utf8').replaceAll('__NATTER_ENDPOINT__', endpoint);
  const server: Server = createHttpServer((request, response) => {
    const pathname = new URL(request.url ?? '/', 'http://site').pathname;
    // The script's stages (natter.js, natter-app.js …), served from one place as a site would.
    if (/^\/natter[\w-]*\.js$/.test(pathname)) {
      response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' });
      response.end(readFileSync(path.join(root, 'dist', pathname)));
    } else if (pathname === '/' || extra[pathname] !== undefined) {
      const page = pathname === '/' ? shop : extra[pathname]!;
      const { body, headers } = typeof page === 'string' ? { body: page, headers: {} } : page;
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...headers });
      response.end(body);
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** What a story needs: the backend, the shop's own site pointing at it, and Chromium with two people in it. */
export interface Story {
  backend: Backend;
  site: Awaited<ReturnType<typeof startSite>>;
  browser: Browser;
  /** The customer's tab on the shop (its own browser profile). */
  shop: Page;
  /** The agent's tab (another profile). */
  inbox: Page;
  dispose(): Promise<void>;
}

/**
 * Starts a customer-and-agent story. The demo bot is off unless `env` turns it on: it would greet the
 * customer before the inbox is open, and the bot has its own tests (backend-bot).
 */
export async function startStory(env: Record<string, string> = { BOT: 'off' }): Promise<Story> {
  const backend = new Backend(await freePort(), env);
  await backend.start();
  const site = await startSite(`ws://127.0.0.1:${backend.port}/natter`);
  const chromium = await launchChromium();
  const shop = await (await chromium.browser.newContext()).newPage();
  const inbox = await (await chromium.browser.newContext()).newPage();
  return {
    backend,
    site,
    browser: chromium.browser,
    shop,
    inbox,
    async dispose() {
      await chromium.dispose();
      await backend.dispose();
      await site.close();
    },
  };
}
