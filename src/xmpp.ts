/**
 * `natter/xmpp`: the XMPP transport (docs/xmpp.md), an entry of its own so that apps on Natter's WebSocket
 * protocol carry none of it.
 *
 * @example
 * ```ts
 * import { createNatter, mountWidget } from 'natter';
 * import { XmppTransport } from 'natter/xmpp';
 *
 * const natter = createNatter({ transport: new XmppTransport({ url: 'wss://example.com/xmpp-websocket' }) });
 * mountWidget(natter);
 * ```
 * @module
 */
export { XmppTransport } from './transports/xmpp/transport.ts';
export type { XmppTransportOptions } from './transports/xmpp/options.ts';
