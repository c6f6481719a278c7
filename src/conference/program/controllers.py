"""Programme pages and API: the editor, printable and public views, exports."""

from __future__ import annotations

from typing import Any

# Every route handler of the programme, registered by create_app().
PROGRAMME_ROUTES: list[Any] = []
