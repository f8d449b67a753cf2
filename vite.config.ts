import preact from '@preact/preset-vite';
import { defineConfig, type Plugin } from 'vite';

/**
 * zod keeps its configuration (and registry) on `globalThis.__zod_global…`. Inside the drop-in script that
 * would be a second global on the host page, so the script build gives zod a private object instead.
 */
function zodWithoutGlobals(): Plugin {
  return {
    name: 'natter:zod-without-globals',
    transform(code, id) {
      if (!/zod[\\/]v4[\\/]core[\\/](core|registries)\.js$/.test(id)) return null;
      return { code: `const zodScope = {};\n${code.replaceAll('globalThis', 'zodScope')}`, map: null };
    },
  };
}

/**
 * Two builds from one source:
 * - `vite build` → `dist/esm/index.js`, the npm module (dependencies stay external; the app's bundler dedupes them);
 * - `vite build --mode script` → `dist/natter.js`, the self-contained drop-in for `<script async src=…>`.
 */
export default defineConfig(({ mode }) => {
  const script = mode === 'script';
  return {
    plugins: [preact({ devtoolsInProd: false, prefreshEnabled: false }), ...(script ? [zodWithoutGlobals()] : [])],
    build: {
      target: 'es2022',
      sourcemap: true,
      minify: script,
      outDir: script ? 'dist' : 'dist/esm',
      emptyOutDir: !script,
      reportCompressedSize: false,
      lib: script
        ? { entry: 'src/embed/script.ts', formats: ['iife'], name: 'NatterScript', fileName: () => 'natter.js' }
        : { entry: 'src/index.ts', formats: ['es'], fileName: () => 'index.js' },
      rolldownOptions: script
        ? {}
        : { external: [/^preact(\/.*)?$/, /^zod(\/.*)?$/, 'idb-keyval', 'nanoid'] },
    },
  };
});
