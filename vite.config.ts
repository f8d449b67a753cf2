import preact from '@preact/preset-vite';
import { minify } from 'terser';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { ar } from './src/i18n/ar.ts';
import { de } from './src/i18n/de.ts';
import { en } from './src/i18n/en.ts';
import { es } from './src/i18n/es.ts';
import { fr } from './src/i18n/fr.ts';
import { nl } from './src/i18n/nl.ts';

/**
 * zod keeps its configuration (and registry) on `globalThis.__zod_global…`. On a host page that would be a
 * second global, so the drop-in script's zod gets a private object instead.
 */
function zodWithoutGlobals(): Plugin {
  return {
    name: 'natter:zod-without-globals',
    transform(code, id) {
      if (!/zod[\\/]v4[\\/]core[\\/](core|registries)\.js$/.test(id)) return null;
      return replaceWord(code, id, 'globalThis', 'zodScope', 'const zodScope = {};');
    },
  };
}

/**
 * `code` with the word `from` replaced by `to` everywhere and `prefix` on a line of its own above, and
 * the source map of that change: one mapping per token, so every token keeps its line and column. (A
 * `map: null` would tell rolldown the code did not move: everything after the new line, and after each
 * shorter word, would map one line down and two columns off.)
 */
function replaceWord(code: string, id: string, from: string, to: string, prefix: string) {
  const word = new RegExp(`(?<![\\w$])${from}(?![\\w$])`, 'g');
  let sourceLine = 0;
  let sourceColumn = 0;
  const mappings = code.split('\n').map((line, lineIndex) => {
    const segments: string[] = [];
    let shift = 0;
    let generatedColumn = 0;
    for (const token of line.matchAll(/[\w$]+|\S/g)) {
      // [generated column, source 0, source line, source column], each relative to the one before.
      segments.push([token.index + shift - generatedColumn, 0, lineIndex - sourceLine, token.index - sourceColumn].map(vlq).join(''));
      generatedColumn = token.index + shift;
      sourceLine = lineIndex;
      sourceColumn = token.index;
      if (token[0] === from) shift += to.length - from.length;
    }
    return segments.join(',');
  });
  return {
    code: `${prefix}\n${code.replace(word, to)}`,
    map: { version: 3, sources: [id], sourcesContent: [code], names: [], mappings: `;${mappings.join(';')}` },
  };
}

/** A number in a source map's base64 VLQ. */
function vlq(value: number): string {
  const digits = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let rest = value < 0 ? (-value << 1) | 1 : value << 1;
  let out = '';
  do {
    out += digits[(rest & 31) | (rest > 31 ? 32 : 0)];
    rest >>>= 5;
  } while (rest > 0);
  return out;
}

/**
 * A second minification pass with terser over the default minifier's output. Measured on dist/natter.js:
 * 202 bytes gzip (436 brotli) less than rolldown's minifier alone — bytes every host page downloads.
 *
 * Its source map: terser maps its output to its input and, given the input's map (`sourceMap.content`),
 * looks every position up in it, so the result maps straight to `src/`. By `generateBundle` rolldown has
 * already put `natter.js.map` into the bundle as an asset, serialised from the map before this pass, and
 * writes that asset as it is: changing `chunk.map` alone shipped a map of the code before this pass, which
 * put most strings in the wrong file. So the composed map replaces the asset's source (and `chunk.map`, for
 * any plugin after this one). Terser keeps `sources` and `sourcesContent` but not the ignore list (preact,
 * zod, … that debuggers step over), which is carried over by source name.
 */
function terserPass(): Plugin {
  return {
    name: 'natter:terser-pass',
    apply: 'build',
    async generateBundle(_options, bundle) {
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk') continue;
        const input = chunk.map;
        // Whatever reference rolldown wrote (none for `sourcemap: 'hidden'`); terser drops comments.
        const url = /\n\/\/# sourceMappingURL=(\S+)\s*$/.exec(chunk.code)?.[1];
        const mapAsset = chunk.sourcemapFileName === null ? undefined : bundle[chunk.sourcemapFileName];
        if (input !== null && (mapAsset?.type !== 'asset' || url?.startsWith('data:'))) {
          this.error(`${chunk.fileName}: its source map is not a separate file; only \`sourcemap: true\` or 'hidden' is handled`);
        }
        const result = await minify(chunk.code, {
          ecma: 2020,
          compress: { passes: 3, pure_getters: true, unsafe_arrows: true, unsafe_methods: true },
          format: { comments: false },
          sourceMap: input === null ? false : { content: JSON.stringify(input), ...(url === undefined ? {} : { url }) },
        });
        if (result.code === undefined) this.error(`${chunk.fileName}: terser returned no code`);
        chunk.code = result.code;
        if (input === null || mapAsset?.type !== 'asset') continue;
        if (typeof result.map !== 'string') this.error(`${chunk.fileName}: terser returned no source map`);
        const composed = JSON.parse(result.map) as { sources: string[]; sourcesContent: string[]; names: string[]; mappings: string };
        const ignored = new Set((input.ignoreList ?? []).map((index) => input.sources[index]));
        const map = {
          version: 3,
          file: input.file,
          sources: composed.sources,
          sourcesContent: composed.sourcesContent,
          names: composed.names,
          mappings: composed.mappings,
          ignoreList: composed.sources.flatMap((source, index) => (ignored.has(source) ? [index] : [])),
        };
        const json = JSON.stringify(map);
        mapAsset.source = json;
        chunk.map = {
          ...map,
          toString: () => json,
          toUrl: () => `data:application/json;charset=utf-8;base64,${Buffer.from(json).toString('base64')}`,
        };
      }
    },
  };
}

