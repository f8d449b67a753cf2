/**
 * What the widget needs for files beyond the core: the view of a file in a message, and the checks and
 * sending of picked files. Here, for the npm module, they are simply imported. The script tag's second stage
 * is built with `src/embed/files-lazy.ts` in this module's place (see `vite.config.ts`), which loads them
 * (and the HTTP upload) from `natter-files.js` on first use: a visitor who sends and gets no files never
 * downloads them.
 * @module
 */
import { h, type FunctionComponent } from 'preact';
import { attach } from './attach.ts';
import { makeFileView, type FileProps } from './FileView.ts';

/** The files part of the widget (see the module documentation). */
export interface FilesUi {
  FileView: FunctionComponent<FileProps>;
  attach: typeof attach;
}

const ui: FilesUi = { FileView: makeFileView(h), attach };

/** The files part if it is loaded (here: always). */
export const filesUi = (): FilesUi | undefined => ui;

/** The files part, loading it if need be. */
export const loadFilesUi = (): Promise<FilesUi> => Promise.resolve(ui);
