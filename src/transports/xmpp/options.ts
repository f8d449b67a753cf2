/** How the XMPP transport reaches its server. @module */
import type { BackoffOptions } from '../backoff.ts';

/** Options of {@link XmppTransport}. */
export interface XmppTransportOptions {
  /** The XMPP server's WebSocket (RFC 7395), such as `wss://chat.example.com/xmpp-websocket`. */
  url: string;
  /** The visitors' XMPP domain; default: the URL's host name. */
  domain?: string;
  /** The routing service's JID; default `router.` + domain. */
  router?: string;
  /** Reconnection delays; see {@link DEFAULT_BACKOFF}. */
  backoff?: BackoffOptions;
  /** The WebSocket class to use; defaults to the global one. */
  WebSocket?: typeof WebSocket;
  /** How long the server may take to answer a request before the link is taken for dead, ms. Default 15 s. */
  answerTimeoutMs?: number;
  /** How often the server is pinged (XEP-0199), ms. Default 30 s; it must answer within 10 s. */
  pingIntervalMs?: number;
}
