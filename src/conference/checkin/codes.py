"""What a scanner typed: the invitation token in it, or why there is none a desk can fix.

A hand scanner is a keyboard: it types the QR code's text into the focused field, so
whatever the computer does to typing happens to the code too. A Vietnamese typing
tool left on (Unikey, EVKey in Telex) turns "oo" into "ô" and "dd" into "đ"; Caps Lock
turns every letter the other way round (or, on some scanners, upper case). Tokens are
URL-safe base64 (``A–Z a–z 0–9 - _``), so a letter outside it, or a token with no lower
case at all, is one of these, and the desk is told how to fix the computer.
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum
from urllib.parse import urlsplit

TOKEN = re.compile(r"[A-Za-z0-9_-]{16,100}")
_BASE64URL = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
# The letters of Vietnamese that are not in ASCII, as a typing tool writes them.
_VIETNAMESE = frozenset(
    "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"
    "ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬĐÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ"
)
_PATH_TOKEN = re.compile(r"/i/([^/?#\s]+)")


class ScanProblem(StrEnum):
    """Why a scan that is no token looks like a mangled one (the answer's ``hint``)."""

    vietnamese_typing = "vietnamese_typing"  # bộ gõ tiếng Việt đang bật
    caps_lock = "caps_lock"


def token_from_scan(text: str) -> str | None:
    """The token in what a scanner read: a bare token, or any URL whose path is ``/i/{token}``.

    The host and port of a URL do not matter: the token is the secret, and the same
    invitation is printed, mailed and served under more than one address (a port
    changed at start-up, a proxy, the address a phone saw).
    """
    text = text.strip()
    if "/i/" in text:
        match = _PATH_TOKEN.search(urlsplit(text).path)
        if match is None:
            return None
        text = match.group(1)
    return text if TOKEN.fullmatch(text) else None


def _code_part(text: str) -> str:
    """The part of a scan that should have been a token (the path's, for a URL)."""
    text = text.strip()
    lowered = text.lower()
    if "/i/" in lowered:
        return text[lowered.rindex("/i/") + 3 :].split("/", 1)[0]
    return text


def scan_problem(text: str) -> ScanProblem | None:
    """What mangled a scan that holds no token, when it is something the desk can fix."""
    code = unicodedata.normalize("NFC", _code_part(text[:2000]))
    # Only what is shaped like a token: a word typed into the field by hand is not one.
    if not 16 <= len(code) <= 100 or not all(c in _BASE64URL or c in _VIETNAMESE for c in code):
        return None
    if any(c in _VIETNAMESE for c in code):
        return ScanProblem.vietnamese_typing
    letters = [c for c in code if c.isalpha()]
    if len(letters) >= 8 and all(c.isupper() for c in letters):
        return ScanProblem.caps_lock
    return None
