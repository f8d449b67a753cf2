/**
 * What a file is, from its bytes (magic numbers), never from its name or the type its sender claimed: an
 * HTML page renamed `mug.png` is text here, not an image, and is refused as a claimed image. Only these
 * types are known; anything else is `undefined` and refused.
 */

/** Raster images a browser shows inline without running anything: the only files served `inline`. */
export const INLINE_IMAGES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];

/** The types the reference backend takes unless `LIMIT_FILE_TYPES` says otherwise. */
export const DEFAULT_FILE_TYPES = [...INLINE_IMAGES, 'application/pdf', 'text/plain'];

const startsWith = (bytes: Uint8Array, magic: number[], at = 0) => magic.every((byte, i) => bytes[at + i] === byte);
const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

/** The media type the bytes are, or `undefined` when they are none this backend knows. */
export function sniff(bytes: Uint8Array): string | undefined {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, ascii('GIF87a')) || startsWith(bytes, ascii('GIF89a'))) return 'image/gif';
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'image/webp';
  if (startsWith(bytes, ascii('%PDF-'))) return 'application/pdf';
  return isText(bytes) ? 'text/plain' : undefined;
}

/** UTF-8 without NUL or other control characters than tab and line ends. */
function isText(bytes: Uint8Array): boolean {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return false;
  }
  // eslint-disable-next-line no-control-regex
  return !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text);
}

/**
 * A file's name fit to keep and to put in a header: the last path part, no control or bidirectional
 * formatting characters, at most 255 characters, `file` when nothing is left (as `fileName` in the widget).
 */
export function cleanName(name: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = name.replace(/^.*[/\\]/, '').replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '').trim();
  return [...clean].slice(0, 255).join('') || 'file';
}

/** `Content-Disposition` for a served file: `inline` only for the raster images, the name RFC 8187-encoded. */
export function disposition(type: string, name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\%;]/g, '_');
  return `${INLINE_IMAGES.includes(type) ? 'inline' : 'attachment'}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
