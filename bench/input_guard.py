"""What the input guard costs a scan: the checks of one check-in request, in microseconds.

Run: .venv/bin/python bench/input_guard.py
The address, query and body checks of ``conference.input_guard`` on the body a desk
sends (a whole invitation URL, a nonce, a desk name), and on a 100 KB body for scale.
"""

from __future__ import annotations

import json
import timeit

from conference.input_guard import check_address, check_json, check_query

SCAN = json.dumps(
    {
        "code": "https://hoinghi.example.vn/i/" + "A" * 43,
        "nonce": "0f8fad5b-d9cb-469f-a165-70867728950e",
        "desk": "Bàn 2 – cửa chính",
        "scanned_at": "2026-12-03T08:01:02+07:00",
        "offline": False,
    },
    ensure_ascii=False,
).encode()
LARGE = json.dumps({"scans": [json.loads(SCAN)] * 400}, ensure_ascii=False).encode()


def _scan() -> None:
    check_address("/api/events/nguoi-tot-viec-tot-2022/checkins", {"slug": "x"})
    check_query(b"")
    check_json(SCAN)


def main() -> None:
    for name, run in (
        ("scan request", _scan),
        (f"{len(LARGE) // 1024} KB batch", lambda: check_json(LARGE)),
    ):
        number = 20_000 if name == "scan request" else 200
        best = min(timeit.repeat(run, number=number, repeat=5)) / number
        print(f"{name}: {best * 1e6:.1f} µs")


if __name__ == "__main__":
    main()
