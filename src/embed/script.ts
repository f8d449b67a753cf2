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
import { showLauncher, type StageLauncher } from './launcher.ts';
import { checkUpdate, parseSettings, settingsFromDataset, type NatterSettings } from './settings.ts';
import { styleHost } from '../ui/host.ts';
import { activeKey, appFile, pageLanguage, textLanguage, type AppStage, type Call } from './stages.ts';

type Stub = { q?: Call[] } & Record<string, unknown>;

const MARK = '__natter';
const page = window as unknown as { Natter?: Stub | (NatterApi & { [MARK]?: true }); NatterSettings?: unknown };

/** The methods of `window.Natter` that give nothing back (the first six are queued), and those that give a promise. */
const VOID = ['open', 'close', 'toggle', 'on', 'off', 'setMode', 'update', 'unmount'] as const satisfies (keyof NatterApi)[];
const PROMISED = ['send', 'identify', 'shutdown', 'consent', 'invite', 'startLive', 'rate', 'leaveEmail'] as const satisfies (keyof NatterApi)[];
/** Compiles only while the two lists and `getState` are all of NatterApi's methods. */
const EVERY: Exclude<keyof NatterApi, (typeof VOID)[number] | (typeof PROMISED)[number] | 'getState'> extends never ? true : never = true;
void EVERY;

function noop(reason: string): NatterApi {
  const api: Record<string, unknown> = { getState: () => initialState() };
  // Promises: refused, but for shutdown and consent, which have nothing left to do.
  for (const method of PROMISED) api[method] = () => (/^(shutdown|consent)$/.test(method) ? Promise.resolve() : Promise.reject(new Error(reason)));
  for (const method of VOID) api[method] = () => {};
  return api as unknown as NatterApi;
}

/**
 * `window.Natter` until the second stage runs: every call waits in line, in order. Opening, sending and
 * identifying load the second stage at once; their promises settle when it has done them.
 */
function waitingApi(calls: Call[], load: () => void, update: (changes: unknown) => void, unmount: () => void): NatterApi {
  const api: Record<string, unknown> = { getState: () => initialState(), update, unmount };
  // Opening loads the second stage at once, as every promise does but consent's: a consent tool says it on
  // every page, and it waits for the second stage to load as it would anyway.
  for (const method of VOID.slice(0, 6)) {
    api[method] = (...args: unknown[]) => {
      calls.push([method, args]);
      if (/^(open|toggle)$/.test(method)) load();
    };
  }
  for (const method of PROMISED) {
    api[method] = (...args: unknown[]) =>
      new Promise<never>((resolve, reject) => {
        calls.push([method, args, (result) => result.then(resolve as (value: unknown) => void, reject)]);
        if (method != 'consent') load();
      });
  }
  return api as unknown as NatterApi;
}

/**
 * Adds a classic script from next to this one (same place, same nonce): the second stage, or a language's
 * texts. Resolves with what it hands over.
 */
