/**
 * What one test file stands on: one reference backend (a child process, as deployed), optionally the fault
 * proxy in front of it, the shop's own site pointing the widget at the proxy (or the backend), one Chromium,
 * and the agent socket. Everything is closed in `dispose`, which the file calls in `afterAll`.
 */
import type { Browser, BrowserContext } from 'playwright-core';
import { Backend, freePort, launchChromium, startSite } from '../harness';
import { Agent } from './agent';
import { FaultProxy } from './proxy';
import { RECORD_EVENTS } from './widget';

export interface StageOptions {
  /** Put the fault proxy between the widget and the backend. */
  proxy?: boolean;
  /** The seed of the proxy's PRNG; `FAULT_SEED` in the environment overrides it. */
  seed?: number;
}

export class Stage {
  #agent: Agent | undefined;
  readonly #contexts = new Set<BrowserContext>();

  private constructor(
    readonly backend: Backend,
    readonly proxy: FaultProxy | undefined,
    readonly site: Awaited<ReturnType<typeof startSite>>,
    readonly browser: Browser,
    readonly closeBrowser: () => Promise<void>,
  ) {}

  static async start(options: StageOptions = {}): Promise<Stage> {
    const backend = new Backend(await freePort(), { BOT: 'off' });
    await backend.start();
    const seed = Number(process.env.FAULT_SEED ?? options.seed ?? 6);
    const proxy = options.proxy ? await FaultProxy.start({ target: `ws://127.0.0.1:${backend.port}/natter`, seed }) : undefined;
    const endpoint = proxy?.url ?? `ws://127.0.0.1:${backend.port}/natter`;
    // `/blank` is the same origin without the widget: a place to touch the widget's storage before it loads.
    const site = await startSite(endpoint, { '/blank': '<!doctype html><title>blank</title>' });
    const chromium = await launchChromium();
    return new Stage(backend, proxy, site, chromium.browser, chromium.dispose);
  }

  get url(): string {
    return `${this.site.url}/`;
  }

  /** The agent socket, connected again if the backend restarted since. */
  async agent(): Promise<Agent> {
    if (!this.#agent?.open) this.#agent = await Agent.connect(this.backend.url);
    return this.#agent;
  }

  /** A new browser profile (one visitor), recording the widget's events, with `initScripts` run in every tab. */
  async visitor(...initScripts: string[]): Promise<BrowserContext> {
    const context = await this.browser.newContext();
    await context.addInitScript(RECORD_EVENTS);
    for (const script of initScripts) await context.addInitScript(script);
    this.#contexts.add(context);
    return context;
  }

  /** Closes every visitor's profile: the end of a scenario. */
  async closeVisitors(): Promise<void> {
    for (const context of this.#contexts) await context.close().catch(() => {});
    this.#contexts.clear();
    this.proxy?.reset();
  }

  async dispose(): Promise<void> {
    this.#agent?.close();
    await this.closeVisitors();
    await this.proxy?.close();
    await this.closeBrowser().catch(() => {});
    await this.backend.dispose();
    await this.site.close();
  }
}
