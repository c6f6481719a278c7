// The desk's small map: the hall in miniature on the green panel, the delegate's seat marked,
// with "Khu B · hàng A · ghế 7" under it. Drawn from the hall the snapshot carries (desk-sync.js
// hands it over; kept in localStorage for a desk reopened offline) and the seat label of the
// answer: no request per scan. It holds where seats are, never who sits in them.
(() => {
  const root = document.getElementById("desk");
  const words = document.getElementById("seat-map-words");
  if (!root || !words) return;
  const KEY = `desk-seatmap:${root.dataset.slug}`;
  const NS = "http://www.w3.org/2000/svg";
  const UNIT = 3; // px per half-seat unit across the hall
  const ROW = 8; // px a row
  const STAGE = 10; // px of the stage band above the presidium
  let seats = new Map(); // label → [label, block, row, number, x, depth]
  let base = null; // the hall drawn once, cloned for each answer
  let heard = false; // a snapshot gave the hall (or said there is none) during this visit

  function svgEl(name, attrs) {
    const node = document.createElementNS(NS, name);
    for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
    return node;
  }
  function top(depth) { return STAGE + (depth + 1) * ROW + (depth >= 0 ? 4 : 0); }

  function index(hall) {
    seats = new Map();
    base = null;
    if (!hall || !Array.isArray(hall.seats) || !hall.seats.length) return;
    for (const seat of hall.seats) seats.set(seat[0], seat);
    const xs = hall.seats.map((s) => s[4]);
    const low = Math.min(...xs) - 2;
    const width = (Math.max(...xs) + 2 - low) * UNIT;
    const height = top(Math.max(...hall.seats.map((s) => s[5]))) + ROW;
    base = svgEl("svg", { viewBox: `0 0 ${width} ${height}`, class: "seat-map", "aria-hidden": "true", "data-low": low });
    base.append(svgEl("rect", { x: 0, y: 0, width, height: STAGE - 2, rx: 2, class: "stage" }));
    for (const s of hall.seats) {
      base.append(svgEl("rect", { x: (s[4] - 1 - low) * UNIT + 0.5, y: top(s[5]), width: 2 * UNIT - 1, height: ROW - 2, class: "s" }));
    }
  }

  function remember(hall) {
    heard = true;
    index(hall);
    try {
      localStorage.setItem(KEY, JSON.stringify(hall || null));
    } catch (error) { /* storage full or refused: the map lasts this visit */ }
  }

  function caption(seat) {
    const [, block, row, number, , depth] = seat;
    const text = depth < 0 ? words.dataset.presidium : words.dataset.seat;
    return text.replace("{block}", block).replace("{row}", row).replace("{seat}", number);
  }

  // A <figure> with the map and its caption for the seat ``label``; null when it is not in the hall.
  function draw(label) {
    const seat = seats.get(label);
    if (!seat || !base) return null;
    const map = base.cloneNode(true);
    const low = Number(base.dataset.low);
    const marker = svgEl("rect", {
      x: (seat[4] - 1 - low) * UNIT - 1.5, y: top(seat[5]) - 2, width: 2 * UNIT + 3, height: ROW + 2, rx: 1.5, class: "here",
    });
    map.append(marker);
    const figure = document.createElement("figure");
    figure.className = "seat-place";
    figure.dataset.seat = label;
    const text = document.createElement("figcaption");
    text.textContent = caption(seat);
    figure.append(map, text);
    return figure;
  }

  try { index(JSON.parse(localStorage.getItem(KEY) || "null")); } catch (error) { index(null); }
  // Whether this browser has the hall (or knows there is none): if not, the desk asks for a
  // full snapshot, which carries it.
  function known() {
    if (heard) return true;
    try { return localStorage.getItem(KEY) !== null; } catch (error) { return false; }
  }
  window.deskSeatMap = { remember, draw, known };
})();
