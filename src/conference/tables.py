"""The one ORM layer: every table of every module, and the rules the database keeps.

Tables are thin; behaviour lives in each module's ``services.py``. Rules that must
hold however many desks write at once are constraints here (unique keys, foreign
keys), not reads followed by writes. Every timestamp is timezone-aware.

Unique keys over several columns are unique indexes made by the migrations
(SQLite cannot add a table constraint after the table exists):

=======================  =============================================
index                    columns
=======================  =============================================
delegate_event_code      delegate (event, code)
delegate_event_email     delegate (event, email)
delivery_once            invitation_delivery (delegate, channel, token)
cue_presenter_once       cue_presenter (cue, delegate)
cue_one_live             cue (event) WHERE state = 'live': one live cue
check_in_attempt_once    check_in_attempt (event, COALESCE(delegate, 0),
                         nonce) WHERE nonce IS NOT NULL: a retried scan is
                         logged once
delegate_changed         delegate (event, updated_at), not unique: the
                         desks' incremental snapshot
hall_seat_label_once     hall_seat (event, label): a label names one seat
membership_once          membership (user, event)
desk_device_key_once     desk_device (key_hash): a phone's key names one
                         device
{table}_uid_once         uid of each table an event export carries
                         (event, delegate, desk_device, …): the
                         row's id on every installation
event_transfer_once      event_transfer (event, direction, file_id)
=======================  =============================================

``hall_seat.delegate`` is UNIQUE (a column constraint): one seat per person; a seat
row holds one delegate: one person per seat.
"""

from __future__ import annotations

from enum import StrEnum
from uuid import uuid4

from piccolo.columns import (
    JSON,
    Boolean,
    Bytea,
    Date,
    ForeignKey,
    Integer,
    OnDelete,
    Serial,
    Text,
    Time,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


def new_uid() -> str:
    """A row's stable id across installations (an event carried to a venue laptop and back)."""
    return uuid4().hex


def _uid() -> Varchar:
    # Nullable only for rows written by raw SQL: an export gives each such row one first.
    return Varchar(length=32, null=True, default=new_uid)


# --------------------------------------------------------------------------- accounts


class Role(StrEnum):
    organizer = "organizer"  # ban tổ chức
    desk = "desk"  # lễ tân
    mc = "mc"  # người dẫn chương trình, stage manager


class User(Table, tablename="app_user"):
    """A person who logs in: an organizer, a front-desk user or an MC.

    An account reaches the events it is a member of (``Membership``, a role in each),
    or every event when ``every_event`` (a department-wide desk or MC account, with
    ``role``). A department administrator (``administrator``, an organizer of every
    event) creates events and manages every account. ``session_generation`` is
    written into each session at login: raising it (a password reset, a disable, a
    membership change) ends every session of the account for good.
    """

    id: Serial  # the primary key Piccolo adds; declared for type checkers

    username = Varchar(length=64, unique=True)
    display_name = Text(default="")
    password_hash = Text()
    role = Varchar(length=16, choices=Role)
    active = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())
    last_login_at = Timestamptz(null=True, default=None)
    administrator = Boolean(default=False)
    every_event = Boolean(default=False)
    session_generation = Integer(default=0)


class ApiToken(Table):
    """A bearer token for scanners and scripts; only its SHA-256 is stored."""

    id: Serial  # the primary key Piccolo adds; declared for type checkers

    user = ForeignKey(User, on_delete=OnDelete.cascade, null=False)
    name = Varchar(length=100)
    token_hash = Varchar(length=64, unique=True)
    created_at = Timestamptz(default=TimestamptzNow())
    last_used_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)
    expires_at = Timestamptz(null=True, default=None)  # None: until revoked


class StoreEntry(Table):
    """Litestar's key-value store in the database: server-side sessions, login throttling."""

    id: Serial  # the primary key Piccolo adds; declared for type checkers

    key = Varchar(length=255, unique=True)
    value = Bytea()
    expires_at = Timestamptz(null=True, default=None, index=True)


# --------------------------------------------------------------------------- events


