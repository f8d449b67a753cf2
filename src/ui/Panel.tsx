import type { RefObject } from 'preact';
import type { NatterState } from '../core/types';
import { Composer } from './Composer';
import { Header } from './Header';
import { MessageList } from './MessageList';
import { useViewportHeight } from './use-viewport-height';

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
 * while closed (hidden), which keeps the visitor's draft and scroll position.
 */
export function Panel({ state, title, panelRef, inputRef, onClose }: Props) {
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
      <MessageList messages={state.messages} connection={state.connection} ready={state.ready} open={state.isOpen} />
      <Composer inputRef={inputRef} />
    </div>
  );
}
