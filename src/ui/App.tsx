/** @jsxRuntime classic */
/** @jsx h */
import { h } from 'preact';
import { useLayoutEffect, useRef } from 'preact/hooks';
import { counted } from '../i18n/index.ts';
import type { Ui } from './context.ts';
import { ChatIcon, CloseIcon } from './icons.tsx';
import { Panel, PANEL_ID } from './Panel.tsx';
import { useNatterState } from './use-natter.ts';
import { useSound } from './use-sound.ts';
import { useTitleNotice } from './use-title-notice.ts';

interface Props {
  ui: Ui;
  /** The team name from the site's widget options, used until the client knows one. */
  teamName?: string;
  position: 'right' | 'left';
  /** Chime when the team writes while the panel is closed or the tab is in the background. */
  sound?: boolean;
  /** The widget's language tag and writing direction, marked on its root: the page's own may differ. */
  lang: string;
  dir: 'ltr' | 'rtl';
  /** `false`: the site opens the panel from its own button. */
  launcher?: boolean;
}

/**
 * The whole widget, driven by the client's state: the panel, and the round launcher button in the corner that
 * opens and closes it, with the unread count on it.
 */
export function App({ ui, teamName, position, sound, lang, dir, launcher }: Props) {
  const { client, strings } = ui;
  const state = useNatterState(client);
  const { isOpen, unread } = state;
  const unlockSound = useSound(client, sound);
  useTitleNotice(client, unread, strings.newMessage, state.notifies);
  const launcherRef = useRef<HTMLButtonElement>(null);
  const panelRef = useRef<HTMLDivElement>(null);
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const wasOpen = useRef(isOpen);
  // An invitation badges the launcher, as one unread message, until the panel has shown it.
  const seen = useRef<string | undefined>(undefined);
  if (isOpen) seen.current = state.invitation;
  const badge = unread || +(state.invitation !== undefined && state.invitation !== seen.current);

  // Opening (from the launcher, or `natter.open()` behind the site's own button) puts the visitor in the text
  // box; a panel opened by the page on load, with no click or key behind it, does not steal focus (or pop up
  // a phone's keyboard). Closing while focus is in the panel hands it back to the launcher (with `launcher:
  // false`, to what had it before opening: the site's own button), so keyboard users are never dropped at the
  // top of the page.
  const opener = useRef<HTMLElement | null>(null);
  const back = () => (launcherRef.current ?? opener.current)?.focus();
  useLayoutEffect(() => {
    if (isOpen === wasOpen.current) return;
    wasOpen.current = isOpen;
    if (isOpen) {
      opener.current = document.activeElement as HTMLElement | null;
      const activation = (navigator as { userActivation?: { isActive: boolean } }).userActivation;
      if (activation?.isActive !== false) inputRef.current?.focus();
      return;
    }
    const panel = panelRef.current;
    const active = panel && (panel.getRootNode() as Document | ShadowRoot).activeElement;
    if (active && panel.contains(active)) back();
  }, [isOpen]);

  const close = () => {
    client.close();
    back();
  };

  const title = state.teamName ?? teamName ?? strings.title;
  return (
    <div class={`natter natter--${position}`} lang={lang} dir={dir} onPointerDown={unlockSound} onKeyDown={unlockSound}>
      <Panel ui={ui} state={state} title={title} panelRef={panelRef} inputRef={inputRef} onClose={close} />
      {launcher !== false && (
        <button
          ref={launcherRef}
          type="button"
          class="launcher"
          aria-label={isOpen ? strings.launcherClose : badge ? `${strings.launcherOpen}, ${counted(strings, ui.dates.plural, 'unread', badge)}` : strings.launcherOpen}
          aria-expanded={isOpen}
          aria-controls={PANEL_ID}
          onClick={() => client.toggle()}
        >
          {isOpen ? <CloseIcon /> : <ChatIcon />}
          {/* The count is in the button's name already. */}
          {badge > 0 && !isOpen && (
            <span class="badge" data-testid="unread" aria-hidden="true">
              {badge > 9 ? '9+' : badge}
            </span>
          )}
        </button>
      )}
    </div>
  );
}
