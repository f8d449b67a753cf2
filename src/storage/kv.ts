import { delMany, get, promisifyRequest, setMany, type UseStore } from 'idb-keyval';

/** Keys are arrays so that one visitor's records sort together and can be read as one range. */
export type Key = (string | number)[];

/**
 * The few storage operations the history needs. Writes touch only the records named, so the cost of
 * adding a message does not grow with the history.
 */
export interface KeyValue {
  get(key: Key): Promise<unknown>;
  setMany(entries: [Key, unknown][]): Promise<void>;
  /** Every value whose key starts with `prefix`, in key order. */
  getUnder(prefix: Key): Promise<unknown[]>;
  /** Deletes every record whose key starts with `prefix`, and `also`. */
  deleteUnder(prefix: Key, also?: Key[]): Promise<void>;
}

/** Every array key that starts with `prefix`: arrays sort after every string and number. */
function rangeUnder(prefix: Key): IDBKeyRange {
  return IDBKeyRange.bound(prefix, [...prefix, []]);
}

/**
 * IndexedDB through idb-keyval, in Natter's own database. Unlike idb-keyval's `createStore`, the connection
 * is opened again when the browser closes it (storage pressure, another tab upgrading the database) and an
 * open that hangs (a blocked upgrade) fails after `timeoutMs` instead of stalling the widget.
 */
export function indexedDbKeyValue(dbName: string, storeName = 'records', timeoutMs = 5000): KeyValue {
  let connection: Promise<IDBDatabase> | undefined;
  const connect = (): Promise<IDBDatabase> => {
    const request = indexedDB.open(dbName, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(storeName);
    const opening = Promise.race([
      promisifyRequest(request),
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error(`opening IndexedDB "${dbName}" took over ${timeoutMs} ms (another tab may block it)`)), timeoutMs),
      ),
    ]).then((db) => {
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
  const useStore: UseStore = async (mode, callback) => {
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
  return {
    get: (key) => get(key, useStore),
    setMany: (entries) => setMany(entries, useStore),
    getUnder: (prefix) => useStore('readonly', (store) => promisifyRequest(store.getAll(rangeUnder(prefix)))),
    async deleteUnder(prefix, also = []) {
      const keys = await useStore('readonly', (store) => promisifyRequest(store.getAllKeys(rangeUnder(prefix))));
      await delMany([...keys, ...also], useStore);
    },
  };
}

/**
 * Keeps nothing: the conversation lives only in the client's state and is gone with the page. Used for
 * `storage: 'memory'` and when IndexedDB is missing, so the script bundle carries no second store.
 */
export function volatileKeyValue(): KeyValue {
  const nothing = async () => undefined;
  return { get: nothing, setMany: nothing, getUnder: async () => [], deleteUnder: nothing };
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
  return {
    get: async (key) => structuredClone(records.get(JSON.stringify(key))?.value),
    async setMany(entries) {
      for (const [key, value] of entries) records.set(JSON.stringify(key), { key, value: structuredClone(value) });
    },
    async getUnder(prefix) {
      return [...records.values()]
        .filter((record) => startsWith(record.key, prefix))
        .sort((a, b) => compareKeys(a.key, b.key))
        .map((record) => structuredClone(record.value));
    },
    async deleteUnder(prefix, also = []) {
      for (const [id, record] of records) if (startsWith(record.key, prefix)) records.delete(id);
      for (const key of also) records.delete(JSON.stringify(key));
    },
  };
}
