import { useLayoutEffect, useRef } from 'preact/hooks';
import { type Ui, UiContext } from './context.ts';
import { Launcher } from './Launcher.tsx';
import { Panel } from './Panel.tsx';
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
}

/** The whole widget: the launcher and the panel, both driven by the client's state. */
export function App({ ui, teamName, position, sound }: Props) {
  const state = useNatterState(ui.client);
  const unlockSound = useSound(ui.client, sound);
  useTitleNotice(state.unread, ui.strings.newMessage);
  const launcherRef = useRef<HTMLButtonElement>(null);
  const panelRef = useRef<HTMLDivElement>(null);
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const wasOpen = useRef(state.isOpen);

  // Opening (from the launcher, or `natter.open()` behind the site's own button) puts the visitor in the text
  // box; a panel opened by the page on load, with no click or key behind it, does not steal focus (or pop up
  // a phone's keyboard). Closing while focus is in the panel hands it back to the launcher, so keyboard users
  // are never dropped at the top of the page.
  useLayoutEffect(() => {
    if (state.isOpen === wasOpen.current) return;
    wasOpen.current = state.isOpen;
    if (state.isOpen) {
      const activation = (navigator as { userActivation?: { isActive: boolean } }).userActivation;
      if (activation?.isActive !== false) inputRef.current?.focus();
      return;
    }
    const panel = panelRef.current;
    const active = panel && (panel.getRootNode() as Document | ShadowRoot).activeElement;
    if (active && panel.contains(active)) launcherRef.current?.focus();
  }, [state.isOpen]);

  const close = () => {
    ui.client.close();
    launcherRef.current?.focus();
  };

  const title = state.teamName ?? teamName ?? ui.strings.title;
  return (
    <UiContext.Provider value={ui}>
      <div class={`natter natter--${position}`} onPointerDown={unlockSound} onKeyDown={unlockSound}>
        <Panel state={state} title={title} panelRef={panelRef} inputRef={inputRef} onClose={close} />
        <Launcher open={state.isOpen} unread={state.unread} launcherRef={launcherRef} />
      </div>
    </UiContext.Provider>
  );
}
