"""A delegate's whole story for the organizer: answer, invitation, arrival, awards, changes.

The award list and the check-in log are other modules' tables; they are only read here,
through the shared ORM layer, to show the organizer what concerns this one delegate
(their rules stay in their modules).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from conference.errors import N_
from conference.invitations import substitutes
from conference.invitations.services import get_delegate, invitation_state
from conference.tables import (
    AuditEntry,
    AwardRecipient,
    CheckInAttempt,
    InvitationDelivery,
    RevokedToken,
    User,
)

# The audit actions whose target is a delegate's id, and how the page names them.
TRAIL_ACTIONS = {
    "delegate.create": N_("Added to the list"),
    "delegate.update": N_("Details changed"),
    "invitation.revoke": N_("Invitation withdrawn"),
    "invitation.reissue": N_("New invitation issued"),
    "rsvp": N_("Answered the invitation"),
    "checkin.undo": N_("Check-in undone"),
    "delegate.signer": N_("Marked or unmarked as the signer of the invitations"),
    "substitute.name": N_("Substitute named"),
    "substitute.clear": N_("Substitute cleared"),
}
# A stored column's name as the form labels it, for "Details changed: …".
FIELD_LABELS = {
    "code": N_("Your code"),
    "full_name": N_("Full name"),
    "honorific": N_("Honorific"),
    "position": N_("Position"),
    "organization": N_("Organization"),
    "email": N_("E-mail"),
    "phone": N_("Phone"),
    "group_name": N_("Group"),
    "protocol_rank": N_("Protocol rank"),
    "seat": N_("Seat"),
    "notes": N_("Note for the front desk"),
}
SCANS_SHOWN = 20
SCAN_LABELS = {
    "ok": N_("Checked in"),
    "already_checked_in": N_("Already checked in"),
    "revoked": N_("A withdrawn or replaced code"),
    "unknown": N_("Unknown code"),
    "other_event": N_("Another event's code"),
    "invalid": N_("Refused scan"),
}
SOURCE_LABELS = {
    "manual": N_("Added by hand"),
    "imported": N_("Imported from a file"),
    "walk_in": N_("Registered at the desk, not invited beforehand"),
}


@dataclass(frozen=True)
class DelegateStory:
    """What the delegate's page tells, each list oldest first (the trail newest first)."""

    delegate: dict[str, Any]
    invitation_state: str  # as the list shows it: not_sent, queued, sent, failed, …
    deliveries: list[dict[str, Any]]  # every message sent them, ``current`` for today's token
    replaced: list[datetime]  # when an earlier invitation of theirs was replaced
    checked_in_by: str  # the account that checked them in ("" if none or unknown)
    scans: list[dict[str, Any]]  # the desks' scans of their codes, last SCANS_SHOWN
    awards: list[dict[str, Any]]  # award recipiences they receive (or receive for)
    substitutions: list[dict[str, Any]]  # every naming and clearing of a substitute
    trail: list[dict[str, Any]]  # the audit entries about them, newest first
    source: str  # how they came onto the list (a message id)


async def delegate_story(event_id: int, delegate_id: int) -> DelegateStory:
    """Everything the event knows about one delegate; raises NotFound when not theirs."""
    delegate = await get_delegate(event_id, delegate_id)
    deliveries = await (
        InvitationDelivery.select(
            InvitationDelivery.channel,
            InvitationDelivery.recipient,
            InvitationDelivery.state,
            InvitationDelivery.attempts,
            InvitationDelivery.last_error,
            InvitationDelivery.sent_at,
            InvitationDelivery.created_at,
            InvitationDelivery.token,
        )
        .where(InvitationDelivery.delegate == delegate_id)
        .order_by(InvitationDelivery.created_at, InvitationDelivery.id)
    )
    for delivery in deliveries:
        delivery["current"] = delivery.pop("token") == delegate["token"]
    current = [d for d in deliveries if d["current"]]
    return DelegateStory(
        delegate=delegate,
        invitation_state=invitation_state(delegate, current[-1]["state"] if current else None),
        deliveries=deliveries,
        replaced=[
            row["revoked_at"]
            for row in await RevokedToken.select(RevokedToken.revoked_at)
            .where(RevokedToken.delegate == delegate_id)
            .order_by(RevokedToken.revoked_at)
        ],
        checked_in_by=await _account_name(delegate["checked_in_by"]),
        scans=await _scans(event_id, delegate_id),
        awards=await _awards(delegate_id),
        substitutions=await substitutes.history(delegate_id),
        trail=await _trail(event_id, delegate_id),
        source=SOURCE_LABELS.get(delegate["source"], delegate["source"]),
    )


async def _account_name(user_id: int | None) -> str:
    if user_id is None:
        return ""
    row = await User.select(User.username, User.display_name).where(User.id == user_id).first()
    return (row["display_name"] or row["username"]) if row else ""


async def _scans(event_id: int, delegate_id: int) -> list[dict[str, Any]]:
    rows = await (
        CheckInAttempt.select(
            CheckInAttempt.at,
            CheckInAttempt.scanned_at,
            CheckInAttempt.result,
            CheckInAttempt.desk,
            CheckInAttempt.offline,
        )
        .where((CheckInAttempt.event == event_id) & (CheckInAttempt.delegate == delegate_id))
        .order_by(CheckInAttempt.at, CheckInAttempt.id, ascending=False)
        .limit(SCANS_SHOWN)
    )
    for row in rows:
        row["label"] = SCAN_LABELS.get(row["result"], row["result"])
    return list(reversed(rows))


async def _awards(delegate_id: int) -> list[dict[str, Any]]:
    rows = await (
        AwardRecipient.select(
            AwardRecipient.award_form.title.as_alias("award"),
            AwardRecipient.award_form.rank.as_alias("award_rank"),
            AwardRecipient.kind,
            AwardRecipient.name,
            AwardRecipient.citation,
            AwardRecipient.presence,
            AwardRecipient.position,
        )
        .where(AwardRecipient.delegate == delegate_id)
        .order_by(AwardRecipient.award_form.rank, AwardRecipient.position)
    )
    return rows


async def _trail(event_id: int, delegate_id: int) -> list[dict[str, Any]]:
    rows = await (
        AuditEntry.select(
            AuditEntry.at,
            AuditEntry.action,
            AuditEntry.details,
            AuditEntry.user.username.as_alias("username"),
            AuditEntry.user.display_name.as_alias("display_name"),
        )
        .where(
            (AuditEntry.event == event_id)
            & (AuditEntry.target == str(delegate_id))
            & AuditEntry.action.is_in(list(TRAIL_ACTIONS))
        )
        .order_by(AuditEntry.at, AuditEntry.id, ascending=False)
        .output(load_json=True)
    )
    for row in rows:
        row["label"] = TRAIL_ACTIONS[row["action"]]
        row["who"] = row.pop("display_name") or row.pop("username") or ""
        row.pop("username", None)
        fields = row["details"].get("fields") if isinstance(row["details"], dict) else None
        row["fields"] = [FIELD_LABELS[f] for f in fields or () if f in FIELD_LABELS]
    return rows
