import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contrast, DEFAULT_ACCENT, luminance, themeProperties } from '../../../src/ui/theme';

const ratio = (a: string, b: string) => contrast(luminance(a), luminance(b));
const css = ['launcher.css', 'styles.css'].map((file) => readFileSync(resolve(__dirname, '../../../src/ui', file), 'utf8')).join('\n');
const variable = (name: string) => new RegExp(`${name}: (#[\\da-f]{3,6});`).exec(css)![1]!;

describe('colour contrast (WCAG AA)', () => {
  it('computes contrast like WCAG', () => {
    expect(ratio('#000', '#fff')).toBeCloseTo(21);
    expect(ratio('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
  });

  it('makes text on any accent readable (4.5:1) and the focus ring visible on white (3:1)', () => {
    const accents = [DEFAULT_ACCENT, '#0a7cff', '#ffd400', '#777', '#808080', '#00ff00', '#ff0000', '#123456', '#fff', '#000'];
    for (let i = 0; i < 200; i++) accents.push(`#${Math.floor(Math.random() * 0x1000000).toString(16).padStart(6, '0')}`);
    for (const accent of accents) {
      const theme = themeProperties(accent);
      expect(ratio(theme['--natter-on-accent']!, accent), accent).toBeGreaterThanOrEqual(4.5);
      expect(ratio(theme['--natter-ring']!, '#ffffff'), accent).toBeGreaterThanOrEqual(3);
    }
  });

  it('keeps the default accent with white text', () => {
    expect(themeProperties()['--natter-on-accent']).toBe('#fff');
    expect(ratio(DEFAULT_ACCENT, '#fff')).toBeGreaterThanOrEqual(4.5);
  });

  it('uses palette colours readable on the panel and on message bubbles', () => {
    const surface = variable('--surface');
    for (const name of ['--text', '--muted', '--danger']) {
      expect(ratio(variable(name), '#ffffff'), name).toBeGreaterThanOrEqual(4.5);
      expect(ratio(variable(name), surface), name).toBeGreaterThanOrEqual(4.5);
    }
  });
});
