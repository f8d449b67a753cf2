/**
 * Types for pages that use the drop-in script: `import type {} from 'natter/script'` (or a triple-slash
 * reference) makes `window.Natter` and `window.NatterSettings` known to TypeScript.
 *
 * @example
 * ```ts
 * import type {} from 'natter/script';
 * window.Natter?.on('unread', (count) => console.log(count));
 * ```
 * @module
 */
import type { NatterApi } from './boot.ts';
import type { NatterSettings } from './settings.ts';

declare global {
  interface Window {
    /** The chat widget's API, defined by `natter.js` (or the queueing stub before it loads). */
    Natter?: NatterApi;
    /** Settings for `natter.js`, read when it loads; they win over the script tag's `data-*` attributes. */
    NatterSettings?: Partial<NatterSettings>;
  }
}

export {};
