// The speaker timer on every page that shows it: the lectern screen, the MC's and the
// stage manager's views. The server's clock is the reference. Each state says what
// remained at the server's `server_time`; this page estimates how far its own clock is
// from the server's (NTP-style: the server read its clock about halfway through a
// request's round trip, and the sample with the shortest round trip is the most exact),
// then counts with the server's clock, so pages whose clocks disagree by minutes show
// the same second. Updates come over the event's live stream.
(() => {
  const roots = [...document.querySelectorAll("[data-timer]")];
  if (!roots.length) return;
  const first = roots[0];
  const slug = first.dataset.slug;
  const msg = (name) => first.dataset[`msg${name[0].toUpperCase()}${name.slice(1)}`] || "";
  const RUNNING = new Set(["running", "warning", "overtime"]);

  let offset = 0; // the server's clock minus this page's clock, in ms
  let samples = []; // [round trip ms, offset ms, taken at (page ms)]
  let state = null;
  let timer = null;
  const shown = []; // [text, real time of the change]: what bench/timer_pages.py compares

  const serverNow = () => Date.now() + offset;
  // "2026-12-03T06:40:00.123456+00:00": Date.parse reads at most milliseconds everywhere.
  const parse = (iso) => Date.parse(iso.replace(/(\.\d{3})\d+/, "$1"));

  function learn(sent, received, serverTime) {
    const trip = received - sent;
    samples.push([trip, parse(serverTime) - (sent + received) / 2, received]);
    // Clocks drift: a sample older than ten minutes no longer counts.
    samples = samples.filter((s) => received - s[2] < 600000).slice(-12);
    const best = samples.reduce((a, b) => (b[0] < a[0] ? b : a));
    offset = best[1];
  }

  function csrf() {
    const match = document.cookie.match(/(?:^|;\s*)conference_csrf=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  async function call(path, body) {
    const sent = Date.now();
    const response = await fetch(`/api/events/${slug}/timer${path}`, {
      method: body === undefined ? "GET" : "POST",
      cache: "no-store",
      credentials: "same-origin",
      headers: { accept: "application/json", "content-type": "application/json", "x-csrftoken": csrf() },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const received = Date.now();
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data.detail || response.statusText);
    learn(sent, received, data.server_time);
    apply(data);
    return data;
  }

  function remaining() {
    if (!state) return 0;
    if (!RUNNING.has(state.phase)) return state.remaining_s;
    return state.remaining_s - (serverNow() - state.at) / 1000;
  }

  function phaseNow(left) {
    if (!state || !RUNNING.has(state.phase)) return state ? state.phase : "idle";
    if (left <= 0) return "overtime";
    return left <= state.warning_s ? "warning" : "running";
  }

  function clock(seconds) {
    return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
  }

  function text(left) {
    // Counting down, a second is shown until it has fully gone (5:00 at the start, 0:00
    // never while time is left); in overtime, the whole seconds over.
    return left > 0 ? clock(Math.ceil(left - 1e-9)) : `+${clock(Math.floor(-left + 1e-9))}`;
  }

  function render() {
    clearTimeout(timer);
    if (!state) return;
    const left = remaining();
    const phase = phaseNow(left);
    const digits = text(left);
    roots.forEach((root) => {
      root.dataset.phase = phase;
      const d = root.querySelector("[data-timer-digits]");
      if (d && d.textContent !== digits) d.textContent = digits;
      const p = root.querySelector("[data-timer-phase]");
      if (p) p.textContent = msg(phase);
    });
    if (shown.length === 0 || shown[shown.length - 1][0] !== digits) {
      shown.push([digits, performance.timeOrigin + performance.now()]);
      if (shown.length > 200) shown.shift();
    }
    if (RUNNING.has(state.phase)) {
      // Wake just after the next whole second of the countdown, not on a fixed beat.
      const fraction = left - Math.floor(left);
      timer = setTimeout(render, (fraction > 0 ? fraction : 1) * 1000 + 2);
    }
  }

  function drawSpeakers() {
    roots.forEach((root) => {
      root.querySelector("[data-timer-item]").textContent = state.item_title || "";
      root.querySelector("[data-timer-speaker]").textContent = state.speaker || "";
      const select = root.querySelector("[data-timer-items]");
      if (select && document.activeElement !== select) {
        select.replaceChildren(
          ...(state.items || []).map((item) => {
            const option = document.createElement("option");
            option.value = item.id;
            option.textContent = item.title; // text, never markup
            option.selected = item.id === state.item_id;
            return option;
          }),
        );
      }
      const list = root.querySelector("[data-timer-speakers]");
      if (!list) return;
      list.replaceChildren(
        ...(state.speakers || []).map((s) => {
          const li = document.createElement("li");
          li.dataset.speakerId = s.id;
          const spoke = s.spoke_s == null ? "" : ` · ${msg("spoke")} ${clock(s.spoke_s)}`;
          li.textContent = `${s.name} (${clock(s.planned_s)}${spoke})`; // text, never markup
          if (s.id === state.speaker_id) li.className = "timed";
          else {
            const button = document.createElement("button");
            button.type = "button";
            button.className = "outline";
            button.dataset.timerAction = "start";
            button.dataset.speakerId = s.id;
            button.textContent = list.dataset.msgTimeThis;
            li.append(" ", button);
          }
          return li;
        }),
      );
    });
  }

  function apply(data) {
    state = { ...data, at: parse(data.server_time) };
    drawSpeakers();
    render();
  }

  function say(text) {
    roots.forEach((root) => {
      const box = root.querySelector("[data-timer-message]");
      if (box) box.textContent = text || "";
    });
  }

  document.addEventListener("click", async (event) => {
    const button = event.target.closest && event.target.closest("[data-timer-action]");
    if (!button || !roots.some((root) => root.contains(button))) return;
    const action = button.dataset.timerAction;
    const body = {};
    if (button.dataset.speakerId) body.speaker_id = Number(button.dataset.speakerId);
    if (button.hasAttribute("data-timer-item-start")) {
      const select = button.closest("[data-timer]").querySelector("[data-timer-items]");
      if (select && select.value) body.item_id = Number(select.value);
    }
    if (action === "add") body.seconds = Number(button.dataset.seconds || 60);
    try {
      await call(`/${action}`, body);
      say("");
    } catch (error) {
      say(error.message);
    }
  });

  // A few samples at first, the best of them kept; then one now and then.
  async function sync(times) {
    for (let i = 0; i < times; i += 1) {
      try { await call(""); } catch (error) { /* the next one tries again */ }
    }
  }
  sync(5);
  setInterval(() => sync(1), 30000);

  let pending = null;
  const soon = () => { clearTimeout(pending); pending = setTimeout(() => sync(1), 200); };
  if (window.EventSource && first.dataset.stream) {
    const source = new EventSource(first.dataset.stream);
    let opened = false;
    source.addEventListener("open", () => { if (opened) soon(); opened = true; });
    source.addEventListener("timer", (event) => {
      try { apply(JSON.parse(event.data)); } catch (error) { soon(); }
    });
    source.addEventListener("programme", soon);
    source.addEventListener("rehearsal", soon);
  }

  window.conferenceTimer = { offset: () => offset, shown, samples: () => samples.length };

  const full = document.getElementById("fullscreen");
  if (full) full.addEventListener("click", () => document.documentElement.requestFullscreen?.());
  if (document.body.classList.contains("lectern")) {
    const awake = () => navigator.wakeLock?.request("screen").catch(() => {});
    awake();
    document.addEventListener("visibilitychange", () => { if (!document.hidden) awake(); });
  }
})();
