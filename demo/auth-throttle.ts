/**
 * Sign-in throttling: after `perAddress` failed sign-ins from one address, or `perAccount` for one email
 * address (whether or not it has an account, so the answer tells nothing), within `windowMs`, further
 * attempts are refused without checking the password until the oldest failure leaves the window. The account
 * limit is higher than the address limit, so that one address alone cannot lock an agent out.
 */

export interface ThrottleLimits {
  perAddress: number;
  perAccount: number;
  windowMs: number;
}

export const DEFAULT_THROTTLE: ThrottleLimits = { perAddress: 5, perAccount: 10, windowMs: 15 * 60_000 };

// Enough for any real team; bounded so that made-up addresses cannot grow the server without end.
const MAX_KEYS = 10_000;

class FailureLog {
  readonly #failures = new Map<string, number[]>();
  readonly limit: number;
  readonly windowMs: number;

  constructor(limit: number, windowMs: number) {
    this.limit = limit;
    this.windowMs = windowMs;
  }

  /** Milliseconds until `key` may try again, or 0. */
  wait(key: string, now: number): number {
    const recent = this.#recent(key, now);
    return recent.length >= this.limit ? recent[recent.length - this.limit]! + this.windowMs - now : 0;
  }

  add(key: string, now: number): void {
    const recent = this.#recent(key, now);
    this.#failures.delete(key);
    this.#failures.set(key, [...recent, now].slice(-this.limit));
    if (this.#failures.size > MAX_KEYS) this.#failures.delete(this.#failures.keys().next().value!);
  }

  clear(key: string): void {
    this.#failures.delete(key);
  }

  #recent(key: string, now: number): number[] {
    return (this.#failures.get(key) ?? []).filter((at) => now - at < this.windowMs);
  }
}

export class LoginThrottle {
  readonly #addresses: FailureLog;
  readonly #accounts: FailureLog;
  readonly #clock: () => number;

  constructor(limits: ThrottleLimits, clock: () => number) {
    this.#addresses = new FailureLog(limits.perAddress, limits.windowMs);
    this.#accounts = new FailureLog(limits.perAccount, limits.windowMs);
    this.#clock = clock;
  }

  /** Milliseconds until a sign-in from `address` for `email` may be tried, or 0 for now. */
  wait(address: string, email: string): number {
    const now = this.#clock();
    return Math.max(this.#addresses.wait(address, now), this.#accounts.wait(email, now));
  }

  failed(address: string, email: string): void {
    const now = this.#clock();
    this.#addresses.add(address, now);
    this.#accounts.add(email, now);
  }

  succeeded(address: string, email: string): void {
    this.#addresses.clear(address);
    this.#accounts.clear(email);
  }
}
