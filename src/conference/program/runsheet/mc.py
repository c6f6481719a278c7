"""What the MC's view shows: the introduction of delegates, then the run sheet live."""

from __future__ import annotations

from dataclasses import dataclass

from conference.actors import EventRow
from conference.program.runsheet.introduction import IntroductionView, load_introduction
from conference.program.runsheet.view import RunSheet, load


@dataclass(frozen=True)
class MCView:
    sheet: RunSheet
    introduction: IntroductionView


async def load_mc(event: EventRow) -> MCView:
    """The run sheet and the introduction as the MC reads them now."""
    return MCView(sheet=await load(event), introduction=await load_introduction(event))
