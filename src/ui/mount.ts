import { h, render } from 'preact';
import type { NatterClient } from '../core/client.ts';
import { NatterError } from '../core/errors.ts';
import { type Locale, pickLocale, strings } from '../i18n/index.ts';
import { App } from './App.tsx';
import { createDates } from './dates.ts';
import { describeOptionsError, type WidgetOptions, widgetOptionsSchema } from './options.ts';
import launcherCss from './launcher.css?inline';
import css from './styles.css?inline';
import { adoptStyles, createHost, DEFAULT_Z_INDEX, sheetsOf } from './host.ts';

/**
 * A mounted widget, as returned by {@link mountWidget}.
 *
 * @example
 * ```ts
 * const widget = mountWidget(natter);
 * widget.root.querySelector('button[aria-expanded]'); // the launcher, for an end-to-end test
 * widget.unmount();
 * ```
 */
export interface Widget {
  /** The `<div data-natter-widget>` on the page that holds the widget. */
  host: HTMLElement;
  /** The widget's open shadow root: the page's CSS does not reach in, and end-to-end tests can. */
  root: ShadowRoot;
  /** Removes the widget from the page. The client keeps running; stop it with `client.stop()`. */
  unmount(): void;
}

/** The tag to format dates with: the page's own (`en-GB`, `de-CH`) when it is a variant of the chosen language. */
function intlLocale(tag: string, locale: Locale): string {
  try {
    return new Intl.Locale(tag).language === locale ? tag : locale;
  } catch {
    return locale; // not a valid BCP-47 tag: the language's own default formats
  }
}

/**
 * Shows the chat widget for `client`: a launcher button in the corner that opens the conversation panel.
 * The widget lives in a shadow root, so it neither takes nor leaks CSS. It starts the client (reading the
 * stored conversation); the connection opens when the visitor opens the panel or has a conversation going.
 *
 * @throws {NatterError} `invalid_settings` when an option has the wrong type or value.
 * @example
 * ```ts
 * import { createNatter, WebSocketTransport, mountWidget } from 'natter';
 *
 * const natter = createNatter({ transport: new WebSocketTransport({ url: 'wss://chat.example.com/natter' }) });
 * const widget = mountWidget(natter, { teamName: 'Acme support', color: '#0a66c2', locale: 'de' });
 * // later, for example when leaving a single-page app's section:
 * widget.unmount();
 * ```
 */
export function mountWidget(client: NatterClient, options: WidgetOptions = {}): Widget {
  const parsed = widgetOptionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new NatterError('invalid_settings', describeOptionsError(options, parsed.error.issues));
  }
  return mountCheckedWidget(client, options);
}

/**
 * {@link mountWidget} for options already checked against {@link widgetOptionsSchema}, such as the script
 * tag's settings (`parseSettings`): the drop-in bundle then carries no second check and none of its messages.
 * @internal
 */
export function mountCheckedWidget(client: NatterClient, options: WidgetOptions, stage?: HTMLElement): Widget {
  const { teamName, position = 'right', color, zIndex = DEFAULT_Z_INDEX, container, sound } = options;
  const tag = options.locale ?? (document.documentElement.lang || navigator.language || 'en');
  const locale = pickLocale(tag);
  const texts = strings(locale, options.strings);
  const ui = { client, strings: texts, dates: createDates(intlLocale(tag, locale)) };

  // The script tag's first stage hands over the element it showed the launcher in: the widget takes its place.
  const host = stage ?? createHost(zIndex, color);
  const root = host.shadowRoot!;
  // The script tag's first stage adopted the launcher's part already: its second stage ships only the rest.
  if (import.meta.env.MODE.startsWith('app')) root.adoptedStyleSheets = [...root.adoptedStyleSheets, ...sheetsOf([css])];
  else adoptStyles(root, [launcherCss, css]);
  root.replaceChildren();
  render(h(App, { ui, teamName, position, sound }), root);
  if (!stage) (container ?? document.body).append(host);
  void client.start();

  return {
    host,
    root,
    unmount() {
      render(null, root); // a second time finds nothing to remove
      host.remove();
    },
  };
}
