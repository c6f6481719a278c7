"""Seating: an event's hall (its layout as JSON) and its seats, one delegate a seat.

``hall_seat.delegate`` is UNIQUE: one seat per person, kept by the database. The
unique label of a seat per event is an index of the next migration (Piccolo runs raw
steps before the table steps, so it cannot be made here).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import (
    JSON,
    Boolean,
    ForeignKey,
    Integer,
    Serial,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table

ID = "2026-12-03T12:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "seating: the hall and its seats, one person a seat, one seat a person"


class Event(Table, tablename="event", schema=None):
    id = Serial(
        null=False,
        primary_key=True,
        unique=False,
        index=False,
        index_method=IndexMethod.btree,
        choices=None,
        db_column_name="id",
        secret=False,
    )


class Delegate(Table, tablename="delegate", schema=None):
    id = Serial(
        null=False,
        primary_key=True,
        unique=False,
        index=False,
        index_method=IndexMethod.btree,
        choices=None,
        db_column_name="id",
        secret=False,
    )


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


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="conference", description=DESCRIPTION)

    def column(table_class, tablename, name, column_class, **params):
        manager.add_column(
            table_class_name=table_class,
            tablename=tablename,
            column_name=name,
            db_column_name=name,
            column_class_name=column_class.__name__,
            column_class=column_class,
            params=_params(**params),
            schema=None,
        )

    manager.add_table(class_name="SeatingHall", tablename="seating_hall", schema=None, columns=None)
    hall = ("SeatingHall", "seating_hall")
    column(
        *hall,
        "event",
        ForeignKey,
        references=Event,
        on_delete=OnDelete.cascade,
        on_update=OnUpdate.cascade,
        target_column=None,
        unique=True,
    )
    column(*hall, "layout", JSON, default="{}")
    column(*hall, "honour_side", Varchar, length=8, default="right")
    column(*hall, "coming", Varchar, length=16, default="not_declined")
    column(*hall, "updated_at", Timestamptz, default=TimestamptzNow())

    manager.add_table(class_name="HallSeat", tablename="hall_seat", schema=None, columns=None)
    seat = ("HallSeat", "hall_seat")
    column(
        *seat,
        "event",
        ForeignKey,
        references=Event,
        on_delete=OnDelete.cascade,
        on_update=OnUpdate.cascade,
        target_column=None,
        index=True,
    )
    column(*seat, "label", Varchar, length=50, default="")
    column(*seat, "block", Varchar, length=50, default="")
    column(*seat, "row", Varchar, length=20, default="")
    column(*seat, "number", Integer, default=0)
    column(*seat, "presidium", Boolean, default=False)
    column(*seat, "blocked", Boolean, default=False)
    column(*seat, "reserved_for", Varchar, length=100, default="")
    column(*seat, "depth", Integer, default=0)
    column(*seat, "x", Integer, default=0)
    column(
        *seat,
        "delegate",
        ForeignKey,
        references=Delegate,
        on_delete=OnDelete.set_null,
        on_update=OnUpdate.cascade,
        target_column=None,
        null=True,
        default=None,
        unique=True,
    )
    column(*seat, "pinned", Boolean, default=False)
    return manager
