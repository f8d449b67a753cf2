/** Builds the plain Preact widget fixture into one minified script, in memory, with vite. */
import path from 'node:path';
import { build } from 'vite';

export async function buildPreactWidget(): Promise<string> {
  const output = await build({
    configFile: false,
    root: path.resolve(import.meta.dirname, '../..'),
    logLevel: 'silent',
    build: {
      write: false,
      minify: true,
      target: 'es2022',
      sourcemap: false,
      lib: { entry: path.resolve(import.meta.dirname, '../fixtures/preact-widget.js'), formats: ['iife'], name: 'BenchPreactWidget', fileName: () => 'preact-widget.js' },
    },
  });
  const outputs = Array.isArray(output) ? output : [output];
  for (const out of outputs) {
    if (!('output' in out)) continue;
    for (const chunk of out.output) if (chunk.type === 'chunk') return chunk.code;
  }
  throw new Error('vite built no chunk for bench/fixtures/preact-widget.js');
}
