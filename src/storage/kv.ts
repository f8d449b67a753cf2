import { promisifyRequest } from 'idb-keyval';

/** Keys are arrays so that one visitor's records sort together and can be read as one range. */
export type Key = (string | number)[];

/**
 * The few storage operations the history needs. Writes touch only the records named, so the cost of
 * adding a message does not grow with the history.
 */
export interface KeyValue {
  get(key: Key): Promise<unknown>;
  /** Puts `entries` and deletes `deletes` in one transaction: all or nothing. */
  update(entries: [Key, unknown][], deletes?: Key[]): Promise<void>;
  /**
   * Values whose key starts with `prefix`, in key order: all of them, or only the last `last` (before the
   * key `before`, when given), still in key order. Reading the newest page is one bounded read.
   */
  getUnder(prefix: Key, last?: number, before?: Key): Promise<{ key: Key; value: unknown }[]>;
  /** Every key that starts with `prefix`, in key order. */
  keysUnder(prefix: Key): Promise<Key[]>;
  /** Deletes every record whose key starts with `prefix`, and `also`. */
  deleteUnder(prefix: Key, also?: Key[]): Promise<void>;
  /** Calls `listener` when the data vanished underneath a running page (database deleted, site data cleared). */
  onLost?(listener: () => void): void;
  /** Deletes the whole store (for IndexedDB, the database itself), leaving nothing behind. */
  destroy?(): Promise<void>;
}

/** Every array key that starts with `prefix` (arrays sort after every string and number), or before `before`. */
function rangeUnder(prefix: Key, before?: Key): IDBKeyRange {
  return before ? IDBKeyRange.bound(prefix, before, false, true) : IDBKeyRange.bound(prefix, [...prefix, []]);
}

/**
 * Whether the database `name` exists, found out without creating it: a visitor who never writes must leave
 * no trace, not even an empty database. `indexedDB.databases()` answers without opening anything; where a
 * browser lacks it (Firefox before 126), an open whose first upgrade is aborted, which by the standard
 * leaves no database behind. (Not the `natter-<site>-active` flag in localStorage: it says only that the
 * second stage should load early, and is missing where storage was written by an older Natter, or cleared
 * apart from IndexedDB; trusting it would hide a stored conversation, and the next write would orphan it.)
 */
function exists(name: string): Promise<boolean> {
  if (indexedDB.databases) return indexedDB.databases().then((list) => list.some((db) => db.name === name));
  return new Promise((resolve) => {
    const request = indexedDB.open(name);
    request.onupgradeneeded = () => request.transaction!.abort();
    request.onsuccess = () => {
      request.result.close();
      resolve(true);
    };
    request.onerror = () => resolve(false);
  });
}

/**
 * IndexedDB through idb-keyval, in Natter's own database. The database is created by the first write, never
 * by a read: until then a read finds it missing and answers empty. Unlike idb-keyval's `createStore`, the
 * connection is opened again when the browser closes it (storage pressure, another tab upgrading the
 * database) and an open that hangs (a blocked upgrade) fails after `timeoutMs` instead of stalling the widget.
 */
