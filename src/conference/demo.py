"""Loads the seed conference and one account per role; loading twice changes nothing."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from conference import auth, demo_data
from conference.errors import N_
from conference.events import get_event
from conference.i18n import gettext
from conference.invitations import DelegateInput, add_delegates
from conference.program import runsheet
from conference.seating import assign, get_hall, save_hall
from conference.tables import (
    AwardForm,
    AwardRecipient,
    Cue,
    Delegate,
    DelegateSource,
    Event,
    Membership,
    Presence,
    ProgrammeItem,
    Role,
    Speaker,
    User,
)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: Role
    display_name: str
    # A department administrator (every event, every account); the others are members
    # of the demo event only.
    administrator: bool = False


# Known passwords: the demo is for a laptop, and `conference demo` refuses production.
DEMO_ACCOUNTS = (
    DemoAccount("bantochuc", "hoinghi2022", Role.organizer, "Ban tổ chức"),
    DemoAccount("letan", "hoinghi2022", Role.desk, "Bàn lễ tân 1"),
    DemoAccount("mc", "hoinghi2022", Role.mc, "Người dẫn chương trình"),
    DemoAccount("quantri", "hoinghi2022", Role.organizer, "Quản trị Sở", administrator=True),
)


LOADED = N_(
    "Loaded: demo event %(slug)s with %(delegates)s delegates, %(items)s programme items, "
    "%(recipients)s award recipients, a run sheet of %(cues)s cues."
)
ALREADY_LOADED = N_(
    "Already loaded: demo event %(slug)s with %(delegates)s delegates, %(items)s programme "
    "items, %(recipients)s award recipients, a run sheet of %(cues)s cues."
)


@dataclass(frozen=True)
class DemoSummary:
    created: bool
    slug: str
    delegates: int
    programme_items: int
    award_recipients: int
    cues: int = 0

    def describe(self) -> str:
        """What was loaded and the demo logins, in the command line's language; each login
        line stays "  ROLE USERNAME / PASSWORD", the way scripts read it."""
        state = LOADED if self.created else ALREADY_LOADED
        lines = [
            gettext(
                state,
                slug=self.slug,
                delegates=self.delegates,
                items=self.programme_items,
                recipients=self.award_recipients,
                cues=self.cues,
            ),
            gettext(N_("Demo logins (username / password):")),
        ]
        lines += [
            f"  {'admin' if a.administrator else a.role.value:<10} {a.username} / {a.password}"
            for a in DEMO_ACCOUNTS
        ]
        return "\n".join(lines)


async def load(*, reset: bool = False) -> DemoSummary:
    """Load the demo conference and accounts; with ``reset``, delete and load it again."""
    existing = await Event.select(Event.id).where(Event.slug == demo_data.SLUG).first()
    if existing is not None and reset:
        await Event.delete().where(Event.id == existing["id"])
        existing = None
    created = existing is None
    if created:
        await _load_event()
        # The run sheet as generated from the award list, ready for `make run`.
        await runsheet.generate(await get_event(demo_data.SLUG))
    event = await get_event(demo_data.SLUG)
    await _ensure_accounts(event["id"], reset_passwords=reset)
    # The hall and its placement by rank, so the plan shows at once; a demo loaded before
    # halls existed gets them too (nothing else of it changes).
    if await get_hall(event["id"]) is None:
        await save_hall(event["id"], dict(demo_data.HALL))
        await assign(event["id"])
    return await _summary(created)


async def _ensure_accounts(event_id: int, *, reset_passwords: bool) -> None:
    """The demo's accounts, members of the demo event (``quantri`` an administrator)."""
    for account in DEMO_ACCOUNTS:
        row = await User.select(User.id).where(User.username == account.username).first()
        if row is None:
            await auth.create_user(
                account.username,
                account.password,
                account.role,
                display_name=account.display_name,
                events=None if account.administrator else [event_id],
            )
            continue
        if reset_passwords:
            await auth.set_password(row["id"], account.password)
            await User.update({User.active: True, User.role: account.role}).where(
                User.id == row["id"]
            )
        member = await Membership.exists().where(
            (Membership.user == row["id"]) & (Membership.event == event_id)
        )
        if not account.administrator and not member:
            # The demo event loaded afresh: its memberships went with the old one.
            await Membership(user=row["id"], event=event_id, role=account.role).save()
            await auth.end_sessions(row["id"], tokens=False)


