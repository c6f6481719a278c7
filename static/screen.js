// The hall screen: a clock in the event's zone, and the panel fetched again whenever the
// programme or the run sheet moves (a public stream without names of arrivals), and
// every half minute, since "now" moves by itself.
(() => {
  const root = document.getElementById("screen");
  if (!root) return;
  const slug = root.dataset.slug;
  const panel = document.getElementById("panel");
  const clock = document.getElementById("clock");
  const time = new Intl.DateTimeFormat("en-GB", {
    hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: root.dataset.timezone,
  });
  // Another day than the event's shows the event's hours, and no clock to tick.
  if (clock) {
    const tick = () => { clock.textContent = time.format(new Date()).replace(":", "h"); };
    tick();
    setInterval(tick, 1000);
  }

  let pending = null;
  async function refresh() {
    clearTimeout(pending);
    pending = null;
    try {
      const response = await fetch(`/events/${slug}/screen/panel`, { cache: "no-store" });
      if (response.ok) panel.innerHTML = await response.text();
    } catch (error) {
      // The next message or the next half minute tries again.
    }
  }
  // Several changes at once (a shift moves many items) make one fetch.
  const soon = () => { if (!pending) pending = setTimeout(refresh, 150); };
  setInterval(refresh, 30000);

  if (window.EventSource) {
    const source = new EventSource(`/events/${slug}/screen/live`);
    source.addEventListener("open", () => { root.dataset.liveState = "open"; });
    source.addEventListener("error", () => { root.dataset.liveState = "reconnecting"; });
    source.addEventListener("programme", soon);
    source.addEventListener("cue", soon);
    source.addEventListener("rehearsal", soon);
  }

  const full = document.getElementById("fullscreen");
  full.addEventListener("click", () => document.documentElement.requestFullscreen?.());
  // Keep a hall display awake where the browser allows it.
  const awake = () => navigator.wakeLock?.request("screen").catch(() => {});
  awake();
  document.addEventListener("visibilitychange", () => { if (!document.hidden) awake(); });
})();
