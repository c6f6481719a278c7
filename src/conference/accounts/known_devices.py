"""Known devices: a browser an account has logged in from, remembered by a signed cookie.

At a successful login the browser is given a cookie naming the account and a random
device id, signed with the secret key. Showing it at the next login of that account
lets the login throttle count that device apart from its address and from the
account's other guessers (see ``LoginThrottle``), so a staff member at their own desk
is never locked out by someone else's guesses.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

COOKIE = "conference_known_device"
MAX_AGE_S = 180 * 24 * 3600


def _signature(secret: str, account: str, device: str) -> str:
    digest = hmac.new(
        secret.encode(), f"known-device:{account}:{device}".encode(), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def issue(secret: str, account: str, device: str | None = None) -> str:
    """The cookie value for ``account`` on this browser (a new device id unless given)."""
    device = device or secrets.token_urlsafe(16)
    return f"{account}:{device}:{_signature(secret, account, device)}"


def device_of(secret: str, value: str | None, account: str) -> str | None:
    """The device id the cookie ``value`` names for ``account``; None when it is absent,
    forged or another account's."""
    if not value or len(value) > 200:
        return None
    named, _, rest = value.partition(":")
    device, _, signature = rest.partition(":")
    if named != account.strip().lower() or not device or not signature:
        return None
    if not hmac.compare_digest(signature, _signature(secret, named, device)):
        return None
    return device
