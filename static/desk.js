// The front desk: a hand scanner types the code and Enter into the scan field, which keeps
// the focus, or the camera reads it (camera.js); the answer fills a large coloured panel with
// its own sound, then clears.
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
  const msg = root.dataset;
  const CLEAR_AFTER_MS = 8000;
  const RETRIES = 3;
  let clearTimer = null;

  deskName.value = localStorage.getItem("conference.desk") || deskName.value;
  deskName.addEventListener("change", () => localStorage.setItem("conference.desk", deskName.value));

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

  function show(answer) {
    const kind = { ok: "ok", already_checked_in: "warn" }[answer.result] || "bad";
    result.className = `result ${kind}`;
    result.dataset.result = answer.result;
    result.replaceChildren();
    const d = answer.delegate;
    if (d) {
      result.append(el("p", "who", [d.honorific, d.full_name].filter(Boolean).join(" ")));
      const what = [d.position, d.organization].filter(Boolean).join(" – ");
      if (what) result.append(el("p", "what", what));
      if (d.group) result.append(el("p", "what", d.group));
      if (d.seat) result.append(el("p", "seat", d.seat));
      if (d.notes) result.append(el("p", "note", d.notes));
    }
    result.append(el("p", "result-message", answer.message));
    if (answer.result === "ok" && d) {
      const undo = el("button", "outline", msg.msgUndo);
      undo.type = "button";
      undo.addEventListener("click", () => undoCheckIn(d.id));
      result.append(undo);
    }
    beep(kind);
    clearLater();
  }

  function clearLater() {
    clearTimeout(clearTimer);
    clearTimer = setTimeout(() => {
      result.className = "result idle";
      result.dataset.result = "";
      result.replaceChildren(el("p", "result-message", "…"));
    }, CLEAR_AFTER_MS);
  }

  function offline(retry) {
    result.className = "result offline";
    result.dataset.result = "offline";
    result.replaceChildren(el("p", "result-message", msg.msgOffline));
    const again = el("button", "outline", msg.msgRetry);
    again.type = "button";
    again.addEventListener("click", retry);
    result.append(again);
    beep("bad");
    clearTimeout(clearTimer);
  }

  // One scan keeps one nonce through its retries: the server counts it once.
  async function submit(path, body) {
    for (let attempt = 0; attempt < RETRIES; attempt += 1) {
      try {
        return await call("POST", path, body);
      } catch (error) {
        if (error.status) throw error; // the server answered: no point retrying
        await new Promise((resolve) => setTimeout(resolve, 400 * (attempt + 1)));
      }
    }
    return null;
  }

  // crypto.randomUUID exists only on secure pages (https, localhost); a desk laptop may well
  // open the server over plain http on the local network, where getRandomValues still works.
  function newNonce() {
    if (crypto.randomUUID) return crypto.randomUUID();
    return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
  }

  async function redeem(code) {
    const body = { code, nonce: newNonce(), desk: deskName.value };
    const send = async () => {
      const answer = await submit(`${api}/checkins`, body).catch((error) => ({
        result: "unknown", delegate: null, message: error.message,
      }));
      if (answer) show(answer);
      else offline(send);
      refreshSearch();
    };
    await send();
  }

  async function undoCheckIn(delegateId) {
    try {
      await call("DELETE", `${api}/checkins/${delegateId}`);
      result.className = "result idle";
      result.replaceChildren(el("p", "result-message", msg.msgUndone));
      refreshSearch();
    } catch (error) {
      result.append(el("p", "result-message", error.message));
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

  let searchTimer = null;
  function refreshSearch() {
    if (search.value.trim()) runSearch();
  }
  async function runSearch() {
    const query = search.value.trim();
    if (!query) { found.replaceChildren(); return; }
    try {
      const data = await call("GET", `${api}/delegates?q=${encodeURIComponent(query)}&limit=20`);
      found.replaceChildren();
      if (!data.delegates.length) found.append(el("li", "muted", msg.msgNone));
      for (const d of data.delegates) {
        const item = el("li");
        const who = el("span", "", [d.honorific, d.full_name].filter(Boolean).join(" "));
        if (d.organization) who.append(el("small", "muted", ` · ${d.organization}`));
        if (d.seat) who.append(el("small", "", ` · ${d.seat}`));
        item.append(who);
        if (d.checked_in_at) {
          item.append(el("span", "arrived", msg.msgArrived));
        } else {
          const button = el("button", "", msg.msgCheckIn);
          button.type = "button";
          button.dataset.delegate = d.id;
          button.addEventListener("click", async () => {
            const answer = await submit(`${api}/delegates/${d.id}/checkin`, { desk: deskName.value })
              .catch((error) => ({ result: "unknown", delegate: null, message: error.message }));
            if (answer) show(answer); else offline(() => button.click());
            refreshSearch();
            focusScan();
          });
          item.append(button);
        }
        found.append(item);
      }
    } catch (error) {
      found.replaceChildren(el("li", "muted", error.message));
    }
  }
  search.addEventListener("input", () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(runSearch, 200);
  });

  document.getElementById("walk-in").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.target;
    const body = Object.fromEntries(new FormData(form).entries());
    body.desk = deskName.value;
    try {
      show(await call("POST", `${api}/walk-ins`, body));
      form.reset();
    } catch (error) {
      show({ result: "unknown", delegate: null, message: error.message });
    }
    focusScan();
  });
})();
