import type { SystemEvent } from '../model/types.ts';
import { format, type Strings } from '../i18n/index.ts';
import { unbidi } from './Linkified.tsx';

/**
 * What a system message says, in the widget's language: "Alex joined the chat", "Chat ended — …".
 * `undefined` for an event this widget does not know (or one missing what it needs): the message's own
 * text is shown then.
 *
 * @example
 * ```ts
 * eventText({ kind: 'joined', name: 'Alex' }, strings('de')); // 'Alex ist dem Chat beigetreten'
 * ```
 */
export function eventText(event: SystemEvent, strings: Strings): string | undefined {
  const { kind, to } = event;
  const toMessaging = to === 'messaging' && 'handoffMessaging';
  const key = {
    queued: 'queued',
    joined: 'joined',
    ended: 'ended',
    handoff: to === 'live' ? 'handoffLive' : toMessaging,
    mode: to === 'live' ? 'startLive' : toMessaging,
    email: event.email && 'emailSaved',
    rated: event.score && 'rated',
  }[kind];
  // A kind from a newer backend finds nothing here (not even an inherited property): the text is shown.
  const template: unknown = key && strings[key as keyof Strings];
  // A name or address with bidi controls would turn the sentence around it.
  return typeof template === 'string' ? unbidi(format(template, { name: event.name ?? strings.agent, email: event.email!, score: event.score! })) : undefined;
}
