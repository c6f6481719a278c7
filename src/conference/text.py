"""Vietnamese text: NFC on the way in, folded for search, names sorted the Vietnamese way."""

from __future__ import annotations

import functools
import re
import unicodedata

# Unicode decomposition leaves đ/Đ alone: they are letters, not d with a mark.
_LETTERS_WITHOUT_DECOMPOSITION = str.maketrans({"đ": "d", "Đ": "D", "ð": "d", "Ð": "D"})


def nfc(text: str | None) -> str:
    """Normalize to NFC and tidy white space: how every name and title is stored."""
    if not text:
        return ""
    # str.split() splits on what the regex \s matches (Py_UNICODE_ISSPACE), faster.
    return " ".join(unicodedata.normalize("NFC", text).split())


# The combining marks of Latin (U+0300–U+036F: every Vietnamese mark and tone), dropped by
# one translate; any other text is left to unicodedata.combining, character by character.
_LATIN_MARKS = dict.fromkeys(c for c in range(0x300, 0x370) if unicodedata.combining(chr(c)))


@functools.lru_cache(maxsize=8192)
def fold(text: str | None) -> str:
    """Lower case, without diacritics, đ as d: "Nguyễn Thị Thủy Lệ" → "nguyen thi thuy le".

    Cached: an import folds the same organizations and titles thousands of times.
    """
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.translate(_LETTERS_WITHOUT_DECOMPOSITION))
    bare = decomposed.translate(_LATIN_MARKS)
    if not bare.isascii():
        bare = "".join(c for c in bare if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def search_key(*parts: str | None) -> str:
    """The folded text a delegate is found by (name, organization, position, …)."""
    return " | ".join(fold(part) for part in parts if part)


# Vietnamese alphabetical order (bảng chữ cái), with f, j, w, z where Latin puts them.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
# Each letter becomes one ASCII character in alphabet order, so a key compares by code
# point (SQLite's binary collation, PostgreSQL's "C", Python) as Vietnamese is ordered.
_LETTER_WEIGHT = {letter: chr(0x41 + i) for i, letter in enumerate(_ALPHABET)}
# Marks that make another letter (ă, â, ê, ô, ơ, ư) and the five tones (dấu thanh) in
# dictionary order: ngang (none), huyền, hỏi, ngã, sắc, nặng.
_LETTER_MARKS = frozenset("\u0306\u0302\u031b")
_TONES = {"\u0300": "1", "\u0309": "2", "\u0303": "3", "\u0301": "4", "\u0323": "5"}
_WORD_BREAK = "!"  # between words: above the end of the letters, below every letter
_TONES_FOLLOW = " "  # below the word break: a shorter name sorts before a longer one


@functools.lru_cache(maxsize=8192)
def _letters_and_tone(word: str) -> tuple[str, str]:
    """A word's letter weights and its tone ("0" for none; a syllable carries one).

    Cached: a list of names is made of a few hundred syllables."""
    weights: list[str] = []
    tone = "0"
    base = ""
    marks = ""

    def flush() -> None:
        if base:
            letter = unicodedata.normalize("NFC", base + marks)
            if letter in _LETTER_WEIGHT:
                weights.append(_LETTER_WEIGHT[letter])
            elif letter.isdigit() and letter.isascii():
                weights.append(letter)  # digits before letters
            elif letter.isalnum():
                weights.append(letter)  # another script: after the Vietnamese letters

    for char in unicodedata.normalize("NFD", word.casefold().replace("ð", "đ")):
        if unicodedata.combining(char):
            if char in _TONES:
                tone = _TONES[char] if tone == "0" else tone
            elif char in _LETTER_MARKS:
                marks += char
            continue
        flush()
        base, marks = char, ""
    flush()
    return "".join(weights), tone


def collation_key(text: str) -> str:
    """A key that orders texts as a Vietnamese dictionary does, compared by code point.

    Letters first, in the Vietnamese alphabet (a ă â b c d đ e ê g h i k l m n o ô ơ p
    q r s t u ư v x y), over the whole text; only between texts of the same letters do
    the tones decide (ngang, huyền, hỏi, ngã, sắc, nặng). Case and punctuation do not
    count: "Thanh" < "Thành" < "Thăng" < "Thắng" < "Thân", and "Dũng" < "Đào".
    """
    words = [_letters_and_tone(word) for word in nfc(text).split(" ")]
    kept = [(letters, tone) for letters, tone in words if letters]
    letters = _WORD_BREAK.join(letters for letters, _ in kept)
    return letters + _TONES_FOLLOW + "".join(tone for _, tone in kept)


def name_sort_key(full_name: str) -> str:
    """Sort key for Vietnamese order: given name, then middle names, then family name.

    "Nguyễn Thị Thủy Lệ" sorts as "Lệ Thị Thủy Nguyễn", in Vietnamese collation
    (``collation_key``): Thanh before Thắng, Duy before Đào. Order by ``id`` after it
    to break ties.
    """
    words = nfc(full_name).split(" ")
    if len(words) > 1:
        words = [words[-1], *words[1:-1], words[0]]
    return collation_key(" ".join(words))


_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str, max_length: int = 80) -> str:
    """An ASCII slug: "Người tốt, việc tốt 2022" → "nguoi-tot-viec-tot-2022"."""
    return _NOT_SLUG.sub("-", fold(text)).strip("-")[:max_length].rstrip("-")
