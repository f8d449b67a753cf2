import { describe, expect, it, vi } from 'vitest';
import { de } from '../../../src/i18n/de';
import { en } from '../../../src/i18n/en';
import { format, pickLocale, strings } from '../../../src/i18n/index';
import { STRING_KEYS } from '../../../src/i18n/keys';
import { nl } from '../../../src/i18n/nl';
import { fr } from '../../../src/i18n/fr';
import { es } from '../../../src/i18n/es';
import { ar } from '../../../src/i18n/ar';
import { counted, direction } from '../../../src/i18n/index';

/** The counts each counted text can show: stars 1–5, what is left when at most a tenth of the 4000 is, … */
const upTo = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const REACHABLE: Record<string, number[]> = {
  unread: [...upTo(1, 1000), 1_000_000, 2_000_000],
  stars: upTo(1, 5),
  charactersLeft: upTo(0, 400),
  charactersOver: [...upTo(1, 1000), 1_000_000, 2_000_000],
};

/** `unread` for `unread_one`; undefined for a key that is not counted. */
const countedBase = (key: string) => /^(\w+)_(zero|one|two|few|many|other)$/.exec(key)?.[1];

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

describe('i18n', () => {
  it('picks the language by the primary subtag, English otherwise', () => {
    expect(pickLocale('de-AT')).toBe('de');
    expect(pickLocale('DE')).toBe('de');
    expect(pickLocale('nl_BE')).toBe('nl');
    expect(pickLocale('en-GB')).toBe('en');
    expect(pickLocale('fr-FR')).toBe('fr');
    expect(pickLocale('es-MX')).toBe('es');
    expect(pickLocale('ar-EG')).toBe('ar');
    expect(pickLocale('ja')).toBe('en');
    expect(pickLocale('')).toBe('en');
    expect(pickLocale(undefined)).toBe('en');
  });

  it.each([
    ['en', en],
    ['de', de],
    ['nl', nl],
    ['fr', fr],
    ['es', es],
    ['ar', ar],
  ])('%s has every key of English and each plural category of its language, translated, with the same placeholders', (lang, pack) => {
    const rules = new Intl.PluralRules(lang);
    const bases = [...new Set(Object.keys(en).map(countedBase).filter(Boolean))] as string[];
    expect(bases.sort()).toEqual(Object.keys(REACHABLE).sort());
    // Every category the counts can reach in this language, and `_other`, the fallback.
    const categories = (base: string) => new Set([...REACHABLE[base]!.map((n) => rules.select(n)), 'other']);
    const wanted = [...Object.keys(en).filter((key) => !countedBase(key)), ...bases.flatMap((base) => [...categories(base)].map((category) => `${base}_${category}`))];
    expect(Object.keys(pack).sort()).toEqual(wanted.sort());
    const texts = pack as Record<string, string>;
    for (const key of Object.keys(pack)) {
      expect(texts[key]!.trim(), key).not.toBe('');
      // A plural form may spell its number out ("1 star", "رسالتان"); every other text keeps English's placeholders.
      if (countedBase(key)) expect(placeholders(texts[key]!).every((name) => name === 'count'), key).toBe(true);
      else expect(placeholders(texts[key]!), key).toEqual(placeholders((en as Record<string, string>)[key]!));
    }
    if (lang !== 'en') expect(pack.composerPlaceholder).not.toBe(en.composerPlaceholder);
  });

  it('counts by the plural rules of the language', () => {
    const plural = (lang: string) => {
      const rules = new Intl.PluralRules(lang);
      return (n: number) => rules.select(n);
    };
    expect(counted(en, plural('en'), 'stars', 1)).toBe('1 star');
    expect(counted(en, plural('en'), 'stars', 0)).toBe('0 stars');
    expect(counted(fr, plural('fr'), 'charactersLeft', 0)).toBe('Encore 0 caractère');
    expect(counted(fr, plural('fr'), 'unread', 1_000_000)).toBe('1000000 de messages non lus');
    expect([1, 2, 3, 5].map((n) => counted(ar, plural('ar'), 'stars', n))).toEqual(['نجمة واحدة', 'نجمتان', '3 نجوم', '5 نجوم']);
    expect([0, 1, 2, 3, 11, 100].map((n) => counted(ar, plural('ar'), 'charactersLeft', n))).toEqual(['لم يتبقَّ أي حرف', 'تبقّى حرف واحد', 'تبقّى حرفان', 'تبقّت 3 أحرف', 'تبقّى 11 حرفًا', 'تبقّى 100 حرف']);
    // A category the site's pack lacks falls back to `_other`.
    expect(counted({ ...en, unread_few: undefined } as never, plural('pl'), 'unread', 3)).toBe('3 unread messages');
  });

  it('Arabic alone is right to left', () => {
    expect(direction('ar')).toBe('rtl');
    expect((['en', 'de', 'nl', 'fr', 'es'] as const).map(direction)).toEqual(['ltr', 'ltr', 'ltr', 'ltr', 'ltr']);
  });

  it('makes no PluralRules while nothing is counted (lazily, on first use)', async () => {
    const { createDates } = await import('../../../src/ui/dates');
    const made = vi.spyOn(Intl, 'PluralRules');
    const dates = createDates('ar');
    expect(made).not.toHaveBeenCalled();
    expect([dates.plural(2), dates.plural(3)]).toEqual(['two', 'few']);
    expect(made).toHaveBeenCalledTimes(1);
    made.mockRestore();
  });

  it('speaks formally in German', () => {
    expect(de.composerPlaceholder).toContain('Sie');
    expect(Object.values(de).join(' ')).not.toMatch(/\b(du|dein|deine|dich|dir)\b/i);
  });

  it('the list of text names the settings are checked with is English’s keys, in order, and every plural category of the counted ones', () => {
    expect(STRING_KEYS.filter((key) => key in en)).toEqual(Object.keys(en));
    const extra = STRING_KEYS.filter((key) => !(key in en));
    expect(extra.sort()).toEqual(['charactersLeft', 'charactersOver', 'stars', 'unread'].flatMap((base) => ['zero', 'two', 'few', 'many'].map((c) => `${base}_${c}`)).sort());
    for (const pack of [de, nl, fr, es, ar]) for (const key of Object.keys(pack)) expect(STRING_KEYS, key).toContain(key);
  });

  it('lets the site override single texts', () => {
    const texts = strings('nl', { greeting: 'Vragen over uw bestelling?' });
    expect(texts.greeting).toBe('Vragen over uw bestelling?');
    expect(texts.send).toBe(nl.send);
  });

  it('fills placeholders and leaves unknown ones', () => {
    expect(format('{count} characters left', { count: 3 })).toBe('3 characters left');
    expect(format('{a} and {b}', { a: 'x' })).toBe('x and {b}');
  });

  it('every text is used by a component', async () => {
    const sources = import.meta.glob('../../../src/ui/*.{ts,tsx}', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;
    const code = Object.values(sources).join('\n');
    // Connection keys are looked up by state name (strings[connection]); system notices by the name of their
    // key (event-text.ts); a plural form `…_one` through `counted(strings, plural, '…')`.
    const byState = ['connecting', 'reconnecting'];
    for (const key of Object.keys(en)) {
      if (byState.includes(key)) continue;
      const used = code.includes(`strings.${key}`) || code.includes(`'${key}'`) || code.includes(`'${countedBase(key)}'`);
      expect(used, key).toBe(true);
    }
  });
});