class Event(Table):
    """A conference (hội nghị): one day, one venue, one organizing body."""

    id: Serial  # the primary key Piccolo adds; declared for type checkers
    uid = _uid()

    slug = Varchar(length=80, unique=True)
    title = Text()
    organizer_name = Text(default="")  # cơ quan tổ chức
    co_organizer_name = Text(default="")  # đơn vị phối hợp
    venue = Text(default="")  # địa điểm
    address = Text(default="")
    date = Date()
    starts_at = Time()  # local time in ``timezone``
    ends_at = Time()
    timezone = Varchar(length=64, default="Asia/Ho_Chi_Minh")
    signer_name = Text(default="")  # người ký giấy mời
    signer_title = Text(default="")
    document_number = Varchar(length=100, default="")  # số giấy mời, e.g. 125/GM-SXD
    # The letter in official form (Nghị định 30/2020/NĐ-CP, thể thức văn bản):
    parent_agency = Text(default="")  # cơ quan chủ quản, above the organizer: "UBND …"
    place_of_issue = Text(default="")  # địa danh; empty: the province or city of the address
    issued_on = Date(null=True, default=None)  # ngày ban hành; set when invitations are queued
    signer_authority = Varchar(length=8, default="")  # "", KT., TM., Q., TL., TUQ.
    signer_superior_title = Text(default="")  # "Giám đốc" in "KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC"
    recipients_note = Text(default="")  # "Nơi nhận", one line each; empty: not printed
    invite_signer = Boolean(default=False)  # send the signer an invitation from himself too
    # Send the presidium (đoàn chủ tịch: the delegates seated on the stage) invitations too.
    invite_presidium = Boolean(default=False)
    stage_capacity = Integer(default=10)  # people on the stage line for an award batch
    vip_rank_threshold = Integer(default=3)  # arrivals at or above this rank are announced
    invitation_subject = Text(default="")  # organizer's own wording; empty: the default
    invitation_body = Text(default="")
    seats_published = Boolean(default=False)  # the seat shown on the invitation page and e-mail
    programme_final_at = Timestamptz(null=True, default=None)
    programme_final_by = ForeignKey(User, on_delete=OnDelete.set_null, null=True)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class AuditEntry(Table):
    """Who did what, when: every change an organizer, desk or MC makes."""

    id: Serial  # the primary key Piccolo adds; declared for type checkers
    uid = _uid()

    at = Timestamptz(default=TimestamptzNow(), index=True)
    user = ForeignKey(User, on_delete=OnDelete.set_null, null=True)
    event = ForeignKey(Event, on_delete=OnDelete.cascade, null=True)
    action = Varchar(length=64)
    target = Varchar(length=255, default="")
    details = JSON(default="{}")


class DeskDevice(Table):
    """A phone or tablet paired to one event's front desk by a QR code (thiết bị lễ tân).

    It acts through ``user``, an account of its own (role desk, disabled, no usable
    password), so check-ins and the audit log name it like any account; it signs in
    only by its pairing link. Only the SHA-256 of the link's secret is stored. Each
    use of a link adds one to ``pairings`` and a session keeps the number it got, so
    a phone paired later as the same device signs the earlier one out.

    ``key_hash`` is the SHA-256 of the key the phone paired last keeps in a cookie: an
    installation the event was carried to (a venue laptop) knows the phone by it, with
    no session of its own. The device travels with its event (``uid``).
    """

    id: Serial  # the primary key Piccolo adds; declared for type checkers
    uid = _uid()

    event = ForeignKey(Event, on_delete=OnDelete.cascade, null=False, index=True)
    user = ForeignKey(User, on_delete=OnDelete.cascade, null=False, unique=True)
    label = Varchar(length=64)  # the check-in's desk, e.g. "Bàn 2 – cửa chính"
    pairing_hash = Varchar(length=64, null=True, default=None, unique=True)
    pairing_expires_at = Timestamptz(null=True, default=None)
    pairing_used_at = Timestamptz(null=True, default=None)
    pairings = Integer(default=0)
    paired_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    created_by = ForeignKey(User, on_delete=OnDelete.set_null, null=True)
    key_hash = Varchar(length=64, null=True, default=None)


class Membership(Table):
    """An account's role in one event (unique index ``membership_once``)."""

    id: Serial  # the primary key Piccolo adds; declared for type checkers
    uid = _uid()

    user = ForeignKey(User, on_delete=OnDelete.cascade, null=False)
    event = ForeignKey(Event, on_delete=OnDelete.cascade, null=False, index=True)
    role = Varchar(length=16, choices=Role)
    created_at = Timestamptz(default=TimestamptzNow())


# --------------------------------------------------------------------------- delegates


