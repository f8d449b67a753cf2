import launcherCss from '../ui/launcher.css?inline';
import { adoptStyles, createHost } from '../ui/host.ts';
import type { NatterSettings } from './settings.ts';
import { pageLanguage } from './stages.ts';

/** The launcher's name before the widget has loaded, per language (the same words as the language packs'). */
export const LAUNCHER_NAMES: Record<string, string> = {
  en: 'Open chat',
  de: 'Chat öffnen',
  nl: 'Chat openen',
  fr: 'Ouvrir le chat',
  es: 'Abrir el chat',
  ar: 'فتح المحادثة',
};

/** The launcher as the first stage shows it: the widget's element on the page, and its button. */
export interface StageLauncher {
  host: HTMLElement;
  /** None with `launcher: false`. */
  button?: HTMLButtonElement;
}

/**
 * Shows the round launcher in the corner with plain DOM and the launcher's part of the widget's CSS, the
 * same element, look and name the widget will have: the page gets its button at once, and the widget (Preact,
 * the panel, the languages) loads later into the same shadow root.
 */
export function showLauncher(settings: NatterSettings): StageLauncher {
  const host = createHost(settings.zIndex, settings.color);
  const root = host.shadowRoot!;
  adoptStyles(root, [launcherCss]);
  const frame = document.createElement('div');
  // The language the widget will speak: English where it speaks none of the page's.
  const language = Object.hasOwn(LAUNCHER_NAMES, pageLanguage(settings)) ? pageLanguage(settings) : 'en';
  // Marked as the widget will mark it; right to left, the launcher sits in the bottom-left corner by default.
  const rtl = language == 'ar';
  frame.lang = language;
  frame.dir = rtl ? 'rtl' : 'ltr';
  frame.className = `natter natter--${settings.position ?? (rtl ? 'left' : 'right')}`;
  root.append(frame);
  document.body.append(host);
  if (settings.launcher === false) return { host };
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'launcher';
  button.setAttribute('aria-label', settings.strings?.launcherOpen ?? LAUNCHER_NAMES[language] ?? LAUNCHER_NAMES.en!);
  button.setAttribute('aria-expanded', 'false');
  const svg = 'http://www.w3.org/2000/svg';
  const icon = document.createElementNS(svg, 'svg');
  const path = document.createElementNS(svg, 'path');
  for (const [name, value] of [['viewBox', '0 0 24 24'], ['width', '28'], ['height', '28'], ['aria-hidden', 'true']]) icon.setAttribute(name!, value!);
  path.setAttribute('fill', 'currentColor');
  path.setAttribute('d', 'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z');
  icon.append(path);
  button.append(icon);
  frame.append(button);
  return { host, button };
}
