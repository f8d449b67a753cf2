/**
 * The widget's languages: English (the source), German and Dutch.
 * @module
 */
import { de } from './de.ts';
import { en, type Strings } from './en.ts';
import { nl } from './nl.ts';

export type { Strings };

/** The languages the widget speaks. */
export type Locale = 'en' | 'de' | 'nl';

/**
 * The script tag's second stage is built once per language (`natter-app.js`, `natter-app-de.js`,
 * `natter-app-nl.js`, and so for `natter-app-xmpp…`; the first stage loads the one for the page) and carries only that language: a
 * visitor downloads one of the three. The npm build and the tests have all three.
 */
const mode = import.meta.env.MODE;
// Comparisons the minifier folds away (it does not fold `startsWith`), so each stage keeps one language.
const packs: Partial<Record<Locale, Strings>> =
  mode === 'app' || mode === 'app-xmpp'
    ? { en }
    : mode === 'app-de' || mode === 'app-xmpp-de'
      ? { de }
      : mode === 'app-nl' || mode === 'app-xmpp-nl'
        ? { nl }
        : { en, de, nl };

/**
 * The widget language for a BCP-47 tag, by its primary subtag; English when the tag is missing or the
 * language is not one the widget speaks.
 *
 * @example
 * ```ts
 * pickLocale('de-AT'); // 'de'
 * pickLocale('fr');    // 'en'
 * ```
 */
export function pickLocale(lang?: string): Locale {
  const primary = (lang ?? '').split(/[-_]/)[0]!.toLowerCase();
  return Object.hasOwn(packs, primary) ? (primary as Locale) : 'en';
}

/**
 * The texts for `locale`, with the site's `overrides` on top.
 *
 * @example
 * ```ts
 * strings('nl', { title: 'Acme helpdesk' }).title; // 'Acme helpdesk'
 * ```
 */
export function strings(locale: Locale, overrides?: Partial<Strings>): Strings {
  // (A language-specific second stage has its one language whatever it is asked: the first stage chose it.)
  return { ...(packs[locale] ?? Object.values(packs)[0]!), ...overrides };
}

/**
 * Fills `{name}` placeholders of `template` from `values`; unknown placeholders stay as they are.
 *
 * @example
 * ```ts
 * format('{count} characters left', { count: 12 }); // '12 characters left'
 * ```
 */
export function format(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (match, name: string) => (name in values ? String(values[name]) : match));
}

/** Keys that have a singular form, `<key>One`, next to a plural with `{count}`. */
export type CountedKey = { [K in keyof Strings]: K extends `${infer Base}One` ? Base : never }[keyof Strings];

/**
 * The text for `count` of something: the `One` form for 1, else the plural with `{count}` filled in.
 *
 * @example
 * ```ts
 * counted(strings('en'), 'stars', 1); // '1 star'
 * counted(strings('en'), 'stars', 4); // '4 stars'
 * ```
 */
export function counted(texts: Strings, key: CountedKey, count: number): string {
  return count === 1 ? texts[`${key}One`] : format(texts[key], { count });
}
