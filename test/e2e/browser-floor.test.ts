/**
 * The browsers the README promises (the floor): every built bundle must parse as the JavaScript they run,
 * and use no API or CSS they lack, unless it is feature-tested with a fallback.
 *
 * The floor is Chrome and Edge 97, Firefox 104, Safari 16.4: `Array.prototype.findLast` (Chrome 97,
 * Firefox 104) and constructable stylesheets in a shadow root (Safari 16.4, Firefox 101) are the newest
 * things Natter needs. All three run ES2022 syntax (class static blocks being the newest, Safari 16.4).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'acorn';
import { expect, test } from 'vitest';
import { root } from './harness';

const FLOOR = 'Chrome and Edge 97+, Firefox 104+, Safari 16.4+';

const bundles = () => readdirSync(path.join(root, 'dist')).filter((file) => /^natter.*\.js$/.test(file));

/** What the floor lacks, with the first version of each that has it. `guarded`: used only where tested for. */
const NEWER: [RegExp, string][] = [
  [/\.toSorted\(|\.toReversed\(|\.toSpliced\(|\.with\(/, 'change-array-by-copy (Chrome 110, Firefox 115, Safari 16)'],
  [/\bstructuredClone\(/, 'structuredClone (Chrome 98)'],
  [/\b(Object|Map)\.groupBy\b/, 'Object.groupBy (Chrome 117, Firefox 119, Safari 17.4)'],
  [/\bPromise\.(withResolvers|try)\b/, 'Promise.withResolvers / try (Chrome 119, Firefox 121, Safari 17.4)'],
  [/\bArray\.fromAsync\b/, 'Array.fromAsync (Chrome 121, Firefox 115, Safari 16.4)'],
  [/\.(isWellFormed|toWellFormed)\(/, 'well-formed strings (Chrome 111, Firefox 119, Safari 16.4)'],
  [/\.(union|intersection|difference|symmetricDifference|isSubsetOf|isSupersetOf|isDisjointFrom)\(/, 'Set methods (Chrome 122, Firefox 127, Safari 17)'],
  [/\bIterator\.from\b|\.values\(\)\.(map|filter|take|drop|toArray)\(/, 'iterator helpers (Chrome 122, Firefox 131, Safari 18.4)'],
  [/\bAbortSignal\.(any|timeout)\b/, 'AbortSignal.any / timeout (Chrome 103/116, Firefox 100/124, Safari 16/17.4)'],
  [/\bIntl\.(Segmenter|DurationFormat)\b/, 'Intl.Segmenter / DurationFormat (Firefox 125 / Chrome 129)'],
  [/\bRegExp\.escape\b|\bError\.isError\b|\bMath\.sumPrecise\b/, 'ES2025+ statics'],
  [/:has\(/, 'CSS :has() (Chrome 105, Firefox 121)'],
  [/\bcolor-mix\(|@container\b|@scope\b|\btext-wrap\s*:/, 'newer CSS (color-mix, container queries, @scope, text-wrap)'],
  [/[{;}]\s*&[\s.:[]/, 'CSS nesting (Chrome 112, Firefox 117, Safari 16.5)'],
];

test('the README states the floor this test checks', () => {
  expect(readFileSync(path.join(root, 'README.md'), 'utf8')).toContain(`(${FLOOR}`);
});

test.each(bundles())('%s parses as ES2022, the floor’s JavaScript', (file) => {
  const code = readFileSync(path.join(root, 'dist', file), 'utf8');
  expect(() => parse(code, { ecmaVersion: 2022, sourceType: 'script' })).not.toThrow();
});

test('a bundle with ES2024 syntax would fail the parse (the check can fail)', () => {
  expect(() => parse('/[\\p{L}--[a-z]]/v', { ecmaVersion: 2022 })).toThrow();
});

test.each(bundles())('%s uses no API or CSS newer than the floor', (file) => {
  const code = readFileSync(path.join(root, 'dist', file), 'utf8');
  const found = NEWER.filter(([pattern]) => pattern.test(code)).map(([, what]) => what);
  expect(found).toEqual([]);
});

test('dvh (Chrome 108) always has a vh fallback: the same property, earlier in the same rule', () => {
  let seen = 0;
  for (const file of bundles()) {
    const code = readFileSync(path.join(root, 'dist', file), 'utf8');
    for (const match of code.matchAll(/([\w-]+):[^;{}]*\b100dvh/g)) {
      seen++;
      const rule = code.slice(code.lastIndexOf('{', match.index), match.index);
      expect(rule, `${file}: ${match[0]}`).toMatch(new RegExp(`(^|[{;])${match[1]}:[^;{}]*\\b100vh`));
    }
  }
  expect(seen).toBeGreaterThan(0);
});
