/** The built artifacts, as users receive them: the drop-in script's size, and the npm module's import. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { expect, test } from 'vitest';
import { root } from './harness';

/** Issue 7's budget for the first stage: what runs before the launcher can be clicked. */
const FIRST_STAGE_GZIP = 8 * 1024;
/**
 * Everything the script tag loads for one visitor over a whole conversation: both stages and the files part
 * (issue 7's measure). Issue 7's goal is 24 KB and is not met: this is a guard against regressions, set
 * from what was measured once issues 6, 8 and 10 had landed (largest language, Arabic: 42,205 B), with a
 * margin of under 300 B; raised by 256 B for the language switch at run time (Natter.update({ locale }) loads
 * `natter-lang-*.js`: +146 B first stage, +100 B second), measured at 42,732 B; by 64 B for a review's fix
 * to files held in order (one refused is not sent again; one shown failed offline goes by itself), measured
 * 42,758 B; by 64 B for a review's fix to the panel keeping the focused control in view (not while the
 * customer has scrolled it away, not for controls in the messages), measured 42,812 B; by 64 B for a review's
 * fix to the language switch (the last language asked for wins; the rest of an update applies at once; none
 * after unmount), +68 B in the first stage, measured 42,880 B. The README's "Size" section lists what each
 * part costs.
 */
const TOTAL_GZIP = 42_944;
/**
 * The same for an XMPP server. Issue 9 asks for the default's budget; the XMPP transport costs ~4.5 KB more
 * than the WebSocket one, so this is a guard of its own, from the measured 45,449 B (Arabic); raised by 256 B
 * with the default's for the language switch at run time (measured 46,041 B), and by 64 B for the review's
 * fixes to router requests (never replayed for another visitor; the hello retried after a miss) and to the
 * visitor's nick rule (measured 46,108 B); by 64 B twice with the default's, for the fixes to files held in
 * order and to the focused control kept in view (measured 46,188 B), and once more for the fix to the
 * language switch (measured 46,256 B).
 */
const XMPP_TOTAL_GZIP = 46_336;
/** The second stage is built once per language; a visitor loads the first stage and one of these. */
const LANGUAGES = ['de', 'nl', 'fr', 'es', 'ar'];
const SECOND_STAGES = ['natter-app.js', ...LANGUAGES.map((language) => `natter-app-${language}.js`)];
/** The same for an XMPP server (`data-transport="xmpp"`). */
const XMPP_STAGES = ['natter-app-xmpp.js', ...LANGUAGES.map((language) => `natter-app-xmpp-${language}.js`)];
/** The files part (`natter-files.js`) is loaded by the second stage on first use: no eval there either. */
const STAGES = ['natter.js', ...SECOND_STAGES, ...XMPP_STAGES, 'natter-files.js'];
const gzipOf = (file: string) => gzipSync(readFileSync(path.join(root, 'dist', file)), { level: 9 }).length;

test(`the first stage, dist/natter.js, stays within ${FIRST_STAGE_GZIP / 1024} KB gzip`, () => {
  const gzip = gzipOf('natter.js');
  console.info(`dist/natter.js (first stage): ${gzip} bytes gzip`);
  expect(gzip).toBeLessThanOrEqual(FIRST_STAGE_GZIP);
});

test(`both stages and the files part together stay within ${TOTAL_GZIP} B gzip, in every language`, () => {
  const first = gzipOf('natter.js');
  const files = gzipOf('natter-files.js');
  const totals = SECOND_STAGES.map((file) => [file, first + gzipOf(file) + files] as const);
  console.info(`script: natter.js ${first} B + natter-files.js ${files} B + ${totals.map(([file, total]) => `${file} ${total - first - files} B (total ${total} B)`).join(', ')} gzip`);
  for (const [, total] of totals) expect(total).toBeLessThanOrEqual(TOTAL_GZIP);
});

