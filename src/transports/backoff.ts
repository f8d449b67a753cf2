/** How long to wait between reconnection attempts. */
export interface BackoffOptions {
  /** First delay, ms. */
  initialMs: number;
  /** Longest delay, ms. */
  maxMs: number;
  /** Growth per attempt. */
  factor: number;
  /** 0..1: the share of each delay that is random, so that many clients do not retry in step. */
  jitter: number;
}

/** Reconnection delays used when no options are given: 0.5 s doubling up to 30 s, ±50 % jitter. */
export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 30_000, factor: 2, jitter: 0.5 };

/**
 * The delay before reconnection attempt `attempt` (0-based): exponential growth, capped, with "equal jitter"
 * (half fixed, half random) so the delay never collapses to zero.
 *
 * @example
 * ```ts
 * backoffDelay(0, DEFAULT_BACKOFF); // 250..500 ms
 * backoffDelay(10, DEFAULT_BACKOFF); // 15..30 s
 * ```
 */
export function backoffDelay(attempt: number, options: BackoffOptions = DEFAULT_BACKOFF, random = Math.random): number {
  const base = Math.min(options.maxMs, options.initialMs * options.factor ** attempt);
  return Math.round(base * (1 - options.jitter) + base * options.jitter * random());
}
