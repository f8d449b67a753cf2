/**
 * The script tag's second stage for an XMPP server, built to `dist/natter-app-xmpp.js` (once per language):
 * what `app.ts` has, over XMPP (docs/xmpp.md). The first stage loads it for `data-transport="xmpp"`; the
 * XMPP domain is the endpoint's host name.
 */
import { handOver } from './hand-over.ts';
import { XmppTransport } from '../transports/xmpp/transport.ts';

handOver((settings) => new XmppTransport({ url: settings.endpoint }));
