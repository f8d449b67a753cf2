import type { RefObject } from 'preact';
import { counted } from '../i18n/index.ts';
import { useUi } from './context.ts';
import { ChatIcon, CloseIcon } from './icons.tsx';
import { PANEL_ID } from './Panel.tsx';

interface Props {
  open: boolean;
  unread: number;
  launcherRef: RefObject<HTMLButtonElement | null>;
}

/** The round button in the corner that opens and closes the panel, with the unread count on it. */
export function Launcher({ open, unread, launcherRef }: Props) {
  const { client, strings } = useUi();
  const label = open ? strings.launcherClose : unread ? counted(strings, 'launcherOpenUnread', unread) : strings.launcherOpen;
  return (
    <button
      ref={launcherRef}
      type="button"
      class="launcher"
      aria-label={label}
      aria-expanded={open}
      aria-controls={PANEL_ID}
      onClick={() => client.toggle()}
    >
      {open ? <CloseIcon /> : <ChatIcon />}
      {/* The count is in the button's name already. */}
      {unread > 0 && !open && (
        <span class="badge" data-testid="unread" aria-hidden="true">
          {unread > 9 ? '9+' : unread}
        </span>
      )}
    </button>
  );
}
