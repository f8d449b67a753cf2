import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { NatterClient } from '../core/client.ts';
import type { Strings } from '../i18n/en.ts';
import type { Dates } from './dates.ts';

/** What every component of the widget may need, resolved once when the widget is mounted. */
export interface Ui {
  client: NatterClient;
  strings: Strings;
  dates: Dates;
}

export const UiContext = createContext<Ui | undefined>(undefined);

/** The widget's {@link Ui}; only valid inside `<App>`. */
export function useUi(): Ui {
  const ui = useContext(UiContext);
  if (!ui) throw new Error('Natter: widget components must be rendered inside <App>.');
  return ui;
}