test(`with XMPP, both stages together stay within ${XMPP_TOTAL_GZIP} B gzip, in every language (no files part: no uploads there yet)`, () => {
  const first = gzipOf('natter.js');
  const totals = XMPP_STAGES.map((file, index) => [file, first + gzipOf(file), gzipOf(file) - gzipOf(SECOND_STAGES[index]!)] as const);
  console.info(`XMPP stages: ${totals.map(([file, total, more]) => `${file} ${total - first} B (total ${total} B, ${more} B more than the default)`).join(', ')} gzip`);
  for (const [, total] of totals) expect(total).toBeLessThanOrEqual(XMPP_TOTAL_GZIP);
});

test('the default second stage carries no XMPP code, and the XMPP stage no Natter WebSocket protocol', () => {
  for (const file of SECOND_STAGES) {
    const bundle = readFileSync(path.join(root, 'dist', file), 'utf8');
    for (const mark of ['urn:xmpp', 'jabber:client', 'xmpp-framing', 'natter:router']) expect(bundle, `${file} has ${mark}`).not.toContain(mark);
  }
  for (const file of XMPP_STAGES) {
    const bundle = readFileSync(path.join(root, 'dist', file), 'utf8');
    expect(bundle).toContain('jabber:client');
    expect(bundle).not.toContain('refused protocol v');
  }
});

test("each language's texts for a switch at run time (natter-lang-*.js) are data handed over, whole, and small", async () => {
  const { en } = await import('../../src/i18n/en.ts');
  for (const language of ['en', ...LANGUAGES]) {
    const file = `natter-lang-${language}.js`;
    const match = /^document\.currentScript\.natterApp\?\.\((\{.*\})\);\n$/s.exec(readFileSync(path.join(root, 'dist', file), 'utf8'));
    expect(match, `${file} is one hand-over of one object`).not.toBeNull();
    const texts = JSON.parse(match![1]!) as Record<string, unknown>;
    for (const key of Object.keys(en).filter((key) => !/_(zero|one|two|few|many)$/.test(key))) expect(typeof texts[key], `${file}: ${key}`).toBe('string');
    expect(gzipOf(file), file).toBeLessThanOrEqual(2048);
  }
});

test('the script stages cannot compile code at run time: no eval, no Function constructor (strict CSP)', () => {
  for (const file of [...STAGES, ...['en', ...LANGUAGES].map((language) => `natter-lang-${language}.js`)]) {
    const bundle = readFileSync(path.join(root, 'dist', file), 'utf8');
    expect(bundle).not.toMatch(/\beval\(/);
    expect(bundle).not.toMatch(/\bFunction\b/);
  }
});

test('the npm module imports in Node (as in server-side rendering) without touching window or document', () => {
  const script = `
    const natter = await import(${JSON.stringify(path.join(root, 'dist/esm/index.js'))});
    const names = Object.keys(natter).sort();
    if (typeof globalThis.window !== 'undefined' || typeof globalThis.document !== 'undefined') throw new Error('a DOM global appeared');
    console.log(JSON.stringify(names));
  `;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
  const names = JSON.parse(out) as string[];
  expect(names).toEqual(expect.arrayContaining(['createNatter', 'WebSocketTransport', 'MemoryTransport', 'mountWidget', 'boot', 'NatterError']));
});

test('package.json exports resolve to built files with type declarations', () => {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  for (const file of [pkg.exports['.'].import, pkg.exports['.'].types, pkg.exports['./xmpp'].import, pkg.exports['./xmpp'].types, pkg.exports['./script'].default, pkg.exports['./script'].types]) {
    expect(() => readFileSync(path.join(root, file))).not.toThrow();
  }
  expect(pkg.sideEffects).toBe(false);
});

test('the package passes publint (strict) and are-the-types-wrong for ESM consumers', () => {
  const run = (args: string[]) => execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8', stdio: 'pipe' });
  expect(run([path.join(root, 'node_modules/publint/src/cli.js'), '--strict'])).toContain('All good');
  // Throws (non-zero exit) on any problem for bundler or node16 ESM resolution.
  run([path.join(root, 'node_modules/@arethetypeswrong/cli/dist/index.js'), '--pack', '.', '--profile', 'esm-only', '--format', 'ascii']);
}, 60_000);
