/** @jsxRuntime classic */
/** @jsx h */
import { h } from 'preact';

/**
 * The round badge beside team and bot messages, with up to two initials of the name: "Alex Kim" → "AK".
 * Decorative: the name is next to it as text.
 */
export function Avatar({ name = '' }: { name: string | undefined }) {
  const firsts = name.match(/(?<!\S)\S/gu) ?? []; // the first character of each word
  return (
    <span class="avatar" aria-hidden="true">
      {[firsts[0], firsts[1] && firsts.at(-1)].join('').toUpperCase()}
    </span>
  );
}
