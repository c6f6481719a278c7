"""One invitation, three forms: the delegate's page, the printed card and the e-mail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from email.header import Header
from email.headerregistry import Address
from email.mime.image import MIMEImage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr, make_msgid
from functools import cache
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from jinja2 import Environment

from conference.actors import EventRow
from conference.formatting import (
    document_date,
    hour,
    local_hour,
    local_time,
    long_date,
    place_of_issue,
)
from conference.invitations.qr import invitation_url, png_width, qr_png, qr_svg
from conference.invitations.wording import DEFAULT_BODY, DEFAULT_SUBJECT, render_wording
from conference.program.agenda import ItemOutline
from conference.text import slugify


@dataclass(frozen=True)
class Invitation:
    """Everything the three forms show, for one delegate."""

    token: str
    url: str
    event: EventRow
    delegate: dict[str, Any]
    subject: str
    paragraphs: list[str]
    when: str  # "07h30, Thứ Hai, ngày 12/9/2022"
    programme: list[ItemOutline]
    own_items: list[ItemOutline]  # where this delegate speaks
    issued_on: date | None = None  # the letter's date; None: today where the event is

    @property
    def dateline(self) -> str:
        """ "Hà Nội, ngày 02 tháng 12 năm 2022": place (the address' last part) and date."""
        day = (
            self.issued_on
            or self.event.get("issued_on")
            or datetime.now(ZoneInfo(self.event["timezone"])).date()
        )
        place = self.event.get("place_of_issue") or place_of_issue(self.event["address"] or "")
        written = document_date(day)
        return f"{place}, {written}" if place else written[0].upper() + written[1:]

    @property
    def seat(self) -> str:
        """The delegate's seat label once the organizer has published the seating, else ""."""
        if not self.event.get("seats_published"):
            return ""
        return str(self.delegate.get("seat") or "")

    @property
    def parent_agency(self) -> str:
        """ "UBND THÀNH PHỐ HÀ NỘI": the cơ quan chủ quản, above the issuing body."""
        return (self.event.get("parent_agency") or "").upper()

    @property
    def issuer(self) -> str:
        return (self.event["organizer_name"] or "").upper()

    @property
    def authority_line(self) -> str:
        """ "KT. GIÁM ĐỐC": the authority and the superior's title, or "" when the head signs."""
        authority = self.event.get("signer_authority") or ""
        superior = self.event.get("signer_superior_title") or ""
        return f"{authority} {superior.upper()}".strip() if authority else ""

    @property
    def signer_title(self) -> str:
        """ "PHÓ GIÁM ĐỐC": the signer's own title, under the authority line."""
        return (self.event["signer_title"] or "").upper()

    @property
    def recipients(self) -> list[str]:
        """The "Nơi nhận" lines, each as written ("- Như trên;"), or none."""
        return [line for line in (self.event.get("recipients_note") or "").splitlines() if line]

    @property
    def addressee(self) -> str:
        """ "Ông Hoàng Cao Thắng, Phó Bí thư Đảng ủy, …, Sở Xây dựng Hà Nội"."""
        person = " ".join(p for p in (self.delegate["honorific"], self.delegate["full_name"]) if p)
        position = self.delegate["position"] or ""
        organization = self.delegate["organization"] or ""
        if organization and _folded(organization) in _folded(position):
            organization = ""  # "Phó Giám đốc Sở Xây dựng Hà Nội" names it already
        return ", ".join(p for p in (person, position, organization) if p)

    @property
    def qr_svg(self) -> str:
        return qr_svg(self.url, title=f"Mã QR giấy mời của {self.delegate['full_name']}")

    @property
    def qr_png(self) -> bytes:
        return qr_png(self.url)

    @property
    def qr_png_width(self) -> int:
        """The PNG's own width, the size the e-mail shows it at (it is square)."""
        return png_width(self.qr_png)

    @property
    def qr_filename(self) -> str:
        return f"ma-qr-{slugify(self.delegate['full_name'], 40) or 'giay-moi'}.png"

    def local_hour(self, moment: datetime) -> str:
        """In prose: "08h00" in the event's zone."""
        return local_hour(moment, self.event["timezone"])

    def local_time(self, moment: datetime) -> str:
        """In a table's cell: "08:00" in the event's zone."""
        return local_time(moment, self.event["timezone"])


def _folded(text: str) -> str:
    return " ".join(text.casefold().split())


def when_text(event: EventRow) -> str:
    # The invitation is a Vietnamese document, whatever the language of the page around it.
    return f"{hour(event['starts_at'])}, {long_date(event['date'], locale='vi')}"


def wording_context(event: EventRow, delegate: dict[str, Any]) -> dict[str, Any]:
    keys = ("honorific", "full_name", "position", "organization")
    return {
        "delegate": {key: delegate.get(key) or "" for key in keys},
        "event": {
            "title": event["title"],
            "organizer_name": event["organizer_name"],
            "venue": event["venue"],
            "address": event["address"],
        },
        "when": when_text(event),
    }


def build_invitation(
    event: EventRow,
    delegate: dict[str, Any],
    programme: list[ItemOutline],
    base_url: str,
) -> Invitation:
    """The invitation of ``delegate`` (a Delegate row as a dict) to ``event``."""
    context = wording_context(event, delegate)
    body = render_wording(event.get("invitation_body") or DEFAULT_BODY, context)
    return Invitation(
        token=delegate["token"],
        url=invitation_url(base_url, delegate["token"]),
        event=event,
        delegate=delegate,
        subject=" ".join(
            render_wording(event.get("invitation_subject") or DEFAULT_SUBJECT, context).split()
        ),
        paragraphs=[p.strip() for p in body.split("\n\n") if p.strip()],
        when=context["when"],
        programme=programme,
        own_items=[
            item
            for item in programme
            if any(s.get("delegate") == delegate["id"] for s in item.speakers)
        ],
    )


@cache
def _environment() -> Environment:
    from conference.templating import make_environment

    return make_environment()


def render_html(template: str, invitation: Invitation, **extra: Any) -> str:
    return _environment().get_template(template).render(invitation=invitation, **extra)


@dataclass(frozen=True)
class OutgoingEmail:
    """A message ready for the wire: envelope addresses and its bytes."""

    sender: str
    recipients: list[str]
    message_id: str
    data: bytes


def _address(name: str, address: str) -> str:
    # formataddr encodes a Vietnamese display name as RFC 2047 words, quoting as needed.
    return formataddr((name, address), charset="utf-8")


def _message_id_domain(sender: Address, url: str) -> str:
    """The domain of Message-IDs: the sender's (CONFERENCE_MAIL_FROM), or the base
    address' host when the sender's is a bare local name such as ``localhost``."""
    if "." in sender.domain:
        return sender.domain
    return urlsplit(url).hostname or sender.domain or "localhost"


def build_email(
    invitation: Invitation, *, sender: Address, message_id_domain: str = ""
) -> OutgoingEmail:
    """The e-mail: plain text and HTML, the QR code inline and attached, UTF-8 headers.

    Built with the standard library's ``email.mime`` classes: the same MIME as
    ``EmailMessage`` at a seventh of the cost, and its ``Header`` folds a long
    Vietnamese subject without losing the spaces (Python 3.11's newer folder
    drops the space where it folds between two encoded words).
    """
    recipient = invitation.delegate["email"]
    person = " ".join(
        p for p in (invitation.delegate["honorific"], invitation.delegate["full_name"]) if p
    )
    domain = message_id_domain or _message_id_domain(sender, invitation.url)
    message_id = make_msgid(domain=domain)
    qr_cid = make_msgid(domain=domain)
    root = MIMEMultipart("mixed")
    root["Subject"] = Header(invitation.subject, "utf-8")  # type: ignore[assignment]
    root["From"] = _address(
        invitation.event["organizer_name"] or sender.display_name, sender.addr_spec
    )
    root["To"] = _address(person, recipient)
    root["Date"] = format_datetime(datetime.now().astimezone())
    root["Message-ID"] = message_id
    alternative = MIMEMultipart("alternative")
    root.attach(alternative)
    alternative.attach(MIMEText(render_html("email/invitation.txt", invitation), "plain", "utf-8"))
    related = MIMEMultipart("related")
    alternative.attach(related)
    html = render_html("email/invitation.html", invitation, qr_cid=qr_cid[1:-1])
    related.attach(MIMEText(html, "html", "utf-8"))
    inline = MIMEImage(invitation.qr_png, "png")
    inline["Content-ID"] = qr_cid
    inline.add_header("Content-Disposition", "inline", filename="ma-qr.png")
    related.attach(inline)
    attachment = MIMEImage(invitation.qr_png, "png")
    attachment.add_header("Content-Disposition", "attachment", filename=invitation.qr_filename)
    root.attach(attachment)
    return OutgoingEmail(
        sender=sender.addr_spec, recipients=[recipient], message_id=message_id, data=root.as_bytes()
    )
