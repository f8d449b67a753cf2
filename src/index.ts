/**
 * Natter: an embeddable web messenger. This is the npm entry: the headless core, the transports, and the
 * function that mounts the widget. Importing it touches no `window` or `document`; nothing runs until you
 * call something.
 *
 * @example
 * ```ts
 * import { createNatter, WebSocketTransport, mountWidget } from 'natter';
 *
 * const natter = createNatter({ transport: new WebSocketTransport({ url: 'wss://chat.example.com/natter' }) });
 * const widget = mountWidget(natter, { teamName: 'Acme support' });
 * ```
 * @module
 */
export { createNatter, NatterClient, DEFAULT_MAX_LENGTH, type NatterOptions } from './core/client';
export { NatterError, type NatterErrorCode } from './core/errors';
export type { NatterEvents } from './core/events';
export type { Store } from './core/store';
export type { Author, AuthorRole, ConnectionState, Message, MessageStatus, NatterState, User } from './core/types';
export type { KeyValue, Key } from './storage/kv';
export { memoryKeyValue } from './storage/kv';
export type {
  InboundFrame,
  InboundMessage,
  OutboundFrame,
  Transport,
  TransportOpenOptions,
  TransportSink,
  TransportState,
} from './transports/transport';
export { WebSocketTransport, type WebSocketTransportOptions } from './transports/websocket';
export { MemoryTransport } from './transports/memory';
export { MemoryBackend } from './transports/memory-backend';
export { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './transports/backoff';
export { PROTOCOL_VERSION } from './protocol/wire';
export { mountWidget, widgetOptionsSchema, type Widget, type WidgetOptions, type Strings } from './ui';
export { boot, type Booted, type NatterApi } from './embed/boot';
export { parseSettings, type NatterSettings } from './embed/settings';
export { initialState } from './core/client';
export type { Availability, EndedBy, Mode, ModeSetting, ModeState, Phase } from './core/modes';
export type { SystemEvent } from './core/types';
