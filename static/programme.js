// The programme editor: confirmations, the end time shown as you type, and a notice when
// someone else changes the programme.
(() => {
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) event.preventDefault();
  });

  // "08:30" + 20 min → "08h50"; the server decides, this only shows.
  const pad = (n) => String(n).padStart(2, "0");
  document.querySelectorAll(".item-form").forEach((form) => {
    const start = form.querySelector("input[name=starts_at]");
    const duration = form.querySelector("input[name=duration_min]");
    const end = form.querySelector("input[name=ends_at]");
    const shown = form.querySelector(".end-shown");
    if (!start || !duration || !shown) return;
    const update = () => {
      const [h, m] = (start.value || "").split(":").map(Number);
      if (Number.isNaN(h) || Number.isNaN(m)) { shown.textContent = ""; return; }
      if (end && end.value) {
        const [eh, em] = end.value.split(":").map(Number);
        const minutes = eh * 60 + em - (h * 60 + m);
        shown.textContent = minutes > 0 ? `= ${minutes} ${form.dataset.minLabel || "phút"}` : "⚠";
        return;
      }
      const total = h * 60 + m + Number(duration.value || 0);
      shown.textContent = `→ ${pad(Math.floor(total / 60) % 24)}h${pad(total % 60)}`;
    };
    [start, duration, end].forEach((input) => input && input.addEventListener("input", update));
    update();
  });

  const root = document.getElementById("programme");
  if (!root || !window.EventSource) return;
  const source = new EventSource(`/api/events/${root.dataset.slug}/live`);
  source.addEventListener("programme", () => {
    document.getElementById("changed-notice").hidden = false;
  });
})();
