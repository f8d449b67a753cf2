/** Up to two initials of a name: "Alex Kim" → "AK". */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const first = (word: string | undefined) => (word ? [...word][0]! : '');
  return (first(words[0]) + (words.length > 1 ? first(words.at(-1)) : '')).toUpperCase();
}

/** The round initials badge beside team and bot messages. Decorative: the name is next to it as text. */
export function Avatar({ name }: { name: string | undefined }) {
  return (
    <span class="avatar" aria-hidden="true">
      {name ? initials(name) : ''}
    </span>
  );
}
