"""Instructions a scan costs the server, counted by valgrind: a figure the machine's other
load does not move, where scans a second (``bench/checkin.py``) move by a third from one
run to the next on this two-core machine.

Run: .venv/bin/python bench/checkin_instructions.py [--scans 300]
Starts `conference serve` under valgrind's callgrind with counting off, on a fresh
database of 2,000 delegates; warms it up (statements prepared, pool filled); then for
each kind of scan (a first scan, a repeated one, a code that is not ours) counts the
instructions the server process runs while one client sends ``--scans`` of them one
after another, and prints the count a scan. The database server's own work is not
counted: the statements a scan takes are (``tests/checkin/test_redeem.py``). PostgreSQL
runs when CONFERENCE_TEST_DATABASE_URL is set. To compare with an older commit, run
this script with PYTHONPATH pointing at that commit's ``src``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _loadgen import Connection, on_each_database  # noqa: E402

from checkin import free_port, seed, server_environment  # noqa: E402

DELEGATES = 2000


def start_server(url: str, folder: str, counts: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = subprocess.Popen(
        [
            "valgrind",
            "--tool=callgrind",
            "--instr-atstart=no",  # start-up runs at near full speed, uncounted
            f"--callgrind-out-file={counts}",
            sys.executable,
            "-m",
            "conference.cli",
            "serve",
            "--port",
            str(port),
        ],
        env=server_environment(url, folder),
        stdout=subprocess.DEVNULL,
        stderr=None if os.environ.get("SHOW_SERVER") else subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=5).status_code == 200:
                return process, base
        except httpx.HTTPError:
            time.sleep(0.5)
    process.kill()
    raise RuntimeError("server did not start under valgrind")


def callgrind(pid: int, *options: str) -> None:
    subprocess.run(["callgrind_control", *options, str(pid)], check=True, capture_output=True)


def counted(dump: Path) -> int:
    """The instructions a callgrind dump holds (its ``totals:`` line)."""
    for line in dump.read_text().splitlines():
        if line.startswith(("totals:", "summary:")):
            return int(line.split()[1])
    raise RuntimeError(f"no totals in {dump}")


async def scans(base: str, headers: dict[str, str], codes: list[str]) -> list[str]:
    """Send ``codes`` one after another on one connection; the results."""
    connection = Connection(base, headers)
    await connection.open()
    try:
        results = []
        for code in codes:
            answer = await connection.request(
                "POST", "/api/events/bench/checkins", json_body={"code": code}
            )
            results.append(answer.json()["result"])
        return results
    finally:
        await connection.close()


async def run_on(label: str, url: str, count: int) -> None:
    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        raise SystemExit("valgrind is not installed (Debian: apt-get install valgrind)")
    api_token, tokens = await seed(url, DELEGATES)
    headers = {"authorization": f"Bearer {api_token}"}
    with tempfile.TemporaryDirectory() as folder:
        counts = f"{folder}/callgrind.out"
        process, base = start_server(url, folder, counts)
        try:
            # Warm-up, uncounted: every statement prepared, every code path taken once.
            warm = tokens[: count // 3]
            await scans(base, headers, [f"warm-{n}" for n in range(count // 3)])
            await scans(base, headers, warm + warm)
            callgrind(process.pid, "--instr=on")
            kinds = (
                ("a first scan", tokens[count // 3 : count // 3 + count], "ok"),
                ("a repeated scan", tokens[count // 3 : count // 3 + count], "already_checked_in"),
                ("a code not ours", [f"unknown-{n}" for n in range(count)], "unknown"),
            )
            for number, (kind, codes, expected) in enumerate(kinds, start=1):
                callgrind(process.pid, "--zero")
                results = await scans(base, headers, codes)
                callgrind(process.pid, "--dump")
                if set(results) != {expected}:
                    raise RuntimeError(f"{kind}: expected {expected}, got {set(results)}")
                per_scan = counted(Path(f"{counts}.{number}")) / len(codes)
                print(f"{label}: {kind:16s} {per_scan / 1e6:6.2f} M instructions a scan")
        finally:
            process.terminate()
            process.wait(timeout=60)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scans", type=int, default=300, help="scans of each kind counted")
    args = parser.parse_args()

    async def each(label: str, url: str) -> None:
        await run_on(label, url, args.scans)

    await on_each_database(each, "conference_bench")


if __name__ == "__main__":
    asyncio.run(main())
