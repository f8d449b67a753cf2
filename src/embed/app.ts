/**
 * The script tag's second stage, built to `dist/natter-app.js` (once per language): everything but the
 * launcher, over Natter's own WebSocket protocol. See `hand-over.ts`.
 */
import { handOver } from './hand-over.ts';
import { WebSocketTransport } from '../transports/websocket.ts';

handOver((settings) => new WebSocketTransport({ url: settings.endpoint }));
