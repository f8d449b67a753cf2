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

// Three habits keep the drop-in bundle small (each was measured against its alternative):
// - components use the classic JSX runtime (the `@jsx h` pragma atop each .tsx): `h(tag, props, ...children)` calls
//   are shorter than the automatic runtime's `jsx(tag, { ...props, children })`, and no jsx-runtime is bundled;
// - the widget's `Ui` goes down as the `ui` prop rather than through a Preact context, since it never changes;
// - every effect is a layout effect, so only one of Preact's effect hooks is bundled.
export { mountWidget, type Widget } from './mount.ts';
export { widgetOptionsSchema, type WidgetOptions } from './options.ts';
export type { Strings } from '../i18n/en.ts';
