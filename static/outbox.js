// Live progress of invitation sending: polls the status once a second while a run goes on.
(() => {
  const box = document.getElementById("outbox");
  if (!box) return;
  const bar = document.getElementById("send-progress");
  const state = document.getElementById("run-state");
  const show = (name, value) => { const el = box.querySelector(`[data-stat="${name}"]`); if (el) el.textContent = value; };
  async function poll() {
    try {
      const response = await fetch(box.dataset.statusUrl, { headers: { accept: "application/json" } });
      if (!response.ok) throw new Error(response.status);
      const s = await response.json();
      show("sent", s.sent); show("pending", s.queued + s.sending); show("failed", s.failed);
      show("without_email", s.without_email);
      const total = s.sent + s.failed + s.queued + s.sending;
      bar.max = total || 1; bar.value = s.sent + s.failed; bar.hidden = !s.running;
      if (!s.running) {
        // A stopped run is an error to act on (the reason says what to do), not a remark.
        state.textContent = s.stopped_message || "";
        state.className = s.stopped_message ? "flash error" : "muted";
        document.querySelectorAll("form button[disabled]").forEach((b) => { b.disabled = false; });
        return;
      }
    } catch (error) {
      state.textContent = "…";
    }
    setTimeout(poll, 1000);
  }
  if (!bar.hidden) poll();
})();
