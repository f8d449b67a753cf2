import type { h as H } from 'preact';
import type { Message } from '../model/types.ts';
import { fileSize } from './attach.ts';
import type { Ui } from './context.ts';

/** What a file in a message is shown with. */
export interface FileProps {
  ui: Ui;
  message: Message;
  progress: number | undefined;
}

/** The raster images a browser shows without running anything: only these are shown as pictures. */
const IMAGES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];

/** One object URL per stored file, for the preview while it uploads. */
const previews = new WeakMap<Blob, string>();
const preview = (blob: Blob) => previews.get(blob) ?? (previews.set(blob, URL.createObjectURL(blob)), previews.get(blob)!);

/**
 * A message's file: an image as a thumbnail that opens full size, anything else as its name and size, a
 * download link. While it uploads: the preview, a progress bar and a cancel button. The name is text
 * (never markup) and isolated (its bidi characters cannot turn the line around); only an http(s) address
 * from the server is ever linked. Made with the widget's own `h`: the script tag loads this lazily, in a file
 * of its own (`natter-files.js`), which must not carry a second Preact.
 */
export const makeFileView = (h: typeof H) =>
  function FileView({ ui: { client, strings }, message, progress }: FileProps) {
    const { name, size, type, url, blob } = message.file!;
    const href = url && /^https?:\/\//.test(url) ? url : undefined;
    const src = IMAGES.includes(type) ? (href ?? (blob && preview(blob))) : undefined;
    // Written with `h` itself (no JSX): the `h` is the widget's, handed in (see above).
    const link = { href, target: '_blank', rel: 'noopener noreferrer' };
    return h(
      'div',
      { class: 'file', 'data-testid': 'file' },
      src ? h('a', link, h('img', { class: 'thumb', src, alt: name })) : h('a', { ...link, download: name }, h('bdi', { class: 'name' }, name), ` (${fileSize(size)})`),
      !url &&
        message.status !== 'sent' &&
        h(
          'div',
          { class: 'upload' },
          progress !== undefined && h('progress', { value: progress, 'aria-label': name }),
          h('button', { type: 'button', class: 'btn', 'data-testid': 'cancel', onClick: () => client.cancel(message.key) }, strings.cancel),
        ),
    );
  };
