"""The MC's introduction of delegates: who is named on their own, who stands in, the script."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import Boolean, ForeignKey, Serial, Text, Timestamptz, Varchar
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table

ID = "2026-12-02T16:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "introduction of delegates: by name, stand-ins, the MC's script"


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

    manager.add_column(
        table_class_name="Delegate",
        tablename="delegate",
        column_name="introduce_by_name",
        db_column_name="introduce_by_name",
        column_class_name="Boolean",
        column_class=Boolean,
        params=_params(default=None, null=True),
        schema=None,
    )
    manager.add_column(
        table_class_name="Delegate",
        tablename="delegate",
        column_name="stands_in_for",
        db_column_name="stands_in_for",
        column_class_name="Text",
        column_class=Text,
        params=_params(default=""),
        schema=None,
    )

    manager.add_table(
        class_name="Introduction", tablename="introduction", schema=None, columns=None
    )
    manager.add_column(
        table_class_name="Introduction",
        tablename="introduction",
        column_name="event",
        db_column_name="event",
        column_class_name="ForeignKey",
        column_class=ForeignKey,
        params=_params(
            references=Event,
            on_delete=OnDelete.cascade,
            on_update=OnUpdate.cascade,
            target_column=None,
            unique=True,
        ),
        schema=None,
    )
    manager.add_column(
        table_class_name="Introduction",
        tablename="introduction",
        column_name="address_form",
        db_column_name="address_form",
        column_class_name="Varchar",
        column_class=Varchar,
        params=_params(length=16, default="comrade"),
        schema=None,
    )
    manager.add_column(
        table_class_name="Introduction",
        tablename="introduction",
        column_name="script",
        db_column_name="script",
        column_class_name="Text",
        column_class=Text,
        params=_params(default=""),
        schema=None,
    )
    manager.add_column(
        table_class_name="Introduction",
        tablename="introduction",
        column_name="script_edited",
        db_column_name="script_edited",
        column_class_name="Boolean",
        column_class=Boolean,
        params=_params(default=False),
        schema=None,
    )
    manager.add_column(
        table_class_name="Introduction",
        tablename="introduction",
        column_name="read_at",
        db_column_name="read_at",
        column_class_name="Timestamptz",
        column_class=Timestamptz,
        params=_params(default=None, null=True),
        schema=None,
    )
    return manager
