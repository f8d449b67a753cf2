/** @jsxRuntime classic */
/** @jsx h */
import { h } from 'preact';
import type { Message } from '../model/types.ts';
import { fileSize } from './attach.ts';
import type { Ui } from './context.ts';

/** The raster images a browser shows without running anything: only these are shown as pictures. */
const IMAGES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];

/** One object URL per stored file, for the preview while it uploads. */
const previews = new WeakMap<Blob, string>();
const preview = (blob: Blob) => previews.get(blob) ?? (previews.set(blob, URL.createObjectURL(blob)), previews.get(blob)!);

/**
 * A message's file: an image as a thumbnail that opens full size, anything else as its name and size, a
 * download link. While it uploads: the preview, a progress bar and a cancel button. The name is text
 * (never markup) and isolated (its bidi characters cannot turn the line around); only an http(s) address
 * from the server is ever linked.
 */
export function FileView({ ui: { client, strings }, message, progress }: { ui: Ui; message: Message; progress: number | undefined }) {
  const { name, size, type, url, blob } = message.file!;
  const href = url && /^https?:\/\//.test(url) ? url : undefined;
  const src = IMAGES.includes(type) ? (href ?? (blob && preview(blob))) : undefined;
  const label = <bdi class="name">{name}</bdi>;
  return (
    <div class="file" data-testid="file">
      {src ? (
        <a href={href} target="_blank" rel="noopener noreferrer">
          <img class="thumb" src={src} alt={name} />
        </a>
      ) : (
        <a href={href} target="_blank" rel="noopener noreferrer" download={name}>
          {label} ({fileSize(size)})
        </a>
      )}
      {!url && message.status !== 'sent' && (
        <div class="upload">
          {progress !== undefined && <progress value={progress} aria-label={name} />}
          <button type="button" class="btn" data-testid="cancel" onClick={() => client.cancel(message.key)}>
            {strings.cancel}
          </button>
        </div>
      )}
    </div>
  );
}
