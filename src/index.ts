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
export { createNatter, type NatterOptions } from './natter.ts';
export { NatterClient, DEFAULT_MAX_LENGTH, type Persist } from './core/client.ts';
export { NatterError, type NatterErrorCode } from './core/errors.ts';
export type { NatterEvents } from './core/events.ts';
export type { Store } from './core/store.ts';
export type { Attachment, Attributes, Author, AuthorRole, Message, MessageStatus, PageInfo, SystemEvent, User, VisitorInfo } from './model/types.ts';
export type { ConnectionState, NatterState } from './core/types.ts';
export type { SessionInfo } from './model/session.ts';
export type { KeyValue, Key } from './storage/kv.ts';
export { indexedDbKeyValue, memoryKeyValue, volatileKeyValue } from './storage/kv.ts';
export type {
  InboundFrame,
  InboundMessage,
  OutboundFrame,
  Transport,
  TransportOpenOptions,
  TransportSink,
  TransportState,
} from './core/transport.ts';
export { WebSocketTransport, type WebSocketTransportOptions } from './transports/websocket.ts';
export { MemoryTransport } from './transports/memory.ts';
export { MemoryBackend } from './transports/memory-backend.ts';
export { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './transports/backoff.ts';
export { PROTOCOL_VERSION } from './protocol/constants.ts';
export { mountWidget, widgetOptionsSchema, type Widget, type WidgetOptions, type Strings } from './ui/index.ts';
export { boot, type Booted, type NatterApi } from './embed/boot.ts';
export { parseSettings, type NatterSettings } from './embed/settings.ts';
export { initialState } from './core/state.ts';
export type { Availability, EndedBy, Mode, ModeSetting, ModeState, Phase } from './core/modes.ts';
