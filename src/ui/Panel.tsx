/** @jsxRuntime classic */
/** @jsx h */
import { h, type RefObject } from 'preact';
import type { NatterState } from '../core/types.ts';
import { format } from '../i18n/index.ts';
import { AwayNotice } from './AwayNotice.tsx';
import { Composer } from './Composer.tsx';
import type { Ui } from './context.ts';
import { Avatar } from './Avatar.tsx';
import { Header, isAway, replyText } from './Header.tsx';
import { unbidi } from './Linkified.tsx';
import { MessageList } from './MessageList.tsx';
import { Rating } from './Rating.tsx';
import { useFocusInView } from './use-focus-in-view.ts';
import { useViewportHeight } from './use-viewport-height.ts';

export const PANEL_ID = 'natter-panel';

interface Props {
  ui: Ui;
  state: NatterState;
  title: string;
  panelRef: RefObject<HTMLDivElement | null>;
  inputRef: RefObject<HTMLTextAreaElement | null>;
  onClose: () => void;
}

/**
 * The conversation window: a non-modal dialog beside the page, so the page stays usable; modal where it fills
 * the screen (`aria-modal` is set by useModal). It stays in the DOM
 * while closed (hidden), which keeps the visitor's draft and scroll position. Between the conversation and
 * the text box sit what the phase needs: who is typing, the live chat buttons, the rating card, the away notice.
 */
export function Panel({ ui, state, title, panelRef, inputRef, onClose }: Props) {
  const { client, strings } = ui;
  const { phase, session, availability } = state.mode;
  // One way to reach a person at any moment, in one place (so keyboard focus stays on it): "Talk to a person"
  // after a bot has answered (to the queue when live chat is offered); else "Chat live with us" while live chat
  // is offered, then "Leave queue" and "End chat". Neither once a person has answered, until a bot answers
  // again. Below the rating card, never over it.
  const inLive = phase === 'queued' || phase === 'live';
  const lastTeam = state.messages.findLast(
    (m) => m.author.role === 'bot' || m.author.role === 'agent' || m.event?.kind === 'handoff' || m.event?.kind === 'joined',
  );
  const bot = !inLive && phase !== 'ended' && lastTeam?.author.role === 'bot';
  const person = lastTeam?.author.role === 'agent' || lastTeam?.event?.kind === 'joined';
  const offered = inLive || (!bot && state.offeredMode === 'live' && !person);
  // The log already says "Thanks for rating…" or "We'll email you at…" when the backend wrote it there: the
  // cards do not say it a second time.
  const ratedInLog = state.messages.findLast((m) => m.event?.kind === 'rated' || m.event?.kind === 'ended')?.event?.kind === 'rated';
  // An address given with `identify({ email })` counts as the one left here.
  const email = state.email ?? state.user?.email;
  const emailInLog = !!email && state.messages.some((m) => m.event?.kind === 'email' && m.event.email === email);
  // A button that goes away after use hands focus to the text box, where the conversation continues.
  const toInput = () => inputRef.current?.focus();
  useViewportHeight(panelRef, state.isOpen);
  useFocusInView(panelRef, state.isOpen);
  return (
    <div
      ref={panelRef}
      id={PANEL_ID}
      class="panel"
      role="dialog"
      aria-label={title}
      hidden={!state.isOpen}
    >
      <Header ui={ui} state={state} title={title} onClose={onClose} />
      <MessageList
        ui={ui}
        messages={state.messages}
        hasOlder={state.hasOlder}
        invitation={state.invitation}
        uploads={state.uploads}
        connection={state.connection}
        ready={state.ready}
        open={state.isOpen}
        greeting={
          // Who answers, and when: the team, its usual reply time, and that a person writes back here.
          <div class="greeting">
            <Avatar name={title} />
            <p class="team">{title}</p>
            {availability?.replyMinutes! > 0 && <p>{replyText(ui, availability!.replyMinutes!)}</p>}
            <p>{isAway(state) ? strings.handoffMessaging : strings.greeting}</p>
          </div>
        }
        onReply={(text) => {
          void client.send(text);
          toInput();
        }}
      />
      {/* "Alex is typing…", with three dots, is its own polite live region, outside the log, so it is said once but
          never read back as a message. The region stays in place while empty: a live region must exist before its
          text changes for screen readers to notice. */}
      <div class="typing" aria-live="polite">
        {state.typing && (
          <p data-testid="typing">
            <span class="dots" aria-hidden="true">
              <i />
              <i />
              <i />
            </span>
            {unbidi(format(strings.typing, { name: state.typing.name ?? strings.agent }))}
          </p>
        )}
      </div>
      {phase === 'ended' && !(session?.rated && ratedInLog) && <Rating ui={ui} rated={session?.rated} onDone={toInput} />}
      {(offered || bot) && (
        <div class="actions">
          {offered && (
            <button
              type="button"
              class={inLive ? 'btn' : 'btn main'}
              data-testid={inLive ? 'end-live' : 'start-live'}
              onClick={() => (inLive ? client.endLive() : void client.startLive())}
            >
              {phase === 'queued' ? strings.leaveQueue : inLive ? strings.endLive : strings.startLive}
            </button>
          )}
          {bot && (
            <button type="button" class="btn" data-testid="handoff" onClick={() => void client.handoff()}>
              {strings.handoff}
            </button>
          )}
        </div>
      )}
      {phase === 'messaging' && isAway(state) && (
        <AwayNotice ui={ui} message={availability?.awayMessage} email={email} saidInLog={emailInLog} onDone={toInput} />
      )}
      {/* Where the site asks before storing (persist: 'after-consent'), once there is a conversation to keep. */}
      {state.consent === undefined && state.messages.length > 0 && (
        <div class="actions" role="group" aria-labelledby="natter-keep" data-testid="keep">
          <span id="natter-keep" class="ask">
            {strings.keepAsk}
          </span>
          {[true, false].map((yes) => (
            <button
              type="button"
              class="btn"
              onClick={() => {
                void client.consent(yes);
                toInput();
              }}
            >
              {yes ? strings.keepYes : strings.keepNo}
            </button>
          ))}
        </div>
      )}
      {state.slowDown && (
        <p class="notice" role="status" data-natter-notice="slow">
          {strings.slowDown}
        </p>
      )}
      {state.storageProblem && (
        <p class="notice" role="status" data-natter-notice="storage">
          {strings.storageProblem}
        </p>
      )}
      <Composer ui={ui} inputRef={inputRef} files={state.files} />
    </div>
  );
}
