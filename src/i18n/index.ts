/**
 * The widget's languages: English (the source), German, Dutch, French, Spanish and Arabic.
 * @module
 */
import { ar } from './ar.ts';
import { de } from './de.ts';
import { en, type CountedKey, type Strings } from './en.ts';
import { es } from './es.ts';
import { fr } from './fr.ts';
import { nl } from './nl.ts';

export type { CountedKey, Strings };

/** The languages the widget speaks. */
export type Locale = 'en' | 'de' | 'nl' | 'fr' | 'es' | 'ar';

/**
 * The script tag's second stage is built once per language and transport (`natter-app.js`, `natter-app-de.js`,
 * …, `natter-app-xmpp-fr.js`; the first stage loads the one for the page) and carries only that language: a
 * visitor downloads one of them. The npm build and the tests have all of them.
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
        : mode === 'app-fr' || mode === 'app-xmpp-fr'
          ? { fr }
          : mode === 'app-es' || mode === 'app-xmpp-es'
            ? { es }
            : mode === 'app-ar' || mode === 'app-xmpp-ar'
              ? { ar }
              : { en, de, nl, fr, es, ar };

/** Takes another language's texts into this build: the script tag's `natter-lang-*.js`, on a switch at run time. */
export function learn(locale: Locale, pack: Strings): void {
  packs[locale] = pack;
}

/** The writing direction of a widget language: Arabic is written right to left. */
export const direction = (locale: Locale): 'rtl' | 'ltr' => (locale === 'ar' ? 'rtl' : 'ltr');

/**
 * The widget language for a BCP-47 tag, by its primary subtag; English when the tag is missing or the
 * language is not one the widget speaks.
 *
 * @example
 * ```ts
 * pickLocale('de-AT'); // 'de'
 * pickLocale('ja');    // 'en'
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

/**
 * The text for `count` of something, in the plural category `plural` gives for it (`Intl.PluralRules`
 * of the widget's language: `one`, `few`, `many`…), the `_other` form when the language has no text of
 * its own for that category, with `{count}` filled in.
 *
 * @example
 * ```ts
 * const rules = new Intl.PluralRules('en');
 * counted(strings('en'), (n) => rules.select(n), 'stars', 1); // '1 star'
 * counted(strings('en'), (n) => rules.select(n), 'stars', 4); // '4 stars'
 * ```
 */
export function counted(texts: Strings, plural: (count: number) => Intl.LDMLPluralRule, key: CountedKey, count: number): string {
  return format(texts[`${key}_${plural(count)}`] ?? texts[`${key}_other`], { count });
}
