"""The command line's language: its help, click's own words and its messages.

Vietnamese unless ``CONFERENCE_LANGUAGE=en``. Help strings are message ids (``help=N_(…)``),
translated when the command runs, not when the module is imported, so one process can
show either language; click's own words ("Usage:", "Options", its error lines) go through
the same catalog, since click calls ``gettext.gettext`` from each of its modules.
"""

from __future__ import annotations

import gettext as python_gettext
import os
import sys
from typing import Any

import click

from conference.errors import N_
from conference.i18n import current_locale, set_locale, translations

# Click's words a user of this command sees, marked so the catalog holds them.
CLICK_WORDS = (
    N_("Usage:"),
    N_("Options"),
    N_("Positional arguments"),
    N_("Commands"),
    N_("Show this message and exit."),
    N_("Show the version and exit."),
    N_("%(prog)s, version %(version)s"),
    N_("Error: {message}"),
    N_("Try '{command} {option}' for help."),
    N_("Missing argument"),
    N_("Missing option"),
    N_("Missing parameter"),
    N_("Missing parameter: {param_name}"),
    N_("Missing command."),
    N_("No such option {name!r}."),
    N_("No such command {name!r}."),
    N_("Did you mean {possibility}?"),
    N_("(Did you mean one of: {possibilities}?)"),
    N_("Got unexpected extra argument ({args})"),
    N_("Got unexpected extra arguments ({args})"),
    N_("Invalid value for {param_hint}: {message}"),
    N_("Invalid value: {message}"),
    N_("{value!r} is not a valid {number_type}."),
    N_("{value} is not in the range {range}."),
    N_("{value!r} does not match the format {format}."),
    N_("{value!r} does not match the formats {formats}."),
    N_("{value!r} is not one of {choices}."),
    N_("Option {name!r} requires an argument."),
    N_("Option {name!r} does not take a value."),
    N_("Aborted!"),
    N_("Repeat for confirmation"),
    N_("Error: The two entered values do not match."),
    N_("Do you want to continue?"),
    N_("file"),
    N_("directory"),
    N_("path"),
    N_("{name} {filename!r} does not exist."),
    N_("{name} {filename!r} is a directory."),
    N_("{name} {filename!r} is not readable."),
    N_("Could not open file {filename!r}: {message}"),
    N_("default: {default}"),
    N_("env var: {var}"),
)


def command_locale() -> str:
    """The language asked for by ``CONFERENCE_LANGUAGE`` (Vietnamese by default)."""
    return os.environ.get("CONFERENCE_LANGUAGE", "vi").strip().lower() or "vi"


def _translate(message: str) -> str:
    return translations(current_locale()).gettext(message)


def _translate_plural(singular: str, plural: str, n: int) -> str:
    return translations(current_locale()).ngettext(singular, plural, n)


def _click_speaks_our_language() -> None:
    """Point each click module's ``_`` (Python's gettext, imported by name) at our catalog."""
    for name, module in list(sys.modules.items()):
        if name != "click" and not name.startswith("click."):
            continue
        if getattr(module, "_", None) is python_gettext.gettext:
            module._ = _translate  # type: ignore[attr-defined]
        if getattr(module, "ngettext", None) is python_gettext.ngettext:
            module.ngettext = _translate_plural  # type: ignore[attr-defined]


def _translate_help(command: click.Command) -> None:
    """Every help text of ``command`` and its subcommands in the current language; the
    message ids are kept on the objects, so a second run may speak the other language."""
    ids: dict[str, Any] = command.__dict__.setdefault("_help_ids", {})
    for attribute in ("help", "short_help", "epilog"):
        message = ids.setdefault(attribute, getattr(command, attribute))
        if message:
            setattr(command, attribute, _translate(message))
    for param in command.params:
        if isinstance(param, click.Option):
            message = param.__dict__.setdefault("_help_id", param.help)
            if message:
                param.help = _translate(message)
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            _translate_help(sub)


class TranslatedGroup(click.Group):
    """The top command: sets the language before click reads a word of the command line."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        set_locale(command_locale())
        _click_speaks_our_language()
        _translate_help(self)
        return super().main(*args, **kwargs)


def help_ids(command: click.Command) -> list[str]:
    """Every help message id of ``command`` and its subcommands (for the catalog's test)."""
    found = [getattr(command, "_help_ids", {}).get("help") or command.help or ""]
    for param in command.params:
        if isinstance(param, click.Option):
            found.append(getattr(param, "_help_id", None) or param.help or "")
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            found += help_ids(sub)
    return [message for message in found if message]