class Rsvp(StrEnum):
    pending = "pending"
    accepted = "accepted"
    declined = "declined"


class DelegateSource(StrEnum):
    manual = "manual"
    imported = "imported"
    walk_in = "walk_in"  # khách đến không đăng ký trước


class Delegate(Table):
    """A person invited to an event (đại biểu), and their arrival.

    ``checked_in_at`` is the once-only arrival: set by one conditional UPDATE
    (``… WHERE checked_in_at IS NULL``), so two desks cannot both check someone in.
    """

    id: Serial  # the primary key Piccolo adds; declared for type checkers
    uid = _uid()

    event = ForeignKey(Event, on_delete=OnDelete.cascade, null=False, index=True)
    code = Varchar(length=100, null=True, default=None)  # the organizer's own id (Mã)
    full_name = Text()  # NFC, family name first
    honorific = Varchar(length=32, default="")  # danh xưng: Ông, Bà, …
    position = Text(default="")  # chức vụ
    organization = Text(default="")  # đơn vị
    email = Varchar(length=254, null=True, default=None)
    phone = Varchar(length=40, default="")
    group_name = Varchar(length=100, default="")  # nhóm: Lãnh đạo, Khách mời, …
    protocol_rank = Integer(null=True, default=None)  # thứ tự lễ tân; 1 is the highest
    seat = Varchar(length=50, default="")  # ghế
    notes = Text(default="")  # a note for the desk
    notify_on_arrival = Boolean(default=False)
    source = Varchar(length=16, choices=DelegateSource, default=DelegateSource.manual)
    search_key = Text(default="")  # folded name, organization, position: no case, no marks
    # Given, middle, family name as a Vietnamese collation key (text.name_sort_key);
    # compared by code point on both engines (the "C" collation on PostgreSQL), so
    # conference.protocol's ORDER_BY and sort_key agree.
    # The delegate_search index (migrations) is in protocol order: event,
    # (protocol_rank IS NULL), protocol_rank, name_sort_key, id, then search_key.
    name_sort_key = Text(default="")
    token = Varchar(length=64, unique=True)  # invitation token, ≥128 random bits
    revoked_at = Timestamptz(null=True, default=None)  # invitation withdrawn
    rsvp = Varchar(length=16, choices=Rsvp, default=Rsvp.pending)
    rsvp_at = Timestamptz(null=True, default=None)
    rsvp_note = Text(default="")
    checked_in_at = Timestamptz(null=True, default=None, index=True)
    checked_in_desk = Varchar(length=64, default="")
    checked_in_by = ForeignKey(User, on_delete=OnDelete.set_null, null=True)
    checked_in_nonce = Varchar(length=100, null=True, default=None)
    # The MC's introduction: named on their own (True), with their delegation (False),
    # or as their rank says (None: at or above the event's vip_rank_threshold).
    introduce_by_name = Boolean(null=True, default=None)
    stands_in_for = Text(default="")  # dự thay: whom they stand in for ("Giám đốc Sở …")
    # Who comes in their place (cử người dự thay), named on the invitation page or by the
    # organizer; "" for nobody. The same QR code admits them. History: ``Substitution``.
    substitute_honorific = Varchar(length=32, default="")
    substitute_name = Text(default="")
    substitute_position = Text(default="")
    is_signer = Boolean(default=False)  # signs the invitations: not invited unless asked
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class Substitution(Table):
    """One naming (or clearing) of a delegate's substitute: the history kept on their record.

    The latest row is what ``Delegate.substitute_*`` holds; a row with an empty
    ``full_name`` cleared the substitute. ``named_by`` is None when the delegate named
    them on the invitation page. ``uid`` carries the row with its event to another
    installation (a naming at the venue laptop comes back in the history).
    """

    id: Serial  # the primary key Piccolo adds; declared for type checkers

    uid = _uid()
    delegate = ForeignKey(Delegate, on_delete=OnDelete.cascade, null=False, index=True)
    honorific = Varchar(length=32, default="")
    full_name = Text(default="")
    position = Text(default="")
    named_at = Timestamptz(default=TimestamptzNow())
    named_by = ForeignKey(User, on_delete=OnDelete.set_null, null=True)


