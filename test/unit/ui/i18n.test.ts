import { describe, expect, it } from 'vitest';
import { de } from '../../../src/i18n/de';
import { en } from '../../../src/i18n/en';
import { format, pickLocale, strings } from '../../../src/i18n/index';
import { STRING_KEYS } from '../../../src/i18n/keys';
import { nl } from '../../../src/i18n/nl';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

describe('i18n', () => {
  it('picks the language by the primary subtag, English otherwise', () => {
    expect(pickLocale('de-AT')).toBe('de');
    expect(pickLocale('DE')).toBe('de');
    expect(pickLocale('nl_BE')).toBe('nl');
    expect(pickLocale('en-GB')).toBe('en');
    expect(pickLocale('fr-FR')).toBe('en');
    expect(pickLocale('')).toBe('en');
    expect(pickLocale(undefined)).toBe('en');
  });

  it.each([
    ['de', de],
    ['nl', nl],
  ])('%s has every key of English, translated, with the same placeholders', (_, pack) => {
    expect(Object.keys(pack).sort()).toEqual(Object.keys(en).sort());
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(pack[key].trim(), key).not.toBe('');
      expect(placeholders(pack[key]), key).toEqual(placeholders(en[key]));
    }
    expect(pack.composerPlaceholder).not.toBe(en.composerPlaceholder);
  });

  it('speaks formally in German', () => {
    expect(de.composerPlaceholder).toContain('Sie');
    expect(Object.values(de).join(' ')).not.toMatch(/\b(du|dein|deine|dich|dir)\b/i);
  });

  it('the list of text names the settings are checked with is English’s keys, in order', () => {
    expect(STRING_KEYS).toEqual(Object.keys(en));
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
    // key (event-text.ts); a singular `…One` through `counted(strings, '…')`.
    const byState = ['connecting', 'reconnecting'];
    for (const key of Object.keys(en)) {
      if (byState.includes(key)) continue;
      const used = code.includes(`strings.${key}`) || code.includes(`'${key}'`) || (key.endsWith('One') && code.includes(`'${key.slice(0, -3)}'`));
      expect(used, key).toBe(true);
    }
  });
});
