/**
 * What the script tag's second stages (`app.ts`, `app-xmpp.ts`) share: the client, storage, the widget and
 * its languages; each brings its transport. The first stage (`script.ts`) loads one as a classic script next
 * to itself and hands it the checked settings, the calls made so far and the element the launcher is in; it
 * replies with the real `window.Natter`. It defines no global: it finds its caller on its own `<script>`
 * element.
 * @module
 */
import type { Transport } from '../core/transport.ts';
import { bootChecked, type NatterApi } from './boot.ts';
import type { NatterSettings } from './settings.ts';
import { activeKey, type AppStage, type Call } from './stages.ts';
import { learn as learnTexts, strings, type Locale, type Strings } from '../i18n/index.ts';

/** Makes the stage's transport (set by {@link handOver}). */
let connect: (settings: NatterSettings) => Transport;

function start(settings: NatterSettings, calls: Call[], stage: HTMLElement): NatterApi {
  const hadFocus = stage.shadowRoot?.activeElement !== null;
  const { api, client, widget } = bootChecked(settings, connect(settings), stage);
  if (hadFocus) widget.root.querySelector<HTMLElement>('.launcher')?.focus();
  const key = activeKey(settings.siteId);
  client.subscribe(() => {
    // A conversation going on, and kept on this device (never a trace of one that is not).
    const { consent, messages } = client.getState();
    const going = consent === true && messages.length > 0;
    try {
      if (going !== (localStorage.getItem(key) === '1')) going ? localStorage.setItem(key, '1') : localStorage.removeItem(key);
    } catch {
      // no localStorage: the next page loads this stage when idle, as for a new visitor
    }
  });
  for (const [method, args, done] of calls) {
    // Own methods only: `toString`, or whatever a page added to Object.prototype, is no method of Natter's.
    const fn = Object.hasOwn(api, method) && (api as unknown as Record<string, unknown>)[method];
    if (typeof fn !== 'function') {
      console.warn(`Natter: ignored a queued call to unknown method "${method}".`);
      continue;
    }
    try {
      const out = fn(...Array.from(args));
      const result = out instanceof Promise ? out : Promise.resolve(out);
      if (done) done(result);
      else result.catch((error: unknown) => console.error(error));
    } catch (error) {
      if (done) done(Promise.reject(error));
      else console.error(error);
    }
  }
  return api;
}

/**
 * Another language's texts, from the first stage (`natter-lang-*.js`): taken when every text this stage has
 * is there, as text (counted texts need their `_other`, not this language's other plural categories).
 */
function learn(language: string, texts: unknown): boolean {
  const given = texts as Record<string, unknown> | null;
  const whole =
    typeof given == 'object' &&
    given !== null &&
    Object.keys(strings('en')).every((key) => /_(zero|one|two|few|many)$/.test(key) || typeof given[key] == 'string') &&
    Object.values(given).every((text) => typeof text == 'string');
  if (whole) learnTexts(language as Locale, given as Strings);
  return whole;
}

/** Hands this second stage, with the transport `connect` makes, to the first stage that loaded it. */
export function handOver(transport: (settings: NatterSettings) => Transport): void {
  connect = transport;
  const script = document.currentScript as (HTMLScriptElement & { natterApp?: (stage: AppStage) => void }) | null;
  script?.natterApp?.({ start, learn });
}