export function indexedDbKeyValue(dbName: string, storeName = 'records', timeoutMs = 5000): KeyValue {
  let connection: Promise<IDBDatabase> | undefined;
  let opened = false;
  const lost = new Set<() => void>();
  const connect = (): Promise<IDBDatabase> => {
    const request = indexedDB.open(dbName, 1);
    request.onupgradeneeded = () => {
      request.result.createObjectStore(storeName);
      // Created anew after this page had it open: someone deleted it (another tab, "clear site data").
      if (opened) queueMicrotask(() => lost.forEach((listener) => listener()));
    };
    const opening = Promise.race([
      promisifyRequest(request),
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error(`opening IndexedDB "${dbName}" took over ${timeoutMs} ms (another tab may block it)`)), timeoutMs),
      ),
    ]).then((db) => {
      opened = true;
      const forget = () => {
        if (connection === opening) connection = undefined;
      };
      db.onclose = forget;
      db.onversionchange = () => {
        db.close();
        forget();
      };
      return db;
    });
    opening.catch(() => {
      if (connection === opening) connection = undefined;
    });
    return (connection = opening);
  };
  /** Runs `callback` in a transaction; a read of a database that is not there answers `absent` instead. */
  const useStore = async <T, A = T>(mode: IDBTransactionMode, callback: (store: IDBObjectStore) => T | PromiseLike<T>, absent?: A): Promise<T | A> => {
    // Asked again each time there is no connection: another tab may have created it since.
    if (!connection && mode === 'readonly' && !(await exists(dbName))) return absent as A;
    let db = await (connection ?? connect());
    let transaction: IDBTransaction;
    try {
      transaction = db.transaction(storeName, mode);
    } catch {
      // The browser closed the connection under us: reopen once.
      connection = undefined;
      db = await connect();
      transaction = db.transaction(storeName, mode);
    }
    return callback(transaction.objectStore(storeName));
  };
  const update = (entries: [Key, unknown][], deletes: IDBValidKey[] = []) =>
    useStore('readwrite', (store) => {
      for (const key of deletes) store.delete(key);
      for (const [key, value] of entries) store.put(value, key);
      return promisifyRequest(store.transaction);
    });
  return {
    get: (key) => useStore('readonly', (store) => promisifyRequest(store.get(key))),
    update,
    getUnder: (prefix, last, before) =>
      useStore<{ key: Key; value: unknown }[]>('readonly', (store) => {
        const range = rangeUnder(prefix, before);
        if (last === undefined) {
          return Promise.all([promisifyRequest(store.getAllKeys(range)), promisifyRequest(store.getAll(range))]).then(([keys, values]) =>
            keys.map((key, i) => ({ key: key as Key, value: values[i] })),
          );
        }
        // The newest `last` records: a cursor walking backwards stops after them, whatever the history's length.
        return new Promise((resolve, reject) => {
          const found: { key: Key; value: unknown }[] = [];
          const request = store.openCursor(range, 'prev');
          request.onerror = () => reject(request.error);
          request.onsuccess = () => {
            const cursor = request.result;
            if (cursor && found.length < last) {
              found.push({ key: cursor.key as Key, value: cursor.value });
              cursor.continue();
            } else resolve(found.reverse());
          };
        });
      }, []),
    keysUnder: (prefix) => useStore('readonly', (store) => promisifyRequest(store.getAllKeys(rangeUnder(prefix))), []) as Promise<Key[]>,
    async deleteUnder(prefix, also = []) {
      // Nothing to delete in a database that is not there, and no reason to create it.
      const keys = await useStore('readonly', (store) => promisifyRequest(store.getAllKeys(rangeUnder(prefix))));
      if (keys) await update([], [...keys, ...also]);
    },
    onLost: (listener) => lost.add(listener),
    destroy() {
      // Our own connection closes on the `versionchange` this sends; a later write creates the database
      // anew, which is no loss for `onLost` to heal.
      connection = undefined;
      opened = false;
      return promisifyRequest(indexedDB.deleteDatabase(dbName)).then(() => {});
    },
  };
}

/**
 * Keeps nothing: the conversation lives only in the client's state and is gone with the page. Used for
 * `storage: 'memory'` and when IndexedDB is missing, so the script bundle carries no second store.
 */
export function volatileKeyValue(): KeyValue {
  const nothing = async () => undefined;
  return { get: nothing, update: nothing, getUnder: async () => [], keysUnder: async () => [], deleteUnder: nothing };
}

/** Orders keys the way IndexedDB does, for the in-memory store. */
function compareKeys(a: Key, b: Key): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    if (typeof x !== typeof y) return typeof x === 'number' ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

function startsWith(key: Key, prefix: Key): boolean {
  return prefix.every((part, i) => key[i] === part);
}

/**
 * The same operations in memory, shared by the clients that are given it: for tests and for apps that want
 * a reload-like handover within one page. Values are copied in and out, as IndexedDB would clone them.
 */
export function memoryKeyValue(): KeyValue {
  const records = new Map<string, { key: Key; value: unknown }>();
  const under = (prefix: Key) =>
    [...records.values()].filter((record) => startsWith(record.key, prefix)).sort((a, b) => compareKeys(a.key, b.key));
  return {
    get: async (key) => structuredClone(records.get(JSON.stringify(key))?.value),
    async update(entries, deletes = []) {
      for (const key of deletes) records.delete(JSON.stringify(key));
      for (const [key, value] of entries) records.set(JSON.stringify(key), { key, value: structuredClone(value) });
    },
    async getUnder(prefix, last, before) {
      let found = under(prefix).filter((record) => !before || compareKeys(record.key, before) < 0);
      if (last !== undefined) found = found.slice(Math.max(0, found.length - last));
      return found.map((record) => ({ key: record.key, value: structuredClone(record.value) }));
    },
    keysUnder: async (prefix) => under(prefix).map((record) => record.key),
    async deleteUnder(prefix, also = []) {
      for (const [id, record] of records) if (startsWith(record.key, prefix)) records.delete(id);
      for (const key of also) records.delete(JSON.stringify(key));
    },
  };
}
