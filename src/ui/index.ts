/**
 * The chat widget: a Preact UI over the headless client, mounted in a shadow root. The package entry
 * re-exports everything here.
 *
 * @example
 * ```ts
 * import { createNatter, WebSocketTransport, mountWidget } from 'natter';
 *
 * const natter = createNatter({ transport: new WebSocketTransport({ url: 'wss://chat.example.com/natter' }) });
 * const widget = mountWidget(natter, { teamName: 'Acme support', position: 'left' });
 * ```
 * @module
 */
export { mountWidget, type Widget } from './mount.ts';
export { widgetOptionsSchema, type WidgetOptions } from './options.ts';
export type { Strings } from '../i18n/en.ts';
