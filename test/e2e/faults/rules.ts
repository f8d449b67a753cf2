/**
 * Fault rules for the proxy, built from a predicate. Each takes an optional `share` (the seeded probability
 * that a matching frame is hit) and `budget` (how many frames it hits before it stops), so a fault can be
 * aimed at one burst and the conversation can heal afterwards.
 */
import type { Frame, Rule, Verdict } from './proxy';

export interface Aim {
  /** Probability that a matching frame is hit, from the proxy's seeded PRNG. Default 1. */
  share?: number;
  /** Frames hit before the rule stops hitting. Default: no limit. */
  budget?: number;
}

export type Match = (frame: Frame) => boolean;

function aimed(match: Match, aim: Aim, verdict: (frame: Frame) => Verdict): Rule {
  let left = aim.budget ?? Number.POSITIVE_INFINITY;
  return (frame) => {
    if (left <= 0 || !match(frame)) return undefined;
    if (aim.share !== undefined && frame.random() >= aim.share) return undefined;
    left--;
    return verdict(frame);
  };
}

export const drop = (match: Match, aim: Aim = {}): Rule => aimed(match, aim, () => 'drop');
export const duplicate = (match: Match, aim: Aim = {}): Rule => aimed(match, aim, () => 'duplicate');
export const delay = (match: Match, delayMs: number, aim: Aim = {}): Rule => aimed(match, aim, () => ({ delayMs }));
/** Held, then released shuffled with the other held frames (see `holdWindow`, `holdMs`). */
export const reorder = (match: Match, aim: Aim = {}): Rule => aimed(match, aim, () => 'hold');
/** Sends `change(frame)` instead: one raw frame or several. */
export const rewrite = (match: Match, change: (frame: Frame) => string | string[], aim: Aim = {}): Rule =>
  aimed(match, aim, (frame) => {
    const out = change(frame);
    return { replace: Array.isArray(out) ? out : [out] };
  });

// Predicates used across the suite.
export const type =
  (...types: string[]): Match =>
  (frame) =>
    types.includes(frame.json?.type);
/** An `item` frame whose text matches. */
export const itemText =
  (test: RegExp): Match =>
  (frame) =>
    frame.json?.type === 'item' && test.test(frame.json.item?.text ?? '');
/** A live frame: not part of a replay answering `hello` or `sync`. */
export const live =
  (match: Match): Match =>
  (frame) =>
    !frame.replaying && match(frame);
export const onTab =
  (tag: string, match: Match): Match =>
  (frame) =>
    frame.conn.tag === tag && match(frame);
