/**
 * The layer rule of docs/architecture.md, checked on every import line of src/: a layer imports only the
 * layers it stands on, and adapters reach the core only through the port files it owns.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';

const src = path.resolve(import.meta.dirname, '../../src');

/** What each layer may import, besides itself. `core/x.ts` names one file of a layer. */
const allowed: Record<string, string[]> = {
  model: [],
  protocol: ['model'],
  core: ['model'],
  storage: ['model', 'core/storage.ts'],
  transports: ['model', 'protocol', 'core/transport.ts'],
  tabs: ['model', 'core/transport.ts', 'core/tabs.ts'],
  i18n: [],
  'natter.ts': ['model', 'core', 'storage', 'tabs'],
  ui: ['model', 'core', 'i18n'],
  embed: ['model', 'core', 'protocol', 'transports', 'ui', 'i18n', 'natter.ts'],
  'index.ts': ['*'],
  'xmpp.ts': ['transports'],
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? files(full) : /\.tsx?$/.test(name) ? [full] : [];
  });
}

const layerOf = (file: string) => path.relative(src, file).split(path.sep)[0]!;

it('every import in src/ goes down the layers, adapters through the core’s ports only', () => {
  const wrong: string[] = [];
  for (const file of files(src)) {
    const from = layerOf(file);
    const rules = allowed[from];
    expect(rules, `src/${from} is not a known layer: add it to this test and to docs/architecture.md`).toBeDefined();
    for (const [, spec] of readFileSync(file, 'utf8').matchAll(/^(?:import|export)\s[^'"]*?from\s+'(\.[^']+)'/gm)) {
      const target = path.relative(src, path.resolve(path.dirname(file), spec!)).split(path.sep);
      const layer = target[0]!;
      const named = target.join('/').replace(/\?.*$/, '');
      if (layer === from || rules!.includes('*') || rules!.includes(layer) || rules!.includes(named)) continue;
      wrong.push(`${path.relative(src, file)} imports ${named}`);
    }
  }
  expect(wrong).toEqual([]);
});
