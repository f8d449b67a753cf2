/**
 * The shipped source maps, read the way a debugger or an error tracker reads them: every `.js` in `dist/`
 * (the drop-in script and its chunks, the npm build's modules) has a map next to it, the map describes
 * that very file, and known strings map back to the files they are written in. Runs on the built files
 * (`npm run build` first, as `npm test` does).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { TraceMap, eachMapping, originalPositionFor, type SourceMapInput } from '@jridgewell/trace-mapping';
import { describe, expect, test } from 'vitest';
import { root } from './harness';

const dist = path.join(root, 'dist');

/** Every shipped script, by path under `dist/`; `dist/types` holds declarations only. */
function shippedScripts(dir = dist): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return file === path.join(dist, 'types') ? [] : shippedScripts(file);
    return entry.name.endsWith('.js') && !onlyReexports(file) && !languageTexts(entry.name) ? [path.relative(dist, file).split(path.sep).join('/')] : [];
  });
}

/** A module of nothing but import and export lines (the npm build's `index.js`): no code of its own to map. */
function onlyReexports(file: string): boolean {
  return readFileSync(file, 'utf8')
    .split('\n')
    .every((line) => line.trim() === '' || /^(import|export) .* from "[^"]+";$|^export \{[^}]*\};$/.test(line));
}

/**
 * A language's texts (`natter-lang-de.js`, …): one line handing JSON over, no code of its own to map; what
 * they hold is checked in package.test.ts.
 */
const languageTexts = (name: string): boolean => /^natter-lang-[a-z]{2}\.js$/.test(name);

/** The npm build (`dist/esm/`) or the script tag's files (the rest of `dist/`). */
const buildOf = (file: string): Build => (file.startsWith('esm/') ? 'npm' : 'script');
type Build = 'npm' | 'script';

interface Shipped {
  file: string;
  code: string;
  raw: { version: number; sources: (string | null)[]; sourcesContent?: (string | null)[]; ignoreList?: number[] };
  map: TraceMap;
  /** A source as a path: under `root`, or from `node_modules/` on (wherever node_modules really is). */
  sourcePath(source: string | null): string | null;
}

function load(file: string): Shipped {
  const code = readFileSync(path.join(dist, file), 'utf8');
  const reference = /\n\/\/# sourceMappingURL=([^\s]+)\s*$/.exec(code)?.[1];
  if (reference === undefined) throw new Error(`dist/${file} does not end with a sourceMappingURL comment`);
  const mapFile = path.join(path.dirname(path.join(dist, file)), reference);
  const raw = JSON.parse(readFileSync(mapFile, 'utf8')) as Shipped['raw'];
  const map = new TraceMap(raw as SourceMapInput, pathToFileURL(mapFile).href);
  return {
    file,
    code,
    raw,
    map,
    sourcePath(source) {
      if (source === null) return null;
      const absolute = fileURLToPath(source);
      const modules = absolute.lastIndexOf(`${path.sep}node_modules${path.sep}`);
      const relative = modules >= 0 ? absolute.slice(modules + 1) : path.relative(root, absolute);
      return relative.split(path.sep).join('/');
    },
  };
}

const shipped = shippedScripts().map(load);

/** 1-based line, 0-based column (UTF-16 units, as source maps and JS strings count) of an offset. */
function position(code: string, offset: number): { line: number; column: number } {
  const before = code.slice(0, offset);
  return { line: before.split('\n').length, column: offset - (before.lastIndexOf('\n') + 1) };
}

function occurrences(code: string, text: string): number[] {
  const found: number[] = [];
  for (let at = code.indexOf(text); at >= 0; at = code.indexOf(text, at + 1)) found.push(at);
  return found;
}

/**
 * Strings that only one source file writes, and that are unlikely to move: a transport's warning, texts
 * of the three languages, the settings' error message, storage's warning, the script tag's own warnings,
 * and one from a dependency. `in` says which builds must contain the string (somewhere among their files).
 */
