"""The letter in official form (Nghị định 30/2020/NĐ-CP): parent agency, place and date of
issue, the signer's authority, "Nơi nhận"; the signer marked among the delegates."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Boolean, Date, Text, Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-03T13:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "the invitation letter in official form: parent agency, issue, authority, recipients"


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


EVENT_COLUMNS = (
    ("parent_agency", Text, _params(default="")),
    ("place_of_issue", Text, _params(default="")),
    ("issued_on", Date, _params(default=None, null=True)),
    ("signer_authority", Varchar, _params(length=8, default="")),
    ("signer_superior_title", Text, _params(default="")),
    ("recipients_note", Text, _params(default="")),
    ("invite_signer", Boolean, _params(default=False)),
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="conference", description=DESCRIPTION)
    for name, column_class, params in EVENT_COLUMNS:
        manager.add_column(
            table_class_name="Event",
            tablename="event",
            column_name=name,
            db_column_name=name,
            column_class_name=column_class.__name__,
            column_class=column_class,
            params=params,
            schema=None,
        )
    manager.add_column(
        table_class_name="Delegate",
        tablename="delegate",
        column_name="is_signer",
        db_column_name="is_signer",
        column_class_name="Boolean",
        column_class=Boolean,
        params=_params(default=False),
        schema=None,
    )
    return manager
