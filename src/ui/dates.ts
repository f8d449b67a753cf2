import type { Strings } from '../i18n/en.ts';

/** Date and time texts in one locale. The `Intl` formatters are made once per widget: they are costly. */
export interface Dates {
  /** `14:05` or `2:05 PM`. */
  time(at: number): string;
  /** Everything, for the tooltip: `Tuesday, 4 March 2025 at 14:05`. */
  full(at: number): string;
  /** The day separator: "Today", "Yesterday", `Tuesday, 4 March`, or with the year when not this year. */
  day(at: number, now?: number): string;
  /** A span of time in words, rounded up to whole minutes, hours or days: "30 minutes", "2 hours", "1 day". */
  duration(minutes: number): string;
}

/** A key that is equal for two times on the same local day. */
export function dayKey(at: number): string {
  const date = new Date(at);
  return `${date.getFullYear()}-${date.getMonth()}-${date.getDate()}`;
}

export function createDates(locale: string, strings: Strings): Dates {
  const time = new Intl.DateTimeFormat(locale, { hour: 'numeric', minute: '2-digit' });
  const full = new Intl.DateTimeFormat(locale, { dateStyle: 'full', timeStyle: 'short' });
  const day = new Intl.DateTimeFormat(locale, { weekday: 'long', day: 'numeric', month: 'long' });
  const dayOfYear = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'long', year: 'numeric' });
  return {
    time: (at) => time.format(at),
    full: (at) => full.format(at),
    day(at, now = Date.now()) {
      const today = new Date(now);
      if (dayKey(at) === dayKey(now)) return strings.today;
      const yesterday = new Date(today.getFullYear(), today.getMonth(), today.getDate() - 1).getTime();
      if (dayKey(at) === dayKey(yesterday)) return strings.yesterday;
      return (new Date(at).getFullYear() === today.getFullYear() ? day : dayOfYear).format(at);
    },
    duration(minutes) {
      const [unit, count] = minutes < 60 ? ['minute', minutes] : minutes < 1440 ? ['hour', minutes / 60] : ['day', minutes / 1440];
      return new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'long' }).format(Math.ceil(count));
    },
  };
}
