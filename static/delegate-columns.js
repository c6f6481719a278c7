// The delegate list's chosen columns, remembered in this browser for each organizer.
(() => {
  const choice = document.querySelector("details.columns-choice");
  const table = document.getElementById("delegate-table");
  if (!choice || !table) return;
  const key = `conference.delegate-columns.${choice.dataset.columnsFor}`;
  const boxes = [...choice.querySelectorAll("input[name=column]")];
  let hidden = [];
  try {
    hidden = JSON.parse(localStorage.getItem(key) || "[]");
  } catch {
    hidden = [];
  }
  const show = () => {
    for (const box of boxes) table.classList.toggle(`hide-${box.value}`, !box.checked);
  };
  for (const box of boxes) box.checked = !hidden.includes(box.value);
  show();
  choice.addEventListener("change", () => {
    show();
    const off = boxes.filter((box) => !box.checked).map((box) => box.value);
    try {
      localStorage.setItem(key, JSON.stringify(off));
    } catch {
      // private browsing: the choice lasts for this page only
    }
  });
})();
