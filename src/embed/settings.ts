import { bool, check, int, is, obj, oneOf, opt, str, UNKNOWN } from '../model/check.ts';
import { attributes, ATTRIBUTES_RULE, fileSettings, token } from '../model/schemas.ts';
import type { Attributes } from '../model/types.ts';
import type { Strings } from '../i18n/en.ts';
import { MAX_TEXT_LENGTH } from '../protocol/constants.ts';
import { PERSIST, type Persist } from '../core/client.ts';
import { widgetOptionExpectations, widgetOptionsShape } from '../ui/options.ts';

/**
 * What a site owner can set, by `data-*` attributes on the script tag or by `window.NatterSettings`.
 * Every field is listed, with its meaning, in the README's settings table.
 */
export interface NatterSettings {
  /** The backend's WebSocket URL (`ws://` or `wss://`). Required. */
  endpoint: string;
  /** `xmpp` when the endpoint is an XMPP server's WebSocket (RFC 7395); by default it speaks Natter's protocol. */
  transport?: 'xmpp';
  /** Separates the stored conversations of several Natter sites on one origin. */
  siteId?: string;
  /** The team's name in the header, until the backend names it. */
  teamName?: string;
  /** `en`, `de` or `nl` (or any BCP-47 tag starting with one); default: the page's `lang`. */
  locale?: string;
  /** Which corner the launcher sits in. */
  position?: 'right' | 'left';
  /** The accent colour, as `#rgb` or `#rrggbb`. */
  color?: string;
  /** The widget's stacking order on the page. */
  zIndex?: number;
  /** Longest message a customer may send, in characters (at most 4000). */
  maxLength?: number;
  /** Open the panel as soon as the widget loads. */
  open?: boolean;
  /** Override any text of the widget, by key (see `src/i18n/en.ts`). */
  strings?: Partial<Strings>;
  /** `live`, `messaging`, or `auto` (default): live chat while agents are available in business hours. */
  mode?: 'live' | 'messaging' | 'auto';
  /** Play a short sound when a reply arrives while the panel is closed or the tab is hidden. */
  sound?: boolean;
  /**
   * When the conversation may be stored on the device: `always` (default: from the customer's first message),
   * `after-consent` (after `Natter.consent(true)` or the customer's yes in the panel), `never`.
   */
  persist?: Persist;
  /** Deletes a stored conversation idle for longer than this many days when the widget loads. */
  retentionDays?: number;
  /** The logged-in customer's identity token, signed by the site's server (`identify({ token })`). */
  userToken?: string;
  /** `false`: no launcher; the site opens the chat from its own button (`Natter.open()`, `on('unread')`). */
  launcher?: boolean;
  /** Custom attributes of the customer shown to the team (plan, cart value…); `Natter.update` changes them. */
  attributes?: Attributes;
  /** The site's limits on files, within the backend's: `false` (none) or `{ maxBytes, types, maxCount }`. */
  files?: false | { maxBytes?: number; types?: string[]; maxCount?: number };
}

/** For each setting, what it must be: the error message quotes it. */
const expected: Record<string, string> = {
  ...widgetOptionExpectations,
  endpoint: 'a ws:// or wss:// URL such as "wss://chat.example.com/natter"',
  // Also what makes `data-transport` a setting (settingsFromDataset reads only the keys named here).
  transport: '"xmpp"',
  siteId: '1–64 letters, digits, dots, dashes or underscores',
  maxLength: `a whole number from 1 to ${MAX_TEXT_LENGTH}`,
  open: 'true or false',
  strings: 'an object of texts by the keys in src/i18n/en.ts',
  mode: '"live", "messaging" or "auto"',
  persist: '"always", "after-consent" or "never"',
  retentionDays: 'a whole number of days, 1 or more',
  userToken: 'a signed token (JWT) of 1–4096 characters from your server',
  attributes: ATTRIBUTES_RULE,
  files: 'false or { maxBytes, types, maxCount }',
};

const wsUrl = is<string>((value) => {
  try {
    return typeof value === 'string' && /^wss?:$/.test(new URL(value).protocol);
  } catch {
    return false;
  }
}, 'must be a ws:// or wss:// URL');

