/** The widget as the XMPP e2e tests drive it in Chromium: open it, write, and read what it shows. */
import { expect } from 'vitest';
import type { Page } from 'playwright-core';

export const launcher = (p: Page) => p.getByRole('button', { name: /^open chat/i });
export const composer = (p: Page) => p.getByRole('dialog').getByRole('textbox', { name: /your message/i });

export async function openPanel(p: Page): Promise<void> {
  await expect.poll(() => launcher(p).isVisible(), { timeout: 10_000 }).toBe(true);
  await launcher(p).click();
  await expect.poll(() => p.getByRole('dialog').isVisible()).toBe(true);
}

/** Writes `text` and sends it with Enter (without waiting for the server). */
export async function says(p: Page, text: string): Promise<void> {
  await composer(p).fill(text);
  await composer(p).press('Enter');
}

/** The messages shown, as `role: text`, in order; the router's own lines left out. */
export async function shown(p: Page): Promise<string[]> {
  const all = await p.getByTestId('message').evaluateAll((nodes) => nodes.map((node) => `${node.getAttribute('data-role')}: ${node.querySelector('.bubble')?.textContent ?? ''}`));
  return all.filter((line) => /^(visitor|agent): /.test(line));
}
