import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';

const src = path.resolve(import.meta.dirname, '../../src');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(path.join(dir, entry.name)) : [path.join(dir, entry.name)],
  );
}

it('no source file writes HTML from strings: no innerHTML, outerHTML, insertAdjacentHTML, document.write or dangerouslySetInnerHTML', () => {
  const offenders = files(src)
    .filter((file) => /\.(ts|tsx)$/.test(file))
    .filter((file) => /innerHTML|outerHTML|insertAdjacentHTML|document\.write|dangerouslySetInnerHTML/.test(readFileSync(file, 'utf8')))
    .map((file) => path.relative(src, file));
  expect(offenders).toEqual([]);
});
