// The run sheet, live: the stage manager's and the MC's views follow every move, edit and
// check-in through the live stream, and the stage manager drives it with buttons or keys.
(() => {
  const root = document.getElementById("runsheet");
  if (!root) return;
  const slug = root.dataset.slug;
  const view = root.dataset.view;
  const panel = document.getElementById("live-panel");
  const message = document.getElementById("live-message");
  let pending = null;
  let refreshing = false;
  let again = false;
  let messageTimer = null;

  function csrf() {
    const match = document.cookie.match(/(?:^|;\s*)conference_csrf=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function say(text, kind) {
    if (!message) return;
    message.textContent = text || ""; // shown, never interpreted
    message.className = `live-message ${kind || ""}`;
    clearTimeout(messageTimer);
    if (text) messageTimer = setTimeout(() => { message.textContent = ""; }, 6000);
  }

  function editing() {
    const active = document.activeElement;
    return active && panel.contains(active) && /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName);
  }

  // Swap in the live part as the server renders it now. Open "Mark" boxes stay open,
  // and nothing is swapped under someone typing a stand-in's name.
  async function refresh() {
    if (editing()) { again = true; return; }
    if (refreshing) { again = true; return; }
    refreshing = true;
    try {
      const response = await fetch(`/events/${slug}/runsheet/panel?view=${view}`, { credentials: "same-origin" });
      if (response.ok) {
        const open = [...panel.querySelectorAll("details[open][id]")].map((d) => d.id);
        panel.innerHTML = await response.text();
        open.forEach((id) => { const d = document.getElementById(id); if (d) d.open = true; });
        tick();
      }
    } finally {
      refreshing = false;
      if (again) { again = false; soon(); }
    }
  }

  function soon() {
    clearTimeout(pending);
    pending = setTimeout(refresh, 80);
  }

  panel.addEventListener("focusout", () => { if (again) setTimeout(() => { if (!editing()) soon(); }, 0); });

  function currentCue() {
    const live = panel.querySelector(".panel");
    const value = live ? live.dataset.current : "";
    return value ? Number(value) : null;
  }

  async function move(kind) {
    const response = await fetch(`/api/events/${slug}/runsheet/${kind}`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json", "x-csrftoken": csrf() },
      body: JSON.stringify({ from: currentCue() }),
      credentials: "same-origin",
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) say(data.detail || response.statusText, "error");
    else say("");
    await refresh();
  }

  async function submitLive(form, submitter) {
    const body = new URLSearchParams(new FormData(form, submitter));
    const response = await fetch(form.action, {
      method: "POST",
      headers: { accept: "application/json", "x-csrftoken": csrf() },
      body,
      credentials: "same-origin",
    });
    const data = await response.json().catch(() => ({}));
    say(response.ok ? data.detail : data.detail || response.statusText, response.ok ? "ok" : "error");
    if (document.activeElement && panel.contains(document.activeElement)) document.activeElement.blur();
    await refresh();
  }

  panel.addEventListener("submit", (event) => {
    const form = event.target;
    if (form.dataset.move) {
      event.preventDefault();
      move(form.dataset.move);
    } else if (form.hasAttribute("data-live")) {
      event.preventDefault();
      submitLive(form, event.submitter);
    }
  });

  if (view === "stage") {
    document.addEventListener("keydown", (event) => {
      const target = event.target;
      if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
      if (event.altKey || event.ctrlKey || event.metaKey) return;
      // Space on a focused button, link or "Mark" box is that control's own, not Next.
      const control = target && target.closest && target.closest("button, a, summary");
      if (event.key === " " && control) return;
      if (event.key === " " || event.key === "ArrowRight") { event.preventDefault(); move("next"); }
      else if (event.key === "ArrowLeft") { event.preventDefault(); move("previous"); }
    });
  }

  // Planned and actual time of the live cue, and how far it overruns.
  function clock(seconds) {
    const s = Math.max(0, Math.round(seconds));
    return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
  }
  const wallClock = new Intl.DateTimeFormat("en-GB", {
    hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: root.dataset.timezone || undefined,
  });
  function tick() {
    panel.querySelectorAll(".timer").forEach((timer) => {
      const started = timer.dataset.started ? Date.parse(timer.dataset.started) : null;
      if (!started) return;
      const ended = timer.dataset.ended ? Date.parse(timer.dataset.ended) : Date.now();
      const elapsed = (ended - started) / 1000;
      const planned = Number(timer.dataset.planned || 0);
      timer.querySelector(".elapsed").textContent = `· ${clock(elapsed)}`;
      const over = timer.querySelector(".overrun");
      over.hidden = elapsed <= planned;
      over.textContent = `+${clock(elapsed - planned)}`;
    });
    const wall = document.getElementById("clock");
    // The wall clock written as every time in prose is ("14h25"), in the event's zone.
    if (wall) wall.textContent = wallClock.format(new Date()).replace(":", "h");
  }
  setInterval(tick, 1000);
  tick();

  let opened = false;
  const source = new EventSource(`/api/events/${slug}/live`);
  source.addEventListener("open", () => {
    root.dataset.liveState = "open";
    if (opened) soon(); // catch up with what happened while the stream was down
    opened = true;
  });
  source.addEventListener("error", () => {
    root.dataset.liveState = "reconnecting";
    say(root.dataset.msgOffline, "error");
  });
  ["cue", "checkin", "checkin_undone", "programme", "introduction", "rehearsal"].forEach((kind) => source.addEventListener(kind, soon));
})();
