/** @jsxRuntime classic */
/** @jsx h */
import { h } from 'preact';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { counted } from '../i18n/index.ts';
import type { Ui } from './context.ts';
import { ChatIcon, CloseIcon } from './icons.tsx';
import { Panel, PANEL_ID } from './Panel.tsx';
import { useModal } from './use-modal.ts';
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
  useModal(panelRef, isOpen, () => client.close());

  // A button that goes away after use (Retry, "Talk to a person", End chat) would drop the focus to the top of
  // the page: the text box takes it, where the conversation goes on. What had the focus is read before this
  // render changes anything.
  const focused = (panelRef.current?.getRootNode() as ShadowRoot | undefined)?.activeElement;
  useLayoutEffect(() => {
    if (isOpen && focused?.isConnected === false) inputRef.current?.focus();
  });

  // Said once, politely, by a region outside the panel (which is hidden while closed, and whose log reads out
  // only new messages): a message that failed, and, while closed, how many replies are unread. A repeat of the
  // same words differs by a no-break space, or it would not be said again.
  const failed = state.messages.filter((message) => message.status === 'failed').length;
  const [said, setSaid] = useState('');
  // Counted from the first render after the stored conversation was read: what it held is not news.
  const before = useRef({ failed, unread, ready: false });
  useLayoutEffect(() => {
    const { ready } = before.current;
    const text = failed > before.current.failed ? strings.failed : unread > before.current.unread && !isOpen && counted(strings, ui.dates.plural, 'unread', unread);
    before.current = { failed, unread, ready: state.ready };
    if (ready && text) setSaid((last) => (last === text ? `${text}\u00a0` : text));
  }, [failed, unread, state.ready]);

  const title = state.teamName ?? teamName ?? strings.title;
  return (
    <div
      class={`natter natter--${position}`}
      lang={lang}
      dir={dir}
      onPointerDown={unlockSound}
      onKeyDown={(event) => {
        unlockSound?.();
        // From anywhere in the widget, the launcher too.
        if (event.key === 'Escape' && !event.isComposing && isOpen) {
          event.stopPropagation();
          close();
        }
      }}
    >
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
      <p class="sr" role="status" data-testid="said">
        {said}
      </p>
    </div>
  );
}
