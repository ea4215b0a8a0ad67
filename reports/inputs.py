"""Which data files a build reads: files and folders expanded into a list, each file once, and the
share of that list one runner builds when a CI job is split into shards.

Imports nothing else from the package: the manifest's guard (``reports.manifest``) takes
``DATA_SUFFIXES`` from here, below the build.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable
from pathlib import Path

DATA_SUFFIXES = (".yaml", ".yml", ".json")


def collect_inputs(paths: Iterable[Path]) -> list[Path]:
    """Expand files and folders (every *.yaml, *.yml, *.json inside, sorted) into a list of files."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.iterdir() if p.suffix.lower() in DATA_SUFFIXES
                                and not p.name.startswith(".")))
        else:
            found.append(path)
    unique: dict[str, Path] = {}
    for path in found:  # the same file named twice is built once
        unique.setdefault(os.path.normpath(path), path)
    return list(unique.values())


def parse_shard(text: str) -> tuple[int, int]:
    """Parse ``I/N`` (1 <= I <= N) into a pair; raise ValueError otherwise."""
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
    if not match:
        raise ValueError(f"expected I/N, e.g. 1/3, got {text!r}")
    index, count = int(match.group(1)), int(match.group(2))
    if not 1 <= index <= count:
        raise ValueError(f"shard {index}/{count}: I must be between 1 and N")
    return index, count


def in_shard(path: Path, shard: tuple[int, int]) -> bool:
    """True when ``path`` belongs to shard I of N.

    Decided by a hash of the file name, not by position in the list, so adding one agreement does not
    move every other one to a different runner, and every runner agrees without talking to the others.
    """
    index, count = shard
    digest = hashlib.sha256(path.name.encode("utf-8", "surrogateescape")).digest()
    return int.from_bytes(digest[:8], "big") % count == index - 1
