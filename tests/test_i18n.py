"""Vietnamese first, English second, from message catalogs that are complete and current."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from conference import formatting
from conference.errors import InvalidInput
from conference.i18n import LOCALE_DIR, MESSAGE_KEYWORDS, gettext, set_locale, translate_error

ROOT = Path(__file__).resolve().parents[1]
KEYWORDS = {name.split(":")[0]: None for name in MESSAGE_KEYWORDS}


def _catalog():
    with (LOCALE_DIR / "vi" / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale="vi")


def _message_ids_in_code() -> set[str]:
    method_map = [
        ("src/**.py", "python"),
        ("templates/**.html", "jinja2"),
        ("templates/**.txt", "jinja2"),
    ]
    options = {
        "templates/**.html": {"extensions": "jinja2.ext.i18n"},
        "templates/**.txt": {"extensions": "jinja2.ext.i18n"},
    }
    keywords = {**KEYWORDS, "_": None, "ngettext": (1, 2)}
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options, keywords=keywords
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_message_in_the_code_has_a_vietnamese_translation():
    catalog = _catalog()
    translated = {
        m.id[0] if isinstance(m.id, tuple) else m.id
        for m in catalog
        if m.id and (all(m.string) if isinstance(m.string, tuple) else m.string)
    }
    missing = _message_ids_in_code() - translated
    assert not missing, f"run `make messages` and translate: {sorted(missing)}"


def test_the_catalog_has_no_untranslated_or_fuzzy_entries():
    for message in _catalog():
        if message.id:
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            assert all(strings), message.id
            assert not message.fuzzy, message.id


def test_messages_follow_the_request_language():
    set_locale("vi")
    assert gettext("Log in") == "Đăng nhập"
    set_locale("en")
    assert gettext("Log in") == "Log in"
    set_locale("xx")  # an unknown language falls back to Vietnamese
    assert gettext("Log in") == "Đăng nhập"


def test_domain_errors_are_translated_with_their_values():
    set_locale("vi")
    error = InvalidInput("The password must have at least %(n)s characters.", n=8)
    assert translate_error(error) == "Mật khẩu phải có ít nhất 8 ký tự."
    set_locale("en")
    assert translate_error(error) == "The password must have at least 8 characters."


def test_dates_are_written_the_vietnamese_way():
    set_locale("vi")
    assert formatting.long_date(date(2022, 9, 12)) == "Thứ Hai, ngày 12/9/2022"
    assert formatting.hour(time(8, 0)) == "08h00"
    set_locale("en")
    assert formatting.long_date(date(2022, 9, 12)) == "Monday, 12/9/2022"


def _all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


def test_every_domain_error_class_is_extracted_for_translation():
    import importlib
    import pkgutil

    import conference
    from conference.errors import DomainError

    for module in pkgutil.walk_packages(conference.__path__, "conference."):
        if "piccolo_migrations" not in module.name:
            importlib.import_module(module.name)
    names = {cls.__name__ for cls in _all_subclasses(DomainError)} | {"DomainError"}
    missing = names - {k.split(":")[0] for k in MESSAGE_KEYWORDS}
    assert not missing, f"add to conference.i18n.MESSAGE_KEYWORDS: {sorted(missing)}"
