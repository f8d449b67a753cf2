import type { NatterClient } from '../core/client.ts';
import type { Strings } from '../i18n/en.ts';
import type { Dates } from './dates.ts';

/**
 * What every component of the widget may need, resolved once when the widget is mounted and handed down as
 * the `ui` prop. (It never changes while the widget is mounted, so a Preact context, with its subscriptions,
 * would only add weight.)
 */
export interface Ui {
  client: NatterClient;
  strings: Strings;
  dates: Dates;
}
