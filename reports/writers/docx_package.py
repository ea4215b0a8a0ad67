"""Reproducible .docx packages: the same parts always give the same bytes.

Part of write (DOCX). python-docx stamps zip entries with the wall-clock time; repacking with a fixed
timestamp and a fixed entry order makes rebuilds byte-identical, which --check and CI caches rely on.
"""

from __future__ import annotations

import io
import zipfile

_FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can hold
# [Content_Types].xml first, as Word writes it; the rest in a stable order.
_FIRST = ("[Content_Types].xml", "_rels/.rels")


def repack(data: bytes) -> bytes:
    """Return ``data`` (a .docx) with fixed entry timestamps, order and compression."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        names = source.namelist()
        ordered = [n for n in _FIRST if n in names] + sorted(n for n in names if n not in _FIRST)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
            for name in ordered:
                info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                target.writestr(info, source.read(name), compresslevel=6)
    return out.getvalue()
