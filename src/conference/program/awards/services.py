"""The award list: award forms (highest first) and their recipients in calling order."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from conference import audit, live, protocol
from conference.actors import Actor
from conference.errors import N_, Conflict, FormErrors, NotFound
from conference.tables import (
    AwardForm,
    AwardRecipient,
    Cue,
    CueState,
    Delegate,
    RecipientKind,
)
from conference.text import nfc

MAX_RANK = 1000


@dataclass(frozen=True)
class FormInput:
    """An award form as the organizer enters it (hình thức khen thưởng)."""

    title: str
    rank: int = 1  # 1 is the highest; presented first
    decision_number: str = ""  # số quyết định, e.g. 1069/QĐ-BXD
    decision_date: date | None = None
    issuer: str = ""  # người ký quyết định, e.g. Bộ trưởng Bộ Xây dựng


@dataclass(frozen=True)
class RecipientInput:
    """A recipient as the organizer enters or imports them."""

    name: str  # the person, or the collective
    kind: str = RecipientKind.individual.value
    honorific: str = ""  # of the individual, or of the collective's representative
    title: str = ""  # chức vụ, when no delegate record gives it
    organization: str = ""
    representative_name: str = ""  # a collective's, when not on the delegate list
    delegate_id: int | None = None  # who receives: the individual or the representative
    citation: str = ""  # thành tích
    pronunciation_note: str = ""


def clean_form(data: FormInput) -> FormInput:
    """``data`` in NFC; raise FormErrors naming every wrong field."""
    errors: dict[str, str] = {}
    title = nfc(data.title)
    if not title:
        errors["title"] = N_("Enter the award's title.")
    if not 1 <= data.rank <= MAX_RANK:
        errors["rank"] = N_("The rank is a whole number from 1 (the highest).")
    if len(nfc(data.decision_number)) > 100:
        errors["decision_number"] = N_("The decision number is too long.")
    if errors:
        raise FormErrors(errors)
    return FormInput(
        title=title,
        rank=data.rank,
        decision_number=nfc(data.decision_number),
        decision_date=data.decision_date,
        issuer=nfc(data.issuer),
    )


async def clean_recipient(event_id: int, data: RecipientInput) -> RecipientInput:
    """``data`` in NFC with its delegate checked; raise FormErrors naming every wrong field."""
    errors: dict[str, str] = {}
    name = nfc(data.name)
    if not name:
        errors["name"] = N_("Enter the name of the person or the collective.")
    if data.kind not in {k.value for k in RecipientKind}:
        errors["kind"] = N_("Choose individual or collective.")
    if len(nfc(data.honorific)) > 32:
        errors["honorific"] = N_("The honorific is too long.")
    if data.delegate_id is not None and not await Delegate.exists().where(
        (Delegate.id == data.delegate_id) & (Delegate.event == event_id)
    ):
        errors["delegate_id"] = N_("This delegate is not on the event's list.")
    if errors:
        raise FormErrors(errors)
    return RecipientInput(
        name=name,
        kind=data.kind,
        honorific=nfc(data.honorific),
        title=nfc(data.title),
        organization=nfc(data.organization),
        representative_name=nfc(data.representative_name)
        if data.kind == RecipientKind.collective
        else "",
        delegate_id=data.delegate_id,
        citation=nfc(data.citation),
        pronunciation_note=nfc(data.pronunciation_note),
    )


def recipient_columns(data: RecipientInput) -> dict[Any, Any]:
    """The stored columns of a cleaned recipient."""
    return {
        AwardRecipient.name: data.name,
        AwardRecipient.kind: data.kind,
        AwardRecipient.honorific: data.honorific,
        AwardRecipient.title: data.title,
        AwardRecipient.organization: data.organization,
        AwardRecipient.representative_name: data.representative_name,
        AwardRecipient.delegate: data.delegate_id,
        AwardRecipient.citation: data.citation,
        AwardRecipient.pronunciation_note: data.pronunciation_note,
    }


# --------------------------------------------------------------------------- reading


async def award_forms(event_id: int) -> list[dict[str, Any]]:
    """The event's award forms, highest first."""
    return await (
        AwardForm.select()
        .where(AwardForm.event == event_id)
        .order_by(AwardForm.rank)
        .order_by(AwardForm.id)
    )


