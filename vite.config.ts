import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

/**
 * Two builds from one source:
 * - `vite build` → `dist/esm/index.js`, the npm module (dependencies stay external; the app's bundler dedupes them);
 * - `vite build --mode script` → `dist/natter.js`, the self-contained drop-in for `<script async src=…>`.
 */
export default defineConfig(({ mode }) => {
  const script = mode === 'script';
  return {
    plugins: [preact({ devtoolsInProd: false, prefreshEnabled: false })],
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
