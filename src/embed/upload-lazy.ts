/**
 * `src/transports/http-upload.ts` in the script tag's second stage (swapped in by `vite.config.ts`): the
 * upload's code comes with the files part, `natter-files.js`, loaded on first use.
 * @module
 */
export { uploadFile as httpUpload } from './files-lazy.ts';
