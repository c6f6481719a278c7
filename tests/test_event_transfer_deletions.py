"""Deletions made on the venue laptop come back with its file; a deletion that would lose a
change, an arrival or a row still in use here is refused, one line each."""

from __future__ import annotations

from pathlib import Path

from conference.events import get_event
from conference.invitations import DelegateInput, add_delegates
from conference.tables import (
    AwardForm,
    AwardRecipient,
    Cue,
    Delegate,
    DelegateSource,
    Membership,
    Speaker,
)
from conference.transfer import export_event, import_event
from tests.invitations.helpers import PEOPLE
from tests.test_cli import conference
from tests.test_event_transfer import SLUG, _central_event, _env, _scan, bound_to, laptop

__all__ = ["laptop"]  # the fixture, used by name


async def _names() -> set[str]:
    return {row["full_name"] for row in await Delegate.select(Delegate.full_name)}


async def _to_the_hall_and_back(tmp_path: Path, laptop, on_the_laptop) -> Path:
    """Export here, import on the laptop, let ``on_the_laptop`` change it there, export back."""
    await export_event((await get_event(SLUG))["id"], tmp_path / "to-the-hall.json.gz")
    with bound_to(laptop):
        await import_event(tmp_path / "to-the-hall.json.gz")
        await on_the_laptop()
        await export_event((await get_event(SLUG))["id"], tmp_path / "back.json.gz")
    return tmp_path / "back.json.gz"


async def test_rows_deleted_on_the_laptop_are_deleted_on_the_central_server(db, laptop, tmp_path):
    event_id, _ = await _central_event()
    form = AwardForm(event=event_id, rank=1, title="Bằng khen của Bộ trưởng")
    await form.save()
    for name in ("Tập thể Phòng Quản lý", "Ông Lê Văn Hùng"):
        await AwardRecipient(award_form=form.id, name=name).save()
    await Cue(event=event_id, position=1, title="Văn nghệ chào mừng").save()

    async def delete_at_the_hall() -> None:
        await Delegate.delete().where(Delegate.full_name == PEOPLE[3].full_name)
        await AwardRecipient.delete().where(AwardRecipient.name == "Ông Lê Văn Hùng")
        await Cue.delete().where(Cue.title == "Văn nghệ chào mừng")
        await Speaker.delete(force=True)
        await Membership.delete(force=True)  # letan no longer works this event

    back = await _to_the_hall_and_back(tmp_path, laptop, delete_at_the_hall)
    merged = await import_event(back)
    assert merged.deleted == 5 and merged.notices == []
    assert await _names() == {p.full_name for p in PEOPLE} - {PEOPLE[3].full_name}
    assert [r["name"] for r in await AwardRecipient.select(AwardRecipient.name)] == [
        "Tập thể Phòng Quản lý"
    ]
    assert await Cue.count() == 0 and await Speaker.count() == 0
    assert await Membership.count() == 0
    # The same file again changes nothing.
    assert (await import_event(back)).unchanged
    assert await Delegate.count() == len(PEOPLE) - 1

    # And the other way: what the central server deletes next goes from the laptop too.
    await Delegate.delete().where(Delegate.full_name == PEOPLE[4].full_name)
    await export_event(event_id, tmp_path / "next-day.json.gz")
    with bound_to(laptop):
        again = await import_event(tmp_path / "next-day.json.gz")
        assert again.deleted == 1 and again.notices == []
        assert await _names() == {p.full_name for p in PEOPLE} - {
            PEOPLE[3].full_name,
            PEOPLE[4].full_name,
        }


async def test_a_deletion_that_would_lose_a_change_made_here_is_refused_one_line_each(
    db, laptop, tmp_path
):
    event_id, tokens = await _central_event()
    form = AwardForm(event=event_id, rank=1, title="Bằng khen của Bộ trưởng")
    await form.save()
    await add_delegates(
        event_id, [DelegateInput(full_name="Đại biểu Rút Tên")], source=DelegateSource.manual
    )
    deleted_at_the_hall = [p.full_name for p in PEOPLE[2:5]] + ["Đại biểu Rút Tên"]

    async def at_the_hall() -> None:
        await Delegate.delete().where(Delegate.full_name.is_in(deleted_at_the_hall))
        await Delegate.update({Delegate.position: "Chánh Văn phòng"}).where(
            Delegate.full_name == PEOPLE[0].full_name
        )

    back = await _to_the_hall_and_back(tmp_path, laptop, at_the_hall)
    # Meanwhile at the central server: one of them was given a new title, one arrived, one
    # was named to receive an award; and the one the hall retitled was deleted here.
    await Delegate.update({Delegate.position: "Phó Giám đốc"}).where(
        Delegate.full_name == PEOPLE[2].full_name
    )
    assert await _scan(tokens[3], "Cổng phụ") == "ok"
    fourth = await Delegate.select(Delegate.id).where(Delegate.full_name == PEOPLE[4].full_name)
    await AwardRecipient(
        award_form=form.id, name=PEOPLE[4].full_name, delegate=fourth[0]["id"]
    ).save()
    await Delegate.delete().where(Delegate.full_name == PEOPLE[0].full_name)

    done = conference("event", "import", str(back), env=_env(db, tmp_path))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "merged" in lines[0]
    kept = {
        PEOPLE[2].full_name: "changed here since the last exchange",
        PEOPLE[3].full_name: "checked in here",
        PEOPLE[4].full_name: f"the award recipient “{PEOPLE[4].full_name}” here still refers",
    }
    for name, why in kept.items():
        [line] = [line for line in lines if f"“{name}”" in line and line.startswith("Kept")]
        assert why in line, line
    [line] = [line for line in lines if line.startswith("Not brought back")]
    assert f"the delegate “{PEOPLE[0].full_name}”, deleted here" in line
    assert "1 rows deleted on the other installation were deleted here." in lines
    assert len(lines) == 6, done.stdout
    # Nothing was lost on either side: the three stay, the one deleted here stays deleted.
    assert await _names() == {p.full_name for p in PEOPLE[1:]}
    assert (
        await Delegate.select(Delegate.position).where(Delegate.full_name == PEOPLE[2].full_name)
    )[0]["position"] == "Phó Giám đốc"
    assert await AwardRecipient.count() == 1
