"""Prints and pages use a vendored font holding every Vietnamese letter, from no other site."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "static"
PRINT_STYLESHEETS = ("print.css", "programme-print.css", "runsheet-print.css", "invitation.css")
SERIF_STACK = 'font-family: "Noto Serif", "Times New Roman", serif'
FONT_URL = re.compile(r'url\("(vendor/noto-[a-z]+/[^"]+\.woff2)"\)')
VIETNAMESE = "ăâđêôơưĂÂĐÊÔƠƯàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ"


def declared_fonts() -> list[str]:
    return FONT_URL.findall((STATIC / "fonts.css").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", PRINT_STYLESHEETS)
def test_every_print_stylesheet_imports_the_vendored_fonts_and_asks_for_noto_serif(name):
    css = (STATIC / name).read_text(encoding="utf-8")
    assert css.startswith('@import url("fonts.css");')
    assert SERIF_STACK in css


def test_the_declared_font_files_are_vendored_with_their_licence():
    fonts = declared_fonts()
    assert len(fonts) == 10  # Noto Serif 400, 700, 400 italic; Noto Sans 400, 700; 2 subsets
    for font in fonts:
        assert (STATIC / font).is_file(), font
    for family in ("noto-serif", "noto-sans"):
        assert "SIL Open Font License" in (STATIC / "vendor" / family / "LICENSE").read_text()
    readme = (STATIC / "vendor" / "README.md").read_text(encoding="utf-8")
    assert "@fontsource/noto-serif" in readme and "@fontsource/noto-sans" in readme


def test_the_two_subsets_together_hold_every_vietnamese_letter():
    for family in ("noto-serif", "noto-sans"):
        for face in ("400-normal", "700-normal"):
            covered: set[int] = set()
            for subset in ("latin", "vietnamese"):
                path = STATIC / "vendor" / family / f"{family}-{subset}-{face}.woff2"
                covered |= set(TTFont(path).getBestCmap())
            text = VIETNAMESE + VIETNAMESE.upper()
            missing = sorted({c for c in text if ord(c) not in covered})
            assert not missing, (family, face, missing)


def test_no_stylesheet_or_template_loads_anything_from_another_site():
    files = [*STATIC.glob("*.css"), *(ROOT / "templates").rglob("*.html")]
    remote = re.compile(r"(?:url\(\s*[\"']?|@import\s+[\"']|(?:href|src)=[\"'])(?:https?:)?//")
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert not remote.search(text), path
        if path.suffix == ".css":
            assert "http" not in text, path


async def test_the_font_files_are_served_from_static(client):
    css = await client.get("/static/fonts.css")
    assert css.status_code == 200
    for font in declared_fonts():
        response = await client.get(f"/static/{font}")
        assert response.status_code == 200, font
        assert response.content == (STATIC / font).read_bytes()
        assert response.content[:4] == b"wOF2"
