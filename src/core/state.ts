import type { Author, Message } from '../model/types.ts';
import { initialModeState, offeredMode, type ModeSetting } from './modes.ts';
import type { NatterState } from './types.ts';

/**
 * The state of a client that has read nothing yet.
 * @example
 * ```ts
 * initialState().messages; // []
 * ```
 */
export function initialState(mode: ModeSetting = 'auto', teamName?: string): NatterState {
  const modeState = initialModeState(mode);
  return {
    ready: false,
    messages: [],
    connection: 'idle',
    isOpen: false,
    unread: 0,
    teamName,
    available: undefined,
    participants: [],
    user: undefined,
    mode: modeState,
    offeredMode: offeredMode(modeState),
    typing: undefined,
    email: undefined,
    hasOlder: false,
    storageProblem: undefined,
    slowDown: false,
    files: undefined,
    uploads: {},
    consent: undefined,
    invitation: undefined,
    notifies: true,
  };
}

const participantId = (author: Author) => `${author.role}:${author.id ?? author.name ?? ''}`;

/**
 * The team's people and bots who wrote, in order of first appearance, with `messages` added. Returns the same
 * array when nothing changed, so a message from a known author costs no state change.
 */
export function withParticipants(participants: readonly Author[], messages: readonly Message[]): readonly Author[] {
  let next: Author[] | undefined;
  for (const { author } of messages) {
    if (author.role !== 'agent' && author.role !== 'bot') continue;
    const id = participantId(author);
    const list = next ?? participants;
    const at = list.findIndex((known) => participantId(known) === id);
    if (at >= 0 && list[at]!.name === author.name) continue;
    next ??= participants.slice();
    if (at >= 0) next[at] = author;
    else next.push(author);
  }
  return next ?? participants;
}
