/**
 * The conversation's mode: live chat or messaging, and where a live session is. A pure state machine:
 * `transition(state, event)` returns the next state or says why the event is refused. `docs/modes.md`
 * draws it.
 * @module
 */
import type { Author } from '../model/types.ts';
import type { Availability, EndedBy, Mode, ModeSetting, Phase } from '../model/session.ts';

export type { Availability, EndedBy, Mode, ModeSetting, Phase };

/** The mode machine's state. */
export interface ModeState {
  setting: ModeSetting;
  /** A mode the backend imposes, overriding the setting. */
  forced: Mode | undefined;
  availability: Availability | undefined;
  phase: Phase;
  /** The live session (queued, live or just ended). */
  session: { id: string; agent?: Author; position?: number; waitSeconds?: number; endedBy?: EndedBy; rated?: boolean } | undefined;
}

/** Everything that can move the machine. */
export type ModeEvent =
  | { type: 'setting'; mode: ModeSetting }
  | { type: 'force'; mode: Mode | null }
  | { type: 'availability'; availability: Availability }
  | { type: 'queued'; sessionId: string; position?: number; waitSeconds?: number }
  | { type: 'joined'; sessionId: string; agent: Author }
  | { type: 'ended'; sessionId: string; by: EndedBy }
  | { type: 'rated'; sessionId: string }
  | { type: 'resume' };

/** The machine's starting point: messaging, nothing known yet. */
export function initialModeState(setting: ModeSetting = 'auto'): ModeState {
  return { setting, forced: undefined, availability: undefined, phase: 'messaging', session: undefined };
}

/**
 * The mode offered now: the backend's forced mode, else the setting, else (for `auto`) live chat when an
 * agent is available inside business hours.
 */
export function offeredMode(state: ModeState): Mode {
  if (state.forced) return state.forced;
  if (state.setting !== 'auto') return state.setting;
  return state.availability?.agents && state.availability.open ? 'live' : 'messaging';
}

/** The result of {@link transition}: the next state, or the reason the event was refused (state unchanged). */
export type TransitionResult = { ok: true; state: ModeState } | { ok: false; reason: string };

const MODES: readonly string[] = ['live', 'messaging'];
const SETTINGS: readonly string[] = ['live', 'messaging', 'auto'];

/**
 * Applies `event` to `state`. Illegal events (an agent joining an ended session, a rating for a session
 * that does not exist, an unknown mode) are refused with a reason and change nothing.
 *
 * @example
 * ```ts
 * let s = initialModeState();
 * const r = transition(s, { type: 'queued', sessionId: 's1', position: 2 });
 * if (r.ok) s = r.state; // phase 'queued'
 * transition(s, { type: 'rated', sessionId: 's1' }); // { ok: false, reason: 'cannot rate session s1 (it has not ended)' }
 * ```
 */
export function transition(state: ModeState, event: ModeEvent): TransitionResult {
  const to = (patch: Partial<ModeState>): TransitionResult => ({ ok: true, state: { ...state, ...patch } });
  const { phase, session } = state;
  /** The one sentence every refusal uses: what was asked, of which session, in which phase. */
  const refuse = (verb: string, why = `in phase ${phase}`): TransitionResult => ({
    ok: false,
    reason: `cannot ${verb}${'sessionId' in event ? ` session ${event.sessionId}` : ''} ${why}`,
  });
  const running = session?.id === (event as { sessionId?: string }).sessionId && (phase === 'queued' || phase === 'live');
  switch (event.type) {
    case 'setting':
      return SETTINGS.includes(event.mode) ? to({ setting: event.mode }) : refuse(`use mode "${String(event.mode)}"`, '(unknown; use "live", "messaging" or "auto")');
    case 'force':
      return event.mode === null || MODES.includes(event.mode) ? to({ forced: event.mode ?? undefined }) : refuse(`force mode "${String(event.mode)}"`, '(unknown)');
    case 'availability':
      return to({ availability: event.availability });
    case 'queued':
      // A new session may wait only when none is running; the waiting one may be updated.
      if (phase === 'live' || (phase === 'queued' && !running)) return refuse('queue');
      return to({ phase: 'queued', session: { id: event.sessionId, position: event.position, waitSeconds: event.waitSeconds } });
    case 'joined':
      return running ? to({ phase: 'live', session: { id: event.sessionId, agent: event.agent } }) : refuse('join');
    case 'ended':
      return running ? to({ phase: 'ended', session: { ...session!, endedBy: event.by, rated: false } }) : refuse('end');
    case 'rated':
      if (session?.id !== event.sessionId || !session.endedBy) return refuse('rate', '(it has not ended)');
      return session.rated ? refuse('rate', '(already rated)') : to({ session: { ...session, rated: true } });
    case 'resume':
      return phase === 'ended' ? to({ phase: 'messaging' }) : refuse('resume');
  }
}
