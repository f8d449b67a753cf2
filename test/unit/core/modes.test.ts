import { describe, expect, it } from 'vitest';
import { initialModeState, offeredMode, transition, type ModeEvent, type ModeState } from '../../../src/core/modes';

const alex = { role: 'agent' as const, id: 'a1', name: 'Alex' };

/** Applies events that must all be legal. */
function run(...events: ModeEvent[]): ModeState {
  let state = initialModeState();
  for (const event of events) {
    const result = transition(state, event);
    if (!result.ok) throw new Error(`refused ${event.type}: ${result.reason}`);
    state = result.state;
  }
  return state;
}

function refused(state: ModeState, event: ModeEvent): string {
  const result = transition(state, event);
  expect(result.ok).toBe(false);
  return result.ok ? '' : result.reason;
}

const queued: ModeEvent = { type: 'queued', sessionId: 's1', position: 2, waitSeconds: 60 };
const joined: ModeEvent = { type: 'joined', sessionId: 's1', agent: alex };
const ended: ModeEvent = { type: 'ended', sessionId: 's1', by: 'agent' };

describe('offered mode', () => {
  it('auto offers live chat only when an agent is available inside business hours', () => {
    expect(offeredMode(run())).toBe('messaging');
    expect(offeredMode(run({ type: 'availability', availability: { agents: true, open: true } }))).toBe('live');
    expect(offeredMode(run({ type: 'availability', availability: { agents: true, open: false } }))).toBe('messaging');
    expect(offeredMode(run({ type: 'availability', availability: { agents: false, open: true } }))).toBe('messaging');
  });

  it('a setting of live or messaging wins over availability; a forced mode wins over both', () => {
    const available = { type: 'availability', availability: { agents: true, open: true } } as const;
    expect(offeredMode(run(available, { type: 'setting', mode: 'messaging' }))).toBe('messaging');
    expect(offeredMode(run({ type: 'setting', mode: 'live' }))).toBe('live');
    expect(offeredMode(run(available, { type: 'force', mode: 'messaging' }))).toBe('messaging');
    expect(offeredMode(run(available, { type: 'force', mode: 'messaging' }, { type: 'force', mode: null }))).toBe('live');
  });

  it('refuses unknown modes and changes nothing', () => {
    expect(refused(run(), { type: 'setting', mode: 'video' as never })).toMatch(/cannot use mode "video" \(unknown; use "live", "messaging" or "auto"\)/);
    expect(refused(run(), { type: 'force', mode: 'auto' as never })).toMatch(/cannot force mode "auto" \(unknown\)/);
  });
});

describe('live session', () => {
  it('messaging → queued: waits with the queue position and estimated wait', () => {
    expect(run(queued)).toMatchObject({ phase: 'queued', session: { id: 's1', position: 2, waitSeconds: 60 } });
  });

  it('queued → queued: the position updates', () => {
    expect(run(queued, { type: 'queued', sessionId: 's1', position: 1 }).session?.position).toBe(1);
  });

  it('queued → live: an agent joins', () => {
    expect(run(queued, joined)).toMatchObject({ phase: 'live', session: { id: 's1', agent: alex } });
  });

  it('live → live: another agent takes over', () => {
    const sam = { role: 'agent' as const, id: 'a2', name: 'Sam' };
    expect(run(queued, joined, { type: 'joined', sessionId: 's1', agent: sam }).session?.agent).toEqual(sam);
  });

  it.each(['agent', 'visitor', 'timeout'] as const)('live → ended, ended by the %s', (by) => {
    expect(run(queued, joined, { type: 'ended', sessionId: 's1', by })).toMatchObject({ phase: 'ended', session: { endedBy: by, rated: false } });
  });

  it('queued → ended: the customer gives up waiting', () => {
    expect(run(queued, { type: 'ended', sessionId: 's1', by: 'visitor' }).phase).toBe('ended');
  });

  it('ended: rated once', () => {
    expect(run(queued, joined, ended, { type: 'rated', sessionId: 's1' }).session?.rated).toBe(true);
  });

  it('ended → messaging: the customer writes on', () => {
    expect(run(queued, joined, ended, { type: 'resume' }).phase).toBe('messaging');
  });

  it('a session ended and resumed can still be rated', () => {
    expect(run(queued, joined, ended, { type: 'resume' }, { type: 'rated', sessionId: 's1' }).session?.rated).toBe(true);
  });

  it('ended → queued: a new live chat starts in the same thread', () => {
    expect(run(queued, joined, ended, { type: 'queued', sessionId: 's2' })).toMatchObject({ phase: 'queued', session: { id: 's2' } });
  });
});

describe('illegal transitions are refused and change nothing', () => {
  it('an agent joining an ended session', () => {
    expect(refused(run(queued, joined, ended), joined)).toBe('cannot join session s1 in phase ended');
  });
  it('an agent joining with no session', () => {
    expect(refused(run(), joined)).toBe('cannot join session s1 in phase messaging');
  });
  it('an agent joining another session than the waiting one', () => {
    expect(refused(run(queued), { ...joined, sessionId: 's9' })).toBe('cannot join session s9 in phase queued');
  });
  it('a rating for a session that does not exist', () => {
    expect(refused(run(), { type: 'rated', sessionId: 'nope' })).toBe('cannot rate session nope (it has not ended)');
  });
  it('a rating for a session still live', () => {
    expect(refused(run(queued, joined), { type: 'rated', sessionId: 's1' })).toBe('cannot rate session s1 (it has not ended)');
  });
  it('a second rating', () => {
    expect(refused(run(queued, joined, ended, { type: 'rated', sessionId: 's1' }), { type: 'rated', sessionId: 's1' })).toBe('cannot rate session s1 (already rated)');
  });
  it('ending a session that is not running', () => {
    expect(refused(run(), ended)).toBe('cannot end session s1 in phase messaging');
    expect(refused(run(queued, joined, ended), ended)).toBe('cannot end session s1 in phase ended');
  });
  it('queuing while live', () => {
    expect(refused(run(queued, joined), { type: 'queued', sessionId: 's2' })).toBe('cannot queue session s2 in phase live');
  });
  it('queuing a second session while one waits', () => {
    expect(refused(run(queued), { type: 'queued', sessionId: 's2' })).toBe('cannot queue session s2 in phase queued');
  });
  it('resuming when nothing ended', () => {
    expect(refused(run(queued), { type: 'resume' })).toBe('cannot resume in phase queued');
  });
});
