// The front desk: a hand scanner types the code and Enter into the scan field, which keeps
// the focus, or the camera reads it (camera.js); the answer fills a large coloured panel with
// its own sound, then clears. Every scan is queued in the browser before it is sent
// (desk-sync.js); while the server is away the desk answers from its snapshot of the event.
(() => {
  const root = document.getElementById("desk");
  if (!root) return;
  const slug = root.dataset.slug;
  const api = `/api/events/${slug}`;
  const scan = document.getElementById("scan");
  const result = document.getElementById("result");
  const search = document.getElementById("search");
  const found = document.getElementById("found");
  const deskName = document.getElementById("desk-name");
  const banner = document.getElementById("net-banner");
  const pendingBox = document.getElementById("pending");
  const pendingTitle = document.getElementById("pending-title");
  const pendingList = document.getElementById("pending-list");
  const lateBox = document.getElementById("late");
  const lateList = document.getElementById("late-list");
  const walkIn = document.getElementById("walk-in");
  const matches = document.getElementById("walk-in-matches");
  const msg = root.dataset;
  const CLEAR_AFTER_MS = 8000;
  const LATE_SHOWN = 10;
  let clearTimer = null;

  // A paired device's name is the server's (the field is read-only); a shared account's desk
  // keeps the name typed on this browser.
  if (!deskName.readOnly) {
    deskName.value = localStorage.getItem("conference.desk") || deskName.value;
    deskName.addEventListener("change", () => localStorage.setItem("conference.desk", deskName.value));
  }

  function csrf() {
    const match = document.cookie.match(/(?:^|;\s*)conference_csrf=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  async function call(method, path, body) {
    const response = await fetch(path, {
      method,
      headers: { "content-type": "application/json", accept: "application/json", "x-csrftoken": csrf() },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      const error = new Error(data.detail || response.statusText);
      error.status = response.status;
      error.data = data;
      throw error;
    }
    return data;
  }

  // Short tones from the Web Audio API: no sound files to load.
  let audio = null;
  // Phones let a page make sound only once it was opened or resumed during a tap: the camera's
  // scans come later, without one, so the tap on the camera button wakes the sound up.
  function wakeAudio() {
    try {
      audio = audio || new AudioContext();
      if (audio.state === "suspended") audio.resume();
    } catch (error) {
      /* no audio device */
    }
  }
  function beep(kind) {
    try {
      wakeAudio();
      const tones = { ok: [880, 1320], warn: [660, 660], bad: [220, 180] }[kind] || [440];
      tones.forEach((frequency, i) => {
        const oscillator = audio.createOscillator();
        const gain = audio.createGain();
        oscillator.frequency.value = frequency;
        oscillator.type = kind === "bad" ? "square" : "sine";
        gain.gain.value = 0.15;
        oscillator.connect(gain).connect(audio.destination);
        const start = audio.currentTime + i * 0.16;
        oscillator.start(start);
        oscillator.stop(start + 0.12);
      });
    } catch (error) {
      /* no audio device: the colours still speak */
    }
  }

  // On a touch screen a focused field opens the keyboard over the camera's picture; while the
  // camera runs there, the field waits for a tap. Elsewhere it always takes the focus back.
  const touch = window.matchMedia("(pointer: coarse)");
  function focusScan() {
    if (root.dataset.camera && root.dataset.camera !== "off" && touch.matches) return;
    scan.focus();
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text; // textContent: names are shown, never interpreted
    return node;
  }

  function button(text, className, onClick) {
    const node = el("button", className, text);
    node.type = "button";
    node.addEventListener("click", onClick);
    return node;
  }

  const person = (d) => [d.honorific, d.full_name].filter(Boolean).join(" ");
  // A time in prose is written "08h12", as the server writes it (conference.formatting).
  const hhmm = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: root.dataset.timezone || undefined });
  const clock = (iso) => (iso ? hhmm.format(new Date(iso)).replace(":", "h") : "");
  const fill = (text, values) => text.replace(/\{(\w+)\}/g, (_, key) => values[key] ?? "");
  // Who comes on a delegate's invitation: "Ông X, dự thay Ông Y" when a substitute was named.
  const attendee = (d) => (d.substitute ? fill(msg.msgSubstitute, { substitute: person(d.substitute), delegate: person(d) }) : person(d));

  // The message of an answer made here, from the snapshot, when the server is away.
  function offlineMessage(answer) {
    if (answer.result === "ok") return msg.msgOfflineOk;
    if (answer.result === "already_checked_in") {
      const text = fill(answer.queued ? msg.msgOfflineQueued : msg.msgOfflineAlready, { time: clock(answer.checked_in_at) });
      const desk = !answer.queued && answer.delegate && answer.delegate.checked_in_desk;
      return desk ? `${text} · ${desk}` : text;
    }
    if (answer.hint === "vietnamese") return msg.msgHintVietnamese;
    if (answer.hint === "caps") return msg.msgHintCaps;
    return answer.snapshot ? msg.msgOfflineUnknown : msg.msgOfflineNoSnapshot;
  }

  function show(answer) {
    const kind = { ok: "ok", already_checked_in: "warn" }[answer.result] || "bad";
    result.className = `result ${kind}`;
    result.dataset.result = answer.result;
    result.dataset.offline = answer.offline ? "yes" : "";
    result.replaceChildren();
    const d = answer.delegate;
    if (d) {
      // A substitute comes on the delegate's code: "Ông X, dự thay Ông Y", with their own title.
      const sub = d.substitute;
      result.append(el("p", "who", attendee(d)));
      const what = [sub ? sub.position : d.position, d.organization].filter(Boolean).join(" – ");
      if (what) result.append(el("p", "what", what));
      if (d.group) result.append(el("p", "what", d.group));
      if (d.seat) result.append(el("p", "seat", d.seat));
      const seatMap = d.seat && window.deskSeatMap ? window.deskSeatMap.draw(d.seat) : null; // desk-seatmap.js
      if (seatMap) result.append(seatMap);
      if (d.notes) result.append(el("p", "note", d.notes));
      // The server's answer or the snapshot tells a declined RSVP: welcomed, with a note.
      const rsvp = d.rsvp || (answer.known && answer.known.rsvp);
      if (rsvp === "declined" && answer.result === "ok" && !answer.note) result.append(el("p", "note", msg.msgDeclined));
    }
    result.append(el("p", "result-message", answer.offline ? offlineMessage(answer) : answer.message));
    // What the server adds to its answer: advice for a replaced code, a mangled scan, a note.
    for (const extra of [answer.note, answer.advice]) {
      if (typeof extra === "string" && extra && !answer.offline) result.append(el("p", "note", extra));
    }
    // A code mangled on the way (Caps Lock, a Vietnamese typing tool): the server's message
    // says how to fix it when it saw that (its "hint"); when it did not, the desk does.
    if (!answer.offline && answer.localHint) {
      result.append(el("p", "note", { vietnamese: msg.msgHintVietnamese, caps: msg.msgHintCaps }[answer.localHint]));
    }
    if (answer.result === "ok" && d) {
      result.append(button(msg.msgUndo, "outline", () => undoCheckIn(answer, d.id)));
    }
    beep(kind);
    clearLater();
  }

  function idle(text) {
    result.className = "result idle";
    result.dataset.result = "";
    result.dataset.offline = "";
    result.replaceChildren(el("p", "result-message", text));
  }

  function clearLater() {
    clearTimeout(clearTimer);
    clearTimer = setTimeout(() => idle("…"), CLEAR_AFTER_MS);
  }

  // ---- the connection: banner, the scans waiting, the answers that came late
  function render(state) {
    root.dataset.reachable = state.reachable ? "yes" : "no";
    root.dataset.pending = String(state.pending.length);
    root.dataset.snapshot = state.snapshot.loaded ? String(state.snapshot.count) : "";
    banner.hidden = state.reachable && !state.signedOut;
    if (state.signedOut) banner.textContent = msg.msgSignedOut;
    else if (!state.reachable) {
      banner.textContent = state.snapshot.loaded
        ? fill(msg.msgAway, { count: state.snapshot.count, time: clock(state.snapshot.savedAt) })
        : msg.msgAwayNoSnapshot;
    }
    pendingBox.hidden = !state.pending.length;
    pendingTitle.textContent = fill(msg.msgPending, { n: state.pending.length });
    pendingList.replaceChildren(...state.pending.slice(-50).reverse().map((scanned) => {
      const item = el("li");
      item.append(el("time", "", clock(scanned.scanned_at)));
      item.append(el("span", scanned.name ? "" : "muted", ` ${scanned.name || msg.msgPendingUnknown}`));
      return item;
    }));
  }

  // A queued scan answered after the moment it was made: shown when it did not go as the desk
  // said (a conflict with another desk, a code the server refused), never hidden.
  function late(scanned, answer) {
    const expected = answer.result === "ok" || (answer.result === "already_checked_in" && !scanned.offline);
    if (expected) return;
    const item = el("li", `late-${answer.result === "already_checked_in" ? "warn" : "bad"}`);
    item.append(el("time", "", clock(scanned.scanned_at)));
    const who = answer.delegate ? person(answer.delegate) : scanned.name || "";
    item.append(el("span", "", ` ${[who, answer.message].filter(Boolean).join(": ")}`));
    lateList.prepend(item);
    while (lateList.children.length > LATE_SHOWN) lateList.lastChild.remove();
    lateBox.hidden = false;
  }

  const sync = window.deskSync.start({ slug, api, onChange: render, onLate: late });
  sync.ready.then(() => {
    root.dataset.ready = "yes";
    focusScan();
  });

  // Ask the browser not to clear this site's storage under pressure: it holds unsent scans.
  if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(() => {});

  // The service worker keeps this page and its files, so the desk opens with no network.
  if ("serviceWorker" in navigator && root.dataset.worker) {
    navigator.serviceWorker.register(root.dataset.worker, { scope: root.dataset.scope })
      .then(() => navigator.serviceWorker.ready)
      .then(() => { root.dataset.workerReady = "yes"; })
      .catch(() => { /* an insecure page (plain http, not localhost) has no worker: online only */ });
  }

  async function redeem(code) {
    try {
      show(await sync.scan(code, deskName.value));
    } catch (error) {
      // IndexedDB itself failed (private mode, full disk): say so rather than pretend.
      show({ result: "unknown", delegate: null, message: `${msg.msgNotKept} (${error.message})` });
    }
    refreshSearch();
  }

  async function undoCheckIn(answer, delegateId) {
    try {
      // A scan still waiting is simply not sent; one the server has is undone there.
      if (!(answer.nonce && (await sync.cancel(answer.nonce)))) {
        await call("DELETE", `${api}/checkins/${delegateId}`);
      }
      idle(msg.msgUndone);
      refreshSearch();
    } catch (error) {
      result.append(el("p", "result-message", error.status ? error.message : msg.msgNeedsServer));
    }
    focusScan();
  }

  document.getElementById("scan-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const code = scan.value.trim();
    scan.value = "";
    if (code) redeem(code);
  });

  // Keep the focus in the scan field, unless the person is typing somewhere else.
  document.addEventListener("focusout", () => {
    setTimeout(() => {
      const active = document.activeElement;
      const typing = active && active !== document.body && active.closest("input, textarea, select, button");
      if (!typing) focusScan();
    }, 50);
  });

  // The camera (camera.js) reads codes into the same path as the scan field.
  root.addEventListener("desk:code", (event) => redeem(event.detail.code));
  root.addEventListener("desk:camera", () => {
    wakeAudio();
    focusScan();
  });

  // ---- people found by name: in the search box, and as a walk-in's name is typed
  // Queued like a scan (its own nonce), so it is admitted from the offline data too.
  async function checkInFound(d) {
    try {
      show(await sync.admit(d.id, deskName.value));
    } catch (error) {
      show({ result: "unknown", delegate: null, message: `${msg.msgNotKept} (${error.message})` });
    }
    refreshSearch();
    focusScan();
  }

  function foundItem(d, label) {
    const item = el("li");
    // Found by a substitute's name too: shown as the scan greets them.
    const who = el("span", "", attendee(d));
    if (d.organization) who.append(el("small", "muted", ` · ${d.organization}`));
    if (d.seat) who.append(el("small", "", ` · ${d.seat}`));
    item.append(who);
    if (d.checked_in_at || sync.queued(d.id)) {
      item.append(el("span", "arrived", msg.msgArrived));
    } else {
      const press = button(label, "", () => checkInFound(d));
      press.dataset.delegate = d.id;
      item.append(press);
    }
    return item;
  }

  async function findDelegates(query, limit) {
    const data = await call("GET", `${api}/delegates?q=${encodeURIComponent(query)}&limit=${limit}`);
    return data.delegates;
  }

  let searchTimer = null;
  function refreshSearch() {
    if (search.value.trim()) runSearch();
  }
  async function runSearch() {
    const query = search.value.trim();
    if (!query) { found.replaceChildren(); return; }
    let delegates;
    let offline = false;
    try {
      delegates = sync.state.reachable ? await findDelegates(query, 20) : null;
    } catch (error) {
      if (error.status) { found.replaceChildren(el("li", "muted", error.message)); return; }
    }
    // No server: the same search in the snapshot this desk keeps.
    if (!delegates) {
      if (!sync.state.snapshot.loaded) { found.replaceChildren(el("li", "muted", msg.msgNeedsServer)); return; }
      delegates = sync.findOffline(query, 20);
      offline = true;
    }
    if (query !== search.value.trim()) return; // typed on meanwhile: a newer search runs
    found.replaceChildren(...delegates.map((d) => foundItem(d, msg.msgCheckIn)));
    if (offline) found.prepend(el("li", "muted", msg.msgOfflineSearch));
    if (!delegates.length) found.append(el("li", "muted", msg.msgNone));
  }
  search.addEventListener("input", () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(runSearch, 200);
  });
  // Typed before this script ran (a slow phone), or kept by the browser across a reload.
  refreshSearch();

  // A walk-in already on the list is checked in as themselves, not created a second time.
  let matchTimer = null;
  let matchRun = 0;
  // One registration keeps one nonce until it is answered: pressing again after a lost
  // answer is the same guest, never a second record. Editing the form starts a new one.
  let walkInNonce = null;
  // The invited people a walk-in may be: the server's own folded-name match, or, from a
  // server without it, the delegate search on the name and on the organization.
  async function invitedLike(name, organization, queries) {
    const query = new URLSearchParams({ full_name: name, organization });
    try {
      return (await call("GET", `${api}/walk-ins/matches?${query}`)).matches;
    } catch (error) {
      if (error.status !== 404 && error.status !== 405) throw error;
    }
    const lists = await Promise.all(queries.map((q) => findDelegates(q, 5)));
    return lists.flat();
  }

  async function showMatches() {
    const run = ++matchRun;
    const name = walkIn.elements.full_name.value.trim();
    const organization = walkIn.elements.organization.value.trim();
    const queries = [name, organization].filter((q) => q.length >= 2);
    if (!queries.length) { matches.replaceChildren(); matches.hidden = true; return; }
    try {
      const seen = new Map();
      for (const d of await invitedLike(name, organization, queries)) seen.set(d.id, d);
      if (run !== matchRun) return;
      const people = [...seen.values()].slice(0, 6);
      matches.replaceChildren();
      if (people.length) {
        matches.append(el("p", "muted", msg.msgMatches));
        const list = el("ul", "found");
        people.forEach((d) => list.append(foundItem(d, msg.msgCheckInThis)));
        matches.append(list);
      }
      matches.hidden = !people.length;
    } catch (error) {
      /* no matches shown: the form still works */
    }
  }
  for (const field of [walkIn.elements.full_name, walkIn.elements.organization]) {
    field.addEventListener("input", () => {
      walkInNonce = null;
      clearTimeout(matchTimer);
      matchTimer = setTimeout(showMatches, 250);
    });
  }

  if (walkIn.elements.full_name.value || walkIn.elements.organization.value) showMatches();

  async function registerWalkIn(body) {
    // A match lookup still due or on its way would replace this registration's answer
    // (the question about a second guest of the same name): it is dropped.
    clearTimeout(matchTimer);
    matchRun += 1;
    walkInNonce = walkInNonce || sync.newNonce();
    try {
      show(await call("POST", `${api}/walk-ins`, { ...body, nonce: walkInNonce }));
      walkInNonce = null;
      walkIn.reset();
      matches.replaceChildren();
      matches.hidden = true;
      focusScan();
    } catch (error) {
      const refusal = error.data && (error.data.refusal || error.data.code);
      if (refusal === "walk_in_duplicate" || error.status === 409) {
        askSecond(body, error.message);
        return;
      }
      show({ result: "unknown", delegate: null, message: error.status ? error.message : msg.msgNeedsServer });
      focusScan();
    }
  }

  // A walk-in of the same name is already registered: a second one only if the desk says so.
  function askSecond(body, message) {
    matches.replaceChildren(el("p", "note", message || msg.msgSameWalkIn));
    const again = button(msg.msgCreateSecond, "secondary", () => registerWalkIn({ ...body, confirm_duplicate: true }));
    const cancel = button(msg.msgCancel, "outline secondary", () => { matches.replaceChildren(); matches.hidden = true; });
    matches.append(again, cancel);
    matches.hidden = false;
    again.focus();
  }

  walkIn.addEventListener("submit", (event) => {
    event.preventDefault();
    const body = Object.fromEntries(new FormData(walkIn).entries());
    body.desk = deskName.value;
    registerWalkIn(body);
  });
})();
