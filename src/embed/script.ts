/**
 * The drop-in entry, built to `dist/natter.js`:
 *
 * ```html
 * <script async src="https://cdn.example.com/natter.js" data-endpoint="wss://chat.example.com/natter"></script>
 * ```
 *
 * It reads settings from the tag's `data-*` attributes and `window.NatterSettings`, mounts the widget once
 * (loading the script twice mounts once), replays calls queued by the stub snippet before it loaded, and
 * defines `window.Natter`. It adds no other global. Any failure is reported on the console, never thrown
 * into the host page.
 */
import { initialState } from '../core/state.ts';
import { bootChecked, type NatterApi } from './boot.ts';
import { parseSettings, settingsFromDataset } from './settings.ts';

type Queued = [method: string, args: ArrayLike<unknown>];
type Stub = { q?: Queued[] } & Record<string, unknown>;

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

function install(): void {
  const existing = page.Natter;
  if (existing && (existing as Record<string, unknown>)[MARK]) {
    console.warn('Natter: the script is on this page twice; remove one of the <script> tags.');
    return;
  }
  const queue: Queued[] = Array.isArray((existing as Stub | undefined)?.q) ? (existing as Stub).q! : [];
  // Set while a classic script (async or not) first runs, which is when this runs.
  const script = document.currentScript as HTMLScriptElement | null;
  const fromPage = page.NatterSettings;
  const input = {
    ...(script ? settingsFromDataset(script.dataset) : {}),
    ...(fromPage && typeof fromPage === 'object' ? (fromPage as Record<string, unknown>) : {}),
  };
  const result = parseSettings(input);
  let api: NatterApi;
  if (result.ok) {
    api = bootChecked(result.settings).api;
  } else {
    console.error(result.error);
    api = noop(result.error);
  }
  Object.defineProperty(api, MARK, { value: true });
  page.Natter = api;
  for (const [method, args] of queue) {
    const fn = (api as unknown as Record<string, unknown>)[method];
    if (typeof fn !== 'function') {
      console.warn(`Natter: ignored a queued call to unknown method "${method}".`);
      continue;
    }
    try {
      const out = fn(...Array.from(args));
      if (out instanceof Promise) out.catch((error: unknown) => console.error(error));
    } catch (error) {
      console.error(error);
    }
  }
}

try {
  install();
} catch (error) {
  console.error('Natter failed to start (the page is unaffected). Please report this error:', error);
}
