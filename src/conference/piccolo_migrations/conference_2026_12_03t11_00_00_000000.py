"""Accounts that belong to events: memberships, department administrators, sessions that end.

``membership`` holds an account's role in one event. ``app_user.administrator`` marks a
department administrator, ``app_user.every_event`` a department-wide account (a desk or
MC account of every event), ``app_user.session_generation`` the number every session of
the account carries (raised to end them all). ``api_token.expires_at``: a token may
expire. The accounts already there keep what they could do (the next migration).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import (
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

ID = "2026-12-03T11:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "memberships, administrators, session generations, token expiry"


class User(Table, tablename="app_user", schema=None):
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

    for name in ("administrator", "every_event"):
        manager.add_column(
            table_class_name="User",
            tablename="app_user",
            column_name=name,
            db_column_name=name,
            column_class_name="Boolean",
            column_class=Boolean,
            params=_params(default=False),
            schema=None,
        )
    manager.add_column(
        table_class_name="User",
        tablename="app_user",
        column_name="session_generation",
        db_column_name="session_generation",
        column_class_name="Integer",
        column_class=Integer,
        params=_params(default=0),
        schema=None,
    )
    manager.add_column(
        table_class_name="ApiToken",
        tablename="api_token",
        column_name="expires_at",
        db_column_name="expires_at",
        column_class_name="Timestamptz",
        column_class=Timestamptz,
        params=_params(default=None, null=True),
        schema=None,
    )

    manager.add_table(class_name="Membership", tablename="membership", schema=None, columns=None)
    for name, target in (("user", User), ("event", Event)):
        manager.add_column(
            table_class_name="Membership",
            tablename="membership",
            column_name=name,
            db_column_name=name,
            column_class_name="ForeignKey",
            column_class=ForeignKey,
            params=_params(
                references=target,
                on_delete=OnDelete.cascade,
                on_update=OnUpdate.cascade,
                target_column=None,
                index=name == "event",
            ),
            schema=None,
        )
    manager.add_column(
        table_class_name="Membership",
        tablename="membership",
        column_name="role",
        db_column_name="role",
        column_class_name="Varchar",
        column_class=Varchar,
        params=_params(length=16, default=""),
        schema=None,
    )
    manager.add_column(
        table_class_name="Membership",
        tablename="membership",
        column_name="created_at",
        db_column_name="created_at",
        column_class_name="Timestamptz",
        column_class=Timestamptz,
        params=_params(default=TimestamptzNow()),
        schema=None,
    )
    return manager
