import type { NatterClient } from '../core/client.ts';
import { fileName, fileProblem } from '../core/files.ts';
import { format, type Strings } from '../i18n/index.ts';

/** How many files one pick, paste or drop may send, unless the site's `files.maxCount` says otherwise. */
export const MAX_FILES = 5;

/** A size as people read it, in their language: "980 kB", "2.5 MB". */
export const fileSize = (bytes: number): string =>
  new Intl.NumberFormat(undefined, { style: 'unit', unit: bytes < 1e6 ? 'kilobyte' : 'megabyte', maximumFractionDigits: 1 }).format(bytes < 1e6 ? Math.ceil(bytes / 1e3) : bytes / 1e6);

/**
 * Sends the files the customer picked, pasted or dropped, each as a message; returns what to tell them about
 * those that cannot go (empty, too big, of a type the team does not take, too many at once), or `''`. Checked
 * here, before anything is stored or uploaded, so the customer learns it at once, in their language.
 */
export function attach(client: NatterClient, strings: Strings, files: ArrayLike<File>): string {
  const limits = client.getState().files;
  const count = limits?.maxCount ?? MAX_FILES;
  if (files.length > count) return format(strings.fileCount, { count });
  const problems: string[] = [];
  for (const file of Array.from(files)) {
    const problem = fileProblem(file, limits);
    const name = fileName(file.name);
    if (!problem) void client.sendFile(file).catch(() => {});
    else problems.push(format(problem === 'empty' ? strings.fileEmpty : problem === 'size' ? strings.fileTooBig : strings.fileType, { name, max: fileSize(limits?.maxBytes ?? 0) }));
  }
  return problems.join(' ');
}