/**
 * The script tag's two stages: `natter.js` (the first, small) and the second, everything else, once per
 * transport (Natter's WebSocket protocol, XMPP) and language (`src/i18n/index.ts` keeps only the mode's
 * own): the first stage loads the page's.
 */
const stages: Record<string, { entry: string; file: string }> = {
  script: { entry: 'src/embed/script.ts', file: 'natter.js' },
  app: { entry: 'src/embed/app.ts', file: 'natter-app.js' },
  'app-de': { entry: 'src/embed/app.ts', file: 'natter-app-de.js' },
  'app-nl': { entry: 'src/embed/app.ts', file: 'natter-app-nl.js' },
  'app-fr': { entry: 'src/embed/app.ts', file: 'natter-app-fr.js' },
  'app-es': { entry: 'src/embed/app.ts', file: 'natter-app-es.js' },
  'app-ar': { entry: 'src/embed/app.ts', file: 'natter-app-ar.js' },
  'app-xmpp': { entry: 'src/embed/app-xmpp.ts', file: 'natter-app-xmpp.js' },
  'app-xmpp-de': { entry: 'src/embed/app-xmpp.ts', file: 'natter-app-xmpp-de.js' },
  'app-xmpp-nl': { entry: 'src/embed/app-xmpp.ts', file: 'natter-app-xmpp-nl.js' },
  'app-xmpp-fr': { entry: 'src/embed/app-xmpp.ts', file: 'natter-app-xmpp-fr.js' },
  'app-xmpp-es': { entry: 'src/embed/app-xmpp.ts', file: 'natter-app-xmpp-es.js' },
  'app-xmpp-ar': { entry: 'src/embed/app-xmpp.ts', file: 'natter-app-xmpp-ar.js' },
  files: { entry: 'src/embed/files.ts', file: 'natter-files.js' },
};

/**
 * In the second stage, the files part of the widget and its upload are the lazy loaders of `src/embed/`:
 * they come from `natter-files.js` on first use (see `src/ui/files-ui.ts`).
 */
const lazyFiles = [
  { find: /^\.{1,2}\/(?:.*\/)?files-ui\.ts$/, replacement: fileURLToPath(new URL('src/embed/files-lazy.ts', import.meta.url)) },
  { find: /^\.{1,2}\/(?:.*\/)?http-upload\.ts$/, replacement: fileURLToPath(new URL('src/embed/upload-lazy.ts', import.meta.url)) },
];

/**
 * The widget's texts per language, `dist/natter-lang-<language>.js`: loaded by the first stage only when a
 * page switches language at run time (`Natter.update({ locale })`), since a second stage carries one
 * language. Data, handed over like the second stage (no eval, the same nonce). Written with the files part.
 */
function languageTexts(): Plugin {
  return {
    name: 'natter:language-texts',
    generateBundle() {
      for (const [language, texts] of Object.entries({ en, de, nl, fr, es, ar })) {
        const source = `document.currentScript.natterApp?.(${JSON.stringify(texts)});\n`;
        this.emitFile({ type: 'asset', fileName: `natter-lang-${language}.js`, source });
      }
    },
  };
}

export default defineConfig(({ mode }) => {
  const stage = stages[mode];
  const script = stage !== undefined;
  return {
    plugins: [preact({ devtoolsInProd: false, prefreshEnabled: false }), ...(script ? [zodWithoutGlobals(), terserPass()] : []), ...(mode === 'files' ? [languageTexts()] : [])],
    resolve: { alias: mode.startsWith('app') ? lazyFiles : [] },
    build: {
      target: 'es2022',
      sourcemap: true,
      minify: script,
      outDir: script ? 'dist' : 'dist/esm',
      emptyOutDir: !script,
      reportCompressedSize: false,
      lib: script
        ? { entry: stage.entry, formats: ['iife'], name: 'NatterScript', fileName: () => stage.file }
        : { entry: { index: 'src/index.ts', xmpp: 'src/xmpp.ts' }, formats: ['es'], fileName: (_format, name) => `${name}.js` },
      rolldownOptions: script
        ? {}
        : {
            external: [/^preact(\/.*)?$/, /^zod(\/.*)?$/, 'idb-keyval', 'nanoid'],
            // One module per source file, so that an app's bundler keeps only what it imports (with
            // `sideEffects: false`): a headless app that imports `createNatter` gets no Preact and no widget.
            output: { preserveModules: true, preserveModulesRoot: 'src' },
          },
    },
  };
});
