import { h, render } from 'preact';
import type { NatterClient } from '../core/client.ts';
import { NatterError } from '../core/errors.ts';
import { direction, type Locale, pickLocale, strings } from '../i18n/index.ts';
import { App } from './App.tsx';
import { createDates } from './dates.ts';
import { describeOptionsError, type WidgetOptions, widgetOptionsSchema } from './options.ts';
import launcherCss from './launcher.css?inline';
import css from './styles.css?inline';
import { adoptStyles, createHost, DEFAULT_Z_INDEX, sheetsOf, styleHost } from './host.ts';

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
  /**
   * Changes options while the widget is shown (language, colour, team name, …); the others stay as they are.
   * A new language also reaches the backend (`client.setVisitor`).
   * @throws {NatterError} `invalid_settings` as {@link mountWidget} does.
   */
  update(options: WidgetOptions): void;
}

/** The tag to format dates with: the page's own (`en-GB`, `de-CH`) when it is a variant of the chosen language. */
function intlLocale(tag: string, locale: Locale): string {
  try {
    // (At most 35 characters: it goes to the backend, as the `locale` of `hello`.)
    return tag.length <= 35 && new Intl.Locale(tag).language === locale ? tag : locale;
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
  const widget = mountCheckedWidget(client, options);
  return {
    ...widget,
    update(changes) {
      const merged = { ...options, ...changes };
      const checked = widgetOptionsSchema.safeParse(merged);
      if (!checked.success) throw new NatterError('invalid_settings', describeOptionsError(merged, checked.error.issues));
      widget.update((options = merged));
    },
  };
}

/**
 * {@link mountWidget} for options already checked against {@link widgetOptionsSchema}, such as the script
 * tag's settings (`parseSettings`): the drop-in bundle then carries no second check and none of its messages.
 * @internal
 */
export function mountCheckedWidget(client: NatterClient, options: WidgetOptions, stage?: HTMLElement): Widget {
  // The script tag's first stage hands over the element it showed the launcher in: the widget takes its place.
  const host = stage ?? createHost(options.zIndex, options.color);
  const root = host.shadowRoot!;
  // The script tag's first stage adopted the launcher's part already: its second stage ships only the rest.
  if (import.meta.env.MODE.startsWith('app')) root.adoptedStyleSheets = [...root.adoptedStyleSheets, ...sheetsOf([css])];
  else adoptStyles(root, [launcherCss, css]);
  root.replaceChildren();
  let sent: string | undefined;
  const draw = ({ teamName, position, color, zIndex = DEFAULT_Z_INDEX, sound, launcher, ...options }: WidgetOptions) => {
    const tag = options.locale ?? (document.documentElement.lang || navigator.language || 'en');
    const locale = pickLocale(tag);
    const lang = intlLocale(tag, locale);
    const dir = direction(locale);
    // The widget's language, whatever chose it, is the one the backend answers in.
    if (lang !== sent) client.setVisitor({ locale: (sent = lang) });
    styleHost(host, zIndex, color);
    const ui = { client, strings: strings(locale, options.strings), dates: createDates(lang) };
    // Right to left, the launcher sits in the bottom-left corner unless the site chose one.
    render(h(App, { ui, teamName, position: position ?? (dir == 'rtl' ? 'left' : 'right'), sound, lang, dir, launcher }), root);
  };
  draw(options);
  if (!stage) (options.container ?? document.body).append(host);
  void client.start();

  return {
    host,
    root,
    unmount() {
      render(null, root); // a second time finds nothing to remove
      host.remove();
    },
    update: (changes) => draw((options = { ...options, ...changes })),
  };
}
