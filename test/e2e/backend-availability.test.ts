/**
 * Availability in the reference backend: the business-hours parser and clock (pure, fixed dates and
 * zones), and what visitors are told — when agents come and go, when business hours open and close, and
 * when a mode is forced.
 */
import { afterEach, describe, expect, test } from 'vitest';
import {
  BusinessHoursError,
  checkTimeZone,
  describeHours,
  isOpen,
  nextOpenAt,
  parseBusinessHours,
} from '../../demo/business-hours';
import { optionsFromEnv } from '../../demo/server';
import { TestBackend } from './backend-peer';

const at = (iso: string) => Date.parse(iso);

describe('business hours', () => {
  const week = parseBusinessHours('Mon-Fri 09:00-17:00; sat 10:00-14:00');
  const berlin = 'Europe/Berlin';

  test('parses days, ranges and times into open intervals per weekday', () => {
    expect(week.spec).toBe('mon-fri 09:00-17:00; sat 10:00-14:00');
    expect(week.week?.[1]).toEqual([[540, 1020]]);
    expect(week.week?.[6]).toEqual([[600, 840]]);
    expect(week.week?.[0]).toEqual([]);
    const split = parseBusinessHours('mon,wed 08:30-12:00 13:00-17:30; fri-mon 20:00-22:00');
    expect(split.week?.[3]).toEqual([[510, 720], [780, 1050]]);
    expect(split.week?.[0]).toEqual([[1200, 1320]]);
    expect(split.week?.[2]).toEqual([]);
    expect(parseBusinessHours('daily 00:00-24:00').week?.every((d) => d.length === 1 && d[0]![1] === 1440)).toBe(true);
  });

  test('an empty spec (or "always") is always open; "never" never opens', () => {
    for (const spec of [undefined, '', '  ', 'always']) {
      const hours = parseBusinessHours(spec);
      expect(hours.week).toBeNull();
      expect(isOpen(hours, at('2025-01-05T03:00:00Z'), berlin)).toBe(true);
      expect(nextOpenAt(hours, at('2025-01-05T03:00:00Z'), berlin)).toBeUndefined();
    }
    const never = parseBusinessHours('never');
    expect(isOpen(never, at('2025-01-06T10:00:00Z'))).toBe(false);
    expect(nextOpenAt(never, at('2025-01-06T10:00:00Z'))).toBeUndefined();
  });

  test('open or closed at fixed instants, in the business time zone', () => {
    // Monday 6 January 2025; Berlin is UTC+1 in winter.
    expect(isOpen(week, at('2025-01-06T07:59:00Z'), berlin)).toBe(false); // 08:59
    expect(isOpen(week, at('2025-01-06T08:00:00Z'), berlin)).toBe(true); // 09:00
    expect(isOpen(week, at('2025-01-06T15:59:59Z'), berlin)).toBe(true); // 16:59:59
    expect(isOpen(week, at('2025-01-06T16:00:00Z'), berlin)).toBe(false); // 17:00, the end is not included
    expect(isOpen(week, at('2025-01-06T16:00:00Z'), 'UTC')).toBe(true); // but in UTC it is 16:00
    expect(isOpen(week, at('2025-01-11T09:30:00Z'), berlin)).toBe(true); // Saturday 10:30
    expect(isOpen(week, at('2025-01-12T12:00:00Z'), berlin)).toBe(false); // Sunday
    // Summer time in New York (UTC−4): Monday 7 July 2025, 09:30 local.
    expect(isOpen(week, at('2025-07-07T13:30:00Z'), 'America/New_York')).toBe(true);
    expect(isOpen(week, at('2025-07-07T12:30:00Z'), 'America/New_York')).toBe(false);
  });

  test('next opening: the same day, the next day, over the weekend', () => {
    expect(nextOpenAt(week, at('2025-01-06T07:30:00Z'), berlin)).toBe(at('2025-01-06T08:00:00Z')); // 08:30 → 09:00
    expect(nextOpenAt(week, at('2025-01-06T06:30:12Z'), berlin)).toBe(at('2025-01-06T08:00:00Z')); // 07:30:12 → 09:00
    expect(nextOpenAt(week, at('2025-01-06T10:00:00Z'), berlin)).toBeUndefined(); // open now
    expect(nextOpenAt(week, at('2025-01-10T17:00:00Z'), berlin)).toBe(at('2025-01-11T09:00:00Z')); // Fri 18:00 → Sat 10:00
    expect(nextOpenAt(week, at('2025-01-11T14:00:00Z'), berlin)).toBe(at('2025-01-13T08:00:00Z')); // Sat 15:00 → Mon 09:00
  });

  test('next opening across a daylight-saving switch', () => {
    // Amsterdam springs forward on Sunday 30 March 2025: 09:00 that day is 07:00Z, not 08:00Z.
    const sunday = parseBusinessHours('sun 09:00-17:00');
    expect(nextOpenAt(sunday, at('2025-03-29T17:00:00Z'), 'Europe/Amsterdam')).toBe(at('2025-03-30T07:00:00Z'));
    // …and falls back on Sunday 26 October 2025: 09:00 that day is 08:00Z.
    expect(nextOpenAt(sunday, at('2025-10-25T17:00:00Z'), 'Europe/Amsterdam')).toBe(at('2025-10-26T08:00:00Z'));
  });

  test('ranges past midnight run into the next morning', () => {
    const late = parseBusinessHours('fri 22:00-02:00');
    expect(isOpen(late, at('2025-01-10T23:30:00Z'))).toBe(true); // Friday 23:30
    expect(isOpen(late, at('2025-01-11T01:59:00Z'))).toBe(true); // Saturday 01:59
    expect(isOpen(late, at('2025-01-11T02:00:00Z'))).toBe(false);
    expect(nextOpenAt(late, at('2025-01-11T03:00:00Z'))).toBe(at('2025-01-17T22:00:00Z'));
    // Back-to-back ranges are one opening, not two.
    const split = parseBusinessHours('mon 09:00-12:00 12:00-17:00');
    expect(nextOpenAt(split, at('2025-01-06T07:00:00Z'))).toBe(at('2025-01-06T09:00:00Z'));
  });

  test('mistakes are named', () => {
    expect(() => parseBusinessHours('mon-fro 09:00-17:00')).toThrow(/"fro".*not a day/);
    expect(() => parseBusinessHours('mon-fri 9-17')).toThrow(BusinessHoursError);
    expect(() => parseBusinessHours('mon-fri 09:00-25:00')).toThrow(/"25:00"/);
    expect(() => parseBusinessHours('mon 09:00-09:00')).toThrow(/empty/);
    expect(() => parseBusinessHours('mon-fri')).toThrow(/at least one time range/);
    expect(() => checkTimeZone('Mars/Olympus')).toThrow(/BUSINESS_TZ/);
    expect(checkTimeZone('Europe/Berlin')).toBe('Europe/Berlin');
  });

  test('hours in words for the bot', () => {
    expect(describeHours(week, berlin)).toBe('Mon–Fri 09:00–17:00; Sat 10:00–14:00 (Europe/Berlin)');
    // In the conversation's language, by Intl's day names.
    expect(describeHours(week, berlin, 'de')).toBe('Mo–Fr 09:00–17:00; Sa 10:00–14:00 (Europe/Berlin)');
    expect(describeHours(week, berlin, 'fr')).toBe('lun.–ven. 09:00–17:00; sam. 10:00–14:00 (Europe/Berlin)');
    expect(describeHours(parseBusinessHours(''), 'UTC')).toBeUndefined();
  });

  test('the environment is read and checked', () => {
    const options = optionsFromEnv({
      PORT: '0',
      DATA_DIR: '/tmp/x',
      BUSINESS_HOURS: 'mon-fri 09:00-17:00',
      BUSINESS_TZ: 'Europe/Berlin',
      REPLY_MINUTES: '30',
      AWAY_MESSAGE: 'Back soon',
      SESSION_TIMEOUT_MS: '60000',
      FORCE_MODE: 'messaging',
      BOT: 'off',
    });
    expect(options).toMatchObject({
      port: 0,
      businessHours: 'mon-fri 09:00-17:00',
      businessTimeZone: 'Europe/Berlin',
      replyMinutes: 30,
      awayMessage: 'Back soon',
      sessionTimeoutMs: 60000,
      forceMode: 'messaging',
      bot: false,
    });
    expect(optionsFromEnv({})).toMatchObject({ forceMode: null, bot: true });
    expect(() => optionsFromEnv({ FORCE_MODE: 'chat' })).toThrow(/FORCE_MODE/);
    expect(() => optionsFromEnv({ BOT: 'maybe' })).toThrow(/BOT/);
    expect(() => optionsFromEnv({ SESSION_TIMEOUT_MS: 'soon' })).toThrow(/SESSION_TIMEOUT_MS/);
  });
});

