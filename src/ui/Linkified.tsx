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
function safeHref(link: string): string | undefined {
  try {
    const url = new URL(link);
    return (url.protocol === 'mailto:' ? url.pathname.includes('@') : url.hostname) ? url.href : undefined;
  } catch {
    return undefined; // not a URL after all: shown as the text it is
  }
}

/**
 * Text from the network, shown as text nodes only, with web and mailto addresses made into links that open
 * in a new tab without giving it access to this page.
 */
export function Linkified({ text }: { text: string }) {
  const parts: ComponentChild[] = [];
  let last = 0;
  for (const match of text.matchAll(LINK)) {
    const link = trimLink(match[0]);
    const href = safeHref(link);
    if (!href) continue;
    if (match.index > last) parts.push(text.slice(last, match.index));
    parts.push(
      <a href={href} target="_blank" rel="noopener noreferrer">
        {link}
      </a>,
    );
    last = match.index + link.length;
  }
  parts.push(text.slice(last));
  return parts;
}
