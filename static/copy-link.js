// "Copy link" buttons: put a delegate's invitation link on the clipboard, for messaging apps.
document.addEventListener("click", async (event) => {
  const button = event.target.closest("button.copy-link");
  if (!button) return;
  const label = button.textContent;
  try {
    await navigator.clipboard.writeText(button.dataset.url);
    button.textContent = "✓";
  } catch {
    window.prompt("", button.dataset.url); // no clipboard over plain http: let the person copy it
  }
  setTimeout(() => { button.textContent = label; }, 1500);
});
