import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FULL_SCREEN } from '../../../src/ui/use-modal';

// Read from disk: the test run does not process CSS imports (they arrive as empty strings).
const css = ['launcher.css', 'styles.css']
  .map((file) => readFileSync(resolve(__dirname, '../../../src/ui', file), 'utf8'))
  .join('\n')
  .replace(/\/\*[\s\S]*?\*\//g, '');
const compact = css.replace(/\s+/g, ' ');

/** The declarations of the first rule whose selector list is exactly `selector` (after a `}` or at the start). */
function rule(selector: string, source = compact): string {
  const escaped = selector.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`(?:^|[{}]) ?${escaped} \\{([^}]*)\\}`).exec(source);
  expect(match, `rule ${selector}`).not.toBeNull();
  return match![1]!;
}

describe('widget CSS', () => {
  it('resets inherited page styles at the shadow host', () => {
    expect(rule(':host')).toContain('all: initial');
  });

  it('keeps the hidden attribute effective over display rules', () => {
    expect(rule('[hidden]')).toContain('display: none !important');
  });

  it('positions only the launcher and the panel, fixed, above the page', () => {
    for (const selector of ['.launcher', '.panel']) {
      expect(rule(selector)).toContain('position: fixed');
      expect(rule(selector)).toContain('z-index: var(--natter-z');
    }
  });

  it('gives the text boxes at least 16px text, so iOS does not zoom, and a cap of about six lines', () => {
    const textarea = rule('textarea, input');
    expect(textarea).toContain('font-size: 16px');
    expect(textarea).toMatch(/max-height: min\(calc\(6 \*.*30vh\)/);
    expect(textarea).toContain('overflow-y: auto');
  });

  it('wraps long words and keeps line breaks in messages', () => {
    expect(rule('.bubble')).toContain('white-space: pre-wrap');
    expect(rule('.bubble')).toContain('overflow-wrap: anywhere');
  });

  it('goes full screen on narrow phones, with a dynamic-viewport height and a fallback, inside the safe area', () => {
    const narrow = compact.slice(compact.indexOf('@media (max-width: 480px)'));
    expect(narrow.length).toBeLessThan(compact.length);
    const panel = rule('.panel, .natter--left .panel', narrow);
    expect(panel).toMatch(/height: 100vh; height: var\(--natter-vh, 100dvh\)/);
    expect(panel).toContain('env(safe-area-inset-bottom');
  });

  it('animates only when the visitor has not asked for reduced motion (the panel, the typing dots)', () => {
    const motion = compact.indexOf('@media (prefers-reduced-motion: no-preference)');
    expect(motion).toBeGreaterThanOrEqual(0);
    // The block ends at the first closing brace that is not inside a rule of its own.
    let depth = 0;
    let end = motion + compact.slice(motion).indexOf('{');
    do {
      if (compact[end] === '{') depth++;
      if (compact[end] === '}') depth--;
      end++;
    } while (depth > 0);
    const inside = compact.slice(motion, end);
    expect(inside).toContain('.panel { animation:');
    expect(inside).toContain('.dots i { animation:');
    const outside = compact.slice(0, motion) + compact.slice(end);
    expect(outside).not.toMatch(/animation|transition/);
  });

  it('shows a focus ring for keyboard users', () => {
    expect(rule(':focus-visible')).toMatch(/outline: 3px solid/);
  });

  it('uses the system font stack and no web fonts', () => {
    expect(compact).toContain('system-ui');
    expect(compact).not.toMatch(/@font-face|@import|url\(/);
  });

  it('fills the screen exactly where the panel is modal: phones, and 200 % zoom on a laptop', () => {
    expect(compact).toContain(`@media ${FULL_SCREEN} {`);
    expect(FULL_SCREEN).toContain('(max-height: 480px)');
  });

  it('lets the panel scroll as a whole while the messages keep a readable height (WCAG 1.4.10)', () => {
    expect(rule('.panel')).toContain('overflow-y: auto');
    expect(rule('.log')).toMatch(/min-height: min\(144px, 45vh\)/);
  });

  it('marks a failed message by its border, not by fading its text', () => {
    const failed = rule(".msg--visitor[data-status='failed'] .bubble");
    expect(failed).toContain('dashed var(--danger)');
    expect(failed).not.toContain('opacity');
  });
});
