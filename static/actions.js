// Buttons and forms that used inline handlers, wired here (the pages allow no inline script):
// data-print on a button prints the page; data-confirm on a form asks before it is sent.
(() => {
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-print]");
    if (button) { event.preventDefault(); window.print(); }
  });
  document.addEventListener("submit", (event) => {
    const form = event.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.dataset.confirm)) event.preventDefault();
  });
})();