const probes: { text: string; source: string; in: Build[] }[] = [
  { text: 'the server did not answer in time; reconnecting', source: 'src/transports/websocket.ts', in: ['script', 'npm'] },
  { text: 'Verbindung wird wiederhergestellt', source: 'src/i18n/de.ts', in: ['script', 'npm'] },
  { text: 'Wachtrij verlaten', source: 'src/i18n/nl.ts', in: ['script', 'npm'] },
  { text: 'Thanks for your feedback!', source: 'src/i18n/en.ts', in: ['script', 'npm'] },
  { text: 'until then the widget stays hidden', source: 'src/embed/settings.ts', in: ['script', 'npm'] },
  { text: 'the script is on this page twice', source: 'src/embed/script.ts', in: ['script'] },
  { text: 'Natter failed to start (the page is unaffected)', source: 'src/embed/script.ts', in: ['script'] },
  { text: 'the stored visitor record is unreadable', source: 'src/storage/history.ts', in: ['script', 'npm'] },
  { text: 'http://www.w3.org/1998/Math/MathML', source: 'node_modules/preact/dist/preact.mjs', in: ['script'] },
];

test('the shipped scripts are the drop-in script and the npm build, each with a map', () => {
  const files = shipped.map((s) => s.file);
  expect(files).toEqual(expect.arrayContaining(['natter.js', 'natter-app.js', 'esm/core/client.js', 'esm/ui/mount.js']));
});

describe.each(shipped.map((s) => [s.file, s] as const))('dist/%s', (_file, s) => {
  test('its map describes this file: every mapping is inside it and inside the source it names', () => {
    expect(s.raw.version).toBe(3);
    const lines = s.code.split('\n');
    const sourceLines = new Map<string, string[]>();
    s.raw.sources.forEach((source, index) => {
      const content = s.raw.sourcesContent?.[index];
      // Without the sources' text a map is useless to anyone without this repository.
      expect(typeof content, `sourcesContent of ${source}`).toBe('string');
      sourceLines.set(s.map.resolvedSources[index]!, content!.split('\n'));
    });
    let outside = 0;
    let mapped = 0;
    eachMapping(s.map, (m) => {
      const line = lines[m.generatedLine - 1];
      if (line === undefined || m.generatedColumn >= line.length) outside++;
      if (m.source === null) return;
      mapped++;
      const original = sourceLines.get(m.source)?.[m.originalLine - 1];
      if (original === undefined || m.originalColumn > original.length) outside++;
    });
    // Every shipped file has code of its own (pure re-export modules are left out above), mapped; but Vite
    // maps `?inline` CSS to nothing (see the CSS test below), and the npm build keeps it as a module of its own.
    if (!s.file.endsWith('.css_inline.js')) expect(mapped).toBeGreaterThan(0);
    expect(outside, 'mappings that point past the end of a line').toBe(0);
  });

  test('dependencies, and only they, are on the ignore list (debuggers step over them)', () => {
    const ignored = new Set(s.raw.ignoreList ?? []);
    const wrong = s.raw.sources.filter((source, index) => ignored.has(index) !== /(^|\/)node_modules\//.test(source ?? ''));
    expect(wrong).toEqual([]);
  });

  test("the inlined CSS is never put in another file (Vite maps `?inline` CSS to nothing, or to styles.css)", () => {
    for (const at of occurrences(s.code, '@keyframes natter-in')) {
      const { source } = originalPositionFor(s.map, position(s.code, at));
      expect([null, 'src/ui/styles.css']).toContain(s.sourcePath(source));
    }
  });
});

test('known strings map back to the file they are written in, in every shipped file that has them', () => {
  const results: { file: string; text: string; at: number; source: string | null; expected: string }[] = [];
  for (const s of shipped) {
    for (const probe of probes) {
      for (const at of occurrences(s.code, probe.text)) {
        const { source } = originalPositionFor(s.map, position(s.code, at));
        results.push({ file: s.file, text: probe.text, at, source: s.sourcePath(source), expected: probe.source });
      }
    }
  }
  // Each probe is in at least one file of each build it names (the test below), so at least this many.
  expect(results.length).toBeGreaterThanOrEqual(probes.reduce((sum, probe) => sum + probe.in.length, 0));
  expect(results.filter((r) => r.source !== r.expected)).toEqual([]);
});

test.each(probes)('"$text" is in the builds that must have it', (probe) => {
  for (const build of probe.in) {
    const files = shipped.filter((s) => buildOf(s.file) === build && s.code.includes(probe.text));
    expect(files.length, `${build} build`).toBeGreaterThan(0);
  }
});
