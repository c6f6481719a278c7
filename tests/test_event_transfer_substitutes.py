"""The substitutes' history travels with the event: a naming at the venue laptop comes back
in the delegate's history with who made it and when, each naming kept, and a delegate the
other side deleted stays, whole history and all, while a naming here still refers to them."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from conference import auth
from conference.events import get_event
from conference.invitations.substitutes import history, read_substitute, set_substitute
from conference.tables import Delegate, Role, Substitution, User
from conference.transfer import document, export_event, import_event
from tests.invitations.helpers import PEOPLE
from tests.test_event_transfer import SLUG, _central_event, bound_to, laptop

__all__ = ["laptop"]  # the fixture, used by name


async def _delegate(index: int) -> dict:
    return await Delegate.select().where(Delegate.full_name == PEOPLE[index].full_name).first()


async def _name(index: int, substitute: str, *, by: str | None = "btc") -> None:
    """Name ``substitute`` in place of PEOPLE[index]: by the organizer ``by``, or (None)
    by the delegate on their invitation page."""
    delegate = await _delegate(index)
    actor = None
    if by is not None:
        user = await User.select(User.id).where(User.username == by).first()
        actor = await auth.get_active_user(user["id"])
    await set_substitute(delegate["event"], delegate, read_substitute(substitute, "Ông"), by=actor)


async def _story(index: int) -> list[tuple[str, str]]:
    """PEOPLE[index]'s history of substitutes, oldest first: (name, by whom)."""
    return [(row["full_name"], row["by"]) for row in await history((await _delegate(index))["id"])]


async def _to_the_hall(tmp_path: Path, laptop, namings: dict[int, str]) -> int:
    """The central event with its organizer ``btc``, who names each substitute of
    ``namings`` (PEOPLE's index → name) before it is exported and imported on the laptop;
    answers the central event's id."""
    event_id, _ = await _central_event()
    await auth.create_user("btc", "correct horse battery", Role.organizer, events=[event_id])
    for index, substitute in namings.items():
        await _name(index, substitute)
    await export_event(event_id, tmp_path / "to-the-hall.json.gz")
    with bound_to(laptop):
        await import_event(tmp_path / "to-the-hall.json.gz")
    return event_id


async def test_substitutes_named_at_the_hall_come_back_in_the_delegates_history(
    db, laptop, tmp_path: Path
):
    event_id = await _to_the_hall(tmp_path, laptop, {0: "Trần Văn Bình"})
    named_centrally = (await Substitution.select(Substitution.named_at).first())["named_at"]
    with bound_to(laptop):
        # The history came along, who named him and when included.
        assert await _story(0) == [("Trần Văn Bình", "btc")]
        assert (await Substitution.select(Substitution.named_at).first())["named_at"] == (
            named_centrally
        )
        # At the hall: the delegate names someone else himself; the organizer names two
        # people in turn for another delegate.
        await _name(0, "Lê Thị Hoa", by=None)
        await _name(2, "Phạm Quốc Việt")
        await _name(2, "Đỗ Minh Châu")
        await export_event((await get_event(SLUG))["id"], tmp_path / "back.json.gz")

    # Meanwhile at the central server, after the laptop's naming: another one for the
    # first delegate (the later naming stands), and one for a third delegate.
    await _name(0, "Vũ Đức Long")
    await _name(3, "Ngô Thanh Tâm")
    merged = await import_event(tmp_path / "back.json.gz")
    assert merged.notices == []
    assert await _story(0) == [
        ("Trần Văn Bình", "btc"),
        ("Lê Thị Hoa", ""),
        ("Vũ Đức Long", "btc"),
    ]
    assert await _story(2) == [("Phạm Quốc Việt", "btc"), ("Đỗ Minh Châu", "btc")]
    assert await _story(3) == [("Ngô Thanh Tâm", "btc")]
    current = {
        row["full_name"]: row["substitute_name"]
        for row in await Delegate.select(Delegate.full_name, Delegate.substitute_name)
    }
    assert current[PEOPLE[0].full_name] == "Vũ Đức Long"
    assert current[PEOPLE[2].full_name] == "Đỗ Minh Châu"
    assert await Substitution.count() == 6
    assert (await import_event(tmp_path / "back.json.gz")).unchanged
    assert await Substitution.count() == 6

    # And back to the laptop: the central namings join its history, nothing twice.
    await export_event(event_id, tmp_path / "next-day.json.gz")
    with bound_to(laptop):
        assert (await import_event(tmp_path / "next-day.json.gz")).notices == []
        assert [name for name, _ in await _story(0)] == [
            "Trần Văn Bình",
            "Lê Thị Hoa",
            "Vũ Đức Long",
        ]
        assert await _story(3) == [("Ngô Thanh Tâm", "btc")]
        assert await Substitution.count() == 6