async def get_form(event_id: int, form_id: int) -> dict[str, Any]:
    """One award form of the event; raise NotFound."""
    row = (
        await AwardForm.select()
        .where((AwardForm.id == form_id) & (AwardForm.event == event_id))
        .first()
    )
    if row is None:
        raise NotFound(N_("This award form does not exist."))
    return row


_RECIPIENT_COLUMNS = (
    *AwardRecipient._meta.columns,
    AwardRecipient.delegate.full_name.as_alias("delegate_name"),
    AwardRecipient.delegate.honorific.as_alias("delegate_honorific"),
    AwardRecipient.delegate.position.as_alias("delegate_position"),
    AwardRecipient.delegate.organization.as_alias("delegate_organization"),
    AwardRecipient.delegate.code.as_alias("delegate_code"),
    # Whom the delegate sent in their place (cử người dự thay): they receive it for them.
    AwardRecipient.delegate.substitute_name.as_alias("delegate_substitute_name"),
    AwardRecipient.delegate.substitute_honorific.as_alias("delegate_substitute_honorific"),
    AwardRecipient.stand_in_delegate.full_name.as_alias("stand_in_delegate_name"),
    AwardRecipient.stand_in_delegate.honorific.as_alias("stand_in_delegate_honorific"),
    AwardRecipient.cue.state.as_alias("cue_state"),
)


async def recipients(event_id: int, *, form_id: int | None = None) -> list[dict[str, Any]]:
    """Every recipient of the event (or of one form), in calling order, with their delegate.

    Each row has the recipient's columns plus ``delegate_name``, ``delegate_honorific``,
    ``delegate_position``, ``delegate_organization``, ``delegate_code``, the name and
    honorific of the substitute the delegate sent (``delegate_substitute_*``), the stand-in
    delegate's name and honorific, and ``cue_state`` (the state of their batch).
    """
    where = AwardRecipient.award_form.event == event_id
    if form_id is not None:
        where &= AwardRecipient.award_form == form_id
    return await (
        AwardRecipient.select(*_RECIPIENT_COLUMNS)
        .where(where)
        .order_by(AwardRecipient.award_form.rank)
        .order_by(AwardRecipient.award_form)
        .order_by(AwardRecipient.position)
        .order_by(AwardRecipient.id)
    )


async def award_list(event_id: int) -> list[dict[str, Any]]:
    """Award forms, highest first, each with ``recipients`` in calling order (two queries)."""
    forms = await award_forms(event_id)
    by_form: dict[int, list[dict[str, Any]]] = {form["id"]: [] for form in forms}
    for row in await recipients(event_id):
        by_form[row["award_form"]].append(row)
    for form in forms:
        form["recipients"] = by_form[form["id"]]
        form["collectives"] = sum(r["kind"] == RecipientKind.collective for r in form["recipients"])
        form["individuals"] = len(form["recipients"]) - form["collectives"]
    return forms


async def get_recipient(event_id: int, recipient_id: int) -> dict[str, Any]:
    """One recipient of the event, as ``recipients`` gives them; raise NotFound."""
    row = (
        await AwardRecipient.select(*_RECIPIENT_COLUMNS)
        .where((AwardRecipient.id == recipient_id) & (AwardRecipient.award_form.event == event_id))
        .first()
    )
    if row is None:
        raise NotFound(N_("This recipient is not on the award list."))
    return row


# --------------------------------------------------------------------------- forms


def _changed(event_id: int) -> None:
    # Pages showing the award list or the run sheet reload their live part.
    live.publish(event_id, "cue", {"change": "awards"})


async def create_form(event_id: int, data: FormInput, *, by: Actor | None = None) -> int:
    """Add an award form; return its id. Raise FormErrors."""
    data = clean_form(data)
    form = AwardForm(event=event_id, **dataclasses.asdict(data))
    await form.save()
    await audit.record("awards.form_create", by=by, event_id=event_id, target=data.title)
    _changed(event_id)
    return int(form.id)


