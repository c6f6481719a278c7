// What the desk keeps in the browser (IndexedDB), per event: the scans not yet answered by the
// server, and the snapshot of the event's delegates for answering with no network. It outlives
// a reload, a closed tab and a restarted browser. Plain IndexedDB: no library.
(() => {
  const NAME = "conference-desk";
  const VERSION = 1;
  let opened = null;

  function open() {
    opened = opened || new Promise((resolve, reject) => {
      const request = indexedDB.open(NAME, VERSION);
      request.onupgradeneeded = () => {
        const db = request.result;
        // A scan: {nonce, event, code, desk, scanned_at, offline, token_sha256, delegate_id, name}.
        db.createObjectStore("queue", { keyPath: "nonce" }).createIndex("event", "event");
        // A delegate of the snapshot, as the server sent it, with the event's slug.
        db.createObjectStore("delegates", { keyPath: ["event", "id"] }).createIndex("event", "event");
        // Per event: {event, cursor, generated_at, saved_at}.
        db.createObjectStore("meta", { keyPath: "event" });
      };
      request.onsuccess = () => {
        const db = request.result;
        // Another tab with a newer version of this page asks to upgrade: let it.
        db.onversionchange = () => { db.close(); opened = null; };
        resolve(db);
      };
      request.onerror = () => reject(request.error);
      request.onblocked = () => reject(new Error("IndexedDB blocked"));
    });
    return opened;
  }

  function done(request) {
    return new Promise((resolve, reject) => {
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  // Runs work(stores) in one transaction; resolves once it is committed. "strict": on disk
  // before it resolves (a scan must survive a power cut); else the browser may write later.
  async function inTransaction(names, mode, work, durability = "relaxed") {
    const db = await open();
    const tx = db.transaction(names, mode, { durability });
    const stores = Object.fromEntries([].concat(names).map((name) => [name, tx.objectStore(name)]));
    const result = work(stores);
    await new Promise((resolve, reject) => {
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error || new Error("IndexedDB transaction aborted"));
    });
    return result instanceof IDBRequest ? result.result : result;
  }

  function byEvent(store, slug) {
    return done(store.index("event").getAll(IDBKeyRange.only(slug)));
  }

  window.deskStore = {
    // ---- the queue: a scan stays until the server has answered it
    async add(scan) {
      await inTransaction("queue", "readwrite", (s) => s.queue.add(scan), "strict"); // add: never replaces
    },
    async update(scan) {
      await inTransaction("queue", "readwrite", (s) => s.queue.put(scan), "strict");
    },
    async remove(nonces) {
      await inTransaction("queue", "readwrite", (s) => nonces.forEach((nonce) => s.queue.delete(nonce)));
    },
    async pending(slug) {
      const db = await open();
      const scans = await byEvent(db.transaction("queue").objectStore("queue"), slug);
      return scans.sort((a, b) => (a.scanned_at < b.scanned_at ? -1 : a.scanned_at > b.scanned_at ? 1 : 0));
    },
    // ---- the snapshot
    async snapshot(slug) {
      const db = await open();
      const tx = db.transaction(["delegates", "meta"]);
      const [delegates, meta] = await Promise.all([
        byEvent(tx.objectStore("delegates"), slug),
        done(tx.objectStore("meta").get(slug)),
      ]);
      return { meta: meta || null, delegates };
    },
    // full: the event's delegates are replaced; else merged ("removed" ones deleted).
    async saveSnapshot(slug, answer, full) {
      await inTransaction(["delegates", "meta"], "readwrite", (s) => {
        if (full) s.delegates.delete(IDBKeyRange.bound([slug, -Infinity], [slug, Infinity]));
        for (const d of answer.delegates) {
          if (d.removed) s.delegates.delete([slug, d.id]);
          else s.delegates.put({ ...d, event: slug });
        }
        s.meta.put({ event: slug, cursor: answer.cursor, generated_at: answer.generated_at, saved_at: new Date().toISOString() });
      });
    },
    // One delegate's arrival as the live stream told it (null: undone).
    async setArrival(slug, delegate) {
      await inTransaction("delegates", "readwrite", (s) => s.delegates.put({ ...delegate, event: slug }));
    },
  };
})();
