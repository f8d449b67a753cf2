/**
 * Business hours of the reference backend: a small text format, and whether a given instant is inside
 * them in a given IANA time zone. Computed with `Intl.DateTimeFormat#formatToParts` only, no dependency.
 *
 * Format (env `BUSINESS_HOURS`, option `businessHours`): rules separated by `;`, each
 * `<days> <from>-<to> [<from>-<to> …]`, for example
 *
 *     mon-fri 09:00-17:00; sat 10:00-14:00
 *     mon,wed,fri 08:30-12:00 13:00-17:30
 *     daily 00:00-24:00
 *     fri 22:00-02:00            (past midnight: open until 02:00 on Saturday)
 *
 * Days are `mon tue wed thu fri sat sun` (full English names work too), lists with `,`, ranges with `-`
 * (`fri-mon` wraps round the week), or `daily`. Times are `H:MM` or `HH:MM`, 24-hour, `24:00` allowed as
 * an end. A time range is open from its start up to (not including) its end. Several rules for one day
 * add up. Empty (or `always`) means always open; `never` means never open.
 */

/** Minutes since local midnight: [start, end), end ≤ 1440. */
type Interval = readonly [start: number, end: number];

export interface BusinessHours {
  /** The text it was parsed from, normalised (`always` when always open). */
  readonly spec: string;
  /** `null`: always open. Otherwise the open intervals per weekday, 0 = Sunday … 6 = Saturday. */
  readonly week: readonly (readonly Interval[])[] | null;
}

export const ALWAYS_OPEN: BusinessHours = { spec: 'always', week: null };

const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

export class BusinessHoursError extends Error {
  readonly code = 'NATTER_CONFIG';
}

function parseDay(word: string, rule: string): number {
  const short = word.slice(0, 3);
  const index = DAY_NAMES.indexOf(short as (typeof DAY_NAMES)[number]);
  const full = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
  if (index < 0 || (word.length > 3 && word !== full[index])) {
    throw new BusinessHoursError(`BUSINESS_HOURS: "${word}" in "${rule}" is not a day; use mon, tue, wed, thu, fri, sat, sun or daily.`);
  }
  return index;
}

function parseDays(text: string, rule: string): number[] {
  if (text === 'daily') return [0, 1, 2, 3, 4, 5, 6];
  const days = new Set<number>();
  for (const part of text.split(',')) {
    if (part === '') continue;
    const [from, to, extra] = part.split('-');
    if (extra !== undefined || from === undefined || from === '') {
      throw new BusinessHoursError(`BUSINESS_HOURS: "${part}" in "${rule}" is not a day or a day range like mon-fri.`);
    }
    const start = parseDay(from, rule);
    if (to === undefined) {
      days.add(start);
      continue;
    }
    const end = parseDay(to, rule);
    for (let day = start; ; day = (day + 1) % 7) {
      days.add(day);
      if (day === end) break;
    }
  }
  if (days.size === 0) throw new BusinessHoursError(`BUSINESS_HOURS: "${rule}" names no day.`);
  return [...days];
}

function parseTime(text: string, rule: string): number {
  const match = /^(\d{1,2}):(\d{2})$/.exec(text);
  const hours = Number(match?.[1]);
  const minutes = Number(match?.[2]);
  if (!match || hours > 24 || minutes > 59 || (hours === 24 && minutes !== 0)) {
    throw new BusinessHoursError(`BUSINESS_HOURS: "${text}" in "${rule}" is not a time like 09:00 (24-hour, 00:00–24:00).`);
  }
  return hours * 60 + minutes;
}

/**
 * Parses the business-hours text. Throws a {@link BusinessHoursError} naming the rule that is wrong.
 *
 * @example parseBusinessHours('mon-fri 09:00-17:00; sat 10:00-14:00')
 */
export function parseBusinessHours(spec: string | undefined): BusinessHours {
  const normalised = (spec ?? '').trim().toLowerCase().replace(/\s+/g, ' ');
  if (normalised === '' || normalised === 'always' || normalised === '24/7') return ALWAYS_OPEN;
  const week: Interval[][] = [[], [], [], [], [], [], []];
  if (normalised === 'never') return { spec: 'never', week };
  const rules: string[] = [];
  for (const rawRule of normalised.split(';')) {
    const rule = rawRule.trim();
    if (rule === '') continue;
    const [daysText, ...rangeTexts] = rule.split(/[ ,]+(?=\d)/);
    const ranges = rangeTexts.flatMap((r) => r.split(/[ ,]+/)).filter((r) => r !== '');
    if (daysText === undefined || ranges.length === 0) {
      throw new BusinessHoursError(`BUSINESS_HOURS: "${rule}" needs days and at least one time range, like "mon-fri 09:00-17:00".`);
    }
    const days = parseDays(daysText.replace(/ /g, ''), rule);
    for (const range of ranges) {
      const [fromText, toText, extra] = range.split('-');
      if (fromText === undefined || toText === undefined || extra !== undefined) {
        throw new BusinessHoursError(`BUSINESS_HOURS: "${range}" in "${rule}" is not a time range like 09:00-17:00.`);
      }
      const from = parseTime(fromText, rule);
      const to = parseTime(toText, rule);
      if (from === to) throw new BusinessHoursError(`BUSINESS_HOURS: "${range}" in "${rule}" is empty.`);
      if (from === 1440) throw new BusinessHoursError(`BUSINESS_HOURS: "${range}" in "${rule}" cannot start at 24:00.`);
      for (const day of days) {
        if (to > from) {
          week[day]!.push([from, to]);
        } else {
          // Past midnight: the rest of this day, then the next morning.
          week[day]!.push([from, 1440]);
          if (to > 0) week[(day + 1) % 7]!.push([0, to]);
        }
      }
    }
    rules.push(rule);
  }
  if (rules.length === 0) return ALWAYS_OPEN;
  for (const day of week) day.sort((a, b) => a[0] - b[0]);
  return { spec: rules.join('; '), week };
}

