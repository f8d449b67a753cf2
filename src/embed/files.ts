/**
 * The script tag's files part, built to `dist/natter-files.js`: loaded by the second stage on first use (see
 * `files-lazy.ts`). It defines no global and carries no Preact: it hands its parts to the loader through its
 * own `<script>` element, and the view is made with the loader's `h`.
 */
import { httpUpload } from '../transports/http-upload.ts';
import { attach } from '../ui/attach.ts';
import { makeFileView } from '../ui/FileView.ts';

/** What this file hands the second stage. */
export interface FilesStage {
  makeFileView: typeof makeFileView;
  attach: typeof attach;
  upload: typeof httpUpload;
}

const script = document.currentScript as (HTMLScriptElement & { natterFiles?: (files: FilesStage) => void }) | null;
script?.natterFiles?.({ makeFileView, attach, upload: httpUpload });
