import { h, render } from 'preact';
import type { NatterClient } from '../core/client.ts';
import { NatterError } from '../core/errors.ts';
import { type Locale, pickLocale, strings } from '../i18n/index.ts';
import { App } from './App.tsx';
import { createDates } from './dates.ts';
import { describeOptionsError, type WidgetOptions, widgetOptionsSchema } from './options.ts';
import css from './styles.css?inline';
import { themeProperties } from './theme.ts';

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

/** Above nearly everything on a page, but leaving room for a site that must stack above the widget. */
const DEFAULT_Z_INDEX = 2147483000;

/** The tag to format dates with: the page's own (`en-GB`, `de-CH`) when it is a variant of the chosen language. */
function intlLocale(tag: string, locale: Locale): string {
  try {
    return new Intl.Locale(tag).language === locale ? tag : locale;
  } catch {
    return locale; // not a valid BCP-47 tag: the language's own default formats
  }
}

/**
 * Puts the CSS into the shadow root as a constructable stylesheet, which a strict Content-Security-Policy
 * allows (a `<style>` element would need 'unsafe-inline'). Browsers without them (Safari before 16.4) throw
 * here, before anything is on the page: the widget then stays away and the error is reported.
 */
function adoptStyles(root: ShadowRoot): void {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(css);
  root.adoptedStyleSheets = [sheet];
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
export function mountCheckedWidget(client: NatterClient, options: WidgetOptions): Widget {
  const { teamName, position = 'right', color, zIndex = DEFAULT_Z_INDEX, container, sound } = options;
  const tag = options.locale ?? (document.documentElement.lang || navigator.language || 'en');
  const locale = pickLocale(tag);
  const texts = strings(locale, options.strings);
  const ui = { client, strings: texts, dates: createDates(intlLocale(tag, locale)) };

  const host = document.createElement('div');
  host.setAttribute('data-natter-widget', '');
  // Styles set through the CSSOM pass a strict CSP. `all: initial !important` keeps page rules that happen to
  // match a <div> (sizes, margins, transforms) off the host: it stays a sizeless anchor, and only the fixed
  // launcher and panel inside it take room. The colour was checked to be a hex colour.
  for (const [name, value] of Object.entries({ all: 'initial', '--natter-z': String(zIndex), ...themeProperties(color) })) {
    host.style.setProperty(name, value, 'important');
  }
  const root = host.attachShadow({ mode: 'open' });
  adoptStyles(root);
  render(h(App, { ui, teamName, position, sound }), root);
  (container ?? document.body).append(host);
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
