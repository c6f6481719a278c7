"""Substitutes (cử người dự thay): who comes in a delegate's place, and the history of it.

``delegate.substitute_honorific``, ``substitute_name``, ``substitute_position`` hold the
substitute named last ("" for nobody); ``substitution`` keeps every naming and clearing.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import ForeignKey, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table

ID = "2026-12-03T19:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "substitutes named in a delegate's place, with their history"


def _serial():
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


class User(Table, tablename="app_user", schema=None):
    id = _serial()


class Delegate(Table, tablename="delegate", schema=None):
    id = _serial()


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


DELEGATE_COLUMNS = (
    ("substitute_honorific", Varchar, _params(length=32, default="")),
    ("substitute_name", Text, _params(default="")),
    ("substitute_position", Text, _params(default="")),
)
SUBSTITUTION_COLUMNS = (
    ("honorific", Varchar, _params(length=32, default="")),
    ("full_name", Text, _params(default="")),
    ("position", Text, _params(default="")),
    ("named_at", Timestamptz, _params(default=TimestamptzNow())),
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="conference", description=DESCRIPTION)
    for name, column_class, params in DELEGATE_COLUMNS:
        manager.add_column(
            table_class_name="Delegate",
            tablename="delegate",
            column_name=name,
            db_column_name=name,
            column_class_name=column_class.__name__,
            column_class=column_class,
            params=params,
            schema=None,
        )

    manager.add_table(
        class_name="Substitution", tablename="substitution", schema=None, columns=None
    )
    manager.add_column(
        table_class_name="Substitution",
        tablename="substitution",
        column_name="delegate",
        db_column_name="delegate",
        column_class_name="ForeignKey",
        column_class=ForeignKey,
        params=_params(
            references=Delegate,
            on_delete=OnDelete.cascade,
            on_update=OnUpdate.cascade,
            target_column=None,
            index=True,
        ),
        schema=None,
    )
    for name, column_class, params in SUBSTITUTION_COLUMNS:
        manager.add_column(
            table_class_name="Substitution",
            tablename="substitution",
            column_name=name,
            db_column_name=name,
            column_class_name=column_class.__name__,
            column_class=column_class,
            params=params,
            schema=None,
        )
    manager.add_column(
        table_class_name="Substitution",
        tablename="substitution",
        column_name="named_by",
        db_column_name="named_by",
        column_class_name="ForeignKey",
        column_class=ForeignKey,
        params=_params(
            references=User,
            on_delete=OnDelete.set_null,
            on_update=OnUpdate.cascade,
            target_column=None,
            null=True,
        ),
        schema=None,
    )
    return manager
