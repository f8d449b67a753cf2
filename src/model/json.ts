/**
 * The browser's JSON functions as they were when Natter's code was loaded. A host page, or a script it loads
 * later, may replace `JSON.parse` or `JSON.stringify` (a logging wrapper, an old polyfill); what Natter sends
 * and stores keeps its meaning all the same. (The script tag's first stage refuses to start on a page whose
 * JSON does not work at all.)
 * @module
 */
const { parse, stringify } = JSON;

/** `JSON.parse` as Natter found it. */
export const parseJson: typeof JSON.parse = parse;

/** `JSON.stringify` as Natter found it. */
export const toJson: typeof JSON.stringify = stringify;