async def update_form(
    event_id: int, form_id: int, data: FormInput, *, by: Actor | None = None
) -> None:
    """Change an award form; raise NotFound or FormErrors."""
    await get_form(event_id, form_id)
    data = clean_form(data)
    await AwardForm.update(
        {getattr(AwardForm, name): value for name, value in dataclasses.asdict(data).items()}
    ).where((AwardForm.id == form_id) & (AwardForm.event == event_id))
    await audit.record("awards.form_update", by=by, event_id=event_id, target=data.title)
    _changed(event_id)


async def delete_form(event_id: int, form_id: int, *, by: Actor | None = None) -> None:
    """Remove an award form with its recipients and its pending cues.

    Raise NotFound, or Conflict once a cue of the form has been live: the ceremony
    has used it, and the reconciliation needs it. Both deletes are conditional, so
    a Next making one of its cues live at the same moment cannot slip between a
    check and the removal: one of the two waits for the other and gives way.
    """
    form = await get_form(event_id, form_id)
    used = Cue.select(Cue.award_form).where(
        (Cue.award_form == form_id) & (Cue.state != CueState.pending)
    )
    async with AwardForm._meta.db.transaction():
        await Cue.delete().where(
            (Cue.award_form == form_id) & (Cue.event == event_id) & (Cue.state == CueState.pending)
        )
        removed = (
            await AwardForm.delete()
            .where((AwardForm.id == form_id) & AwardForm.id.not_in(used))
            .returning(AwardForm.id)
        )
        if not removed:
            # The transaction ends here and takes the cues' removal back with it.
            raise Conflict(
                N_("%(title)s has been presented already; it cannot be removed."),
                title=form["title"],
                refusal="award_presented",
            )
        await audit.record("awards.form_delete", by=by, event_id=event_id, target=form["title"])
    _changed(event_id)


# --------------------------------------------------------------------------- recipients


async def add_recipient(
    event_id: int, form_id: int, data: RecipientInput, *, by: Actor | None = None
) -> int:
    """Add a recipient at the end of a form's calling order; return its id.

    The new recipient is in no batch until the run sheet puts them in one.
    Raise NotFound or FormErrors.
    """
    await get_form(event_id, form_id)
    data = await clean_recipient(event_id, data)
    last = (
        await AwardRecipient.select(AwardRecipient.position)
        .where(AwardRecipient.award_form == form_id)
        .order_by(AwardRecipient.position, ascending=False)
        .first()
    )
    row = AwardRecipient(award_form=form_id, position=(last["position"] + 1) if last else 1)
    for column, value in recipient_columns(data).items():
        setattr(row, column._meta.name, value)
    await row.save()
    await audit.record("awards.recipient_add", by=by, event_id=event_id, target=data.name)
    _changed(event_id)
    return int(row.id)


async def update_recipient(
    event_id: int, recipient_id: int, data: RecipientInput, *, by: Actor | None = None
) -> None:
    """Change a recipient's name, kind, delegate, citation or notes; raise NotFound, FormErrors."""
    await get_recipient(event_id, recipient_id)
    data = await clean_recipient(event_id, data)
    await AwardRecipient.update(recipient_columns(data)).where(AwardRecipient.id == recipient_id)
    await audit.record("awards.recipient_update", by=by, event_id=event_id, target=data.name)
    _changed(event_id)


