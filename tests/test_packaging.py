"""A non-editable install carries what the app reads at run time."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_wheel_contains_templates_static_files_catalogs_and_migrations(tmp_path):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    [wheel] = tmp_path.glob("conference-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for template in (ROOT / "templates").rglob("*.html"):
        assert f"conference/templates/{template.relative_to(ROOT / 'templates')}" in names
    assert "conference/static/vendor/pico/pico.min.css" in names
    assert "conference/locale/vi/LC_MESSAGES/messages.po" in names
    assert "conference/seating/hall.schema.json" in names  # halls are checked against it
    assert any(name.startswith("conference/piccolo_migrations/conference_") for name in names)
    assert any(name.endswith("entry_points.txt") for name in names)