function loadNext<T>(script: HTMLScriptElement | null, file: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const next = document.createElement('script') as HTMLScriptElement & { natterApp?: (handed: T) => void };
    next.src = new URL(file, script?.src || location.href).href;
    if (script?.nonce) next.nonce = script.nonce;
    next.natterApp = resolve;
    // A string: a reason the site can act on (see `fail`).
    const failed = () => reject(`Natter: could not load ${next.src}; serve it next to natter.js (the page is unaffected).`);
    next.onerror = failed;
    // A file that loaded but did not hand itself over (another version, a proxy's error page): fail, never hang.
    next.onload = () => setTimeout(failed);
    document.head.append(next);
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

/** The launcher, once shown; and the calls waiting for the second stage (kept here so that `fail` can settle them). */
let stage: StageLauncher | undefined;
let calls: Call[] = [];

/**
 * Fails closed: one console error, no widget on the page (not even half of one), every waiting call's
 * promise rejected, and a `window.Natter` whose methods do nothing. `error`, when given, is a fault of
 * Natter's own, printed for a bug report.
 */
function fail(reason: string, error?: unknown): void {
  console.error(reason, ...(error === undefined ? [] : [error]));
  stage?.host.remove();
  for (const [, , done] of calls) done?.(Promise.reject(new Error(reason)));
  try {
    mark(noop(reason));
  } catch {
    // A page that made window.Natter unwritable keeps its own.
  }
}

function mark(api: NatterApi): void {
  Object.defineProperty(api, MARK, { value: true });
  page.Natter = api;
}

/** Whether JSON is the browser's own, or at least does what it does: the connection and the send journal speak it. */
function jsonWorks(): boolean {
  try {
    return JSON.parse(JSON.stringify({ a: [1] })).a[0] === 1;
  } catch {
    return false;
  }
}

function install(): void {
  const existing = page.Natter as Stub | undefined;
  if (existing?.[MARK]) {
    console.warn('Natter: the script is on this page twice; remove one of the <script> tags.');
    return;
  }
  // The loader stub's calls, `[method, arguments]`; anything else a page left in `q` is not a call.
  for (const call of Array.isArray(existing?.q) ? existing.q : []) if (Array.isArray(call) && typeof call[0] == 'string') calls.push([call[0], call[1] ?? []]);
  // Set while a classic script (async or not) first runs, which is when this runs.
  const script = document.currentScript as HTMLScriptElement | null;
  const fromPage = page.NatterSettings;
  const input = {
    ...(script ? settingsFromDataset(script.dataset) : {}),
    ...(fromPage && typeof fromPage === 'object' ? (fromPage as Record<string, unknown>) : {}),
  };
  const result = parseSettings(input);
  if (!result.ok) return fail(result.error);
  if (!jsonWorks()) return fail('Natter: this page replaced JSON.parse or JSON.stringify with functions that do not work like the browser\'s own; the chat stays hidden until they do.');
  let settings = result.settings;
  let loading: Promise<void> | undefined;
  /** The second stage, once loaded; the languages whose texts it has; the one last asked for. */
  let app: AppStage;
  const learned = new Set<string>();
  let wanted = '';
  let gone = false;
  /**
   * `Natter.update`, checked here as at load; `apply` passes the checked settings on. The second stage is
   * built with one language: when an update asks for another (`locale`), the rest of it applies at once and
   * the language once its texts (`natter-lang-*.js`) are there, unless another was asked for meanwhile.
   */
  const update =
    (apply: (next: NatterSettings) => void, loaded?: boolean) =>
    (changes: unknown): void => {
      const checked = checkUpdate(settings, changes);
      if (!checked.ok) return console.error(checked.error);
      const language = textLanguage(pageLanguage(checked.settings));
      const asks = loaded && Object.hasOwn(changes as object, 'locale');
      if (asks) wanted = language;
      if (asks && !learned.has(language)) {
        const { locale, ...rest } = changes as Partial<NatterSettings>;
        if (Object.keys(rest).length) update(apply, loaded)(rest);
        void loadNext(script, `natter-lang-${language}.js`)
          .then((texts) => {
            if (!app.learn(language, texts)) throw `Natter: natter-lang-${language}.js does not have this version's texts; serve the files of one release together.`;
            learned.add(language);
            if (wanted == language && !gone) update(apply, loaded)({ locale });
          })
          .catch((error: unknown) => console.error(`${String(error)} The language stays as it was.`));
        return;
      }
      apply((settings = checked.settings));
    };
  const load = () => {
    // The language of the stage chosen now is the one it has, whatever the settings say by the time it comes.
    const chosen = textLanguage(pageLanguage(settings));
    loading ??= loadNext<AppStage>(script, appFile(chosen, settings.transport))
      .then((loaded) => {
        learned.add(chosen);
        return (app = loaded).start(settings, calls, stage!.host);
      })
      .then((api) => {
        if (gone) return api.unmount();
        const next = update(api.update, true);
        mark({ ...api, update: next, unmount: () => ((gone = true), api.unmount()) });
        // An update while the stage was on its way asked for another language: its texts come now.
        if (settings.locale && !learned.has(textLanguage(pageLanguage(settings)))) next({ locale: settings.locale });
      }, (error: unknown) => (typeof error == 'string' ? fail(error) : fail(FAILED, error)));
  };
  // Unmounted before the second stage came: nothing more loads (what is on its way unmounts), and the launcher goes.
  const unmount = () => {
    gone = true;
    loading ??= Promise.resolve();
    stage?.host.remove();
    mark(noop('Natter: the widget was unmounted (Natter.unmount()).'));
  };
  const early = update((next) => stage && styleHost(stage.host, next.zIndex, next.color));
  // The loader stub's updates, too, are the settings the second stage starts with.
  for (const call of calls.splice(0)) call[0] == 'update' ? early(call[1][0]) : calls.push(call);
  // Before anything is on the page: a page whose window.Natter cannot be replaced fails here, with nothing mounted.
  mark(waitingApi(calls, load, early, unmount));
  stage = showLauncher(settings);
  stage.button?.addEventListener('click', () => {
    calls.push(['toggle', []]);
    load();
  });
  if (settings.open || calls.length || returning(settings)) load();
  else whenIdle(load);
}

const FAILED = 'Natter failed to start (the page is unaffected). Please report this error:';

try {
  install();
} catch (error) {
  fail(FAILED, error);
}
