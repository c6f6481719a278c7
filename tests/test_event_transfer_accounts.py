"""Accounts are matched by username on import: one of the same name that is another person
here is not given the file's memberships, and the command says so in one line."""

from __future__ import annotations

from conference import auth
from conference.events import get_event
from conference.tables import Membership, Role, User
from conference.transfer import export_event
from tests.invitations.helpers import make_event
from tests.test_cli import conference
from tests.test_event_transfer import SLUG, bound_to, laptop

__all__ = ["laptop"]  # the fixture, used by name


async def _members() -> dict[str, str]:
    rows = await Membership.select(Membership.user.username.as_alias("username"), Membership.role)
    return {row["username"]: row["role"] for row in rows}


async def test_an_account_of_the_same_name_that_is_another_person_gets_no_membership(
    db, laptop, tmp_path
):
    event_id, _ = await make_event(SLUG)
    for username, name in (("letan", "Nguyễn Thị Lan"), ("mc", "Phạm Minh Tuấn")):
        await auth.create_user(
            username, "correct horse battery", Role.desk, display_name=name, events=[event_id]
        )
    await export_event((await get_event(SLUG))["id"], tmp_path / "to-the-hall.json.gz")
    with bound_to(laptop):
        # The laptop has a "letan" of its own, someone else; its "mc" is the same person,
        # written without diacritics.
        await auth.create_user("letan", "another password!", Role.desk, display_name="Trần Văn Tâm")
        await auth.create_user("mc", "another password!", Role.mc, display_name="pham minh tuan")

    done = conference(
        "event",
        "import",
        str(tmp_path / "to-the-hall.json.gz"),
        env={
            "CONFERENCE_DATABASE_URL": f"sqlite:///{tmp_path / 'laptop.sqlite3'}",
            "CONFERENCE_INSTANCE_DIR": str(tmp_path / "i"),
            "CONFERENCE_LANGUAGE": "en",
        },
    )
    assert done.returncode == 0, done.stderr
    [line] = [line for line in done.stdout.splitlines() if "another person" in line]
    assert line == (
        "The account letan here (Trần Văn Tâm) is another person than the one of that name "
        "in the file (Nguyễn Thị Lan): the file's memberships and actions of that account "
        "were not given to the one here."
    )
    with bound_to(laptop):
        assert await _members() == {"mc": "desk"}
        assert await User.count() == 2  # no account was added or merged
