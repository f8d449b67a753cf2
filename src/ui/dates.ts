/** Date and time texts in one locale. The `Intl` formatters are made once per widget: they are costly. */
export interface Dates {
  /** `14:05` or `2:05 PM`. */
  time(at: number): string;
  /** The date and time, shown on hovering a message: `Tuesday, 4 March 2025 at 14:05`. */
  full(at: number): string;
  /**
   * The day separator: "Today", "Yesterday" (in the words of `Intl.RelativeTimeFormat`), else the full date,
   * `Tuesday, 4 March 2025`.
   */
  day(at: number, now?: number): string;
  /** A span of time in words, rounded up to whole minutes, hours or days: "30 minutes", "2 hours", "1 day". */
  duration(minutes: number): string;
  /** The plural category of `count` in this locale (`one`, `few`, `many`, `other`…), for `counted`. */
  plural(count: number): Intl.LDMLPluralRule;
}

/** The start of the local day of `at`: equal for two times on the same day. */
export function dayKey(at: number): number {
  return new Date(at).setHours(0, 0, 0, 0);
}

const DAY = 86_400_000;

export function createDates(locale: string): Dates {
  const time = new Intl.DateTimeFormat(locale, { timeStyle: 'short' });
  const day = new Intl.DateTimeFormat(locale, { dateStyle: 'full' });
  const full = new Intl.DateTimeFormat(locale, { dateStyle: 'full', timeStyle: 'short' });
  const relative = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  // Made on first use: a widget with nothing to count (no unread message, no limit near) never needs it.
  let rules: Intl.PluralRules | undefined;
  return {
    plural: (count) => (rules ??= new Intl.PluralRules(locale)).select(count),
    time: (at) => time.format(at),
    full: (at) => full.format(at),
    day(at, now = Date.now()) {
      // Rounded: a day with a daylight saving change is 23 or 25 hours long.
      const ago = Math.round((dayKey(now) - dayKey(at)) / DAY);
      if (ago < 2) {
        const text = relative.format(-ago, 'day'); // "today", "gestern", "vandaag"
        return text[0]!.toUpperCase() + text.slice(1);
      }
      return day.format(at);
    },
    duration(minutes) {
      const [unit, count] = minutes < 60 ? ['minute', minutes] : minutes < 1440 ? ['hour', minutes / 60] : ['day', minutes / 1440];
      return new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'long' }).format(Math.ceil(count));
    },
  };
}
