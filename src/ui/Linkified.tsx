/** @jsxRuntime classic */
/** @jsx h */
import { h, type ComponentChild } from 'preact';

/** Candidate links: web addresses and mailto: addresses. Anything else, `javascript:` included, stays text. */
const LINK = /\b(?:https?:\/\/|mailto:)[^\s<>"]+/gi;
const TRAILING = /[.,;:!?'"]$/;

/** Drops punctuation that ends the sentence rather than the address: `(see https://x.y/a).` */
function trimLink(raw: string): string {
  let link = raw;
  for (;;) {
    if (TRAILING.test(link)) link = link.slice(0, -1);
    else if (link.endsWith(')') && link.split('(').length < link.split(')').length) link = link.slice(0, -1);
    else return link;
  }
}

/**
 * The address to link to, or `undefined` when it is not a well-formed http(s) or mailto URL. `LINK` only
 * matches those schemes, so a URL that parses has one of them: a host for http(s), an `@` for mailto.
 */
function safeUrl(link: string): URL | undefined {
  try {
    const url = new URL(link);
    return (url.protocol === 'mailto:' ? url.pathname.includes('@') : url.hostname) ? url : undefined;
  } catch {
    return undefined; // not a URL after all: shown as the text it is
  }
}

/** Bidi controls (embeddings, overrides, isolates, marks): they reorder the text around them. */
const BIDI = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;
/** What reorders text, or is not seen at all (zero-width characters, soft hyphens, fillers). */
const HIDDEN = /[\u00AD\u061C\u115F\u1160\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2069\u3164\uFEFF]/;

/**
 * `text` without bidi controls: for sentences that put a name (or an address) from the network among the
 * widget's own words, which a `\u202E` in it would turn around ("Alex is typing…").
 */
export const unbidi = (text: string): string => text.replace(BIDI, '');

/**
 * What a link shows: its text as written, unless something in it reorders or hides characters (`…/\u202Egnp.exe`
 * reads as "…/exe.png"): then where it really leads, the host (as the browser will show it) and "/…".
 */
function linkText(link: string, url: URL): string {
  if (!HIDDEN.test(link)) return link;
  return url.host ? url.host + (url.href.length > url.origin.length + 1 ? '/…' : '') : url.href;
}

/**
 * Text from the network, shown as text nodes only, with web and mailto addresses made into links that open
 * in a new tab without giving it access to this page, and that show where they lead. (The bubble around it
 * isolates its direction from the widget's own text.)
 */
export function Linkified({ text }: { text: string }) {
  const parts: ComponentChild[] = [];
  let last = 0;
  for (const match of text.matchAll(LINK)) {
    const link = trimLink(match[0]);
    const url = safeUrl(link);
    if (!url) continue;
    if (match.index > last) parts.push(text.slice(last, match.index));
    parts.push(
      <a href={url.href} target="_blank" rel="noopener noreferrer">
        {linkText(link, url)}
      </a>,
    );
    last = match.index + link.length;
  }
  parts.push(text.slice(last));
  return parts;
}
