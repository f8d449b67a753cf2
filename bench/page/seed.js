/*
 * Seeds Natter's stored format (format 2, src/storage/records.ts and history.ts) straight into IndexedDB,
 * with raw transactions, the way a release of Natter would have left it:
 *   natter-<siteId> / records, array keys:
 *   ['current']                        → { v: 1, visitorId }
 *   ['visitor', id, 'meta']            → { v: 2, visitorId, cursor: 'conversationId:seq', unread, localSeq, createdAt, readOrder }
 *   ['visitor', id, 'item', order]     → { v: 2, key, clientId?, id, author, text, createdAt, sentAt, order, status: 'sent' }
 * where `order` is the 16-digit zero-padded seq. Seeding is done once per origin and size; later calls only
 * put the pointer and the meta back and remove what a run added (items after `size`, unsent messages).
 * The result says how many it wrote (0 when the history was there already).
 */
window.__benchSeed = async function seed({ dbName, visitorId, conversationId, size, newestText, batch = 2000 }) {
  const started = performance.now();
  const request = (r) =>
    new Promise((resolve, reject) => {
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
  const done = (tx) =>
    new Promise((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = tx.onabort = () => reject(tx.error ?? new Error('transaction aborted'));
    });
  const open = indexedDB.open(dbName, 1);
  open.onupgradeneeded = () => open.result.createObjectStore('records');
  const db = await request(open);
  const order = (seq) => String(seq).padStart(16, '0');
  const itemRange = IDBKeyRange.bound(['visitor', visitorId, 'item'], ['visitor', visitorId, 'item', []]);
  try {
    // A first visit has nothing at all; a returning visitor keeps what the widget put in localStorage
    // besides the history (hints of its own), but not unsent messages a run left in the send journal.
    if (size === 0) localStorage.clear();
    else for (const key of Object.keys(localStorage)) if (/^natter-.*-journal-/.test(key)) localStorage.removeItem(key);
    const tx = (mode) => db.transaction('records', mode, { durability: 'relaxed' });

    if (size === 0) {
      const t = tx('readwrite');
      t.objectStore('records').clear();
      await done(t);
      return { seeded: 0, ms: performance.now() - started };
    }

    // What is there already: exactly this history (plus what earlier runs appended)?
    let t = tx('readwrite');
    let store = t.objectStore('records');
    store.delete(IDBKeyRange.bound(['visitor', visitorId, 'item', order(size + 1)], ['visitor', visitorId, 'item', []]));
    store.delete(IDBKeyRange.bound(['visitor', visitorId, 'out'], ['visitor', visitorId, 'out', []]));
    const [count, newest, keys] = await Promise.all([
      request(store.count(itemRange)),
      request(store.get(['visitor', visitorId, 'item', order(size)])),
      request(store.count()),
    ]);
    await done(t);
    // Same items, and besides them only 'current' and the meta.
    const intact = count === size && newest?.text === newestText && keys === size + 2;

    let seeded = 0;
    if (!intact) {
      t = tx('readwrite');
      t.objectStore('records').clear();
      await done(t);
      const phrases = [
        'Hi, I ordered a teapot last week and wanted to ask when it ships.',
        'Thanks!',
        'It should leave our warehouse tomorrow morning; you will get a tracking link by email.',
        'Could I change the delivery address to my office? It is Hauptstraße 12, 10115 Berlin.',
        'Of course — done. Anything else I can help with?',
        'Does the blue mug come in a larger size?',
        'Not at the moment, but we expect the 450 ml version back in stock next month. See https://example.com/mugs',
        'ok',
        'Great, I will wait then. Have a nice day!',
        'You too! 😊',
      ];
      const gap = 7 * 60_000;
      const base = Date.now() - size * gap;
      for (let start = 1; start <= size; start += batch) {
        t = tx('readwrite');
        store = t.objectStore('records');
        for (let seq = start; seq < start + batch && seq <= size; seq++) {
          const visitor = seq % 3 === 0;
          const sentAt = base + seq * gap;
          const text = seq === size ? newestText : `${phrases[seq % phrases.length]} (#${seq})`;
          const item = visitor
            ? { v: 2, key: `c${seq}`, clientId: `c${seq}`, id: `i${seq}`, author: { role: 'visitor' }, text, createdAt: sentAt - 300, sentAt, order: order(seq), status: 'sent' }
            : { v: 2, key: `s:i${seq}`, id: `i${seq}`, author: { role: 'agent', id: 'alex', name: 'Alex' }, text, createdAt: sentAt, sentAt, order: order(seq), status: 'sent' };
          store.put(item, ['visitor', visitorId, 'item', order(seq)]);
        }
        await done(t);
        seeded += Math.min(batch, size - start + 1);
      }
    }

    t = tx('readwrite');
    store = t.objectStore('records');
    store.put({ v: 1, visitorId }, ['current']);
    store.put(
      { v: 2, visitorId, cursor: `${conversationId}:${size}`, unread: 0, localSeq: 0, createdAt: Date.now() - size * 7 * 60_000, readOrder: order(size) },
      ['visitor', visitorId, 'meta'],
    );
    await done(t);
    return { seeded, ms: performance.now() - started };
  } finally {
    db.close();
  }
};
