/**
 * The checks a file passes before it is stored or uploaded, the same for the API and the widget: not empty,
 * within the backend's size, of a type it takes. The backend checks again, from the bytes; these spare the
 * customer an upload bound to fail, and say why in words the widget translates.
 * @module
 */
import type { ClientSettings } from './client.ts';
import type { NatterState } from './types.ts';

/** Why a file cannot be sent: `none` (the backend takes no files), `empty`, `size` (too big), `type`. */
export type FileProblem = 'none' | 'empty' | 'size' | 'type';

/** Whether `type` is among `types` (`image/*` covers every image type). */
export const accepts = (types: readonly string[], type: string) => types.some((t) => t === type || (t.endsWith('/*') && type.startsWith(t.slice(0, -1))));

/** What both the backend (`backend`) and the site (the `files` setting) take: the narrower of each limit. */
export function fileLimits(backend: { maxBytes: number; types: string[] }, site: ClientSettings['files']): NatterState['files'] {
  if (site === false) return undefined;
  const types = site?.types?.filter((type) => accepts(backend.types, type)) ?? backend.types;
  return { maxBytes: Math.min(backend.maxBytes, site?.maxBytes ?? Infinity), types, ...(site?.maxCount && { maxCount: site.maxCount }) };
}

/** What keeps `file` from being sent under `limits`, or `undefined`. */
export function fileProblem(file: Blob, limits: { maxBytes: number; types: readonly string[] } | undefined): FileProblem | undefined {
  return !limits ? 'none' : !file?.size ? 'empty' : file.size > limits.maxBytes ? 'size' : accepts(limits.types, file.type) ? undefined : 'type';
}

/**
 * A file's name fit to show and to send: no path (`../`, `C:\`), no control or bidirectional formatting
 * characters (which can show `gpj.exe` as `exe.jpg`), at most 255 characters; `file` when nothing is left.
 */
export function fileName(name: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = name.replace(/^.*[/\\]/, '').replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '').trim();
  return [...clean].slice(0, 255).join('') || 'file';
}
