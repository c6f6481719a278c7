"""The desk's service worker script: served where it can control the desk page, keeping only
the page's own files, with a version that changes when one of them does."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from conference import auth
from conference.checkin.worker import ASSETS, desk_worker
from conference.tables import Role
from conference.templating import STATIC_DIR
from tests.invitations.helpers import make_event

WORKER = "/events/hn-2022/desk/sw.js"


def _constant(script: str, name: str) -> object:
    match = re.search(rf"^const {name} = (.+);$", script, re.MULTILINE)
    assert match, name
    return json.loads(match.group(1))


async def test_the_worker_controls_the_desk_page_and_keeps_only_its_files(
    client, db, sample_password
):
    await make_event()
    await auth.create_user("letan", sample_password, Role.desk)
    headers = {"authorization": f"Bearer {await auth.create_token('letan')}"}
    response = await client.get(WORKER, headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.headers["cache-control"] == "no-cache"
    script = response.text
    # Served from the desk page's folder, so its scope is the page.
    assert _constant(script, "SCOPE") == "/events/hn-2022/desk/"
    assets = _constant(script, "ASSETS")
    assert isinstance(assets, list) and "/static/desk.js" in assets
    assert "/static/vendor/zxing-wasm/zxing_reader.wasm" in assets
    # The fonts app.css imports, so the desk offline draws Vietnamese as it does online.
    assert "/static/fonts.css" in assets
    assert "/static/vendor/noto-sans/noto-sans-vietnamese-400-normal.woff2" in assets
    # The page's own files and nothing else: no API answer, no other page is ever kept.
    assert all(a.startswith("/static/") and "/api/" not in a for a in assets)
    for asset in assets:
        assert (STATIC_DIR / asset.removeprefix("/static/")).is_file(), asset
    # Another event's desk has its own scope (and so its own cache).
    assert desk_worker("other").scope == "/events/other/desk/"


async def test_the_worker_is_for_desks_only(client, db, sample_password):
    await make_event()
    response = await client.get(WORKER, follow_redirects=False)
    assert response.status_code in (302, 303, 401)


def test_a_changed_file_gives_the_worker_a_new_version(tmp_path: Path):
    for name in ASSETS:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(STATIC_DIR / name, tmp_path / name)
    first = desk_worker("hn-2022", folder=tmp_path).version
    assert desk_worker("hn-2022", folder=tmp_path).version == first
    with (tmp_path / "desk.js").open("a") as script:
        script.write("\n// changed\n")
    assert desk_worker("hn-2022", folder=tmp_path).version != first
