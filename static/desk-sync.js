// The desk's link to the server: every scan is queued in the browser (desk-store.js) before it
// is sent, and stays there until the server has answered it; while the server cannot be
// reached, scans are answered from the event's snapshot. One scan keeps one nonce through all
// its retries, so the server counts it once however often it is sent.
(() => {
  const BATCH = 200; // scans per upload of a backlog
  const SEND_TIMEOUT_MS = 4000; // a scan not answered by then is answered from the snapshot
  const BACKOFF_FIRST_MS = 1000;
  const BACKOFF_MAX_MS = 60000;
  const REFRESH_MS = 30000; // the snapshot asks what changed this often while online
  const TOKEN = /^[A-Za-z0-9_-]{16,100}$/;

  function csrf() {
    const match = document.cookie.match(/(?:^|;\s*)conference_csrf=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  // An answer: {status, data} for any HTTP answer; throws (no status) when none came.
  async function request(method, path, body, timeoutMs = SEND_TIMEOUT_MS) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const response = await fetch(path, {
        method,
        headers: { "content-type": "application/json", accept: "application/json", "x-csrftoken": csrf() },
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: "same-origin",
        cache: "no-store",
        signal: controller.signal,
      });
      const data = await response.json().catch(() => ({}));
      return { status: response.status, data };
    } finally {
      clearTimeout(timer);
    }
  }

  // What counts as "the server has answered": a reply it meant. A 5xx, a timeout or a lost
  // network is not one; nor a 401/403 (signed out, or a stale CSRF cookie): the scan waits.
  function answered(status) {
    return status < 500 && ![401, 403, 408, 429].includes(status);
  }

  // ---- tokens, as the server reads them (checkin.services.token_from_scan), any host
  function tokenOf(code) {
    let text = code.trim();
    if (text.includes("/i/")) {
      let path = text;
      try { path = new URL(text, location.origin).pathname; } catch (error) { /* not a URL */ }
      text = path.split("/i/").pop().split("/")[0];
    }
    return TOKEN.test(text) ? text : null;
  }

  // Why a code that is no token looks mangled: a Vietnamese typing tool or Caps Lock.
  function mangling(code) {
    if (/[^\x00-\x7f]/.test(code)) return "vietnamese";
    if (/[A-Z]/.test(code) && !/[a-z]/.test(code)) return "caps";
    return null;
  }

  async function sha256Hex(text) {
    const bytes = new TextEncoder().encode(text);
    // crypto.subtle exists only on secure pages; a desk on plain http on the local network
    // still hashes, with the small implementation below.
    const digest = crypto.subtle ? new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)) : sha256(bytes);
    return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  // SHA-256 (FIPS 180-4), for pages where crypto.subtle is missing.
  function sha256(bytes) {
    const K = new Uint32Array([
      0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
      0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
      0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
      0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
      0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
      0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
      0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
      0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ]);
    const h = new Uint32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
    const length = Math.ceil((bytes.length + 9) / 64) * 64;
    const padded = new Uint8Array(length);
    padded.set(bytes);
    padded[bytes.length] = 0x80;
    const view = new DataView(padded.buffer);
    view.setUint32(length - 8, Math.floor((bytes.length * 8) / 2 ** 32));
    view.setUint32(length - 4, (bytes.length * 8) >>> 0);
    const w = new Uint32Array(64);
    const rotr = (x, n) => (x >>> n) | (x << (32 - n));
    for (let offset = 0; offset < length; offset += 64) {
      for (let i = 0; i < 16; i += 1) w[i] = view.getUint32(offset + i * 4);
      for (let i = 16; i < 64; i += 1) {
        const s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >>> 3);
        const s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >>> 10);
        w[i] = (w[i - 16] + s0 + w[i - 7] + s1) >>> 0;
      }
      let [a, b, c, d, e, f, g, hh] = h;
      for (let i = 0; i < 64; i += 1) {
        const t1 = (hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i]) >>> 0;
        const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) >>> 0;
        hh = g; g = f; f = e; e = (d + t1) >>> 0; d = c; c = b; b = a; a = (t1 + t2) >>> 0;
      }
      [a, b, c, d, e, f, g, hh].forEach((v, i) => { h[i] = (h[i] + v) >>> 0; });
    }
    const out = new Uint8Array(32);
    h.forEach((v, i) => new DataView(out.buffer).setUint32(i * 4, v));
    return out;
  }

  // crypto.randomUUID exists only on secure pages too; getRandomValues works everywhere.
  function newNonce() {
    if (crypto.randomUUID) return crypto.randomUUID();
    return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
  }

  // The time with the desk's own offset, as the server takes it (ISO-8601 with offset).
  function isoWithOffset(date) {
    const pad = (n) => String(Math.abs(n)).padStart(2, "0");
    const minutes = -date.getTimezoneOffset();
    const sign = minutes >= 0 ? "+" : "-";
    return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:`
      + `${pad(date.getMinutes())}:${pad(date.getSeconds())}.${String(date.getMilliseconds()).padStart(3, "0")}`
      + `${sign}${pad(Math.trunc(minutes / 60))}:${pad(minutes % 60)}`;
  }

  // Folded as the server folds a search (conference.text.fold): no case, no marks, đ as d.
  function fold(text) {
    return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[đĐ]/g, "d")
      .toLowerCase().replace(/\s+/g, " ").trim();
  }

  // A Vietnamese name sorts by the given name, then the middle names, then the family name
  // (conference.text.name_sort_key): "Nguyễn Thị Thủy Lệ" as "Lệ Thị Thủy Nguyễn".
  function nameOrder(fullName) {
    const words = (fullName || "").trim().split(/\s+/);
    return words.length < 2 ? words.join(" ") : [words.at(-1), ...words.slice(1, -1), words[0]].join(" ");
  }

  // Protocol order, as the server lists people (conference.protocol.ORDER_BY): ranked ones
  // first, by rank, then by the server's own name key compared by code point (Vietnamese
  // collation, punctuation ignored), as the database compares it; the browser's collation
  // only for a delegate kept from before the snapshot carried the key.
  const byCodePoint = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
  function protocolOrder(a, b) {
    const ra = a.protocol_rank ?? Infinity;
    const rb = b.protocol_rank ?? Infinity;
    const names = typeof a.name_sort_key === "string" && typeof b.name_sort_key === "string"
      ? byCodePoint(a.name_sort_key, b.name_sort_key)
      : nameOrder(a.full_name).localeCompare(nameOrder(b.full_name), "vi");
    return ra - rb || names || a.id - b.id;
  }

  function start({ slug, api, onChange, onLate }) {
    const store = window.deskStore;
    const state = {
      reachable: true, // false once a request got no answer; true again with the next answer
      signedOut: false,
      pending: [], // the queue, oldest first, as kept in IndexedDB
      snapshot: { loaded: false, count: 0, savedAt: null, cursor: null },
    };
    const inFlight = new Set(); // nonces being sent by the scan itself, left out of a flush
    const byHash = new Map();
    const byId = new Map();
    const searchKeys = new Map(); // id → folded name, organization, position and substitute
    let failures = 0;
    let timer = null;
    let flushing = null;
    let flushAgain = false;

    const changed = () => onChange(state);

    function setReachable(reachable, signedOut = false) {
      const was = state.reachable;
      state.reachable = reachable;
      state.signedOut = signedOut;
      changed();
      if (reachable && !was) kick();
      if (!reachable && was) { failures = 0; schedule(); } // the first retry soon
    }

    // Any HTTP answer proves the server is there (unless it is a 5xx).
    function heard(status) {
      if (status >= 500) setReachable(false);
      else if (status === 401 || status === 403) setReachable(true, true);
      else if (!state.reachable || state.signedOut) setReachable(true);
    }

    // ---- the snapshot, in memory for fast offline answers, in IndexedDB for the next visit
    function remember(d) {
      const old = byId.get(d.id);
      if (old && old.token_sha256) byHash.delete(old.token_sha256);
      if (d.removed) { byId.delete(d.id); searchKeys.delete(d.id); return; }
      byId.set(d.id, d);
      // As the server's search key (substitutes.delegate_search_key): found by a substitute's name too.
      const substitute = d.substitute ? d.substitute.full_name : "";
      searchKeys.set(d.id, fold([d.full_name, d.organization, d.position, substitute].filter(Boolean).join(" | ")));
      if (d.token_sha256) byHash.set(d.token_sha256, d);
    }

    async function loadSnapshot() {
      const kept = await store.snapshot(slug);
      kept.delegates.forEach(remember);
      if (kept.meta) Object.assign(state.snapshot, { loaded: true, savedAt: kept.meta.saved_at, cursor: kept.meta.cursor });
      // Kept before the snapshot carried the name key: the next refresh is a full one.
      if (kept.delegates.some((d) => !d.removed && d.name_sort_key === undefined)) state.snapshot.cursor = null;
      state.snapshot.count = byId.size;
      changed();
    }

    async function refreshSnapshot() {
      const cursor = window.deskSeatMap && !window.deskSeatMap.known() ? null : state.snapshot.cursor;
      const since = cursor ? `?since=${encodeURIComponent(cursor)}` : "";
      let answer;
      try {
        answer = await request("GET", `${api}/desk/snapshot${since}`, undefined, 15000);
      } catch (error) {
        setReachable(false);
        return false;
      }
      heard(answer.status);
      if (cursor && answer.status === 400) {
        // A cursor the server no longer takes (bad_cursor): start again from a full snapshot.
        state.snapshot.cursor = null;
        return refreshSnapshot();
      }
      if (answer.status !== 200 || !Array.isArray(answer.data.delegates)) return answer.status < 500;
      const full = !cursor || answer.data.full === true;
      if (full) { byId.clear(); byHash.clear(); searchKeys.clear(); }
      answer.data.delegates.forEach(remember);
      if ("hall" in answer.data && window.deskSeatMap) window.deskSeatMap.remember(answer.data.hall); // the small map
      await store.saveSnapshot(slug, answer.data, full);
      Object.assign(state.snapshot, {
        loaded: true, count: byId.size, savedAt: new Date().toISOString(), cursor: answer.data.cursor,
      });
      changed();
      return true;
    }

    // What the live stream or an answer told of one delegate's arrival.
    function arrived(delegateId, checkedInAt, desk = "") {
      const d = byId.get(delegateId);
      if (!d || d.checked_in_at === checkedInAt) return;
      d.checked_in_at = checkedInAt;
      d.checked_in_desk = checkedInAt ? desk || d.checked_in_desk || "" : "";
      store.setArrival(slug, d).catch(() => {});
    }

    // ---- the offline search: each folded word somewhere in the name, organization,
    // position or substitute's name, as the server's search (protocol.search_condition) matches them
    function findOffline(query, limit) {
      const words = fold(query).split(" ").filter(Boolean);
      if (!words.length) return [];
      const hits = [];
      for (const [id, key] of searchKeys) {
        if (words.every((word) => key.includes(word))) hits.push(byId.get(id));
      }
      return hits.sort(protocolOrder).slice(0, limit);
    }

    // Whether this desk has admitted ``delegateId`` in a scan the server has not answered yet.
    function queued(delegateId) {
      return state.pending.some((scan) => scan.delegate_id === delegateId);
    }

    // ---- the offline answer: from the snapshot and this desk's own queue
    function answerOffline(scan) {
      const d = scan.token_sha256 ? byHash.get(scan.token_sha256) : scan.code ? null : byId.get(scan.delegate_id);
      if (!d) {
        return { result: "unknown", offline: true, delegate: null, hint: scan.hint || mangling(scan.code), snapshot: state.snapshot.loaded };
      }
      const queued = state.pending.find((other) => other.nonce !== scan.nonce && other.delegate_id === d.id);
      if (d.checked_in_at || queued) {
        return { result: "already_checked_in", offline: true, delegate: d, checked_in_at: d.checked_in_at || queued.scanned_at, queued: !d.checked_in_at };
      }
      return { result: "ok", offline: true, delegate: d };
    }

    // ---- the queue
    async function reloadPending() {
      state.pending = await store.pending(slug);
      changed();
    }

    // A scan sent from the queue carries the time it was made, which the server records as
    // the arrival (and refuses on another day than the event's); one sent the moment it is
    // made is timed by the server itself, so a desk tried out the day before still works.
    function body(scan, late = true) {
      const sent = { nonce: scan.nonce, desk: scan.desk, offline: scan.offline };
      if (scan.code) sent.code = scan.code;
      return late ? { ...sent, scanned_at: scan.scanned_at } : sent;
    }

    // A scan of a code goes to the check-in; a person found by name (no code) to their own.
    const byName = (scan) => !scan.code;
    const target = (scan) => (byName(scan) ? `${api}/delegates/${scan.delegate_id}/checkin` : `${api}/checkins`);

    // Sends one queued scan. True when the server answered it.
    async function sendOne(scan) {
      let single;
      try {
        single = await request("POST", target(scan), body(scan));
      } catch (error) {
        setReachable(false);
        return false;
      }
      heard(single.status);
      if (!answered(single.status)) return false;
      const data = single.status < 300 ? single.data : { result: "refused", message: single.data.detail };
      await settle([scan], [data]);
      onLate(scan, data);
      return true;
    }

    // The server's answer to a queued scan: the scan leaves the queue.
    async function settle(scans, answers) {
      await store.remove(scans.map((scan) => scan.nonce));
      scans.forEach((scan, i) => {
        const answer = answers[i] || {};
        if (answer.delegate && answer.delegate.id && ["ok", "already_checked_in"].includes(answer.result)) {
          arrived(answer.delegate.id, answer.checked_in_at || (byId.get(answer.delegate.id) || {}).checked_in_at || scan.scanned_at, answer.result === "ok" ? scan.desk : "");
        }
      });
      await reloadPending();
    }

    // Sends what is queued and not already on its way. True when the server answered all.
    async function sendPending() {
      const waiting = state.pending.filter((scan) => !inFlight.has(scan.nonce));
      // People admitted by name: one by one (the batch takes codes only); they are few.
      for (const scan of waiting.filter(byName)) {
        if (!(await sendOne(scan))) return false;
      }
      const coded = waiting.filter((scan) => !byName(scan));
      for (let i = 0; i < coded.length; i += BATCH) {
        const chunk = coded.slice(i, i + BATCH);
        if (chunk.length === 1) {
          if (!(await sendOne(chunk[0]))) return false;
          continue;
        }
        let answer;
        try {
          answer = await request("POST", `${api}/checkins/batch`, { scans: chunk.map((scan) => body(scan)) }, 30000);
        } catch (error) {
          setReachable(false);
          return false;
        }
        heard(answer.status);
        if (!answered(answer.status)) return false;
        if (answer.status >= 300 || !Array.isArray(answer.data.results)) {
          // The batch as a whole was refused (too large, or a server without it): one by one.
          for (const scan of chunk) {
            if (!(await sendOne(scan))) return false;
          }
          continue;
        }
        const answers = answer.data.results;
        await settle(chunk, answers);
        chunk.forEach((scan, j) => onLate(scan, answers[j] || {}));
      }
      return true;
    }

    async function flush() {
      if (flushing) { flushAgain = true; return flushing; }
      flushing = (async () => {
        let ok = true;
        do {
          flushAgain = false;
          await reloadPending();
          if (state.pending.some((scan) => !inFlight.has(scan.nonce))) ok = await sendPending();
        } while (ok && flushAgain);
        return ok;
      })();
      try { return await flushing; } finally { flushing = null; }
    }

    // The next attempt: soon and then less and less often while the server is away
    // (exponential, with jitter so that desks coming back together do not all ask at once).
    function schedule() {
      clearTimeout(timer);
      let delay = REFRESH_MS;
      if (!state.reachable || state.pending.length) {
        const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** failures);
        delay = ceiling / 2 + Math.random() * (ceiling / 2);
        failures += 1;
      }
      timer = setTimeout(tick, delay);
    }

    async function tick() {
      clearTimeout(timer);
      try {
        const ok = await flush();
        // With nothing to send, asking what changed also tells whether the server is back.
        if (ok && !state.pending.length) await refreshSnapshot();
      } catch (error) {
        /* IndexedDB trouble: try again later */
      }
      schedule();
    }

    // Now, not at the next step of the backoff: the network or the live stream is back.
    function kick() {
      failures = 0;
      clearTimeout(timer);
      timer = setTimeout(tick, 0);
    }

    // ---- a scan: queued first, then sent (or answered from the snapshot)
    async function scan(code, desk) {
      const token = tokenOf(code);
      const item = {
        nonce: newNonce(), event: slug, code, desk, scanned_at: isoWithOffset(new Date()), offline: false,
        token_sha256: token ? await sha256Hex(token) : null,
      };
      const known = item.token_sha256 ? byHash.get(item.token_sha256) : null;
      // Caps Lock turns every letter the other way round: the code, turned back, is known.
      let capsHint = null;
      if (token && !known && byHash.size) {
        const turned = [...token].map((c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase())).join("");
        if (byHash.has(await sha256Hex(turned))) capsHint = "caps";
      }
      if (known) { item.delegate_id = known.id; item.name = personOf(known); }
      return submit(item, { token, capsHint, known });
    }

    // ---- a person found by name: queued and sent as a scan is, with no code
    async function admit(delegateId, desk) {
      const known = byId.get(delegateId) || null;
      const item = {
        nonce: newNonce(), event: slug, code: "", delegate_id: delegateId, name: known ? personOf(known) : "",
        desk, scanned_at: isoWithOffset(new Date()), offline: false, token_sha256: null,
      };
      return submit(item, { token: null, capsHint: null, known });
    }

    const personOf = (d) => [d.honorific, d.full_name].filter(Boolean).join(" ");

    // Queued, then sent at once; answered from the snapshot when the server does not answer.
    async function submit(item, { token, capsHint, known }) {
      // Answered from the snapshot. "offline" tells the server the desk admitted the person on its own; a scan answered
      // amber or unknown here admitted nobody.
      const scanOffline = async (persist) => {
        const answer = answerOffline({ ...item, token, hint: capsHint });
        item.offline = answer.result === "ok";
        await persist(item);
        // Kept in memory as in IndexedDB: no need to read the whole queue back per scan.
        if (!state.pending.some((scan) => scan.nonce === item.nonce)) state.pending.push(item);
        changed();
        return { ...answer, nonce: item.nonce };
      };
      if (!state.reachable || state.signedOut) return scanOffline(store.add);
      // A browser that cannot keep it (no IndexedDB, a full disk) still sends the scan; only
      // when the server does not answer either is the desk told that it was not kept.
      const kept = await store.add(item).then(() => true, () => false);
      const notKept = () => { throw new Error(`HTTP ${answer ? answer.status : "—"}`); };
      let answer = null;
      inFlight.add(item.nonce);
      try {
        try {
          answer = await request("POST", target(item), body(item, false));
        } catch (error) {
          setReachable(false);
          if (!kept) throw error;
          return await scanOffline(store.update);
        }
        heard(answer.status);
        if (!answered(answer.status)) return kept ? await scanOffline(store.update) : notKept();
        const data = answer.status < 300 ? answer.data : { result: "refused", delegate: null, message: answer.data.detail };
        // The answer is shown without waiting for the queue to forget the scan: were that to
        // fail, the scan would be sent again with its nonce, and the server counts it once.
        settle([item], [data]).catch(() => {});
        const localHint = item.code && !data.hint && data.result === "unknown" ? mangling(item.code) : null;
        return { ...data, nonce: item.nonce, known: known || null, localHint };
      } finally {
        inFlight.delete(item.nonce);
      }
    }

    // Take back a scan not yet sent (the desk's Hoàn tác on an offline answer).
    async function cancel(nonce) {
      const waiting = state.pending.find((scan) => scan.nonce === nonce);
      if (!waiting) return false;
      await store.remove([nonce]);
      await reloadPending();
      return true;
    }

    // ---- the live stream: arrivals elsewhere update the snapshot; a reconnect sends the queue
    let source = null;
    function listen() {
      source = new EventSource(`${api}/live`);
      let lost = false;
      source.addEventListener("open", () => { if (lost) { lost = false; kick(); } });
      source.addEventListener("error", () => { lost = true; });
      source.addEventListener("checkin", (message) => {
        const data = JSON.parse(message.data);
        arrived(data.delegate_id, data.checked_in_at, data.desk);
      });
      source.addEventListener("checkin_undone", (message) => arrived(JSON.parse(message.data).delegate_id, null));
      // Seats moved on the plan: ask what changed now, within 2 s (jitter: not every desk at once).
      source.addEventListener("seating", () => {
        clearTimeout(timer);
        timer = setTimeout(tick, Math.random() * 2000);
      });
    }
    // A stream the browser gave up on (closed, not reconnecting) is opened again.
    window.addEventListener("online", () => { if (source && source.readyState === EventSource.CLOSED) listen(); });

    window.addEventListener("online", kick);
    document.addEventListener("visibilitychange", () => { if (document.visibilityState === "visible") kick(); });

    // Ready once what this device keeps is loaded: the network is not waited for.
    const ready = (async () => {
      await loadSnapshot().catch(() => {});
      await reloadPending().catch(() => {});
      listen();
      kick();
    })();

    return { state, scan, admit, findOffline, queued, cancel, kick, ready, tokenOf, mangling, sha256Hex, isoWithOffset, newNonce };
  }

  window.deskSync = { start };
})();