async def test_a_delegate_deleted_there_stays_with_their_history_while_a_naming_here_refers_to_them(
    db, laptop, tmp_path: Path
):
    event_id = await _to_the_hall(
        tmp_path, laptop, {0: "Trần Văn Bình", 3: "Lê Thị Hoa", 4: "Phạm Quốc Việt"}
    )
    with bound_to(laptop):
        # At the hall: the first delegate names a substitute; a naming of the fourth is
        # recorded here while their row stays as it was (the history alone refers to them).
        await _name(0, "Đỗ Minh Châu", by=None)
        await Substitution(
            delegate=(await _delegate(3))["id"],
            honorific="Bà",
            full_name="Ngô Thanh Tâm",
            named_at=datetime.now(UTC),
        ).save()

    # The central server deletes all three; the laptop takes the central file.
    gone = [PEOPLE[i].full_name for i in (0, 3, 4)]
    await Delegate.delete().where(Delegate.full_name.is_in(gone))
    await export_event(event_id, tmp_path / "next-day.json.gz")
    with bound_to(laptop):
        merged = await import_event(tmp_path / "next-day.json.gz")
        lines = sorted(notice.message % notice.params for notice in merged.notices)
        assert lines == sorted(
            [
                f"Kept the delegate “{PEOPLE[0].full_name}”: deleted on the other "
                "installation, but changed here since the last exchange.",
                f"Kept the delegate “{PEOPLE[3].full_name}”: deleted on the other "
                "installation, but the naming of a substitute “Ngô Thanh Tâm” here still "
                "refers to it.",
            ]
        )
        # The fifth delegate and their history are gone; the two kept keep all of theirs.
        assert await Delegate.count().where(Delegate.full_name == PEOPLE[4].full_name) == 0
        assert merged.deleted == 2  # the fifth delegate and their one naming
        assert [name for name, _ in await _story(0)] == ["Trần Văn Bình", "Đỗ Minh Châu"]
        assert [name for name, _ in await _story(3)] == ["Lê Thị Hoa", "Ngô Thanh Tâm"]
        assert await Substitution.count() == 4


async def test_a_file_written_before_the_history_travelled_is_merged_and_deletes_none_of_it(
    db, laptop, tmp_path: Path
):
    await _to_the_hall(tmp_path, laptop, {0: "Trần Văn Bình"})
    with bound_to(laptop):
        await Delegate.update({Delegate.seat: "A-05"}).where(
            Delegate.full_name == PEOPLE[2].full_name
        )
        await export_event((await get_event(SLUG))["id"], tmp_path / "back.json.gz")
    # The laptop's program was the one before: its file has no table of substitutions.
    body = document.read(tmp_path / "back.json.gz")
    del body["tables"]["substitution"]
    document.write(tmp_path / "older.json.gz", body)

    merged = await import_event(tmp_path / "older.json.gz")
    assert merged.updated == 1 and merged.deleted == 0 and merged.notices == []
    assert await _story(0) == [("Trần Văn Bình", "btc")]
