"""The export file: a versioned JSON document, gzipped, with a SHA-256 of its contents,
so a file cut short or changed by hand is refused before anything is written."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import zlib
from pathlib import Path
from typing import Any

from conference.errors import N_, InvalidInput

FORMAT = "conference-event"
VERSION = 1


def _canonical(body: dict[str, Any]) -> bytes:
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def write(target: Path, body: dict[str, Any]) -> int:
    """Write ``body`` to ``target`` (a new file, its owner's only: it holds invitation
    tokens), under a temporary name first; return its size."""
    if target.exists():
        raise InvalidInput(
            N_("The file %(file)s exists already: give the export a new name."),
            code="export_exists",
            file=str(target),
        )
    if not target.parent.is_dir():
        raise InvalidInput(
            N_("The folder %(folder)s does not exist."),
            code="export_folder_missing",
            folder=str(target.parent),
        )
    envelope = {
        "format": FORMAT,
        "version": VERSION,
        "sha256": hashlib.sha256(_canonical(body)).hexdigest(),
        "body": body,
    }
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    descriptor = os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb") as out:
            out.write(json.dumps(envelope, ensure_ascii=False).encode())
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return target.stat().st_size


def _damaged(source: Path) -> InvalidInput:
    return InvalidInput(
        N_("%(file)s is not a whole event export (cut short or damaged): nothing was imported."),
        code="export_damaged",
        file=str(source),
    )


def read(source: Path) -> dict[str, Any]:
    """The body of the export at ``source``, once its digest is checked.

    Raises InvalidInput ``export_missing``, ``export_damaged`` (not gzip, cut short, not
    JSON), ``export_newer`` (a later format) or ``export_tampered`` (the digest differs).
    """
    try:
        packed = source.read_bytes()
    except OSError as error:
        raise InvalidInput(
            N_("Cannot read %(file)s: %(reason)s."),
            code="export_missing",
            file=str(source),
            reason=error.strerror or str(error),
        ) from error
    try:
        envelope = json.loads(gzip.decompress(packed))
    except (OSError, EOFError, zlib.error, ValueError) as error:
        raise _damaged(source) from error
    if not isinstance(envelope, dict) or envelope.get("format") != FORMAT:
        raise _damaged(source)
    if not isinstance(envelope.get("version"), int) or envelope["version"] > VERSION:
        raise InvalidInput(
            N_("%(file)s was written by a newer version of the program: update it first."),
            code="export_newer",
            file=str(source),
        )
    body = envelope.get("body")
    if not isinstance(body, dict) or (
        hashlib.sha256(_canonical(body)).hexdigest() != envelope.get("sha256")
    ):
        raise InvalidInput(
            N_(
                "%(file)s was changed after it was exported (its digest does not match): "
                "nothing was imported."
            ),
            code="export_tampered",
            file=str(source),
        )
    return body


def json_object(value: Any) -> dict[str, Any]:
    """A JSON column's value as a dict (the engines return text or an object)."""
    loaded = json.loads(value) if isinstance(value, str) else value
    return loaded if isinstance(loaded, dict) else {}
