import type { NatterState } from '../core/types';
import { useUi } from './context';
import { CloseIcon } from './icons';

/** What the header says about who is there: the link's trouble first, then the team's availability. */
function availability(state: NatterState): 'connecting' | 'reconnecting' | 'online' | 'away' | undefined {
  if (state.connection === 'connecting' || state.connection === 'reconnecting') return state.connection;
  if (state.available === undefined) return undefined;
  return state.available ? 'online' : 'away';
}

/** The panel's title bar: the team's name, whether someone is there, and the close button. */
export function Header({ state, title, onClose }: { state: NatterState; title: string; onClose: () => void }) {
  const { strings } = useUi();
  const status = availability(state);
  return (
    <header class="header">
      <div class="heading">
        <h2 class="title">{title}</h2>
        {status && (
          <p class="availability" data-state={status}>
            {strings[status]}
          </p>
        )}
      </div>
      <button type="button" class="icon-button" aria-label={strings.close} onClick={onClose}>
        <CloseIcon />
      </button>
    </header>
  );
}
