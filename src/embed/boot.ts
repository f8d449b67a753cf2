import type { NatterClient } from '../core/client.ts';
import { clientFor } from '../natter.ts';
import type { NatterEvents } from '../core/events.ts';
import type { ModeSetting } from '../core/modes.ts';
import type { NatterState } from '../core/types.ts';
import type { User } from '../model/types.ts';
import type { Transport } from '../core/transport.ts';
import { WebSocketTransport } from '../transports/websocket.ts';
import { NatterError } from '../core/errors.ts';
import { mountCheckedWidget } from '../ui/mount.ts';
import type { Widget } from '../ui/index.ts';
import { watchPage } from './page.ts';
import { checkUpdate, parseSettings, type NatterSettings } from './settings.ts';

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
  /**
   * Whether the customer agrees to keep the conversation on this device: `true` stores it (with `persist:
   * 'after-consent'` nothing is stored before), `false` deletes what is stored and keeps it in memory.
   */
  consent(yes: boolean): Promise<void>;
  /** Shows `text` as an invitation from the team, stored and sent nowhere until the customer answers it. */
  invite(text: string): Promise<void>;
  /** The conversation's current state. */
  getState(): NatterState;
  /** Asks for a live chat (rejects when live chat is not offered now; see `state.offeredMode`). */
  startLive(): Promise<void>;
  /** Rates the live chat that just ended, 1–5, with an optional comment (rejects when there is none to rate). */
  rate(score: number, comment?: string): Promise<void>;
  /** Leaves an email address for the team's reply (rejects when it is not one). */
  leaveEmail(email: string): Promise<void>;
  /**
   * Changes settings while the page runs: `locale`, `color`, `teamName`, `position`, `zIndex`, `strings`,
   * `mode`, `sound`, `launcher`, `attributes`. A wrong one is reported on the console as at load, and nothing
   * changes. (The script tag loads one language: after it has loaded, `locale` can change only within it.)
   */
  update(settings: Partial<NatterSettings>): void;
  /** Removes the widget from the page and closes the connection; what is stored stays (unlike `shutdown`). */
  unmount(): void;
}

/** What {@link boot} started. */
export interface Booted {
  api: NatterApi;
  client: NatterClient;
  widget: Widget;
}

/**
 * Starts Natter the way the script tag does: a client with the WebSocket transport, the widget mounted,
 * and the {@link NatterApi}.
 *
 * @throws {NatterError} `invalid_settings`, naming the first wrong setting and what it must be.
 * @example
 * ```ts
 * import { boot } from 'natter';
 * const { api } = boot({ endpoint: 'wss://chat.example.com/natter', teamName: 'Acme' });
 * api.on('unread', (count) => console.log(count));
 * ```
 */
export function boot(settings: NatterSettings): Booted {
  const parsed = parseSettings(settings as unknown as Record<string, unknown>);
  if (!parsed.ok) throw new NatterError('invalid_settings', parsed.error);
  // XMPP is its own entry, so that this one carries none of it.
  if (parsed.settings.transport === 'xmpp') throw new NatterError('invalid_settings', 'Natter: boot() speaks Natter\'s WebSocket protocol; for XMPP use createNatter with XmppTransport from "natter/xmpp", and mountWidget.');
  let current = parsed.settings;
  const booted = bootChecked(current, new WebSocketTransport({ url: current.endpoint }));
  const apply = booted.api.update;
  booted.api.update = (changes) => {
    const checked = checkUpdate(current, changes);
    if (checked.ok) apply((current = checked.settings));
    else console.error(checked.error);
  };
  return booted;
}

/**
 * {@link boot} for settings that already passed `parseSettings` (the script tag checks them itself, to
 * report a wrong setting on the console instead of throwing), over `transport` (each second stage brings
 * its own). Its `api.update` takes settings already checked by `checkUpdate`, whole: `boot` and the script
 * tag's first stage check them.
 * @internal
 */
export function bootChecked(settings: NatterSettings, transport: Transport, stage?: HTMLElement): Booted {
  // The settings are a superset of both the client's and the widget's options: each takes what it knows.
  const client = clientFor({ ...settings, transport });
  const widget = mountCheckedWidget(client, settings, stage);
  // The page the customer is on, for the team: now, and on every route change of a single-page app.
  const unwatch = watchPage((page) => client.setVisitor({ page }));
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
    consent: (yes) => client.consent(yes),
    invite: async (text) => client.invite(text),
    getState: () => client.getState(),
    startLive: () => client.startLive(),
    rate: async (score, comment) => client.rate(score, comment),
    leaveEmail: (email) => client.leaveEmail(email),
    update(next) {
      widget.update(next);
      if (next.mode !== settings.mode) client.setMode(next.mode ?? 'auto');
      if (next.attributes !== settings.attributes) client.setVisitor({ attributes: next.attributes ?? {} });
      settings = next as NatterSettings;
    },
    unmount() {
      unwatch();
      widget.unmount();
      client.stop();
    },
  };
  return { api, client, widget };
}
