// @vitest-environment node
import { expect, it } from 'vitest';

it('imports without a DOM: nothing at module level touches window or document', async () => {
  expect(typeof window).toBe('undefined');
  expect(typeof document).toBe('undefined');
  const ui = await import('../../../src/ui');
  expect(typeof ui.mountWidget).toBe('function');
  expect(ui.widgetOptionsSchema.safeParse({ position: 'left' }).success).toBe(true);
});
