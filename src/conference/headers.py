"""Security headers on every answer, added by one hook before each answer is sent.

* ``Content-Security-Policy``: scripts, styles, fonts and images from this server only (no
  inline script: pages wire their buttons in static/actions.js); the camera's decoder is
  WebAssembly, hence ``'wasm-unsafe-eval'``; ``frame-ancestors 'none'``, so no staff page
  can be framed by another site.
* ``X-Content-Type-Options: nosniff``, ``X-Frame-Options: DENY`` for old browsers,
  ``Referrer-Policy: no-referrer`` (an invitation's address holds its token).
* ``Cache-Control: no-store`` on every answer that does not set its own, so pages and
  exports with personal data are kept by no cache and no shared computer's history;
  ``/static`` keeps its own caching.
* ``Strict-Transport-Security`` in production when the base address is https://.
"""

from __future__ import annotations

from litestar.types import BeforeMessageSendHookHandler, Message, Scope

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self' 'wasm-unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",  # style attributes (widths, colours) only
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "media-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
HSTS = "max-age=31536000"
NO_STORE = (b"cache-control", b"no-store")


def security_headers(strict_transport: bool) -> list[tuple[bytes, bytes]]:
    headers = [
        (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        (b"referrer-policy", b"no-referrer"),
    ]
    if strict_transport:
        headers.append((b"strict-transport-security", HSTS.encode()))
    return headers


def add_security_headers(strict_transport: bool) -> BeforeMessageSendHookHandler:
    """A ``before_send`` hook adding the headers above to every HTTP answer: Litestar calls
    it for every answer, the router's own 404s and static files included."""
    added = security_headers(strict_transport)

    async def hook(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return
        # The raw list, read once: Litestar's header mapping decodes and lowers every
        # header on each lookup, which cost a scan more than its own headers.
        headers = list(message.get("headers", ()))
        present = {name.lower() for name, _ in headers}
        headers.extend(header for header in added if header[0] not in present)
        if b"cache-control" not in present and not scope["path"].startswith("/static/"):
            headers.append(NO_STORE)
        message["headers"] = headers

    return hook