async def _load_event() -> None:
    spec = demo_data.EVENT
    async with Event._meta.db.transaction():
        event = Event(**dataclasses.asdict(spec))
        await event.save()
        people = demo_data.delegates()
        ids = await add_delegates(
            event.id,
            [
                DelegateInput(
                    full_name=p.full_name,
                    honorific=p.honorific,
                    position=p.position,
                    organization=p.organization,
                    email=p.email,
                    phone=p.phone,
                    group=p.group,
                    protocol_rank=p.protocol_rank,
                    seat=p.seat,
                    code=p.code,
                    notes=p.notes,
                )
                for p in people
            ],
            source=DelegateSource.imported,
        )
        by_code = {p.code: (delegate_id, p) for delegate_id, p in zip(ids, people, strict=True)}
        await _load_programme(event.id, spec, by_code)
        await _load_awards(event.id, by_code)


async def _load_programme(
    event_id: int, spec: demo_data.DemoEvent, by_code: dict[str, tuple[int, demo_data.DemoDelegate]]
) -> None:
    zone = ZoneInfo(spec.timezone)
    for position, item in enumerate(demo_data.PROGRAMME, start=1):
        row = ProgrammeItem(
            event=event_id,
            position=position,
            starts_at=datetime.combine(spec.date, item.start, zone),
            duration_min=item.duration_min,
            title=item.title,
            kind=item.kind,
            room=item.room,
            description=item.description,
        )
        await row.save()
        speakers = []
        for order, speaker in enumerate(item.speakers, start=1):
            delegate_id, person = by_code.get(speaker.delegate_code or "", (None, None))
            speakers.append(
                Speaker(
                    item=row.id,
                    position=order,
                    delegate=delegate_id,
                    name=speaker.name,
                    title=person.position if person else "",
                    role=speaker.role,
                )
            )
        if speakers:
            await Speaker.insert(*speakers)


async def _load_awards(
    event_id: int, by_code: dict[str, tuple[int, demo_data.DemoDelegate]]
) -> None:
    for form in demo_data.AWARD_FORMS:
        award = AwardForm(
            event=event_id,
            rank=form.rank,
            title=form.title,
            decision_number=form.decision_number,
            decision_date=form.decision_date,
            issuer=form.issuer,
        )
        await award.save()
        await AwardRecipient.insert(
            *[
                AwardRecipient(
                    award_form=award.id,
                    position=order,
                    kind=recipient.kind,
                    name=recipient.name,
                    honorific=recipient.honorific,
                    delegate=by_code[recipient.delegate_code][0]
                    if recipient.delegate_code
                    else None,
                    citation=recipient.citation,
                    presence=Presence.stand_in if recipient.stand_in_code else Presence.expected,
                    stand_in_delegate=by_code[recipient.stand_in_code][0]
                    if recipient.stand_in_code
                    else None,
                )
                for order, recipient in enumerate(form.recipients, start=1)
            ]
        )


async def _summary(created: bool) -> DemoSummary:
    event = await Event.select(Event.id).where(Event.slug == demo_data.SLUG).first()
    assert event is not None
    return DemoSummary(
        created=created,
        slug=demo_data.SLUG,
        delegates=await Delegate.count().where(Delegate.event == event["id"]),
        programme_items=await ProgrammeItem.count().where(ProgrammeItem.event == event["id"]),
        award_recipients=await AwardRecipient.count().where(
            AwardRecipient.award_form.event == event["id"]
        ),
        cues=await Cue.count().where(Cue.event == event["id"]),
    )
