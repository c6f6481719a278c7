"""The server's logs: plain lines or JSON lines, and never a secret in them.

An invitation's path holds its token (``/i/{token}``), a pairing link its one-time secret
(``/pair/{secret}``): whoever reads the access log would hold them. The access log
writes those paths with the secret masked. Bearer tokens, passwords and session ids are
never logged (uvicorn logs no header and no body). ``CONFERENCE_LOG_FORMAT=json`` makes
every line a JSON object, for a log collector.
"""

from __future__ import annotations

import http
import json
import logging
import re
import sys
from copy import deepcopy
from datetime import UTC, datetime
from typing import Any

from uvicorn.config import LOGGING_CONFIG

MASKED = "…"
_SECRET_IN_PATH = re.compile(r"^(/i/|/pair/)[^/?#]+")


def mask_path(path: str) -> str:
    """``path`` with an invitation token or a pairing secret replaced by an ellipsis."""
    if not path.startswith(("/i/", "/pair/")):
        return path
    return _SECRET_IN_PATH.sub(rf"\g<1>{MASKED}", path)


class MaskSecrets(logging.Filter):
    """On uvicorn's access log: the request path of each line, with its secret masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], mask_path(args[2]), *args[3:])
        return True


# "200 OK": the status and its phrase, as uvicorn writes them ("599 " for one it does not know).
_STATUS_LINES = {status.value: f"{status.value} {status.phrase}" for status in http.HTTPStatus}


class AccessLines(logging.Formatter):
    """uvicorn's access line without its colours, as it writes it to a file or a pipe:
    ``INFO:     127.0.0.1:50412 - "POST /api/… HTTP/1.1" 200 OK``.

    uvicorn's own formatter copies each record twice and looks the status up anew: about
    90,000 instructions a line, 7 % of what a scan costs the server
    (``bench/checkin_instructions.py``). A terminal keeps uvicorn's coloured lines.
    """

    def format(self, record: logging.LogRecord) -> str:
        args = record.args
        if not (isinstance(args, tuple) and len(args) == 5):
            return super().format(record)
        client, method, path, version, status = args
        level = record.levelname
        status_line = _STATUS_LINES.get(status) if isinstance(status, int) else None
        return (
            f'{level}:{" " * (8 - len(level))} {client} - "{method} {path} HTTP/{version}" '
            f"{status_line or f'{status} '}"
        )


class JsonLines(logging.Formatter):
    """One JSON object a line: time, level, logger, message (and an access line's parts)."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
        }
        args = record.args
        if record.name == "uvicorn.access" and isinstance(args, tuple) and len(args) == 5:
            client, method, path, version, status = args
            line |= {"client": client, "method": method, "path": path, "http": version}
            line["status"] = status
        else:
            line["message"] = record.getMessage()
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def uvicorn_log_config(json_lines: bool = False) -> dict[str, Any]:
    """uvicorn's own logging set-up, with secrets masked, as JSON lines if asked."""
    config = deepcopy(LOGGING_CONFIG)
    config["filters"] = {"mask_secrets": {"()": MaskSecrets}}
    config["handlers"]["access"]["filters"] = ["mask_secrets"]
    if not sys.stdout.isatty():
        config["formatters"]["access"] = {"()": AccessLines}
    if json_lines:
        config["formatters"] = {"json": {"()": JsonLines}}
        for handler in config["handlers"].values():
            handler["formatter"] = "json"
        config["root"] = {"handlers": ["default"], "level": "INFO"}
    return config
