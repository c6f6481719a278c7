"""Substitutes (cử người dự thay): someone who attends in an invited delegate's place.

A delegate who cannot come names, on their invitation page, who will attend instead
(honorific, name, title); the organizer can also name or clear one. The delegate's
record holds the substitute named last (``Delegate.substitute_*``) and keeps every
naming and clearing (``Substitution``). The same invitation and QR code admit the
substitute, so check-in, the arrivals and the MC's scripts name them ("Ông X, dự thay
Ông Y") through ``attendee`` and ``substitute_of``. Naming a substitute means the
invitation will be attended: the RSVP becomes ``accepted``. Declining the invitation
clears the substitute (nobody comes); accepting leaves it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from conference import audit
from conference.actors import Actor
from conference.errors import N_, InvalidInput
from conference.i18n import translations
from conference.tables import Delegate, Rsvp, Substitution
from conference.text import nfc, search_key

MAX_HONORIFIC = 32
MAX_NAME = 200
MAX_POSITION = 300
IN_PLACE_OF = N_("%(substitute)s, in place of %(delegate)s")


@dataclass(frozen=True)
class SubstituteInput:
    """A substitute as a form gives one, in NFC; an empty ``full_name`` means nobody."""

    full_name: str = ""
    honorific: str = ""
    position: str = ""

    @property
    def nobody(self) -> bool:
        return not self.full_name


NOBODY = SubstituteInput()


def read_substitute(full_name: str, honorific: str = "", position: str = "") -> SubstituteInput:
    """A SubstituteInput from a form's text: NFC, without control characters.

    Raises InvalidInput ``substitute_too_long`` for a name, honorific or title longer
    than an official's ever is, and ``substitute_without_name`` for no name (clearing
    a substitute is NOBODY, a button of its own). Markup is kept as text: every page
    escapes it.
    """
    name, word, title = (_clean(v) for v in (full_name, honorific, position))
    if len(name) > MAX_NAME or len(word) > MAX_HONORIFIC or len(title) > MAX_POSITION:
        raise InvalidInput(
            "The substitute's name, honorific or title is too long.",
            refusal="substitute_too_long",
        )
    if not name:
        raise InvalidInput(
            "Enter the full name of the person who will attend in your place.",
            refusal="substitute_without_name",
        )
    return SubstituteInput(full_name=name, honorific=word, position=title)


def from_form(form: Mapping[str, str]) -> SubstituteInput:
    """What a substitute form asks: NOBODY for its "clear" button, else the person named
    (``full_name``, ``honorific``, ``position``); raises as ``read_substitute``."""
    if form.get("clear"):
        return NOBODY
    return read_substitute(
        form.get("full_name", ""), form.get("honorific", ""), form.get("position", "")
    )


def _clean(text: str) -> str:
    # A line break or a control character pasted into a name is a space, not a letter.
    return nfc("".join(c if c.isprintable() else " " for c in text))


def substitute_of(delegate: dict[str, Any]) -> dict[str, str] | None:
    """The substitute named on a delegate row (``honorific``, ``full_name``, ``position``),
    or None; the row must carry the ``substitute_*`` columns."""
    if not delegate.get("substitute_name"):
        return None
    return {
        "honorific": delegate.get("substitute_honorific") or "",
        "full_name": delegate["substitute_name"],
        "position": delegate.get("substitute_position") or "",
    }


def delegate_search_key(
    full_name: str, organization: str, position: str, substitute_name: str = ""
) -> str:
    """The folded text a delegate is found by: their name, organization and title, then
    the name of their substitute, so the desk finds whoever comes on the invitation by
    the name they give ("Trần Bình" finds Ông Nguyễn Văn An's record)."""
    return search_key(full_name, organization, position, substitute_name)


def _person(honorific: str, full_name: str) -> str:
    return " ".join(p for p in (honorific, full_name) if p)


def attendee(delegate: dict[str, Any], language: str = "vi") -> str:
    """Who comes on this invitation, as the desk greets them: "Ông Nguyễn Văn An", or
    with a substitute "Ông Trần Bình, dự thay Ông Nguyễn Văn An"."""
    invited = _person(delegate.get("honorific") or "", delegate["full_name"])
    substitute = substitute_of(delegate)
    if substitute is None:
        return invited
    return translations(language).gettext(IN_PLACE_OF) % {
        "substitute": _person(substitute["honorific"], substitute["full_name"]),
        "delegate": invited,
    }


def who_attends(delegate: dict[str, Any]) -> dict[str, str]:
    """Who comes on this invitation, as a print for the day names them (a name card, a
    badge, the seating chart): the substitute's ``honorific``, ``full_name`` and
    ``position`` when one is named (they are the one attending), else the delegate's;
    ``in_place_of`` is the invited delegate ("Ông Nguyễn Văn An") or "" for nobody.

    The row must carry ``honorific``, ``full_name``, ``position`` and the
    ``substitute_*`` columns.
    """
    substitute = substitute_of(delegate)
    if substitute is None:
        return {
            "honorific": delegate.get("honorific") or "",
            "full_name": delegate["full_name"],
            "position": delegate.get("position") or "",
            "in_place_of": "",
        }
    in_place_of = _person(delegate.get("honorific") or "", delegate["full_name"])
    return {**substitute, "in_place_of": in_place_of}


def _same(delegate: dict[str, Any], wanted: SubstituteInput) -> bool:
    named = (
        delegate["substitute_name"],
        delegate["substitute_honorific"],
        delegate["substitute_position"],
    )
    return bool(named == (wanted.full_name, wanted.honorific, wanted.position))


async def set_substitute(
    event_id: int,
    delegate: dict[str, Any],
    wanted: SubstituteInput,
    *,
    by: Actor | None = None,
) -> bool:
    """Name ``wanted`` as who attends in ``delegate``'s place (NOBODY: clear it).

    ``delegate`` is the delegate's row; ``by`` None is the delegate on their invitation
    page. The latest naming stands and each one is kept in the history; naming the one
    already named changes nothing (a form sent twice). Naming sets the RSVP to
    ``accepted``: the invitation will be attended. Returns whether anything changed.
    """
    if _same(delegate, wanted):
        return False
    now = datetime.now(UTC)
    values: dict[Any, Any] = {
        Delegate.substitute_honorific: wanted.honorific,
        Delegate.substitute_name: wanted.full_name,
        Delegate.substitute_position: wanted.position,
        Delegate.search_key: delegate_search_key(
            delegate["full_name"], delegate["organization"], delegate["position"], wanted.full_name
        ),
        Delegate.updated_at: now,  # the desks' snapshots carry the substitute
    }
    if not wanted.nobody:
        values[Delegate.rsvp] = Rsvp.accepted
        values[Delegate.rsvp_at] = now
    async with Delegate._meta.db.transaction():
        await Delegate.update(values).where(Delegate.id == delegate["id"])
        await Substitution(
            delegate=delegate["id"],
            honorific=wanted.honorific,
            full_name=wanted.full_name,
            position=wanted.position,
            named_at=now,
            named_by=getattr(by, "id", None),
        ).save()
    await audit.record(
        "substitute.clear" if wanted.nobody else "substitute.name",
        by=by,
        event_id=event_id,
        target=str(delegate["id"]),
    )
    return True


async def history(delegate_id: int) -> list[dict[str, Any]]:
    """Every naming and clearing of the delegate's substitute, oldest first; ``by`` is the
    organizer's account name, "" for the delegate themselves."""
    rows = await (
        Substitution.select(
            Substitution.honorific,
            Substitution.full_name,
            Substitution.position,
            Substitution.named_at,
            Substitution.named_by,
            Substitution.named_by.username.as_alias("username"),
            Substitution.named_by.display_name.as_alias("display_name"),
        )
        .where(Substitution.delegate == delegate_id)
        .order_by(Substitution.named_at, Substitution.id)
    )
    for row in rows:
        row["by"] = row.pop("display_name") or row.pop("username", "") or ""
        row.pop("username", None)
    return rows
