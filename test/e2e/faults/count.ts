/**
 * Counting what went wrong, exactly, from distinctive texts:
 * - lost: an expected text missing at the backend or from a view of the widget;
 * - doubled: every extra copy of a text, at the backend or in a view (or of a message key in a view);
 * - misplaced: the fewest moves that put a list in its right order. At the backend, the customer's messages
 *   must be in the order written. In a view, the messages the backend stored come in seq order, and those it
 *   has not stored yet follow, in the order written;
 * - phantom: a view shows a message as stored (or one nobody wrote this time) that the backend does not have,
 *   or one that must be gone (the backend lost it, the visitor was shut down).
 */

/** One line of a view: its text and, when known, the widget's delivery status and key. */
export interface Line {
  text: string;
  status?: string;
  key?: string;
}

export interface Counts {
  lost: number;
  doubled: number;
  misplaced: number;
  phantom: number;
}

export interface Tally extends Counts {
  /** What each count is made of, by place, for the failure message. */
  detail: string[];
}

export interface Expectation {
  /** Only texts matching this are counted (the scenario's own). */
  tag: RegExp;
  /** The customer's texts, in the order written. */
  written: readonly string[];
  /** The team's texts. */
  replies: readonly string[];
  /** Texts no view may show any more (the backend lost them, or the visitor was shut down); never "lost". */
  gone?: readonly string[];
}

/** The indices of one longest strictly increasing subsequence of `values`. */
export function lis(values: readonly number[]): Set<number> {
  const tails: number[] = []; // index into values of the smallest tail of each length
  const previous: number[] = [];
  for (const [i, value] of values.entries()) {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (values[tails[mid]!]! < value) lo = mid + 1;
      else hi = mid;
    }
    previous[i] = lo > 0 ? tails[lo - 1]! : -1;
    tails[lo] = i;
  }
  const kept = new Set<number>();
  for (let i = tails.at(-1) ?? -1; i >= 0; i = previous[i]!) kept.add(i);
  return kept;
}

/** The items of `texts` that are out of place against `rank`: those off one longest in-order run. */
function outOfPlace(texts: readonly string[], rank: (text: string) => number): string[] {
  const kept = lis(texts.map(rank));
  return texts.filter((_, i) => !kept.has(i));
}

const short = (texts: string[]) => (texts.length > 6 ? `${texts.slice(0, 6).join(', ')} … (${texts.length})` : texts.join(', '));

function extraCopies(texts: readonly string[]): string[] {
  const seen = new Set<string>();
  return texts.filter((text) => (seen.has(text) ? true : (seen.add(text), false)));
}

/** Counts `backend` (the scenario's stored texts, in seq order) and every view of the widget against `want`. */
export function tally(want: Expectation, backend: readonly string[], views: Record<string, readonly Line[]>): Tally {
  const t: Tally = { lost: 0, doubled: 0, misplaced: 0, phantom: 0, detail: [] };
  const note = (what: keyof Counts, where: string, texts: string[]) => {
    if (!texts.length) return;
    t[what] += texts.length;
    t.detail.push(`${what} ${texts.length} ${where}: ${short(texts)}`);
  };
  const expected = [...want.written, ...want.replies];
  const writtenAt = new Map(want.written.map((text, i) => [text, i]));
  const stored = backend.filter((text) => want.tag.test(text));
  const storedSet = new Set(stored);

  note('lost', 'at the backend', expected.filter((text) => !storedSet.has(text)));
  note('doubled', 'at the backend', extraCopies(stored));
  const customer = [...new Set(stored)].filter((text) => writtenAt.has(text));
  note('misplaced', 'at the backend (not in the order written)', outOfPlace(customer, (text) => writtenAt.get(text)!));

  for (const [where, lines] of Object.entries(views)) {
    const mine = lines.filter((line) => want.tag.test(line.text));
    const texts = mine.map((line) => line.text);
    const shown = new Set(texts);
    note('lost', `in ${where}`, expected.filter((text) => !shown.has(text)));
    note('doubled', `in ${where}`, extraCopies(texts));
    const once = new Set<string>();
    const firsts = mine.filter((line) => !once.has(line.text) && once.add(line.text));
    // Two messages under one key are one message twice to a keyed list (and to anyone matching by key).
    const keys = firsts.flatMap((line) => (line.key === undefined ? [] : [line.key]));
    note('doubled', `in ${where} (a key used twice)`, extraCopies(keys));
    const gone = new Set(want.gone);
    const isPhantom = (l: Line) => gone.has(l.text) || (!storedSet.has(l.text) && (l.status === 'sent' || !writtenAt.has(l.text)));
    note('phantom', `in ${where}`, firsts.filter(isPhantom).map((l) => l.text));
    // The right order of what this view shows: stored ones by seq, then the rest as written.
    const ordered = firsts.filter((l) => !isPhantom(l)).map((l) => l.text);
    const rank = new Map<string, number>();
    for (const text of stored) if (!rank.has(text)) rank.set(text, rank.size);
    const pending = ordered.filter((text) => !storedSet.has(text)).sort((a, b) => writtenAt.get(a)! - writtenAt.get(b)!);
    for (const text of pending) rank.set(text, stored.length + rank.size);
    note('misplaced', `in ${where}`, outOfPlace(ordered, (text) => rank.get(text)!));
  }
  return t;
}

/** The four counts alone, for `expect(...).toEqual(CLEAN)`. */
export const counts = ({ lost, doubled, misplaced, phantom }: Counts): Counts => ({ lost, doubled, misplaced, phantom });
export const CLEAN: Counts = { lost: 0, doubled: 0, misplaced: 0, phantom: 0 };
