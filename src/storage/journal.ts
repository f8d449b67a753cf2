import { parseJson, toJson } from '../model/json.ts';
import type { JournalEntry, SendJournal } from '../core/storage.ts';

const VERSION = 1;

/**
 * The send journal on `localStorage`: its writes are synchronous, so a message is recorded in the very call
 * that sends it, before a reload or a closed tab can interrupt the (asynchronous) IndexedDB write. Each tab
 * appends under a key of its own (`natter-<site>-journal-<tab>`), so tabs never overwrite each other; any
 * tab's next load moves every entry into IndexedDB. Entries are validated by hand when read: a foreign or
 * newer value is left alone.
 *
 * Returns `undefined` where `localStorage` is unusable (private modes, sandboxed frames): sends then rely on
 * IndexedDB alone.
 */
export function localStorageJournal(siteId: string, tabId: string): SendJournal | undefined {
  let storage: Storage;
  try {
    storage = globalThis.localStorage;
    storage.getItem('natter-probe');
  } catch {
    return undefined;
  }
  const prefix = `natter-${siteId}-journal-`;
  const own = prefix + tabId;
  const keys = () => Object.keys(storage).filter((key) => key.startsWith(prefix));
  const entriesAt = (key: string): JournalEntry[] => {
    try {
      const value = parseJson(storage.getItem(key) ?? 'null') as { v?: unknown; entries?: unknown } | null;
      if (value?.v !== VERSION || !Array.isArray(value.entries)) return [];
      return value.entries.filter(isEntry);
    } catch {
      return [];
    }
  };
  const put = (key: string, entries: JournalEntry[]) => {
    if (entries.length) storage.setItem(key, toJson({ v: VERSION, entries }));
    else storage.removeItem(key);
  };
  return {
    read: () =>
      keys()
        .flatMap((key) => entriesAt(key).map((entry) => ({ ...entry, tab: key.slice(prefix.length) })))
        .sort((a, b) => a.createdAt - b.createdAt),
    append(entry) {
      try {
        const { tab: _tab, ...kept } = entry;
        put(own, [...entriesAt(own), kept]);
        return true;
      } catch {
        return false; // quota: IndexedDB still gets the message, a moment later
      }
    },
    remove(clientIds) {
      const gone = new Set(clientIds);
      for (const key of keys()) {
        const entries = entriesAt(key);
        const kept = entries.filter((entry) => !gone.has(entry.clientId));
        if (kept.length !== entries.length) put(key, kept);
      }
    },
  };
}

function isEntry(value: unknown): value is JournalEntry {
  const entry = value as Partial<JournalEntry> | null;
  return (
    typeof entry === 'object' &&
    entry !== null &&
    typeof entry.clientId === 'string' &&
    typeof entry.text === 'string' &&
    typeof entry.createdAt === 'number' &&
    (entry.visitorId === undefined || typeof entry.visitorId === 'string')
  );
}
