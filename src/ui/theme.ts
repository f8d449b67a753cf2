/** The default accent: white text on it has a contrast of 6:1 (WCAG AA needs 4.5:1). */
export const DEFAULT_ACCENT = '#005fcc';

/** The widget's text colour: the focus ring falls back to it when the accent is too light to see on white. */
const DARK = '#1c1e21';

/** Relative luminance of a validated `#rgb` or `#rrggbb` colour (WCAG 2 formula). */
export function luminance(hex: string): number {
  const digits = hex.length === 4 ? hex.replace(/\w/g, '$&$&') : hex;
  const value = Number.parseInt(digits.slice(1), 16);
  const [r, g, b] = [value >> 16, (value >> 8) & 255, value & 255].map((channel) => {
    const c = channel / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

/** The WCAG contrast ratio of two relative luminances (1 to 21). The tests check the thresholds below with it. */
export function contrast(a: number, b: number): number {
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}

/**
 * The CSS custom properties for an accent colour: the accent, a text colour readable on it, and a focus-ring
 * colour visible on the white panel (3:1). White or black, whichever contrasts more, always reaches the
 * 4.5:1 of WCAG AA, whatever accent the site picks. The thresholds are the luminances where the contrasts
 * cross: white and black contrast equally at √(1.05 × 0.05) − 0.05 ≈ 0.179, and white reaches 3:1 at 0.3.
 */
export function themeProperties(accent = DEFAULT_ACCENT): Record<string, string> {
  const l = luminance(accent);
  return {
    '--natter-accent': accent,
    '--natter-on-accent': l > 0.179 ? '#000' : '#fff',
    '--natter-ring': l > 0.3 ? DARK : accent,
  };
}