describe('what visitors are told', () => {
  let backend: TestBackend;
  afterEach(async () => {
    expect(backend.invalidFrames()).toEqual([]);
    await backend.dispose();
  });

  test('availability is broadcast when the agent goes away, comes back and leaves', async () => {
    backend = new TestBackend({ bot: false, replyMinutes: 45, awayMessage: 'Back at nine.' });
    await backend.start();
    const { peer, welcome } = await backend.visitor('visitor-avail-01');
    expect(welcome).toMatchObject({ available: false, availability: { agents: false, open: true, replyMinutes: 45, awayMessage: 'Back at nine.' } });

    const alex = await backend.agent('Alex');
    expect(alex.snapshot).toMatchObject({ availability: { agents: true, open: true }, mode: null });
    expect((await peer.type('availability')).availability).toMatchObject({ agents: true, open: true });
    alex.peer.send({ type: 'status', available: false });
    expect((await peer.type('availability')).availability).toMatchObject({ agents: false });
    // Agents hear it too (after the "agents: true" their own arrival caused).
    expect((await alex.peer.type('availability', (f) => !f.availability.agents)).availability).toMatchObject({ agents: false, open: true });
    alex.peer.send({ type: 'status', available: true });
    expect((await peer.type('availability')).availability).toMatchObject({ agents: true });

    // A second agent changes nothing visitors need to hear; the last one leaving does.
    const sam = await backend.agent('Sam');
    await peer.none((f) => f.type === 'availability', 150);
    await alex.peer.close();
    await peer.none((f) => f.type === 'availability', 150);
    await sam.peer.close();
    expect((await peer.type('availability')).availability).toMatchObject({ agents: false });

    // A newcomer gets the current state in welcome.
    const later = await backend.visitor('visitor-avail-02');
    expect(later.welcome.availability.agents).toBe(false);
  });

  test('business hours: closed with the next opening, live chat refused, and the opening is announced', async () => {
    let now = at('2025-01-11T15:00:00Z'); // Saturday 16:00 in Berlin: closed until Monday 09:00
    backend = new TestBackend({
      bot: false,
      businessHours: 'mon-fri 09:00-17:00; sat 10:00-14:00',
      businessTimeZone: 'Europe/Berlin',
      clock: () => now,
      clockTickMs: 40,
    });
    await backend.start();
    await backend.agent('Alex');
    const { peer, welcome } = await backend.visitor('visitor-hours-001');
    expect(welcome).toMatchObject({ available: false, availability: { agents: true, open: false, nextOpenAt: at('2025-01-13T08:00:00Z') } });

    peer.send({ type: 'live', action: 'start' });
    expect(await peer.type('error')).toMatchObject({ code: 'invalid_transition', message: expect.stringContaining('outside business hours') });
    peer.send({ type: 'handoff' });
    expect((await peer.type('item')).item).toMatchObject({ author: { role: 'system' }, event: { kind: 'handoff', to: 'messaging' }, text: 'A person will reply here as soon as possible' });

    now = at('2025-01-13T08:00:30Z'); // Monday 09:00:30
    const opened = await peer.type('availability');
    expect(opened.availability).toMatchObject({ agents: true, open: true });
    expect(opened.availability.nextOpenAt).toBeUndefined();
    now = at('2025-01-13T16:00:00Z'); // 17:00: closed again
    expect((await peer.type('availability')).availability).toMatchObject({ open: false, nextOpenAt: at('2025-01-14T08:00:00Z') });
  });

  test('a forced mode: from the start, and changed by an agent for every visitor', async () => {
    backend = new TestBackend({ bot: false, forceMode: 'live' });
    await backend.start();
    const { peer, welcome } = await backend.visitor('visitor-forced-01');
    expect(welcome.mode).toBe('live');
    const alex = await backend.agent('Alex');
    expect(alex.snapshot.mode).toBe('live');

    alex.peer.send({ type: 'force', mode: 'messaging' });
    expect(await peer.type('mode')).toEqual({ type: 'mode', mode: 'messaging' });
    expect(await alex.peer.type('mode')).toEqual({ type: 'mode', mode: 'messaging' });
    peer.send({ type: 'live', action: 'start' });
    expect(await peer.type('error')).toMatchObject({ code: 'invalid_transition', message: expect.stringContaining('switched off') });

    alex.peer.send({ type: 'force', mode: null });
    expect(await peer.type('mode')).toEqual({ type: 'mode', mode: null });
    peer.send({ type: 'live', action: 'start' });
    expect((await peer.type('session')).session.state).toBe('queued');

    alex.peer.send({ type: 'force', mode: 'chat' });
    expect(await alex.peer.type('error')).toMatchObject({ code: 'invalid_frame' });
  });
});
