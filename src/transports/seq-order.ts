/**
 * Order keys for backends that number their items 1, 2, 3… (Natter's protocol, the memory backend). The core
 * compares order keys as strings, so a seq becomes a fixed-width decimal: string order is then seq order, up
 * to the largest safe integer (16 digits).
 *
 * @example
 * ```ts
 * seqOrder(9) < seqOrder(10); // true, where '9' < '10' is not
 * ```
 */
export function seqOrder(seq: number): string {
  return String(seq).padStart(16, '0');
}
