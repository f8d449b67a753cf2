import type { SessionInfo } from '../model/session.ts';
import type { Emitter } from './emitter.ts';
import type { NatterEvents } from './events.ts';
import { offeredMode, transition, type ModeEvent, type ModeState } from './modes.ts';
import type { Store } from './store.ts';
import type { InboundFrame, OutboundFrame } from './transport.ts';
import type { NatterState } from './types.ts';

/** How long a "typing" from the team shows without news, and how often ours is repeated while typing. */
const TYPING_SHOWN_MS = 6000;
const TYPING_REPEAT_MS = 3000;
const TYPING_IDLE_MS = 4000;

/** What live chat needs from the client around it. */
export interface LiveHost {
  store: Store<NatterState>;
  events: Emitter<NatterEvents>;
  /** Sends a frame now if it can (typing is never queued). */
  send(frame: OutboundFrame): boolean;
  warn(message: string): void;
  /** The phase or session changed: keep it with the conversation. */
  persistMode(mode: ModeState): void;
}

/**
 * Live chat's side of the client: the mode machine fed by the backend's frames, availability, and typing
 * both ways. The state machine itself is `modes.ts`; this file applies it to the store and the events.
 */
export class LiveChat {
  #typingShown: ReturnType<typeof setTimeout> | undefined;
  #typingIdle: ReturnType<typeof setTimeout> | undefined;
  #typingSentAt = 0;

  constructor(readonly host: LiveHost) {}

  /** Moves the mode machine; a refused event changes nothing and goes to `onRefused` (default: a warning). */
  apply(event: ModeEvent, onRefused: (reason: string) => void = (reason) => this.host.warn(`ignored a mode change: ${reason}`)): void {
    const result = transition(this.host.store.getState().mode, event);
    if (!result.ok) return onRefused(result.reason);
    this.set(result.state);
  }

  set(mode: ModeState): void {
    const { store, events } = this.host;
    const before = store.getState();
    const offered = offeredMode(mode);
    store.setState({ mode, offeredMode: offered, ...(mode.phase !== 'live' && { typing: undefined }) });
    if (mode.phase !== before.mode.phase || mode.session !== before.mode.session) this.host.persistMode(mode);
    if (offered !== before.offeredMode || mode.phase !== before.mode.phase) events.emit('modechange', { mode: offered, phase: mode.phase });
  }

  /** Handles the frames about availability, modes, sessions and typing. */
  receive(frame: Extract<InboundFrame, { type: 'availability' | 'mode' | 'session' | 'typing' }>): void {
    const { store, events } = this.host;
    switch (frame.type) {
      case 'availability': {
        const available = frame.availability.agents && frame.availability.open;
        const changed = available !== store.getState().available;
        store.setState({ available });
        this.apply({ type: 'availability', availability: frame.availability });
        if (changed) events.emit('availability', available);
        return;
      }
      case 'mode':
        return this.apply({ type: 'force', mode: frame.mode });
      case 'session':
        return frame.restore ? this.#restore(frame.session) : this.#step(frame.session);
      case 'typing': {
        clearTimeout(this.#typingShown);
        if (!frame.typing || store.getState().mode.phase !== 'live') return store.setState({ typing: undefined });
        store.setState({ typing: frame.author });
        this.#typingShown = setTimeout(() => store.setState({ typing: undefined }), TYPING_SHOWN_MS);
        events.emit('typing', frame.author);
        return;
      }
    }
  }

  /** The customer typed: tell the team, at most every 3 s, and "stopped" 4 s after the last key. */
  typing(): void {
    if (this.host.store.getState().mode.phase !== 'live') return;
    const now = Date.now();
    if (now - this.#typingSentAt >= TYPING_REPEAT_MS && this.host.send({ type: 'typing', typing: true })) this.#typingSentAt = now;
    clearTimeout(this.#typingIdle);
    this.#typingIdle = setTimeout(() => this.stopTyping(), TYPING_IDLE_MS);
  }

  stopTyping(): void {
    clearTimeout(this.#typingIdle);
    if (this.#typingSentAt === 0) return;
    this.#typingSentAt = 0;
    this.host.send({ type: 'typing', typing: false });
  }

  #step(session: SessionInfo | null): void {
    if (!session) return this.host.warn('ignored an empty session change');
    if (session.state === 'queued') {
      return this.apply({ type: 'queued', sessionId: session.id, ...(session.position !== undefined && { position: session.position }), ...(session.waitSeconds !== undefined && { waitSeconds: session.waitSeconds }) });
    }
    if (session.state === 'live') return this.apply({ type: 'joined', sessionId: session.id, agent: session.agent ?? { role: 'agent' } });
    const current = this.host.store.getState().mode.session;
    if (current?.id === session.id && current.endedBy) {
      // Already ended here: the backend confirms (for instance that the rating arrived).
      if (session.rated && !current.rated) this.apply({ type: 'rated', sessionId: session.id });
      return;
    }
    this.apply({ type: 'ended', sessionId: session.id, by: session.endedBy ?? 'agent' });
  }

  /** Takes the backend's whole truth about the session after (re)connecting. */
  #restore(session: SessionInfo | null): void {
    const current = this.host.store.getState().mode;
    if (!session) return this.set({ ...current, phase: current.phase === 'ended' ? 'ended' : 'messaging', session: current.phase === 'ended' ? current.session : undefined });
    const resumed = session.state === 'ended' && current.phase === 'messaging' && current.session?.id === session.id;
    const { state, ...rest } = session;
    this.set({ ...current, phase: resumed ? 'messaging' : state, session: { ...rest, ...(state === 'ended' && { rated: session.rated ?? false }) } });
  }
}
