/**
 * `src/ui/files-ui.ts` in the script tag's second stage (swapped in by `vite.config.ts`): the files part of
 * the widget comes from `natter-files.js`, loaded on first use next to this stage, as a classic script with
 * its nonce, as the second stage itself is loaded (a strict CSP needs nothing more).
 * @module
 */
import { h } from 'preact';
import type { FilesUi } from '../ui/files-ui.ts';
import type { FilesStage } from './files.ts';

/** This stage's own script element, while it runs: the files part is next to it. */
const stage = document.currentScript as HTMLScriptElement | null;
let ui: (FilesUi & Pick<FilesStage, 'upload'>) | undefined;
let loading: Promise<NonNullable<typeof ui>> | undefined;

export const filesUi = (): FilesUi | undefined => ui;

export const loadFilesUi = (): Promise<NonNullable<typeof ui>> =>
  (loading ??= new Promise((resolve, reject) => {
    const script = document.createElement('script') as HTMLScriptElement & { natterFiles?: (files: FilesStage) => void };
    script.src = new URL('natter-files.js', stage?.src || location.href).href;
    if (stage?.nonce) script.nonce = stage.nonce;
    script.natterFiles = ({ makeFileView, ...rest }) => resolve((ui = { FileView: makeFileView(h), ...rest }));
    script.onerror = () => {
      loading = undefined;
      reject(new Error(`Natter: could not load ${script.src}`));
    };
    document.head.append(script);
  }));

/** `Transport.upload` by the files part's HTTP upload (`upload-lazy.ts`). */
export const uploadFile: FilesStage['upload'] = (...args) => loadFilesUi().then((files) => files.upload(...args));