/** The widget's own options (one check for `mountWidget` and the script tag), plus the script tag's; no others. */
const settingsCheck = obj(
  {
    ...widgetOptionsShape,
    endpoint: wsUrl,
    transport: opt(oneOf(['xmpp'])),
    siteId: opt(str(0, Infinity, /^[\w.-]{1,64}$/)),
    maxLength: opt(int(1, MAX_TEXT_LENGTH)),
    open: opt(bool),
    mode: opt(oneOf(['live', 'messaging', 'auto'])),
    persist: opt(oneOf(PERSIST)),
    retentionDays: opt(int(1)),
    userToken: opt(token),
    attributes: opt(attributes),
    files: fileSettings,
  },
  true,
);

/** The outcome of {@link parseSettings}: the settings, or one sentence saying what to fix. */
export type SettingsResult = { ok: true; settings: NatterSettings } | { ok: false; error: string };

/**
 * Validates settings from the page. The error names the first wrong setting, what it must be, what it was,
 * and where to set it. With `changes` (`Natter.update`), validates `input` with `changes` on top (each
 * setting given replaces the one before, `strings` whole), and the error says that nothing changed.
 *
 * @example
 * ```ts
 * parseSettings({ endpoint: 'htp://x' });
 * // { ok: false, error: 'Natter: setting "endpoint" must be a ws:// or wss:// URL such as …, got "htp://x". …' }
 * ```
 */
export function parseSettings(input: Record<string, unknown>, changes?: Record<string, unknown>): SettingsResult {
  const parsed = check(settingsCheck, changes ? { ...input, ...changes } : input);
  if (parsed.ok) return { ok: true, settings: parsed.value };
  const { path, message } = parsed.issues[0]!;
  const name = String(path[0] ?? '');
  // At run time (`Natter.update`) the widget goes on as it was; at load it stays away.
  const until = changes ? 'Natter.update changed nothing' : 'until then the widget stays hidden';
  const where = changes ? 'Pass it to Natter.update' : `Set it with data-${kebab(name)} on the script tag or window.NatterSettings.${name}`;
  if (message === UNKNOWN) {
    const what = path.length > 1 ? `text "${String(path[1])}" in setting "${name}" (the keys are in src/i18n/en.ts)` : `setting "${name}"`;
    return { ok: false, error: `Natter: unknown ${what}. Check it against the README's settings table; ${until}.` };
  }
  const value = (changes && Object.hasOwn(changes, name) ? changes : input)[name];
  const got = value === undefined ? 'nothing' : JSON.stringify(value);
  const wanted = expected[name] ?? 'a valid value';
  return { ok: false, error: `Natter: setting "${name}" must be ${wanted}, got ${got}. ${where}; ${until}.` };
}

/** Settings that hold for the page's whole life: `Natter.update` refuses to change them. */
const FIXED = ['endpoint', 'siteId', 'persist', 'retentionDays', 'userToken', 'maxLength', 'open'];

/**
 * Checks `Natter.update(changes)` against the `current` settings: the merged settings, or one sentence, as
 * at load, naming the first wrong setting (a setting that cannot change at run time is one).
 *
 * @example
 * ```ts
 * checkUpdate(settings, { color: 'red' });
 * // { ok: false, error: 'Natter: setting "color" must be a hex colour such as "#0a7cff", got "red". …' }
 * ```
 */
export function checkUpdate(current: NatterSettings, changes: unknown): SettingsResult {
  if (typeof changes != 'object' || !changes || Array.isArray(changes)) return { ok: false, error: 'Natter.update takes an object of settings.' };
  const fixed = FIXED.find((name) => Object.hasOwn(changes, name) && (changes as Record<string, unknown>)[name] !== current[name as keyof NatterSettings]);
  if (fixed) return { ok: false, error: `Natter: setting "${fixed}" cannot change at run time. Natter.update changed nothing.` };
  return parseSettings(current as unknown as Record<string, unknown>, changes as Record<string, unknown>);
}

/**
 * Reads settings from a script tag's `data-*` attributes (`data-team-name` → `teamName`), skipping
 * attributes that are not Natter settings. Numbers and
 * booleans are converted; anything else stays a string for {@link parseSettings} to judge.
 */
export function settingsFromDataset(dataset: DOMStringMap): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(dataset)) {
    // Other scripts' attributes (such as data-cfasync) are not ours to judge.
    if (value === undefined || !Object.hasOwn(expected, key)) continue;
    if (/^(zIndex|maxLength|retentionDays)$/.test(key) && /^-?\d+$/.test(value)) settings[key] = Number(value);
    else if (/^(open|sound|launcher)$/.test(key) && (value === '' || value === 'true' || value === 'false')) settings[key] = value !== 'false';
    else settings[key] = value;
  }
  return settings;
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}
