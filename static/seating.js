// The hall plan, live: a seat turns "arrived" when any desk checks its delegate in.
(() => {
  const root = document.getElementById("seating");
  if (!root) return;
  const stat = (name) => root.querySelector(`[data-stat="${name}"]`);
  const add = (name, delta) => { const el = stat(name); if (el) el.textContent = Number(el.textContent) + delta; };
  const seatOf = (id) => root.querySelector(`.hall-plan .seat[data-delegate="${id}"]`);
  const source = new EventSource(`/api/events/${root.dataset.slug}/live`);
  source.addEventListener("open", () => { root.dataset.liveState = "open"; });
  source.addEventListener("error", () => { root.dataset.liveState = "reconnecting"; });
  source.addEventListener("checkin", (message) => {
    const a = JSON.parse(message.data);
    const seat = seatOf(a.delegate_id);
    if (seat && seat.classList.contains("waiting")) {
      seat.classList.replace("waiting", "arrived");
      add("arrived", 1);
      add("waiting", -1);
    }
    document.querySelector(`#front-waiting [data-delegate="${a.delegate_id}"]`)?.remove();
  });
  // Another organizer moved people or placed again: this plan is out of date.
  source.addEventListener("seating", () => {
    document.getElementById("seating-changed").hidden = false;
  });
  source.addEventListener("checkin_undone", (message) => {
    const a = JSON.parse(message.data);
    const seat = seatOf(a.delegate_id);
    if (seat && seat.classList.contains("arrived")) {
      seat.classList.replace("arrived", "waiting");
      add("arrived", -1);
      add("waiting", 1);
    }
  });
})();