class RevokedToken(Table):
    """An invitation token replaced by a new one: its QR code answers ``revoked``."""

    id: Serial  # the primary key Piccolo adds; declared for type checkers

    token = Varchar(length=64, unique=True)
    delegate = ForeignKey(Delegate, on_delete=OnDelete.cascade, null=False)
    revoked_at = Timestamptz(default=TimestamptzNow())


class DeliveryState(StrEnum):
    queued = "queued"
    sending = "sending"
    sent = "sent"
    failed = "failed"


class InvitationDelivery(Table):
    """The outbox: one invitation message for one delegate's token on one channel.

    Unique per (delegate, channel, token) (index ``delivery_once``), so a resumed
    run finds the row it already sent instead of sending again.
    """

    id: Serial  # the primary key Piccolo adds; declared for type checkers

    event = ForeignKey(Event, on_delete=OnDelete.cascade, null=False, index=True)
    delegate = ForeignKey(Delegate, on_delete=OnDelete.cascade, null=False)
    channel = Varchar(length=16, default="email")
    token = Varchar(length=64)
    recipient = Varchar(length=254, default="")
    state = Varchar(length=16, choices=DeliveryState, default=DeliveryState.queued, index=True)
    attempts = Integer(default=0)
    last_error = Text(default="")
    message_id = Varchar(length=255, default="")
    claimed_at = Timestamptz(null=True, default=None)
    claimed_by = Varchar(length=100, default="")  # host:pid of the sender holding the row
    sent_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class ScanResult(StrEnum):
    ok = "ok"
    already_checked_in = "already_checked_in"
    unknown = "unknown"
    revoked = "revoked"
    other_event = "other_event"
    invalid = "invalid"  # refused before it was read: a scan time in the future, another day


class CheckInAttempt(Table):
    """Every scan or manual check-in attempt, whatever its result."""

    id: Serial  # the primary key Piccolo adds; declared for type checkers
    uid = _uid()

    event = ForeignKey(Event, on_delete=OnDelete.cascade, null=False, index=True)
    delegate = ForeignKey(Delegate, on_delete=OnDelete.set_null, null=True)
    scanned_text = Text(default="")  # what the scanner read, cut to a sane length
    result = Varchar(length=32, choices=ScanResult)
    desk = Varchar(length=64, default="")
    user = ForeignKey(User, on_delete=OnDelete.set_null, null=True)
    nonce = Varchar(length=100, null=True, default=None)
    at = Timestamptz(default=TimestamptzNow(), index=True)
    scanned_at = Timestamptz(null=True, default=None)  # when the desk made it, if it said
    offline = Boolean(default=False)  # made while the desk could not reach the server


class CheckInConflict(Table):
    """A scan made offline that admitted someone already checked in (a second desk).

    The first upload is the check-in; each later one is a conflict, recorded once per
    scan (``nonce`` is unique), for the organizer to see and mark reviewed.
    """

    id: Serial  # the primary key Piccolo adds; declared for type checkers
    uid = _uid()

    event = ForeignKey(Event, on_delete=OnDelete.cascade, null=False, index=True)
    delegate = ForeignKey(Delegate, on_delete=OnDelete.cascade, null=False)
    nonce = Varchar(length=100, null=True, default=None, unique=True)
    desk = Varchar(length=64, default="")
    user = ForeignKey(User, on_delete=OnDelete.set_null, null=True)
    scanned_at = Timestamptz()  # when this desk admitted them
    first_checked_in_at = Timestamptz()  # the check-in that stands
    first_desk = Varchar(length=64, default="")
    recorded_at = Timestamptz(default=TimestamptzNow())
    reviewed_at = Timestamptz(null=True, default=None)
    reviewed_by = ForeignKey(User, on_delete=OnDelete.set_null, null=True)


class DelegateRemoval(Table):
    """A tombstone: a delegate deleted from an event, for the desks' incremental snapshots."""

    id: Serial  # the primary key Piccolo adds; declared for type checkers

    event = ForeignKey(Event, on_delete=OnDelete.cascade, null=False)
    delegate_id = Integer()  # the id it had; the row itself is gone
    removed_at = Timestamptz(default=TimestamptzNow(), index=True)


# --------------------------------------------------------------------------- programme


class ItemKind(StrEnum):
    reception = "reception"  # đón tiếp đại biểu
    performance = "performance"  # văn nghệ
    opening = "opening"  # tuyên bố lý do, giới thiệu đại biểu
    report = "report"  # báo cáo
    contribution = "contribution"  # tham luận
    directive = "directive"  # phát biểu chỉ đạo
    awards = "awards"  # trao khen thưởng
    break_ = "break"
    photo = "photo"  # chụp ảnh lưu niệm
    closing = "closing"  # bế mạc
    other = "other"


