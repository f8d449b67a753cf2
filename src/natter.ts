/**
 * Where the npm user's options become a client: the composition root that picks the storage adapter (the
 * core itself knows only its storage port). The script tag's `boot` builds its client through
 * {@link clientFor} too.
 * @module
 */
import { NatterClient, PERSIST, type ClientOptions, type ClientSettings } from './core/client.ts';
import { NatterError } from './core/errors.ts';
import type { Transport } from './core/transport.ts';
import { check, int, obj, oneOf, opt, str } from './model/check.ts';
import { attributes, describeIssues, fileSettings, token } from './model/schemas.ts';
import { History } from './storage/history.ts';
import { localStorageJournal } from './storage/journal.ts';
import { indexedDbKeyValue, volatileKeyValue, type KeyValue } from './storage/kv.ts';
import { nanoid } from 'nanoid';
import { openTabBus } from './tabs/tab-bus.ts';
import { openTabLink } from './tabs/tab-link.ts';
import { TabTransport } from './tabs/tab-transport.ts';

/** Options of {@link createNatter}: the client's settings, and where the conversation is kept. */
export interface NatterOptions extends ClientSettings {
  /**
   * Where the conversation is kept: `'indexeddb'` (default; survives reloads), `'memory'` (only in this
   * client's state, gone on reload), or a custom {@link KeyValue} such as `memoryKeyValue()`.
   */
  storage?: 'indexeddb' | 'memory' | KeyValue;
  /** Separates the stored conversations of several Natter sites on one origin. Default `'default'`. */
  siteId?: string;
}

const optionsCheck = obj({
  siteId: opt(str(0, Infinity, /^[\w.-]{1,64}$/, 'must be 1–64 letters, digits, dots, dashes or underscores')),
  teamName: opt(str(0, 100)),
  locale: opt(str(0, 35)),
  maxLength: opt(int(1, 4000)),
  ackTimeoutMs: opt(int(100)),
  offlineNoticeMs: opt(int(100)),
  mode: opt(oneOf(['live', 'messaging', 'auto'])),
  persist: opt(oneOf(PERSIST)),
  retentionDays: opt(int(1)),
  userToken: opt(token),
  attributes: opt(attributes),
  files: fileSettings,
});

/**
 * Makes the headless client, checking every option.
 *
 * @throws {NatterError} `invalid_settings` naming the option that is wrong.
 * @example
 * ```ts
 * import { createNatter, WebSocketTransport } from 'natter';
 *
 * const natter = createNatter({ transport: new WebSocketTransport({ url: 'wss://chat.example.com/natter' }) });
 * await natter.start(); // shows the stored conversation, then syncs
 * await natter.send('Hello!');
 * ```
 */
export function createNatter(options: NatterOptions): NatterClient {
  const transport = options?.transport as Partial<Transport> | undefined;
  if (!transport || typeof transport.open !== 'function' || typeof transport.send !== 'function' || typeof transport.close !== 'function') {
    throw new NatterError('invalid_settings', 'Natter: option "transport" must be a Transport (open, send, close), such as new WebSocketTransport({ url }).');
  }
  const storage = options.storage;
  if (storage !== undefined && storage !== 'indexeddb' && storage !== 'memory' && (typeof storage !== 'object' || storage === null)) {
    throw new NatterError('invalid_settings', `Natter: option "storage" must be "indexeddb", "memory" or a KeyValue, got ${JSON.stringify(storage)}.`);
  }
  const parsed = check(optionsCheck, options);
  if (!parsed.ok) throw new NatterError('invalid_settings', `Natter: invalid option ${describeIssues(parsed.issues)}; see the README's settings.`);
  return clientFor(options);
}

/**
 * A client for options already checked (the script tag checks its settings once, with `parseSettings`).
 * @internal
 */
export function clientFor(options: NatterOptions): NatterClient {
  const { storage = 'indexeddb', siteId = 'default', ...rest } = options;
  const client: ClientOptions = { ...rest };
  const warn = (message: string) => console.warn(`Natter: ${message}`);
  if (storage === 'indexeddb') {
    client.storage = () => {
      if (typeof indexedDB === 'undefined') throw new Error('no IndexedDB here; the conversation will not survive a reload');
      return new History(indexedDbKeyValue(`natter-${siteId}`), warn);
    };
    if (typeof window !== 'undefined') {
      // The tabs of one browser are one visitor: one connection (the leader tab's), one journal each.
      const tabId = nanoid(10);
      const journal = rest.persist !== 'never' && localStorageJournal(siteId, tabId);
      if (journal) client.journal = journal;
      client.tabs = () => openTabBus(siteId, tabId);
      client.transport = new TabTransport(rest.transport, () => openTabLink(`natter-${siteId}`));
    }
  } else {
    const kv = storage === 'memory' ? volatileKeyValue() : storage;
    client.storage = () => new History(kv, warn);
  }
  const natter = new NatterClient(client);
  if (client.tabs) {
    // A closing leader hands the connection on at once, rather than when the browser frees its lock.
    addEventListener('pagehide', () => natter.stop());
    addEventListener('pageshow', (event) => event.persisted && void natter.start());
  }
  return natter;
}