/** Throws a {@link BusinessHoursError} unless `timeZone` is an IANA zone this Node knows. */
export function checkTimeZone(timeZone: string): string {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone }).resolvedOptions().timeZone;
  } catch {
    throw new BusinessHoursError(`BUSINESS_TZ: "${timeZone}" is not an IANA time zone such as Europe/Berlin or America/New_York.`);
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The weekday (0 = Sunday) and minute of the day of `ms` on the wall clocks of `timeZone`. */
export function localTime(ms: number, timeZone: string): { weekday: number; minute: number } {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: 'numeric', minute: 'numeric', hourCycle: 'h23' });
    formatters.set(timeZone, format);
  }
  let weekday = 0;
  let hour = 0;
  let minute = 0;
  for (const part of format.formatToParts(ms)) {
    if (part.type === 'weekday') weekday = DAY_NAMES.indexOf(part.value.toLowerCase().slice(0, 3) as (typeof DAY_NAMES)[number]);
    else if (part.type === 'hour') hour = Number(part.value) % 24;
    else if (part.type === 'minute') minute = Number(part.value);
  }
  return { weekday, minute: hour * 60 + minute };
}

function openOn(hours: BusinessHours, weekday: number, minute: number): boolean {
  if (hours.week === null) return true;
  return (hours.week[weekday] ?? []).some(([start, end]) => minute >= start && minute < end);
}

/** Whether `ms` (an instant) is inside business hours in `timeZone`. */
export function isOpen(hours: BusinessHours, ms: number, timeZone = 'UTC'): boolean {
  if (hours.week === null) return true;
  const { weekday, minute } = localTime(ms, timeZone);
  return openOn(hours, weekday, minute);
}

/** Wall-clock minutes from (weekday, minute) to the next opening, and that opening; undefined: never opens. */
function nextStart(hours: BusinessHours, weekday: number, minute: number): { delta: number; weekday: number; minute: number } | undefined {
  const week = hours.week;
  if (week === null) return undefined;
  for (let k = 0; k <= 7; k++) {
    const day = (weekday + k) % 7;
    for (const [start] of week[day] ?? []) {
      const delta = k * 1440 + start - minute;
      // An interval starting right where the previous day's ends is a continuation, not an opening.
      if (delta > 0 && !openOn(hours, (day + (start === 0 ? 6 : 0)) % 7, start === 0 ? 1439 : start - 1)) {
        return { delta, weekday: day, minute: start };
      }
    }
  }
  return undefined;
}

/**
 * When business hours next begin after `ms`, as an instant (ms, on a whole minute); `undefined` while open
 * or when they never do. Daylight-saving shifts in between are accounted for.
 */
export function nextOpenAt(hours: BusinessHours, ms: number, timeZone = 'UTC'): number | undefined {
  if (hours.week === null || isOpen(hours, ms, timeZone)) return undefined;
  let t = Math.floor(ms / 60_000) * 60_000;
  for (let attempt = 0; attempt < 16; attempt++) {
    const here = localTime(t, timeZone);
    if (openOn(hours, here.weekday, here.minute)) return t;
    const next = nextStart(hours, here.weekday, here.minute);
    if (!next) return undefined;
    t += next.delta * 60_000;
    // Adding wall-clock minutes is off by the offset change when a DST switch lies in between: correct it.
    const landed = localTime(t, timeZone);
    let drift = (landed.weekday - next.weekday) * 1440 + landed.minute - next.minute;
    if (drift > 3.5 * 1440) drift -= 7 * 1440;
    if (drift < -3.5 * 1440) drift += 7 * 1440;
    if (drift !== 0 && Math.abs(drift) <= 180) {
      const corrected = t - drift * 60_000;
      if (corrected > ms && isOpen(hours, corrected, timeZone)) return corrected;
    }
  }
  return undefined;
}

/**
 * The hours in words for people (the bot's "opening hours" answer), with the days named in `locale`'s words,
 * e.g. "Mon–Fri 09:00–17:00; Sat 10:00–14:00 (Europe/Berlin)", or in German "Mo.–Fr. 09:00–17:00 …".
 */
export function describeHours(hours: BusinessHours, timeZone: string, locale = 'en'): string | undefined {
  if (hours.week === null) return undefined;
  if (hours.spec === 'never') return '';
  const day = new Intl.DateTimeFormat(locale, { weekday: 'short', timeZone: 'UTC' });
  // 7 January 2024 was a Sunday, DAY_NAMES[0].
  const pretty = hours.spec
    .replace(/\b(mon|tue|wed|thu|fri|sat|sun)[a-z]*\b/g, (d) => day.format(Date.UTC(2024, 0, 7 + DAY_NAMES.indexOf(d.slice(0, 3) as (typeof DAY_NAMES)[number]))))
    .replace(/-/g, '–');
  return `${pretty} (${timeZone})`;
}
