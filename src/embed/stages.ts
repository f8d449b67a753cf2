/**
 * What the script tag's two stages share: the first (`script.ts`, in `natter.js`) shows the launcher and
 * takes calls; the second (`app.ts`, in `natter-app.js`) is everything else.
 * @module
 */
import type { NatterApi } from './boot.ts';
import type { NatterSettings } from './settings.ts';

/** A call to `window.Natter` made before the second stage ran; `done` settles the promise the caller got. */
export type Call = [method: string, args: ArrayLike<unknown>, done?: (result: Promise<unknown>) => void];

/** What the second stage hands the first, through its own `<script>` element. */
export interface AppStage {
  start(settings: NatterSettings, calls: Call[], stage: HTMLElement): NatterApi;
  /** Takes a language's texts (a `natter-lang-*.js` handed over), if they are whole; `false` otherwise. */
  learn(language: string, texts: unknown): boolean;
}

/** The `localStorage` key that marks a conversation going on here: the next page loads the second stage at once. */
export const activeKey = (siteId = 'default') => `natter-${siteId}-active`;

/**
 * The primary language subtag the widget will speak on this page (`de` for `de-AT`): the `locale` setting,
 * else the page's `<html lang>`, else the browser's. `mountWidget` decides the same way.
 */
export const pageLanguage = (settings: NatterSettings): string =>
  (settings.locale ?? (document.documentElement.lang || navigator.language || 'en')).split(/[-_]/)[0]!.toLowerCase();

/** The languages with a second stage of their own (`natter-app-de.js`, …); any other gets English's. */
export const STAGE_LANGUAGES = ['de', 'nl', 'fr', 'es', 'ar'];

/**
 * The second stage's file, next to the first stage's, wherever the site serves `natter.js` from: one per
 * transport and language (`natter-app.js` in English, `natter-app-de.js`, …; for XMPP `natter-app-xmpp.js`,
 * `natter-app-xmpp-de.js` …), so a visitor downloads only their own.
 */
export const appFile = (language: string, transport?: string): string =>
  `natter-app${transport ? `-${transport}` : ''}${STAGE_LANGUAGES.includes(language) ? `-${language}` : ''}.js`;

/** The widget language a page language gets: its own where the widget speaks it, else English. */
export const textLanguage = (language: string): string => (STAGE_LANGUAGES.includes(language) ? language : 'en');
