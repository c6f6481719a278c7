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
  // Drag a person onto another seat: onto a free one they move, onto a taken one the two
  // swap (POST …/seating/swap; a blocked seat is refused and said). A click still chooses.
  const plan = root.querySelector(".hall-plan");
  const note = document.getElementById("seating-changed");
  function csrf() {
    const match = document.cookie.match(/(?:^|;\s*)conference_csrf=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }
  let dragged = null;
  let dropped = false;
  plan?.addEventListener("pointerdown", (event) => {
    const seat = event.target.closest(".seat");
    dragged = seat && seat.dataset.delegate ? seat : null;
    dropped = false;
  });
  plan?.addEventListener("pointerup", async (event) => {
    const target = document.elementFromPoint(event.clientX, event.clientY)?.closest(".seat");
    const from = dragged;
    dragged = null;
    if (!from || !target || target === from) return;
    dropped = true;
    const answer = await fetch(`/api/events/${root.dataset.slug}/seating/swap`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json", "x-csrftoken": csrf() },
      body: JSON.stringify({ first: from.dataset.label, second: target.dataset.label }),
    });
    if (answer.ok) {
      location.assign(`?seat=${encodeURIComponent(target.dataset.label)}`);
    } else {
      note.textContent = (await answer.json()).detail;  // shown, never interpreted
      note.hidden = false;
    }
  });
  plan?.addEventListener("click", (event) => { if (dropped) { event.preventDefault(); dropped = false; } });
  plan?.addEventListener("dragstart", (event) => event.preventDefault());  // links are not dragged away
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
