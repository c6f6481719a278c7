"""Award list and run-sheet pages and API: the stage manager's and the MC's live views."""

from __future__ import annotations

from typing import Any

# Every route handler of the award list and run sheet, registered by create_app().
RUNSHEET_ROUTES: list[Any] = []
