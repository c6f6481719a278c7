// Camera scanning for the front desk: frames of the (rear) camera go to zxing-cpp compiled to
// WebAssembly, served from /static/vendor; each code read is handed to the desk's own scan path
// (desk.js) as a "desk:code" event, so the nonce, the panel and the sounds are the same.
(() => {
  const root = document.getElementById("desk");
  const box = document.getElementById("camera");
  if (!root || !box) return;
  const video = document.getElementById("camera-video");
  const startButton = document.getElementById("camera-start");
  const switchButton = document.getElementById("camera-switch");
  const stopButton = document.getElementById("camera-stop");
  const note = document.getElementById("camera-note");
  const msg = box.dataset;
  const FRAME_EVERY_MS = 150; // between the end of one decode and the next frame
  const COOL_DOWN_MS = 3000; // a code out of view this long is scanned again when it comes back
  const MAX_SIDE = 960; // frames are scaled down to this: a QR code held up at a desk stays readable
  const READER_OPTIONS = { formats: ["QRCode"], maxNumberOfSymbols: 1, tryHarder: true };
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });
  const lastSeen = new Map(); // code -> when it was last read
  let stream = null;
  let run = 0; // each start or stop begins a new run; a late answer of an old one is dropped
  let resumeOnShow = false;
  let decoder = null;

  function say(text) {
    note.textContent = text || "";
    note.hidden = !text;
  }

  function setState(state) {
    box.dataset.state = state;
    root.dataset.camera = state;
    startButton.hidden = state !== "off";
    stopButton.hidden = state === "off";
    root.dispatchEvent(new CustomEvent("desk:camera", { detail: { state } }));
  }

  // The library would fetch its .wasm from a CDN; locateFile points it at our own copy.
  // Emscripten compiles it streaming when it is served as application/wasm, else from bytes.
  function loadDecoder() {
    if (typeof ZXingWASM === "undefined") return Promise.reject(new Error("decoder script missing"));
    if (!decoder) {
      decoder = ZXingWASM.prepareZXingModule({
        overrides: {
          locateFile: (path, prefix) => (path.endsWith(".wasm") ? msg.wasm : prefix + path),
        },
        fireImmediately: true,
      }).catch((error) => {
        decoder = null; // let the next press try again
        throw error;
      });
    }
    return decoder;
  }

  function explain(error) {
    switch (error && error.name) {
      case "NotAllowedError":
      case "SecurityError":
        return window.isSecureContext ? msg.msgDenied : msg.msgInsecure;
      case "NotFoundError":
      case "OverconstrainedError":
        return msg.msgNoCamera;
      case "NotReadableError":
      case "AbortError":
        return msg.msgBusy;
      default:
        return `${msg.msgFailed} (${(error && (error.name || error.message)) || error})`;
    }
  }

  async function start(deviceId) {
    stopStream();
    say("");
    if (!window.isSecureContext) return fail(msg.msgInsecure);
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return fail(msg.msgUnsupported);
    const mine = ++run;
    setState("starting");
    const ready = loadDecoder(); // fetched and compiled while the camera opens
    ready.catch(() => {}); // handled below, once the camera is open
    let opened;
    try {
      opened = await navigator.mediaDevices.getUserMedia({
        audio: false,
        video: {
          ...(deviceId ? { deviceId: { exact: deviceId } } : { facingMode: { ideal: "environment" } }),
          width: { ideal: 1280 },
          height: { ideal: 720 },
        },
      });
    } catch (error) {
      if (mine === run) fail(explain(error));
      return;
    }
    if (mine !== run) { opened.getTracks().forEach((track) => track.stop()); return; }
    stream = opened;
    const track = stream.getVideoTracks()[0];
    track.addEventListener("ended", () => {
      if (stream === opened) fail(msg.msgEnded);
    });
    video.srcObject = stream;
    try {
      await video.play();
      await ready;
    } catch (error) {
      if (mine === run) fail(error && error.name === "NotAllowedError" ? msg.msgFailed : msg.msgDecoder);
      return;
    }
    if (mine !== run) return;
    setState("on");
    say(msg.msgAim);
    // On a phone the picture pushes the answer panel off the screen: bring both into view.
    const answer = document.getElementById("result");
    if (answer && answer.getBoundingClientRect().top > window.innerHeight - 120) {
      box.scrollIntoView({ block: "start", behavior: "smooth" });
    }
    listCameras(track);
    decodeLoop(mine);
  }

  // Labels and ids of the cameras are only known once one is open.
  async function listCameras(track) {
    try {
      const cameras = (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === "videoinput");
      const current = track.getSettings().deviceId;
      const index = cameras.findIndex((d) => d.deviceId === current);
      const next = cameras[(index + 1) % cameras.length];
      switchButton.hidden = cameras.length < 2 || !next || next.deviceId === current;
      switchButton.dataset.next = next ? next.deviceId : "";
    } catch (error) {
      switchButton.hidden = true;
    }
  }

  // One frame at a time: the next is taken only once the decoder has answered for this one.
  async function decodeLoop(mine) {
    while (mine === run) {
      await new Promise((resolve) => setTimeout(resolve, FRAME_EVERY_MS));
      if (mine !== run || document.hidden || video.readyState < 2 || !video.videoWidth) continue;
      const scale = Math.min(1, MAX_SIDE / Math.max(video.videoWidth, video.videoHeight));
      canvas.width = Math.round(video.videoWidth * scale);
      canvas.height = Math.round(video.videoHeight * scale);
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      let results = [];
      try {
        results = await ZXingWASM.readBarcodes(context.getImageData(0, 0, canvas.width, canvas.height), READER_OPTIONS);
      } catch (error) {
        continue; // a frame the decoder cannot take is skipped; the next one is read
      }
      if (mine === run) seen(results.filter((r) => r.isValid && r.text).map((r) => r.text));
    }
  }

  // A code that stays in view is read again and again: it is submitted once, and again only
  // after it has been out of view for the cool-down (then the desk answers "already checked in").
  function seen(codes) {
    const now = performance.now();
    for (const [code, at] of lastSeen) if (now - at > COOL_DOWN_MS) lastSeen.delete(code);
    for (const code of codes) {
      const fresh = !lastSeen.has(code);
      lastSeen.set(code, now);
      if (fresh) root.dispatchEvent(new CustomEvent("desk:code", { detail: { code } }));
    }
  }

  function stopStream() {
    run += 1;
    if (stream) stream.getTracks().forEach((track) => track.stop());
    stream = null;
    video.srcObject = null;
    switchButton.hidden = true;
  }

  function stop() {
    fail("");
  }

  // Back to "off", saying why; the desk then gives the scan field the focus again.
  function fail(text) {
    stopStream();
    say(text);
    setState("off");
  }

  startButton.addEventListener("click", () => start());
  stopButton.addEventListener("click", stop);
  switchButton.addEventListener("click", () => start(switchButton.dataset.next));

  // A hidden page gives the camera back (its light goes off) and takes it again when shown.
  document.addEventListener("visibilitychange", () => {
    if (document.hidden && stream) {
      resumeOnShow = true;
      stop();
    } else if (!document.hidden && resumeOnShow) {
      resumeOnShow = false;
      start();
    }
  });
  window.addEventListener("pagehide", () => stopStream());
})();
