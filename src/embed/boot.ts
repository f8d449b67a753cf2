import { createNatter, type NatterClient } from '../core/client.ts';
import type { NatterEvents } from '../core/events.ts';
import type { ModeSetting } from '../core/modes.ts';
import type { NatterState, User } from '../core/types.ts';
import { WebSocketTransport } from '../transports/websocket.ts';
import { mountWidget, type Widget } from '../ui/index.ts';
import type { NatterSettings } from './settings.ts';

/**
 * The API of `window.Natter`, the same for the script tag and for `boot` from the npm module.
 * Every method is safe to call at any time: none of them throws into the host page.
 */
export interface NatterApi {
  /** Opens the chat panel. */
  open(): void;
  /** Closes the chat panel. */
  close(): void;
  /** Opens the panel if closed, closes it if open. */
  toggle(): void;
  /** Sends a message as the customer. Rejects with a `NatterError` for empty or over-long text. */
  send(text: string): Promise<void>;
  /** Tells the team who the customer is; a different `id` than before starts a fresh conversation. */
  identify(user: User): Promise<void>;
  /** Listens to an event: `ready`, `message`, `status`, `open`, `close`, `unread`, `connection`, `availability`, `error`. */
  on<K extends keyof NatterEvents>(event: K, listener: NatterEvents[K]): void;
  /** Stops listening. */
  off<K extends keyof NatterEvents>(event: K, listener: NatterEvents[K]): void;
  /** Chooses `live`, `messaging` or `auto`; fires `modechange` when the offered mode changes. */
  setMode(mode: ModeSetting): void;
  /** Closes the connection and deletes everything Natter stored for this visitor (call it on logout). */
  shutdown(): Promise<void>;
  /** The conversation's current state. */
  getState(): NatterState;
}

/** What {@link boot} started. */
export interface Booted {
  api: NatterApi;
  client: NatterClient;
  widget: Widget;
}

/**
 * Starts Natter the way the script tag does: a client with the WebSocket transport, the widget mounted,
 * and the {@link NatterApi}. Settings must already be valid (see `parseSettings`).
 *
 * @example
 * ```ts
 * import { boot } from 'natter';
 * const { api } = boot({ endpoint: 'wss://chat.example.com/natter', teamName: 'Acme' });
 * api.on('unread', (count) => console.log(count));
 * ```
 */
export function boot(settings: NatterSettings): Booted {
  const client = createNatter({
    transport: new WebSocketTransport({ url: settings.endpoint }),
    ...(settings.siteId && { siteId: settings.siteId }),
    ...(settings.teamName && { teamName: settings.teamName }),
    ...(settings.locale && { locale: settings.locale }),
    ...(settings.maxLength && { maxLength: settings.maxLength }),
    ...(settings.mode && { mode: settings.mode }),
  });
  const widget = mountWidget(client, {
    ...(settings.teamName && { teamName: settings.teamName }),
    ...(settings.locale && { locale: settings.locale }),
    ...(settings.position && { position: settings.position }),
    ...(settings.color && { color: settings.color }),
    ...(settings.zIndex !== undefined && { zIndex: settings.zIndex }),
    ...(settings.strings && { strings: settings.strings }),
    ...(settings.sound && { sound: true }),
  });
  if (settings.open) client.open();
  const api: NatterApi = {
    open: () => client.open(),
    close: () => client.close(),
    toggle: () => client.toggle(),
    send: async (text) => {
      await client.send(text);
    },
    identify: (user) => client.identify(user),
    on: (event, listener) => void client.on(event, listener),
    off: (event, listener) => void client.off(event, listener),
    setMode: (mode) => client.setMode(mode),
    shutdown: () => client.shutdown(),
    getState: () => client.getState(),
  };
  return { api, client, widget };
}
