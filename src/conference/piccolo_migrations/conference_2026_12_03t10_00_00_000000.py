"""The speaker timer and rehearsals: a slot for each speaker, the timer's state, snapshots.

``speaker.slot_min`` is a speaker's planned slot and ``speaker.spoke_s`` the length of
the speech as the timer measured it. ``speech_timer`` holds one event's timer (one row
an event). ``rehearsal`` holds what the live records were when a rehearsal started,
restored when it ends; one row an event, so a second start is refused by the database.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import JSON, ForeignKey, Integer, Serial, Timestamptz
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table

ID = "2026-12-03T10:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "speaker timer: slots, measured speeches, the timer's state; rehearsal snapshots"


def _id():
    return Serial(
        null=False,
        primary_key=True,
        unique=False,
        index=False,
        index_method=IndexMethod.btree,
        choices=None,
        db_column_name="id",
        secret=False,
    )


class Event(Table, tablename="event", schema=None):
    id = _id()


class ProgrammeItem(Table, tablename="programme_item", schema=None):
    id = _id()


class Speaker(Table, tablename="speaker", schema=None):
    id = _id()


class AppUser(Table, tablename="app_user", schema=None):
    id = _id()


def _params(**values):
    params = {
        "null": False,
        "primary_key": False,
        "unique": False,
        "index": False,
        "index_method": IndexMethod.btree,
        "choices": None,
        "db_column_name": None,
        "secret": False,
    }
    params.update(values)
    return params


def _fk(references, on_delete, **values):
    return _params(
        references=references,
        on_delete=on_delete,
        on_update=OnUpdate.cascade,
        target_column=None,
        **values,
    )


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="conference", description=DESCRIPTION)

    def column(table, tablename, name, cls, params):
        manager.add_column(
            table_class_name=table,
            tablename=tablename,
            column_name=name,
            db_column_name=name,
            column_class_name=cls.__name__,
            column_class=cls,
            params=params,
            schema=None,
        )

    column("Speaker", "speaker", "slot_min", Integer, _params(default=None, null=True))
    column("Speaker", "speaker", "spoke_s", Integer, _params(default=None, null=True))

    manager.add_table(class_name="SpeechTimer", tablename="speech_timer", schema=None, columns=None)
    timer = ("SpeechTimer", "speech_timer")
    column(*timer, "event", ForeignKey, _fk(Event, OnDelete.cascade, unique=True))
    column(*timer, "item", ForeignKey, _fk(ProgrammeItem, OnDelete.set_null, null=True))
    column(*timer, "speaker", ForeignKey, _fk(Speaker, OnDelete.set_null, null=True))
    column(*timer, "planned_s", Integer, _params(default=0))
    column(*timer, "elapsed_ms", Integer, _params(default=0))
    column(*timer, "running_since", Timestamptz, _params(default=None, null=True))
    column(*timer, "warning_s", Integer, _params(default=120))
    column(*timer, "version", Integer, _params(default=0))

    manager.add_table(class_name="Rehearsal", tablename="rehearsal", schema=None, columns=None)
    rehearsal = ("Rehearsal", "rehearsal")
    column(*rehearsal, "event", ForeignKey, _fk(Event, OnDelete.cascade, unique=True))
    column(*rehearsal, "started_at", Timestamptz, _params(default=TimestamptzNow()))
    column(*rehearsal, "started_by", ForeignKey, _fk(AppUser, OnDelete.set_null, null=True))
    column(*rehearsal, "snapshot", JSON, _params(default="{}"))
    return manager
