/**
 * The drop-in entry, built to `dist/natter.js`:
 *
 * ```html
 * <script async src="https://cdn.example.com/natter.js" data-endpoint="wss://chat.example.com/natter"></script>
 * ```
 *
 * This is the first stage, small on purpose: it reads the settings from the tag's `data-*` attributes and
 * `window.NatterSettings`, shows the launcher, and defines `window.Natter`, which takes calls at once. The
 * rest (`natter-app.js`: the client, storage, transport, panel and languages) loads from the same place once
 * the page is idle, at once for a returning visitor with a conversation going on, and in any case on the
 * first click or call that needs it; it takes over the launcher and replays every call in order. Loading the
 * script twice mounts once. It adds no other global. Any failure is reported on the console, never thrown
 * into the host page.
 */
import { initialState } from '../core/state.ts';
import type { NatterApi } from './boot.ts';
import { showLauncher } from './launcher.ts';
import { parseSettings, settingsFromDataset, type NatterSettings } from './settings.ts';
import { activeKey, APP_FILE, type AppStage, type Call } from './stages.ts';

type Stub = { q?: Call[] } & Record<string, unknown>;

const MARK = '__natter';
const page = window as unknown as { Natter?: Stub | (NatterApi & { [MARK]?: true }); NatterSettings?: unknown };

function noop(reason: string): NatterApi {
  const refuse = () => Promise.reject(new Error(reason));
  return {
    open() {},
    close() {},
    toggle() {},
    send: refuse,
    identify: refuse,
    on() {},
    off() {},
    setMode() {},
    shutdown: () => Promise.resolve(),
    getState: () => initialState(),
  };
}

/**
 * `window.Natter` until the second stage runs: every call waits in line, in order. Opening, sending and
 * identifying load the second stage at once; their promises settle when it has done them.
 */
function waitingApi(calls: Call[], load: () => void): NatterApi {
  const later =
    (method: string, now = false) =>
    (...args: unknown[]) => {
      calls.push([method, args]);
      if (now) load();
    };
  const promised =
    (method: string) =>
    (...args: unknown[]) =>
      new Promise<never>((resolve, reject) => {
        calls.push([method, args, (result) => result.then(resolve as (value: unknown) => void, reject)]);
        load();
      });
  return {
    open: later('open', true),
    close: later('close'),
    toggle: later('toggle', true),
    send: promised('send'),
    identify: promised('identify'),
    shutdown: promised('shutdown'),
    on: later('on'),
    off: later('off'),
    setMode: later('setMode'),
    getState: () => initialState(),
  };
}

/** Adds the second stage's classic script next to this one (same place, same nonce); resolves with what it hands over. */
function loadApp(script: HTMLScriptElement | null): Promise<AppStage> {
  return new Promise((resolve, reject) => {
    const app = document.createElement('script') as HTMLScriptElement & { natterApp?: (stage: AppStage) => void };
    app.src = new URL(APP_FILE, script?.src || location.href).href;
    if (script?.nonce) app.nonce = script.nonce;
    app.natterApp = resolve;
    const failed = () => reject(new Error(`Natter: could not load ${app.src}; serve it next to natter.js (the page is unaffected).`));
    app.onerror = failed;
    // A file that loaded but did not hand itself over (another version, a proxy's error page): fail, never hang.
    app.onload = () => setTimeout(failed);
    document.head.append(app);
  });
}

/** Runs `load` once the page is idle: after its own `load` event, in an idle period. */
function whenIdle(load: () => void): void {
  const idle = () => (typeof requestIdleCallback === 'function' ? requestIdleCallback(load, { timeout: 2000 }) : setTimeout(load, 200));
  if (document.readyState === 'complete') idle();
  else addEventListener('load', idle, { once: true });
}

function returning(settings: NatterSettings): boolean {
  try {
    return localStorage.getItem(activeKey(settings.siteId)) === '1';
  } catch {
    return false;
  }
}

function install(): void {
  const existing = page.Natter;
  if (existing && (existing as Record<string, unknown>)[MARK]) {
    console.warn('Natter: the script is on this page twice; remove one of the <script> tags.');
    return;
  }
  const calls: Call[] = Array.isArray((existing as Stub | undefined)?.q) ? (existing as Stub).q! : [];
  // Set while a classic script (async or not) first runs, which is when this runs.
  const script = document.currentScript as HTMLScriptElement | null;
  const fromPage = page.NatterSettings;
  const input = {
    ...(script ? settingsFromDataset(script.dataset) : {}),
    ...(fromPage && typeof fromPage === 'object' ? (fromPage as Record<string, unknown>) : {}),
  };
  const result = parseSettings(input);
  const mark = (api: NatterApi) => {
    Object.defineProperty(api, MARK, { value: true });
    page.Natter = api;
  };
  if (!result.ok) {
    console.error(result.error);
    return mark(noop(result.error));
  }
  const settings = result.settings;
  const stage = showLauncher(settings);
  let loading: Promise<void> | undefined;
  const load = () => {
    loading ??= loadApp(script).then(
      (app) => mark(app.start(settings, calls, stage.host)),
      (error: unknown) => {
        console.error(error);
        stage.host.remove();
        mark(noop(String(error)));
      },
    );
  };
  stage.button.addEventListener('click', () => {
    calls.push(['toggle', []]);
    load();
  });
  mark(waitingApi(calls, load));
  if (settings.open || calls.length || returning(settings)) load();
  else whenIdle(load);
}

try {
  install();
} catch (error) {
  console.error('Natter failed to start (the page is unaffected). Please report this error:', error);
}
