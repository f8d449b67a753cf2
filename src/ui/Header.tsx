/** @jsxRuntime classic */
/** @jsx h */
import { h } from 'preact';
import type { NatterState } from '../core/types.ts';
import { format } from '../i18n/index.ts';
import { Avatar } from './Avatar.tsx';
import type { Ui } from './context.ts';
import { CloseIcon } from './icons.tsx';

/** Whether nobody is there to answer now: no agent, or outside business hours. */
export function isAway(state: NatterState): boolean {
  const availability = state.mode.availability;
  return availability ? !(availability.agents && availability.open) : state.available === false;
}

/** "We usually reply within 5 minutes": in 5-minute steps ("within 5 minutes" is promise enough for 2). */
export const replyText = ({ strings, dates }: Ui, minutes: number) => format(strings.replyTime, { time: dates.duration(Math.ceil(minutes / 5) * 5) });

/**
 * The panel's title bar, by phase: the team's name and usual reply time (or "Away") in messaging; "Waiting
 * for an agent" with the place in the queue; the agent's avatar and name in a live chat. Connection trouble
 * replaces the line under the heading.
 */
export function Header({ ui, state, title, onClose }: { ui: Ui; state: NatterState; title: string; onClose: () => void }) {
  const { strings, dates } = ui;
  const { phase, session, availability } = state.mode;
  const reply = availability?.replyMinutes;
  const { connection } = state;
  let heading = title;
  let line: string | undefined;
  let online = false;
  let agent: string | undefined;
  if (phase === 'queued') {
    heading = strings.queued;
    const wait = session?.waitSeconds;
    line = [
      session?.position && format(strings.queuePosition, { position: session.position }),
      wait && format(strings.queueWait, { time: dates.duration(wait / 60) }),
    ]
      .filter(Boolean)
      .join(' · ');
  } else if (phase === 'live') {
    heading = agent = session?.agent?.name ?? strings.agent;
    line = strings.live;
    online = true;
  } else if (isAway(state)) {
    line = strings.away;
  } else {
    // One thing at a time: the team's usual reply time when it gives one, without the green dot, which would
    // say "now"; else "Online", with it.
    line = reply! > 0 ? replyText(ui, reply!) : state.available ? strings.online : undefined;
    online = !(reply! > 0) && !!state.available;
  }
  if (connection === 'connecting' || connection === 'reconnecting') {
    line = strings[connection];
    online = false;
  }
  return (
    // A <div>, not a <header>: that would add a second `banner` landmark to the host page.
    <div class="header">
      {agent && <Avatar name={agent} />}
      <div class="heading">
        <h2 class="title">{heading}</h2>
        {line && (
          <p class="availability" data-online={online || undefined}>
            {line}
          </p>
        )}
      </div>
      <button type="button" class="icon-button" aria-label={strings.launcherClose} onClick={onClose}>
        <CloseIcon />
      </button>
    </div>
  );
}
