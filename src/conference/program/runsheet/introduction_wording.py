"""The MC's Vietnamese "giới thiệu đại biểu": pure functions over who is in the hall.

Official practice (Nghị định 154/2004/NĐ-CP, Điều 9) introduces the highest-ranking
officials by name and the others together, briefly. The MC first addresses the single
highest-ranking delegate present ("Kính thưa …"), then the whole meeting, then each
delegation in protocol order ("Về phía …, có đồng chí …"), the host marked as such
(", đơn vị tổ chức,"). Titles are read exactly as the delegate record has them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from conference.tables import AddressForm
from conference.text import fold, nfc

COMRADE = "đồng chí"
NO_HONORIFIC = "Ông/Bà"
OTHERS_OF_DELEGATION = "cùng {many} lãnh đạo các phòng, ban, đơn vị"
NO_DELEGATION = "khách mời"  # "Về phía khách mời": those with no organization


@dataclass(frozen=True)
class Guest:
    """A delegate in the hall, as the introduction names them (already in protocol order)."""

    id: int
    full_name: str
    honorific: str = ""
    position: str = ""
    organization: str = ""
    by_name: bool = False  # introduced on their own, not with their delegation
    stands_in_for: str = ""  # dự thay: whom they stand in for
    # A substitute (cử người dự thay) comes on an invited delegate's invitation: the
    # invited one's honorific, name and title, named after "dự thay".
    in_place_of: tuple[str, str, str] | None = None


@dataclass(frozen=True)
class Wording:
    """How the introduction addresses people: "đồng chí" or each one's "Ông"/"Bà"."""

    form: str = AddressForm.comrade

    @property
    def comrades(self) -> bool:
        return self.form == AddressForm.comrade

    def person(self, guest: Guest) -> str:
        word = COMRADE if self.comrades else (nfc(guest.honorific) or NO_HONORIFIC)
        return f"{word} {nfc(guest.full_name)}"

    @property
    def many(self) -> str:
        """How the delegates are addressed together."""
        return "các đồng chí" if self.comrades else "các vị"

    def stand_in(self, guest: Guest) -> str:
        if guest.in_place_of is not None:
            honorific, name, title = guest.in_place_of
            invited = self.person(Guest(id=guest.id, full_name=name, honorific=honorific))
            return "dự thay " + ", ".join(p for p in (invited, nfc(title)) if p)
        whom = nfc(guest.stands_in_for)
        if not whom:
            return ""
        if self.comrades and not fold(whom).startswith(fold(COMRADE)):
            whom = f"{COMRADE} {whom}"
        return f"dự thay {whom}"

    def named(self, guest: Guest, *, organization: bool = False) -> str:
        """ "đồng chí Hoàng Cao Thắng, Phó Giám đốc Sở Xây dựng Hà Nội[, dự thay …]".

        With ``organization`` the delegation is named too, unless the title names it.
        """
        parts = [self.person(guest)]
        title, unit = nfc(guest.position), nfc(guest.organization)
        if title:
            parts.append(title)
        if organization and unit and fold(unit) not in fold(title):
            parts.append(unit)
        stand_in = self.stand_in(guest)
        if stand_in:
            parts.append(stand_in)
        return ", ".join(parts)

    def greeting(self) -> str:
        if self.comrades:
            return "Kính thưa các đồng chí đại biểu, khách quý; thưa toàn thể hội nghị!"
        return "Kính thưa các quý vị đại biểu, khách quý; thưa toàn thể hội nghị!"


@dataclass(frozen=True)
class Delegation:
    """The delegates of one organization in the hall, in protocol order."""

    organization: str
    host: bool
    named: list[Guest]
    others: int


def delegations(guests: Sequence[Guest], host: str) -> list[Delegation]:
    """Guests grouped by organization, each group where its highest-ranked member stands.

    ``guests`` are in protocol order, so a delegation comes where its first member does;
    ``host`` is the organizing body (the event's organizer_name).
    """
    groups: dict[str, list[Guest]] = {}
    for guest in guests:
        groups.setdefault(fold(nfc(guest.organization)), []).append(guest)
    host_key = fold(nfc(host))
    return [
        Delegation(
            organization=nfc(members[0].organization),
            host=bool(key) and key == host_key,
            named=[g for g in members if g.by_name],
            others=sum(not g.by_name for g in members),
        )
        for key, members in groups.items()
    ]


def delegation_line(delegation: Delegation, wording: Wording) -> str:
    """ "Về phía Sở Xây dựng Hà Nội, đơn vị tổ chức, có đồng chí …; cùng các đồng chí …"."""
    side = delegation.organization or NO_DELEGATION
    head = f"Về phía {side}, đơn vị tổ chức, có " if delegation.host else f"Về phía {side}, có "
    people = [wording.named(guest) for guest in delegation.named]
    if delegation.others:
        people.append(OTHERS_OF_DELEGATION.format(many=wording.many))
    return head + "; ".join(people) + "."


def script(guests: Sequence[Guest], *, addressed: Guest | None, host: str, wording: Wording) -> str:
    """The introduction the MC reads, from the guests present in protocol order.

    ``addressed`` (the highest-ranking guest) is greeted first ("Kính thưa …");
    delegations with nobody named are greeted together in one closing line.
    """
    lines: list[str] = []
    if addressed is not None:
        lines.append(f"Kính thưa {wording.named(addressed, organization=True)};")
    lines.append(wording.greeting())
    groups = delegations(guests, host)
    named = [d for d in groups if d.named]
    if named:
        lines.append("Tới dự hội nghị hôm nay, chúng tôi trân trọng giới thiệu:")
        lines.extend(delegation_line(d, wording) for d in named)
    if any(not d.named for d in groups):
        together = f"{wording.many} đại biểu đại diện các cơ quan, đơn vị"
        lines.append(f"Cùng {together}." if named else f"Tới dự hội nghị hôm nay có {together}.")
    if guests:
        lines.append(
            f"Xin trân trọng giới thiệu và nhiệt liệt chào mừng sự có mặt của {wording.many}!"
        )
    return "\n".join(lines)


def late_line(guest: Guest, wording: Wording) -> str:
    """What the MC reads for a leader who arrived after the introduction."""
    return (
        f"Xin trân trọng giới thiệu {wording.named(guest, organization=True)} vừa đến dự hội nghị."
    )