async def delete_recipient(event_id: int, recipient_id: int, *, by: Actor | None = None) -> None:
    """Remove a recipient from the award list.

    Refused (Conflict) while their batch is live or once it is done: the MC may be
    calling them, and the reconciliation counts them. Mark them absent instead.
    The check and the removal are one conditional DELETE, so a batch going live
    at the same moment cannot slip between them.
    """
    row = await get_recipient(event_id, recipient_id)
    pending_cues = Cue.select(Cue.id).where(
        (Cue.event == event_id) & (Cue.state == CueState.pending)
    )
    deleted = (
        await AwardRecipient.delete()
        .where(
            (AwardRecipient.id == recipient_id)
            & (AwardRecipient.cue.is_null() | AwardRecipient.cue.is_in(pending_cues))
        )
        .returning(AwardRecipient.id)
    )
    if not deleted:
        raise Conflict(
            N_(
                "%(name)s's batch is on stage or over: they cannot be removed now. "
                "Mark them absent instead."
            ),
            name=row["name"],
            refusal="recipient_on_stage",
        )
    await audit.record("awards.recipient_delete", by=by, event_id=event_id, target=row["name"])
    _changed(event_id)


async def move_recipient_in_list(
    event_id: int, recipient_id: int, offset: int, *, by: Actor | None = None
) -> None:
    """Move a recipient ``offset`` places earlier (-) or later (+) in their form's calling order."""
    row = await get_recipient(event_id, recipient_id)
    ordered = [
        r["id"]
        for r in await AwardRecipient.select(AwardRecipient.id)
        .where(AwardRecipient.award_form == row["award_form"])
        .order_by(AwardRecipient.position)
        .order_by(AwardRecipient.id)
    ]
    index = ordered.index(recipient_id)
    target = max(0, min(len(ordered) - 1, index + offset))
    if target == index:
        return
    ordered.insert(target, ordered.pop(index))
    await reorder_recipients(event_id, row["award_form"], ordered, by=by)


async def reorder_recipients(
    event_id: int, form_id: int, recipient_ids: list[int], *, by: Actor | None = None
) -> None:
    """Set a form's calling order to ``recipient_ids`` (every recipient of the form, once).

    Raise NotFound, or Conflict when the list is not exactly the form's recipients.
    """
    await get_form(event_id, form_id)
    current = {
        r["id"]
        for r in await AwardRecipient.select(AwardRecipient.id).where(
            AwardRecipient.award_form == form_id
        )
    }
    if set(recipient_ids) != current or len(recipient_ids) != len(current):
        raise Conflict(
            N_("The award list has changed; reload the page and try again."),
            refusal="award_list_changed",
        )
    async with AwardRecipient._meta.db.transaction():
        for position, recipient_id in enumerate(recipient_ids, start=1):
            await AwardRecipient.update({AwardRecipient.position: position}).where(
                AwardRecipient.id == recipient_id
            )
    await audit.record("awards.reorder", by=by, event_id=event_id, target=str(form_id))
    _changed(event_id)


async def award_delegate_choices(event_id: int) -> list[dict[str, Any]]:
    """Delegates to pick as receiver, representative, stand-in or presenter, in protocol
    order; those whose invitation was withdrawn are left out."""
    return await protocol.pick_delegates(
        event_id, columns=(*protocol.PICKER_COLUMNS, Delegate.code), include_withdrawn=False
    )


async def mark_delivered(
    event_id: int, recipient_id: int, delivered: bool, *, by: Actor | None = None
) -> None:
    """Record that an absent recipient's certificate was handed over after the ceremony."""
    row = await get_recipient(event_id, recipient_id)
    await AwardRecipient.update(
        {AwardRecipient.delivered_at: datetime.now(UTC) if delivered else None}
    ).where(AwardRecipient.id == recipient_id)
    await audit.record(
        "awards.delivered" if delivered else "awards.undelivered",
        by=by,
        event_id=event_id,
        target=row["name"],
    )


async def award_overview(event_id: int) -> list[dict[str, Any]]:
    """Award forms from the highest, each with its number of recipients."""
    forms = await AwardForm.select().where(AwardForm.event == event_id).order_by(AwardForm.rank)
    recipients = await AwardRecipient.select(AwardRecipient.award_form, AwardRecipient.kind).where(
        AwardRecipient.award_form.event == event_id
    )
    for form in forms:
        mine = [r for r in recipients if r["award_form"] == form["id"]]
        form["collectives"] = sum(r["kind"] == "collective" for r in mine)
        form["individuals"] = len(mine) - form["collectives"]
    return forms
