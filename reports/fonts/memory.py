"""The Chinese face found (and the Japanese one, under a name of its own), remembered between runs of the tool.

Reading the candidates' character maps costs ~0.1 s at every start of the tool. The winner is kept in
the user's cache folder, keyed by every candidate file's path, size and time: any font installed,
removed or changed makes a new search, and a remembered face is used only if it is still one of them.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

_CACHE_VERSION = 1


def _cache_file(name: str = "cjk-face") -> Path:
    root = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(root) / "reports" / f"{name}.json"


def files_key(files: list[Path]) -> str:
    """A key for this set of candidate files, as they are now (path, size, time of each)."""
    listing = []
    for path in files:
        try:
            info = path.stat()
        except OSError:
            continue
        listing.append(f"{path}\0{info.st_size}\0{info.st_mtime_ns}")
    return hashlib.sha256("\n".join([f"v{_CACHE_VERSION}", *listing]).encode()).hexdigest()


def recalled(key: str, name: str = "cjk-face") -> dict[str, Any] | None:
    """The face remembered under ``key`` in the record ``name`` (``CjkFace``'s fields), or None."""
    import json

    try:
        path = _cache_file(name)
        if not path.is_file() or path.stat().st_size > 65536:
            return None
        record = json.loads(path.read_text("utf-8"))
        face = record["face"]
        if record.get("key") != key or not isinstance(face, dict):
            return None
        return {"path": Path(str(face["path"])), "index": int(face["index"]), "family": str(face["family"]),
                "needs_conversion": bool(face["needs_conversion"])}
    except (OSError, ValueError, KeyError, TypeError):
        return None  # no record, or one that cannot be trusted: search again


def keep(key: str, face: dict[str, Any], name: str = "cjk-face") -> None:
    """Remember ``face`` (``CjkFace``'s fields) under ``key`` in the record ``name`` for the next run."""
    import json
    import tempfile

    record = {"key": key, "face": {"path": str(face["path"]), "index": face["index"], "family": face["family"],
                                   "needs_conversion": face["needs_conversion"]}}
    try:
        path = _cache_file(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False,
                                         prefix=".cjk-face-", suffix=".tmp") as out:
            json.dump(record, out)
        os.replace(out.name, path)
    except OSError:
        pass  # a read-only home: search again next time
