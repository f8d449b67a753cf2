/**
 * What the site can set on the widget, and the schema that checks it.
 * @module
 */
import { bool, int, is, obj, oneOf, opt, schema, str, UNKNOWN, type Issue, type Validator } from '../model/check.ts';
import type { Strings } from '../i18n/en.ts';
import { STRING_KEYS } from '../i18n/keys.ts';

/**
 * Options of `mountWidget`. All are optional.
 *
 * @example
 * ```ts
 * const options: WidgetOptions = {
 *   teamName: 'Acme support',
 *   locale: 'nl',
 *   color: '#0a66c2',
 *   strings: { greeting: 'Vragen over uw bestelling?' },
 * };
 * mountWidget(natter, options);
 * ```
 */
export interface WidgetOptions {
  /** Shown in the panel's header until the server names the team. */
  teamName?: string;
  /**
   * The widget's language as a BCP-47 tag (`'de-CH'`); its primary subtag picks English, German, Dutch,
   * French, Spanish or Arabic (right to left).
   * Default: the page's `<html lang>`, then the browser's language, else English.
   */
  locale?: string;
  /** Replaces any of the widget's texts, such as `{ greeting: 'Questions about your order?' }`. */
  strings?: Partial<Strings>;
  /** Which bottom corner the launcher sits in. Default `'right'`. */
  position?: 'right' | 'left';
  /** The accent colour of the launcher, header and the visitor's messages, as a hex colour like `#0a7cff`. */
  color?: string;
  /** Stacking order over the page, if a cookie banner or the site's own overlay must sit above. Default 2147483000. */
  zIndex?: number;
  /** Where the widget is attached. Default `document.body`. */
  container?: HTMLElement;
  /**
   * Play a short, soft chime when the team writes while the panel is closed or the tab is in the background.
   * Default `false`. It can sound only after the visitor has clicked or typed in the widget (browser rule).
   */
  sound?: boolean;
  /**
   * `false`: no launcher button; the site opens the chat from its own button (`natter.open()`) and shows the
   * unread count from the `unread` event. Default `true`.
   */
  launcher?: boolean;
}

/** A CSS hex colour: only these can be set as the accent, so no other CSS can be slipped in. */
const HEX_COLOR = /^#(?:[\da-f]{3}|[\da-f]{6})$/i;

/** Longest text a site may put in place of one of the widget's. */
const MAX_TEXT = 500;
const stringOverride = opt(str(0, MAX_TEXT));

/**
 * The checks of {@link WidgetOptions}, by option (the script tag's settings add theirs). Unknown keys of
 * `strings` are refused, since they are nearly always a typo.
 */
export const widgetOptionsShape = {
  teamName: opt(str(1, 100)),
  locale: opt(str(0, Infinity, /^[a-z]{2,3}(?:[-_][a-z\d]{1,8})*$/i)),
  strings: opt(obj(Object.fromEntries(STRING_KEYS.map((key) => [key, stringOverride])), true) as Validator<Partial<Strings>>),
  position: opt(oneOf(['right', 'left'])),
  color: opt(str(0, Infinity, HEX_COLOR)),
  zIndex: opt(int(-2147483647, 2147483647)),
  container: opt(is<HTMLElement>((value) => typeof HTMLElement !== 'undefined' && value instanceof HTMLElement, 'must be an HTML element')),
  sound: opt(bool),
  launcher: opt(bool),
};

/**
 * Checks {@link WidgetOptions}, with zod's `safeParse` face. Unknown option names are ignored; unknown keys
 * of `strings` are refused, since they are nearly always a typo.
 *
 * @example
 * ```ts
 * const result = widgetOptionsSchema.safeParse({ color: 'red' });
 * result.success; // false: color must be a hex colour
 * ```
 */
export const widgetOptionsSchema = schema(obj(widgetOptionsShape));

/** What each option must be, for error messages (the script tag's settings reuse it). */
export const widgetOptionExpectations: Record<Exclude<keyof WidgetOptions, 'strings'>, string> = {
  teamName: 'a text of 1 to 100 characters',
  locale: 'a language tag such as "de-CH"',
  position: '"right" or "left"',
  color: 'a hex colour such as "#0a7cff"',
  zIndex: 'a whole number',
  container: 'an HTML element on the page',
  sound: 'true or false',
  launcher: 'true or false',
};

function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value !== 'object' || value === null) return String(value);
  return `an object (${Object.prototype.toString.call(value).slice(8, -1)})`;
}

/**
 * Why `options` failed {@link widgetOptionsSchema}, as one sentence that names the option, says what it must
 * be, and what it was.
 */
export function describeOptionsError(options: unknown, issues: readonly Issue[]): string {
  const issue = issues[0];
  const [name, key] = issue?.path ?? [];
  if (name === undefined) return `Natter: mountWidget options must be an object, got ${describeValue(options)}.`;
  if (issue?.message === UNKNOWN) return `Natter: widget option "strings" has an unknown text "${String(key)}" (see src/i18n/en.ts).`;
  if (key !== undefined) return `Natter: widget option "strings.${String(key)}" must be a text of at most ${MAX_TEXT} characters.`;
  const expected = name === 'strings' ? 'an object of texts by key' : widgetOptionExpectations[name as keyof typeof widgetOptionExpectations];
  return `Natter: widget option "${String(name)}" must be ${expected}, got ${describeValue((options as Record<PropertyKey, unknown>)[name])}.`;
}
