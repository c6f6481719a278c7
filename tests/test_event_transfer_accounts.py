"""Accounts are matched by username on import: when the event first comes to an
installation whose account of that name is another person, the import is refused in one
line (their memberships would give that person roles), and nothing is written."""

from __future__ import annotations

from conference import auth
from conference.events import get_event
from conference.tables import Event, Membership, Role, User
from conference.transfer import export_event
from tests.invitations.helpers import make_event
from tests.test_cli import assert_one_line_error, conference
from tests.test_event_transfer import SLUG, bound_to, laptop

__all__ = ["laptop"]  # the fixture, used by name


async def _members() -> dict[str, str]:
    rows = await Membership.select(Membership.user.username.as_alias("username"), Membership.role)
    return {row["username"]: row["role"] for row in rows}


async def test_an_account_of_the_same_name_that_is_another_person_refuses_the_import(
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

    def load():
        return conference(
            "event",
            "import",
            str(tmp_path / "to-the-hall.json.gz"),
            env={
                "CONFERENCE_DATABASE_URL": f"sqlite:///{tmp_path / 'laptop.sqlite3'}",
                "CONFERENCE_INSTANCE_DIR": str(tmp_path / "i"),
                "CONFERENCE_LANGUAGE": "en",
            },
        )

    refused = load()
    assert_one_line_error(refused)
    assert refused.stderr.strip() == (
        "conference: The account letan here (Trần Văn Tâm) is another person than the one of "
        "that name in the file (Nguyễn Thị Lan): rename or remove the account here, then "
        "import again. Nothing was imported."
    )
    with bound_to(laptop):
        assert await Event.count() == 0 and await Membership.count() == 0
        assert await User.count() == 2
        # Its own "letan" renamed, the laptop takes the event: the central server's letan
        # comes as a new account, and "mc" is recognised as the same person.
        await User.update({User.username: "tam"}).where(User.username == "letan")
    loaded = load()
    assert loaded.returncode == 0, loaded.stderr
    with bound_to(laptop):
        assert await _members() == {"letan": "desk", "mc": "desk"}
        assert await User.count() == 3
