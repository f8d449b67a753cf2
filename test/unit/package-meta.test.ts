/**
 * What the package promises outside its code: the licence, the Node versions (`engines`) its dependencies
 * allow, and the types a transport author needs, exported from the npm entry.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
const pkg = JSON.parse(read('package.json')) as { license: string; engines: { node: string }; dependencies: Record<string, string> };

test('the licence is MIT, by the Natter contributors, 2026, as package.json says', () => {
  expect(pkg.license).toBe('MIT');
  const licence = read('LICENSE');
  expect(licence).toMatch(/^MIT License\n\nCopyright \(c\) 2026 Natter contributors\n/);
  expect(licence).toContain('THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND');
});

test('engines.node is what every run-time dependency allows (nanoid@6: ^22 || ^24 || >=26)', () => {
  for (const name of Object.keys(pkg.dependencies)) {
    const own = JSON.parse(read(`node_modules/${name}/package.json`)) as { engines?: { node?: string } };
    if (own.engines?.node) expect(pkg.engines.node, name).toBe(own.engines.node);
  }
  expect(pkg.engines.node).toBe('^22 || ^24 || >=26');
});

test('every type the Transport port refers to is exported from the npm entry', () => {
  const port = read('src/core/transport.ts');
  const entry = read('src/index.ts');
  const referred = [...port.matchAll(/import type \{([^}]*)\}/g)].flatMap((match) => match[1]!.split(',').map((name) => name.trim()).filter(Boolean));
  const declared = [...port.matchAll(/export (?:interface|type) (\w+)/g)].map((match) => match[1]!);
  expect(referred).toEqual(expect.arrayContaining(['SessionInfo', 'Availability', 'Author', 'VisitorInfo']));
  for (const name of [...referred, ...declared]) expect(entry, name).toMatch(new RegExp(`\\b${name}\\b`));
  // …and the types those refer to in turn.
  for (const name of ['AuthorRole', 'Mode', 'EndedBy', 'PageInfo', 'Attributes', 'User', 'SystemEvent']) expect(entry, name).toMatch(new RegExp(`\\b${name}\\b`));
});
