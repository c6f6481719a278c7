// The organizer's pairing page: once the phone has opened the link, say so and hide the code.
(() => {
  const root = document.getElementById("pairing");
  if (!root || !window.EventSource) return;
  const device = Number(root.dataset.device);
  const source = new EventSource(`/api/events/${root.dataset.slug}/live`);
  source.addEventListener("device_paired", (message) => {
    if (JSON.parse(message.data).device_id !== device) return;
    root.querySelector(".pairing-qr").hidden = true;
    document.getElementById("paired").hidden = false;
    root.dataset.paired = "yes";
    source.close();
  });
})();