class ProgrammeItem(Table):
    """One item of the day's programme; actual times feed the live delays."""

    id: Serial  # the primary key Piccolo adds; declared for type checkers
    uid = _uid()

    event = ForeignKey(Event, on_delete=OnDelete.cascade, null=False, index=True)
    position = Integer(default=0)
    starts_at = Timestamptz()
    duration_min = Integer(default=10)
    title = Text()
    kind = Varchar(length=32, choices=ItemKind, default=ItemKind.other)
    room = Varchar(length=100, default="")
    description = Text(default="")
    actual_start = Timestamptz(null=True, default=None)
    actual_end = Timestamptz(null=True, default=None)


class Speaker(Table):
    """A speaker of a programme item: a delegate, or free text.

    ``name`` keeps a readable name even when the delegate is deleted.
    """

    id: Serial  # the primary key Piccolo adds; declared for type checkers
    uid = _uid()

    item = ForeignKey(ProgrammeItem, on_delete=OnDelete.cascade, null=False)
    position = Integer(default=0)
    delegate = ForeignKey(Delegate, on_delete=OnDelete.set_null, null=True)
    name = Text(default="")
    title = Text(default="")
    role = Varchar(length=100, default="")  # báo cáo, phát biểu chỉ đạo, chủ trì
    slot_min = Integer(null=True, default=None)  # planned slot; None: the item's share
    spoke_s = Integer(null=True, default=None)  # the speech's length, as the timer measured it


class SpeechTimer(Table):
    """The speaker timer of an event (đồng hồ bấm giờ): one row an event.

    The time spoken is ``elapsed_ms`` plus, while it runs, the time since
    ``running_since``; every change is one conditional UPDATE on ``version``, so two
    presses at once are applied one after the other, never one over the other.
    """

    id: Serial  # the primary key Piccolo adds; declared for type checkers
    uid = _uid()

    event = ForeignKey(Event, on_delete=OnDelete.cascade, null=False, unique=True)
    item = ForeignKey(ProgrammeItem, on_delete=OnDelete.set_null, null=True)
    speaker = ForeignKey(Speaker, on_delete=OnDelete.set_null, null=True)  # None: idle
    planned_s = Integer(default=0)  # the slot, with every extension
    elapsed_ms = Integer(default=0)
    running_since = Timestamptz(null=True, default=None)
    warning_s = Integer(default=120)  # amber this long before the end
    version = Integer(default=0)


# --------------------------------------------------------------------------- awards


class AwardForm(Table):
    """A form of award conferred by one decision (e.g. Bằng khen của Bộ trưởng Bộ Xây dựng)."""

    id: Serial  # the primary key Piccolo adds; declared for type checkers
    uid = _uid()

    event = ForeignKey(Event, on_delete=OnDelete.cascade, null=False, index=True)
    rank = Integer(default=0)  # 1 is the highest; presented first
    title = Text()
    decision_number = Varchar(length=100, default="")  # số quyết định
    decision_date = Date(null=True, default=None)
    issuer = Text(default="")


class RecipientKind(StrEnum):
    individual = "individual"  # cá nhân
    collective = "collective"  # tập thể


class Presence(StrEnum):
    """What the stage manager marked; ``arrived``/``not_arrived`` come from check-in."""

    expected = "expected"
    present = "present"  # có mặt: seen at the stage (someone not on the list, or not scanned)
    stand_in = "stand_in"  # nhận thay
    absent = "absent"  # deliver later


class CueKind(StrEnum):
    announcement = "announcement"  # the MC reads the decision (công bố quyết định)
    batch = "batch"  # a group of recipients called to the stage, with its music and photo
    custom = "custom"  # a speech, a performance: the organizer's own script


class CueState(StrEnum):
    pending = "pending"
    live = "live"
    done = "done"
    skipped = "skipped"


