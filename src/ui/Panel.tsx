import type { RefObject } from 'preact';
import type { NatterState } from '../core/types.ts';
import { AwayNotice } from './AwayNotice.tsx';
import { Composer } from './Composer.tsx';
import { useUi } from './context.ts';
import { Header, isAway } from './Header.tsx';
import { MessageList } from './MessageList.tsx';
import { ModeActions } from './ModeActions.tsx';
import { Rating } from './Rating.tsx';
import { Typing } from './Typing.tsx';
import { useViewportHeight } from './use-viewport-height.ts';

export const PANEL_ID = 'natter-panel';

interface Props {
  state: NatterState;
  title: string;
  panelRef: RefObject<HTMLDivElement | null>;
  inputRef: RefObject<HTMLTextAreaElement | null>;
  onClose: () => void;
}

/**
 * The conversation window: a non-modal dialog, so the page stays usable beside it. It stays in the DOM
 * while closed (hidden), which keeps the visitor's draft and scroll position. Between the conversation and
 * the text box sit what the phase needs: typing, the live chat buttons, the rating card, the away notice.
 */
export function Panel({ state, title, panelRef, inputRef, onClose }: Props) {
  const { client } = useUi();
  const { phase, session, availability } = state.mode;
  // A button that goes away after use hands focus to the text box, where the conversation continues.
  const toInput = () => inputRef.current?.focus();
  useViewportHeight(panelRef, state.isOpen);
  return (
    <div
      ref={panelRef}
      id={PANEL_ID}
      class="panel"
      role="dialog"
      aria-modal="false"
      aria-label={title}
      hidden={!state.isOpen}
      onKeyDown={(event) => {
        if (event.key === 'Escape' && !event.isComposing) {
          event.stopPropagation();
          onClose();
        }
      }}
    >
      <Header state={state} title={title} onClose={onClose} />
      <MessageList
        messages={state.messages}
        connection={state.connection}
        ready={state.ready}
        open={state.isOpen}
        onReply={(text) => {
          void client.send(text);
          toInput();
        }}
      />
      <Typing author={state.typing} />
      <ModeActions state={state} />
      {phase === 'ended' && <Rating rated={session?.rated} onDone={toInput} />}
      {phase === 'messaging' && isAway(state) && <AwayNotice message={availability?.awayMessage} email={state.email} onDone={toInput} />}
      <Composer inputRef={inputRef} />
    </div>
  );
}
