/**
 * The protocol's numbers, in a module of their own so the browser bundle can use them without the zod
 * schemas of `wire.ts` (which re-exports them).
 * @module
 */

/** The protocol version this build speaks. A backend that speaks another answers `error` `unsupported_version`. */
export const PROTOCOL_VERSION = 1;

/**
 * Longest message text that a v1 backend accepts. zod (so `wire.ts`, the law) counts it in Unicode code
 * points, and so does the browser's copy; a text of at most this many UTF-16 code units always fits.
 */
export const MAX_TEXT_LENGTH = 4000;

/** The latest time a `Date` can hold, ms since the epoch: wire times above it are seconds or microseconds by mistake. */
export const MAX_TIME = 8.64e15;
