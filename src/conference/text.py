"""Vietnamese text: NFC on the way in, folded for search, names sorted the Vietnamese way."""

from __future__ import annotations

import re
import unicodedata

# Unicode decomposition leaves đ/Đ alone: they are letters, not d with a mark.
_LETTERS_WITHOUT_DECOMPOSITION = str.maketrans({"đ": "d", "Đ": "D", "ð": "d", "Ð": "D"})
_SPACES = re.compile(r"\s+")


def nfc(text: str | None) -> str:
    """Normalize to NFC and tidy white space: how every name and title is stored."""
    if not text:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def fold(text: str | None) -> str:
    """Lower case, without diacritics, đ as d: "Nguyễn Thị Thủy Lệ" → "nguyen thi thuy le"."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.translate(_LETTERS_WITHOUT_DECOMPOSITION))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", bare.casefold()).strip()


def search_key(*parts: str | None) -> str:
    """The folded text a delegate is found by (name, organization, position, …)."""
    return " | ".join(fold(part) for part in parts if part)


def name_sort_key(full_name: str) -> str:
    """Sort key for Vietnamese order: given name, then middle names, then family name.

    "Nguyễn Thị Thủy Lệ" sorts as "le thi thuy nguyen". Folded, so marks do not
    scatter names; order by the full name after it to break ties.
    """
    words = nfc(full_name).split(" ")
    if len(words) > 1:
        words = [words[-1], *words[1:-1], words[0]]
    return fold(" ".join(words))


_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str, max_length: int = 80) -> str:
    """An ASCII slug: "Người tốt, việc tốt 2022" → "nguoi-tot-viec-tot-2022"."""
    return _NOT_SLUG.sub("-", fold(text)).strip("-")[:max_length].rstrip("-")
