"""Camera decode figures: how long the desk page's QR decoder takes for one camera frame.

Run: .venv/bin/python bench/camera_decode.py [--runs 100]
Serves the checkout's static files over loopback, opens a page in Debian's Chromium
(headless, through Playwright) that loads the vendored zxing-wasm reader exactly as
static/camera.js does, and times ``readBarcodes`` on frames drawn into a canvas: a
640×480 frame with an invitation's QR code (clean, then tilted, blurred and noisy like a
phone's picture), the same size with nothing to find (flat, then noisy: what the camera
sees between delegates), and a 1280×720 frame scaled to the
960 px that camera.js decodes. Prints the median and p90 of the decode alone and of the
whole frame (draw, getImageData, decode).
"""

from __future__ import annotations

import argparse
import base64
import functools
import io
import secrets
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import segno
from PIL import Image, ImageFilter
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
# As in static/camera.js.
READER_OPTIONS = {"formats": ["QRCode"], "maxNumberOfSymbols": 1, "tryHarder": True}
MAX_SIDE = 960

PAGE = """<!doctype html><meta charset="utf-8">
<script src="/static/vendor/zxing-wasm/zxing-reader.js"></script>"""

MEASURE = """async ([dataUrl, runs, maxSide, options]) => {
  const image = new Image();
  image.src = dataUrl;
  await image.decode();
  const scale = Math.min(1, maxSide / Math.max(image.width, image.height));
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(image.width * scale);
  canvas.height = Math.round(image.height * scale);
  const context = canvas.getContext("2d", { willReadFrequently: true });
  const decode = [], frame = [];
  let text = null;
  for (let i = 0; i < runs + 5; i++) {
    const t0 = performance.now();
    context.drawImage(image, 0, 0, canvas.width, canvas.height);
    const data = context.getImageData(0, 0, canvas.width, canvas.height);
    const t1 = performance.now();
    const results = await ZXingWASM.readBarcodes(data, options);
    const t2 = performance.now();
    if (i >= 5) { decode.push(t2 - t1); frame.push(t2 - t0); }
    text = results.length ? results[0].text : null;
  }
  return { decode, frame, text, size: [canvas.width, canvas.height] };
}"""


def qr_frame(text: str, size: tuple[int, int]) -> Image.Image:
    buffer = io.BytesIO()
    segno.make(text, error="m", micro=False).save(buffer, kind="png", scale=7, border=4)
    code = Image.open(buffer).convert("L")
    frame = Image.new("L", size, 170)
    frame.paste(code, ((size[0] - code.width) // 2, (size[1] - code.height) // 2))
    return frame


def camera_like(frame: Image.Image) -> Image.Image:
    """Closer to a phone's picture: the card tilted, a little blurred, grey, with noise."""
    tilted = frame.rotate(12, resample=Image.Resampling.BICUBIC, fillcolor=170)
    soft = tilted.filter(ImageFilter.GaussianBlur(1.2)).point(lambda v: 40 + v * 0.7)
    return Image.blend(soft, Image.effect_noise(frame.size, 40), 0.15)


def data_url(image: Image.Image) -> str:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100)
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        sys.exit(f"{CHROMIUM} is missing (apt-get install chromium)")

    url = f"http://127.0.0.1:8000/i/{secrets.token_urlsafe(24)}"
    frames = {
        "640×480, an invitation's QR code": qr_frame(url, (640, 480)),
        "640×480, QR tilted, blurred, noisy": camera_like(qr_frame(url, (640, 480))),
        "640×480, nothing to find (flat)": Image.new("L", (640, 480), 170),
        "640×480, nothing to find (noise)": Image.effect_noise((640, 480), 60),
        "1280×720 → 960×540, QR code": qr_frame(url, (1280, 720)),
    }
    handler = functools.partial(QuietHandler, directory=str(ROOT))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--headless=new", "--no-sandbox"]
            )
            page = browser.new_page()
            page.route(
                f"{base}/bench.html",
                lambda route: route.fulfill(body=PAGE, content_type="text/html"),
            )
            page.goto(f"{base}/bench.html")
            page.evaluate(
                """wasm => ZXingWASM.prepareZXingModule({
                    overrides: {
                        locateFile: (p, prefix) => (p.endsWith(".wasm") ? wasm : prefix + p),
                    },
                    fireImmediately: true,
                }).then(() => true)""",
                f"{base}/static/vendor/zxing-wasm/zxing_reader.wasm",
            )
            print(f"zxing-wasm reader in {browser.version}, {args.runs} runs each; ms")
            print(f"{'frame':40} {'decode p50':>11} {'p90':>6} {'frame p50':>10} {'p90':>6}  read")
            for name, image in frames.items():
                got = page.evaluate(MEASURE, [data_url(image), args.runs, MAX_SIDE, READER_OPTIONS])
                read = "yes" if got["text"] == url else ("-" if got["text"] is None else "WRONG")
                print(
                    f"{name:40} {percentile(got['decode'], 0.5):11.1f} "
                    f"{percentile(got['decode'], 0.9):6.1f} {percentile(got['frame'], 0.5):10.1f} "
                    f"{percentile(got['frame'], 0.9):6.1f}  {read}"
                )
            browser.close()
    finally:
        server.shutdown()


if __name__ == "__main__":
    main()
