"""Two instances on PostgreSQL behind Debian's nginx, with the repository's own
deploy/nginx-conference.conf: HTTP/2 over TLS, live streams unbuffered across instances,
every scan landing once, also when an instance dies under the load."""

from __future__ import annotations

import asyncio
import shutil
import signal
import socket
import ssl
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from conference import auth
from conference.invitations import DelegateInput
from conference.tables import Delegate, Role
from tests.conftest import REPOSITORY, _free_port, require, servers_of
from tests.invitations.helpers import decode_qr, make_event
from tests.test_cli import assert_one_line_error, conference
from tests.test_workers import _listening

SITE = REPOSITORY / "deploy" / "nginx-conference.conf"
SCANS = "/api/events/hn-2022/checkins"
PEOPLE = 1000


def _self_signed(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


def _site(instances: list[int], port: int, cert: Path, key: Path) -> str:
    """The shipped site file, with this test's ports, certificate and folders."""
    text = SITE.read_text()
    for default, instance in zip((8001, 8002), instances, strict=True):
        text = text.replace(f"server 127.0.0.1:{default} ", f"server 127.0.0.1:{instance} ")
    replacements = {
        "listen 443 ssl http2;": f"listen 127.0.0.1:{port} ssl http2;",
        "listen 80;": f"listen 127.0.0.1:{_free_port()};",
        "/etc/ssl/conference/fullchain.pem": str(cert),
        "/etc/ssl/conference/privkey.pem": str(key),
        "/srv/conference/static/": f"{REPOSITORY / 'static'}/",
    }
    for shipped, here in replacements.items():
        assert shipped in text, shipped
        text = text.replace(shipped, here)
    return text


@pytest.fixture
def behind_nginx(postgres_db, tmp_path, monkeypatch) -> Iterator[dict[str, Any]]:
    require(shutil.which("nginx") is not None, "nginx is not installed (apt-get install nginx)")
    monkeypatch.delenv("CONFERENCE_REDIS_URL", raising=False)
    with servers_of(postgres_db, tmp_path) as start:
        instances = [
            start(CONFERENCE_CHANNELS="postgres", CONFERENCE_TRUSTED_PROXIES="127.0.0.1")
            for _ in range(2)
        ]
        cert, key = _self_signed(tmp_path)
        port = _free_port()
        folder = tmp_path / "nginx"
        folder.mkdir()
        (folder / "nginx.conf").write_text(
            f"daemon off;\npid {folder}/nginx.pid;\nerror_log {folder}/error.log;\n"
            "worker_processes 1;\nevents { worker_connections 1024; }\n"
            f"http {{\n include /etc/nginx/mime.types;\n access_log {folder}/access.log;\n"
            + "".join(f" {kind}_temp_path {folder}/{kind};\n"
                      for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
            + _site([int(s.url.rsplit(":", 1)[1]) for s in instances], port, cert, key)
            + "\n}\n"
        )  # fmt: skip
        nginx = subprocess.Popen(
            ["nginx", "-p", str(folder), "-c", str(folder / "nginx.conf")],
            stderr=subprocess.PIPE,
        )
        try:
            deadline = time.monotonic() + 10
            while True:
                assert nginx.poll() is None, nginx.stderr.read() if nginx.stderr else ""
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    assert time.monotonic() < deadline, "nginx did not start"
                    time.sleep(0.1)
            yield {"url": f"https://127.0.0.1:{port}", "cert": cert, "instances": instances}
        finally:
            nginx.terminate()
            nginx.wait(timeout=10)


@pytest.fixture
async def desk_token(postgres_db) -> str:
    await make_event(people=[DelegateInput(full_name=f"Đại biểu số {n}") for n in range(PEOPLE)])
    await auth.create_user("letan", "correct horse battery", Role.desk)
    return await auth.create_token("letan")


async def _scan_until_answered(client: httpx.AsyncClient, code: str) -> str:
    """A desk's scan: sent again with its nonce until an answer comes (as the page does)."""
    nonce = uuid.uuid4().hex
    for _ in range(20):
        try:
            answer = await client.post(SCANS, json={"code": code, "nonce": nonce})
        except httpx.TransportError:
            await asyncio.sleep(0.2)
            continue
        if answer.status_code >= 500:
            await asyncio.sleep(0.2)
            continue
        return str(answer.json()["result"])
    raise AssertionError(f"no answer for {code}")


def _client(base: str, cert: Path, token: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=base,
        verify=ssl.create_default_context(cafile=str(cert)),
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
        limits=httpx.Limits(max_connections=40),
    )


def test_nginx_speaks_http2_over_tls(behind_nginx):
    require(shutil.which("curl") is not None, "curl is not installed")
    version = subprocess.run(
        ["curl", "-s", "--http2", "--cacert", str(behind_nginx["cert"]), "-o", "/dev/null",
         "-w", "%{http_version}", f"{behind_nginx['url']}/healthz"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert version == "2"


async def test_one_code_at_forty_desks_through_nginx_is_one_check_in(behind_nginx, desk_token):
    code = (await Delegate.select(Delegate.token).first())["token"]
    async with _client(behind_nginx["url"], behind_nginx["cert"], desk_token) as client:
        answers = await asyncio.gather(*(_scan_until_answered(client, code) for _ in range(40)))
    assert answers.count("ok") == 1 and answers.count("already_checked_in") == 39


async def test_a_thousand_codes_land_once_though_an_instance_dies_under_the_load(
    behind_nginx, desk_token
):
    codes = [row["token"] for row in await Delegate.select(Delegate.token)]
    assert len(codes) == PEOPLE
    doomed = behind_nginx["instances"][0].process
    async with _client(behind_nginx["url"], behind_nginx["cert"], desk_token) as client:
        lanes = asyncio.Semaphore(20)
        answered = 0
        midway = asyncio.Event()

        async def scan(code: str) -> str:
            nonlocal answered
            async with lanes:
                result = await _scan_until_answered(client, code)
            answered += 1
            if answered == PEOPLE // 3:
                midway.set()
            return result

        async def kill_midway() -> None:
            await midway.wait()
            doomed.send_signal(signal.SIGKILL)

        answers, _ = await asyncio.gather(
            asyncio.gather(*(scan(code) for code in codes)), kill_midway()
        )
    assert doomed.poll() is not None  # it did die during the load
    assert answers.count("ok") == PEOPLE  # every retry with its nonce answered ok, once
    assert await Delegate.count().where(Delegate.checked_in_at.is_not_null()) == PEOPLE


async def test_a_page_through_nginx_hears_arrivals_made_at_either_instance_at_once(
    behind_nginx, desk_token
):
    codes = [row["token"] for row in await Delegate.select(Delegate.token).limit(2)]
    page = behind_nginx["url"]
    # The page's stream goes through nginx (and TLS) to one instance or the other; the
    # scans go to each instance directly, so one of them is surely not the page's.
    trusted = ssl.create_default_context(cafile=str(behind_nginx["cert"]))
    async with _listening(page, desk_token, trusted, "/api/events/hn-2022/live") as heard:
        for instance, code in zip(behind_nginx["instances"], codes, strict=True):
            async with _client(instance.url, behind_nginx["cert"], desk_token) as desk:
                sent = time.monotonic()
                assert await _scan_until_answered(desk, code) == "ok"
            await asyncio.wait_for(heard.get(), 1.0)  # no buffering on the way
            assert time.monotonic() - sent < 1.0


async def test_the_server_speaks_https_itself_with_a_certificate_and_its_codes_say_so(
    db, tmp_path, start_server
):
    await make_event()
    token = (await Delegate.select(Delegate.token).first())["token"]
    cert, key = _self_signed(tmp_path)
    # No base address given: the server puts its own https:// address into the codes.
    server = start_server("--certfile", str(cert), "--keyfile", str(key), CONFERENCE_BASE_URL="")
    assert server.url.startswith("https://")
    trusted = ssl.create_default_context(cafile=str(cert))
    async with httpx.AsyncClient(base_url=server.url, verify=trusted) as phone:
        page = await phone.get(f"/i/{token}")
        qr = await phone.get(f"/i/{token}/qr.png")
    assert page.status_code == 200
    assert decode_qr(qr.content) == f"{server.url}/i/{token}"


def test_a_certificate_without_its_key_is_refused_in_one_line(tmp_path):
    cert, _ = _self_signed(tmp_path)
    refused = conference(
        "serve", "--certfile", str(cert),
        env={"CONFERENCE_DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
             "CONFERENCE_INSTANCE_DIR": str(tmp_path)},
    )  # fmt: skip
    assert_one_line_error(refused)
    assert "--keyfile" in refused.stderr
