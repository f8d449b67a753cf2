import { themeProperties } from './theme.ts';

/** Above nearly everything on a page, but leaving room for a site that must stack above the widget. */
export const DEFAULT_Z_INDEX = 2147483000;

/**
 * The widget's one element on the page, `<div data-natter-widget>`, with an open shadow root. Its styles are
 * set through the CSSOM, which a strict CSP allows. `all: initial !important` keeps page rules that happen to
 * match a <div> (sizes, margins, transforms) off the host: it stays a sizeless anchor, and only the fixed
 * launcher and panel inside it take room. The colour was checked to be a hex colour.
 */
export function createHost(zIndex = DEFAULT_Z_INDEX, color?: string): HTMLElement {
  const host = document.createElement('div');
  host.setAttribute('data-natter-widget', '');
  styleHost(host, zIndex, color);
  host.attachShadow({ mode: 'open' });
  return host;
}

/** Sets (again, when the site changes them) the host's stacking order and accent colour. */
export function styleHost(host: HTMLElement, zIndex = DEFAULT_Z_INDEX, color?: string): void {
  for (const [name, value] of Object.entries({ all: 'initial', '--natter-z': String(zIndex), ...themeProperties(color) })) {
    host.style.setProperty(name, value, 'important');
  }
}

/**
 * Puts CSS into a shadow root as constructable stylesheets, which a strict Content-Security-Policy allows (a
 * `<style>` element would need 'unsafe-inline'). Browsers without them (Safari before 16.4) throw here,
 * before anything is on the page: the widget then stays away and the error is reported.
 */
export function adoptStyles(root: ShadowRoot, sources: string[]): void {
  root.adoptedStyleSheets = sheetsOf(sources);
}

/** Constructable stylesheets holding `sources`. */
export function sheetsOf(sources: string[]): CSSStyleSheet[] {
  return sources.map((source) => {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(source);
    return sheet;
  });
}