class Cue(Table):
    """One step of the award-presentation run sheet, read by the MC.

    At most one cue of an event is ``live`` (index ``cue_one_live``); the live
    state moves by conditional UPDATEs, so two Nexts at once are one step.
    ``script`` is what the MC reads when ``script_edited`` (or for a custom cue);
    otherwise the script is generated afresh from the award list when read.
    """

    id: Serial  # the primary key Piccolo adds; declared for type checkers
    uid = _uid()

    event = ForeignKey(Event, on_delete=OnDelete.cascade, null=False, index=True)
    position = Integer(default=0)
    kind = Varchar(length=32, default="custom")  # a CueKind
    title = Text(default="")
    script = Text(default="")
    script_edited = Boolean(default=False)  # hand-edited: kept as written
    music = Text(default="")  # for the sound desk, a batch's walk-up music (nhạc)
    photo = Text(default="")  # for the photographer, after a batch (chụp ảnh)
    state = Varchar(length=16, default="pending")  # a CueState
    award_form = ForeignKey(AwardForm, on_delete=OnDelete.set_null, null=True)
    programme_item = ForeignKey(ProgrammeItem, on_delete=OnDelete.set_null, null=True)
    planned_duration_s = Integer(default=60)
    started_at = Timestamptz(null=True, default=None)
    ended_at = Timestamptz(null=True, default=None)


class CuePresenter(Table):
    """A leader who hands out the certificates of a batch."""

    id: Serial  # the primary key Piccolo adds; declared for type checkers
    uid = _uid()

    cue = ForeignKey(Cue, on_delete=OnDelete.cascade, null=False)
    delegate = ForeignKey(Delegate, on_delete=OnDelete.set_null, null=True)
    name = Text(default="")
    position = Integer(default=0)


class AwardRecipient(Table):
    """A collective or an individual receiving an award, in calling order."""

    id: Serial  # the primary key Piccolo adds; declared for type checkers
    uid = _uid()

    award_form = ForeignKey(AwardForm, on_delete=OnDelete.cascade, null=False, index=True)
    position = Integer(default=0)
    kind = Varchar(length=16, choices=RecipientKind, default=RecipientKind.individual)
    name = Text()  # the person, or the collective's name
    # Of whoever is called: the individual, or a collective's representative.
    honorific = Varchar(length=32, default="")
    title = Text(default="")  # chức vụ, when no delegate record gives it
    organization = Text(default="")  # đơn vị, when no delegate record gives it
    representative_name = Text(default="")  # a collective's, when not on the delegate list
    delegate = ForeignKey(Delegate, on_delete=OnDelete.set_null, null=True)  # who receives
    citation = Text(default="")  # thành tích
    pronunciation_note = Text(default="")
    presence = Varchar(length=16, choices=Presence, default=Presence.expected)
    stand_in_name = Text(default="")
    stand_in_delegate = ForeignKey(Delegate, on_delete=OnDelete.set_null, null=True)
    cue = ForeignKey(Cue, on_delete=OnDelete.set_null, null=True)  # the batch that calls them
    cue_position = Integer(default=0)  # place on the stage line, left to right
    delivered_at = Timestamptz(null=True, default=None)  # handed over after the ceremony


class AddressForm(StrEnum):
    comrade = "comrade"  # "đồng chí": Party and State meetings
    honorific = "honorific"  # "Ông/Bà", from each delegate's honorific


class Introduction(Table):
    """The MC's introduction of delegates (giới thiệu đại biểu) of an event: one row.

    ``script`` is what the MC reads when ``script_edited``; otherwise it is built
    afresh from who has checked in. ``read_at``: when the MC read it (arrivals after
    it are introduced on their own, "giới thiệu bổ sung").
    """

    id: Serial  # the primary key Piccolo adds; declared for type checkers
    uid = _uid()

    event = ForeignKey(Event, on_delete=OnDelete.cascade, null=False, unique=True)
    address_form = Varchar(length=16, choices=AddressForm, default=AddressForm.comrade)
    script = Text(default="")
    script_edited = Boolean(default=False)
    read_at = Timestamptz(null=True, default=None)


class Rehearsal(Table):
    """A rehearsal under way (tổng duyệt): the live records as they were at its start.

    One row an event (unique), so a rehearsal cannot start twice; its end puts every
    record back from ``snapshot`` and deletes the row, in one transaction.
    """

    id: Serial  # the primary key Piccolo adds; declared for type checkers

    event = ForeignKey(Event, on_delete=OnDelete.cascade, null=False, unique=True)
    started_at = Timestamptz(default=TimestamptzNow())
    started_by = ForeignKey(User, on_delete=OnDelete.set_null, null=True)
    snapshot = JSON(default="{}")


