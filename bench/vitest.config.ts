import { defineConfig } from 'vitest/config';

/** `npm run bench`: benchmarks only, in Node. */
export default defineConfig({
  test: {
    root: '.',
    environment: 'node',
    benchmark: { include: ['bench/**/*.bench.ts'] },
  },
});
