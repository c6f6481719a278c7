// The arrivals dashboard, live: each check-in from any desk updates it without a reload.
(() => {
  const root = document.getElementById("arrivals");
  if (!root) return;
  const slug = root.dataset.slug;
  const stat = (name) => root.querySelector(`[data-stat="${name}"]`);
  const add = (name, delta) => { const el = stat(name); el.textContent = Number(el.textContent) + delta; };
  let chartTimer = null;

  function redrawChart() {
    clearTimeout(chartTimer);
    chartTimer = setTimeout(async () => {
      const response = await fetch(`/events/${slug}/arrivals/chart`);
      if (response.ok) document.getElementById("chart").innerHTML = await response.text();
    }, 1000);
  }

  // The by-group table is drawn again by the server, which counts walk-ins, undos and
  // scans missed while the stream was away; the figures above it are set from the same
  // counts, so the table and the counters always agree.
  let groupsTimer = null;
  function redrawGroups(delay = 250) {
    clearTimeout(groupsTimer);
    groupsTimer = setTimeout(async () => {
      const response = await fetch(`/events/${slug}/arrivals/groups`);
      if (!response.ok) return;
      const template = document.createElement("template");
      template.innerHTML = await response.text();
      const fresh = template.content.querySelector("#by-group");
      const current = document.getElementById("by-group");
      if (!fresh || !current) return;
      current.replaceWith(fresh);
      const expected = Number(fresh.dataset.expected);
      const arrived = Number(fresh.dataset.checkedIn);
      stat("expected").textContent = expected;
      stat("checked_in").textContent = arrived;
      stat("missing").textContent = Math.max(expected - arrived, 0);
    }, delay);
  }

  function item(text, id) {
    const li = document.createElement("li");
    li.dataset.delegate = id;
    li.textContent = text; // names are shown, never interpreted
    return li;
  }

  const source = new EventSource(`/api/events/${slug}/live`);
  let reconnecting = false;
  source.addEventListener("open", () => {
    root.dataset.liveState = "open";
    if (reconnecting) redrawGroups(0); // arrivals while the stream was away
    reconnecting = false;
  });
  source.addEventListener("error", () => {
    root.dataset.liveState = "reconnecting";
    reconnecting = true;
  });
  source.addEventListener("checkin", (message) => {
    const a = JSON.parse(message.data);
    add("checked_in", 1);
    add("missing", -1);
    const recent = document.getElementById("recent");
    recent.prepend(item(`${a.time} ${a.name}${a.seat ? " · " + a.seat : ""}`, a.delegate_id));
    document.querySelector(`#vips-waiting [data-delegate="${a.delegate_id}"]`)?.remove();
    if (a.vip) {
      const banner = document.getElementById("vip-banner");
      banner.textContent = a.announcement;
      banner.hidden = false;
      setTimeout(() => { banner.hidden = true; }, 15000);
    }
    redrawChart();
    redrawGroups();
  });
  source.addEventListener("checkin_undone", (message) => {
    const { delegate_id: id } = JSON.parse(message.data);
    add("checked_in", -1);
    add("missing", 1);
    document.querySelector(`#recent [data-delegate="${id}"]`)?.remove();
    redrawChart();
    redrawGroups();
  });
})();