# --------------------------------------------------------------------------- seating


class HonourSide(StrEnum):
    right = "right"  # the right of the centre, seen from the hall: Vietnamese practice
    left = "left"


class Coming(StrEnum):
    """Whom automatic placement seats."""

    not_declined = "not_declined"  # accepted or not yet answered
    accepted = "accepted"


class SeatingHall(Table, tablename="seating_hall"):
    """An event's hall (hội trường): its layout as JSON (``seating/hall.schema.json``) and
    how automatic placement reads it. The seats themselves are ``HallSeat`` rows."""

    id: Serial  # the primary key Piccolo adds; declared for type checkers
    uid = _uid()

    event = ForeignKey(Event, on_delete=OnDelete.cascade, null=False, unique=True)
    layout = JSON(default="{}")
    honour_side = Varchar(length=8, choices=HonourSide, default=HonourSide.right)
    coming = Varchar(length=16, choices=Coming, default=Coming.not_declined)
    updated_at = Timestamptz(default=TimestamptzNow())


class HallSeat(Table, tablename="hall_seat"):
    """One seat of an event's hall, and who sits in it.

    ``delegate`` is UNIQUE: one seat per person, kept by the database however many
    organizers move people at once; a row holds one delegate: one person per seat.
    ``depth`` counts rows from the stage (the presidium is -1); ``x`` is the seat's
    place across the hall in half-seat units, 0 at the centre, positive to the right
    seen from the hall. Placement orders seats by them.
    """

    id: Serial  # the primary key Piccolo adds; declared for type checkers
    uid = _uid()

    event = ForeignKey(Event, on_delete=OnDelete.cascade, null=False, index=True)
    label = Varchar(length=50)  # what the delegate's ``seat`` says, e.g. "B-C12"
    block = Varchar(length=50, default="")  # khu
    row = Varchar(length=20, default="")  # hàng
    number = Integer(default=0)  # ghế
    presidium = Boolean(default=False)  # đoàn chủ tịch, on the stage
    blocked = Boolean(default=False)  # nobody sits here (a camera, a pillar)
    reserved_for = Varchar(length=100, default="")  # a group's seat (Lãnh đạo, Báo chí…)
    depth = Integer(default=0)
    x = Integer(default=0)
    delegate = ForeignKey(Delegate, on_delete=OnDelete.set_null, null=True, unique=True)
    pinned = Boolean(default=False)  # ghim: set by hand, kept by automatic placement


# --------------------------------------------------------------------------- transfers


class Installation(Table):
    """This installation's own id (one row, made when first needed): written into each
    event export, so an import knows a file it wrote itself from another's."""

    id: Serial  # the primary key Piccolo adds; declared for type checkers

    uid = Varchar(length=32, default=new_uid)
    created_at = Timestamptz(default=TimestamptzNow())


class TransferDirection(StrEnum):
    export = "export"
    import_ = "import"


class EventTransfer(Table, tablename="event_transfer"):
    """An event export written here, or an export file imported here (unique index
    ``event_transfer_once``): what the next import compares against.

    ``row_hashes`` maps each carried row's uid to a digest of its contents as the file
    held it: the common state of both installations, from which an import tells a change
    made there from one made here.
    """

    id: Serial  # the primary key Piccolo adds; declared for type checkers

    event = ForeignKey(Event, on_delete=OnDelete.cascade, null=False, index=True)
    direction = Varchar(length=8, choices=TransferDirection)
    file_id = Varchar(length=32)
    installation = Varchar(length=32)  # the installation that wrote the file
    exported_at = Timestamptz()
    recorded_at = Timestamptz(default=TimestamptzNow())
    row_hashes = JSON(default="{}")


ALL_TABLES: tuple[type[Table], ...] = (
    User,
    ApiToken,
    StoreEntry,
    Event,
    DeskDevice,
    Membership,
    AuditEntry,
    Delegate,
    Substitution,
    RevokedToken,
    InvitationDelivery,
    CheckInAttempt,
    CheckInConflict,
    DelegateRemoval,
    ProgrammeItem,
    Speaker,
    AwardForm,
    Cue,
    CuePresenter,
    AwardRecipient,
    Introduction,
    SpeechTimer,
    Rehearsal,
    SeatingHall,
    HallSeat,
    Installation,
    EventTransfer,
)
