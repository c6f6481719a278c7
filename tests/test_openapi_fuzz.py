"""schemathesis against the JSON API's OpenAPI, as an organizer and as a desk: no answer is
a server error, and every answer is what the schema documents.

It runs against `conference serve` on PostgreSQL (where input used to raise), loaded with
the demo conference, bounded: a few examples an operation, a fixed seed (the same
requests in every CI run), no example database. The figures are printed.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from conference import auth, demo, demo_data
from tests.conftest import servers_of

CHECKS = "not_a_server_error,response_schema_conformance"
# The desk's own operations: everything else answers it 403 (the route-guard test's job).
DESK_PATHS = r"^/api/events/\{slug\}/(checkins|walk-ins|delegates|desk|stats)"
CONFIG = """\
headers = {{ Authorization = "Bearer {token}" }}
[parameters]
"path.slug" = "{slug}"
"""


def _fuzz(url: str, token: str, folder: Path, *, paths: str, phases: str) -> dict[str, int]:
    """Run schemathesis once; its figures from the NDJSON report."""
    folder.mkdir()
    (folder / "schemathesis.toml").write_text(CONFIG.format(token=token, slug=demo_data.SLUG))
    command = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "--config-file",
        str(folder / "schemathesis.toml"),
        "run",
        f"{url}/schema/openapi.json",
        f"--include-path-regex={paths}",
        f"--checks={CHECKS}",
        f"--phases={phases}",
        "--max-examples=5",
        "--seed=20261203",
        "--workers=1",
        "--generation-database=none",
        "--request-timeout=10",
        "--no-color",
        "--report=ndjson",
        f"--report-dir={folder}",
    ]
    run = subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=300)
    [report] = folder.glob("*.ndjson")
    figures = _figures(report.read_text().splitlines())
    figures["exit"] = run.returncode
    if run.returncode:
        print(run.stdout[-6000:])
    return figures


def _figures(lines: list[str]) -> dict[str, int]:
    figures = {"operations": 0, "requests": 0, "server_errors": 0, "schema_failures": 0}
    for line in lines:
        event: dict[str, Any] = json.loads(line)
        if "LoadingFinished" in event:
            statistic = event["LoadingFinished"]["statistic"]
            figures["operations"] = statistic["operations"]["selected"]
        recorder = event.get("ScenarioFinished", {}).get("recorder", {})
        for interaction in recorder.get("interactions", {}).values():
            figures["requests"] += 1
            response = interaction.get("response") or {}
            figures["server_errors"] += response.get("status_code", 0) >= 500
        for checks in recorder.get("checks", {}).values():
            figures["schema_failures"] += sum(
                c["name"] == "response_schema_conformance" and c["status"] == "failure"
                for c in checks
            )
    return figures


async def test_schemathesis_finds_no_server_error_and_no_answer_off_the_schema(
    postgres_db, tmp_path
):
    await demo.load()
    organizer = await auth.create_token("bantochuc", "schemathesis")
    desk = await auth.create_token("letan", "schemathesis")
    with servers_of(postgres_db, tmp_path) as start:
        url = start().url
        figures = {
            "organizer": _fuzz(
                url, organizer, tmp_path / "organizer", paths="^/api/", phases="coverage,fuzzing"
            ),
            "desk": _fuzz(url, desk, tmp_path / "desk", paths=DESK_PATHS, phases="fuzzing"),
        }
    print("schemathesis:", json.dumps(figures))
    for who, found in figures.items():
        assert found["operations"] > 0 and found["requests"] > found["operations"], who
        assert found["server_errors"] == found["schema_failures"] == found["exit"] == 0, (
            who,
            found,
        )
