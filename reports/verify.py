"""``reports verify``: a document rebuilt from the data file and build record it carries, compared byte
for byte with itself.

The rebuild takes the record's options (language, watermark, header lines, ``SOURCE_DATE_EPOCH``) and
this installation's templates, theme and reference document (the caller's ``--template-dir``, ``--theme``,
``--reference-docx``). When the bytes differ, the record made now is compared with the one carried, part
by part, to say where: the tool version, the libraries, the templates, the theme, the reference document,
the options; when every part agrees, the document itself was changed after it was made.

A signed PDF is the document's bytes and an incremental update after them: the rebuild is compared with
the file's first revision (``first_revision``), and the later revisions are noted. Whether a signature
holds is a question for ``signature`` (a ``SignatureCheck``): it is handed the whole file and gives
extra verdict text; the default, ``no_signature_check``, says nothing. The signing module plugs in there.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from reports.errors import ReportsError, display_path
from reports.pipeline import Options, render_formats
from reports.provenance import Embedded, attachments, build_record, read_embedded

# A PDF's signatures in words, and whether they hold (None: the PDF has none).
SignatureCheck = Callable[[bytes], "tuple[str, bool] | None"]

REPRODUCED, DIFFERS, NOT_OURS, UNCHECKED = "reproduced", "differs", "not made by reports", "cannot check"

# "startxref", its offset and "%%EOF" closing a revision (ISO 32000-1 §7.5.5), then its end of line.
_REVISION_END = re.compile(rb"startxref[\r\n ]+(\d{1,15})[\r\n ]*%%EOF(\r\n|\r|\n)?")


def no_signature_check(pdf: bytes) -> tuple[str, bool] | None:
    """A ``SignatureCheck`` that looks at no signature."""
    return None


def signature_check(trust_roots: tuple[Path, ...] = ()) -> SignatureCheck:
    """The ``SignatureCheck`` of ``reports verify``: every signature's signer, time and time-stamp, and
    whether it is intact, covers the whole file and (with ``trust_roots``) leads to a trusted root. A
    signature that is broken, untrusted, or followed by changes does not hold."""
    def check(pdf: bytes) -> tuple[str, bool] | None:
        from reports.signatures import SignatureCheckError, check_signatures

        try:
            reports = check_signatures(pdf, trust_roots)
        except SignatureCheckError as exc:
            return f"its signatures cannot be read: {exc.format_message()}", False
        if not reports:
            return None
        said = [_signature_words(report, bool(trust_roots)) for report in reports]
        return "; ".join(text for text, _ in said), all(ok for _, ok in said)
    return check


def _signature_words(report: Any, trusting: bool) -> tuple[str, bool]:
    when = f" on {report.signing_time:%Y-%m-%d %H:%M:%S %Z}".rstrip() if report.signing_time else ""
    if report.problem or not report.intact or not report.valid:
        return f"signature {report.field} BROKEN ({report.problem or 'the signed bytes changed'})", False
    words = [f"signed by {report.signer}{when}"]
    if report.timestamp:
        stamped = f"{report.timestamp_time:%Y-%m-%d %H:%M:%S %Z}" if report.timestamp_time else "?"
        words.append(f"time-stamped {stamped}" + ("" if report.timestamp_valid else " (time-stamp INVALID)"))
    ok = report.timestamp_valid is not False
    if trusting:
        words.append("trusted" if report.trusted else f"NOT trusted ({report.trust_problem or 'no chain'})")
        ok = ok and bool(report.trusted)
    else:
        words.append("chain not checked (--trust)")
    if report.modified_after_signing or not report.covers_whole_file:
        words.append(f"CHANGED after signing ({report.changes.lower().replace('_', ' ')})")
        ok = False
    return ", ".join(words), ok


@dataclass(frozen=True)
class Verdict:
    """What verify found for one document: ``verdict`` one of ``reproduced``, ``differs``, ``not made by
    reports``, ``cannot check``; ``detail`` where it differs or why; ``revisions`` the PDF's revisions."""

    path: str
    verdict: str
    detail: str = ""
    revisions: int = 1

    def line(self) -> str:
        """``FILE: VERDICT[: DETAIL]`` for a terminal."""
        return f"{display_path(self.path)}: {self.verdict}" + (f": {self.detail}" if self.detail else "")

    def as_dict(self) -> dict[str, Any]:
        return {"file": display_path(self.path), "verdict": self.verdict, "detail": self.detail,
                "revisions": self.revisions}


def first_revision(pdf: bytes) -> tuple[bytes, int]:
    """The bytes of ``pdf``'s first revision and how many revisions the file has.

    A revision ends with ``startxref``, the offset of its cross-reference section (which lies inside the
    revision and starts with ``xref`` or an object: ``N G obj``), ``%%EOF`` and its end of line; an
    incremental update starts right after, with an object, a cross-reference section or a comment. An
    ``%%EOF`` that does not close a revision so (inside a stream, followed by more of the stream or by
    ``endstream``) is passed over. The whole file, 1, when no end is found."""
    ends: list[int] = []
    for match in _REVISION_END.finditer(pdf):
        offset = int(match.group(1))
        after = pdf[match.end():match.end() + 64].lstrip(b"\r\n\t\f \0")
        if (offset < match.start() and re.match(rb"xref|\d+\s+\d+\s+obj", pdf[offset:offset + 32])
                and (not after or re.match(rb"xref|\d+\s+\d+\s+obj|%", after))):
            ends.append(match.end())
    if not ends:
        return pdf, 1
    count, previous = 1, ends[0]
    for end in [*ends[1:], len(pdf)]:  # each later end that closes bytes of its own, and bytes left after
        if pdf[previous:end].strip():
            count += 1
        previous = max(previous, end)
    return pdf[:ends[0]], count


@contextmanager
def _epoch(value: object) -> Iterator[None]:
    # The record's SOURCE_DATE_EPOCH for the rebuild (None: unset), the environment restored after.
    before = os.environ.get("SOURCE_DATE_EPOCH")
    if value is None:
        os.environ.pop("SOURCE_DATE_EPOCH", None)
    else:
        os.environ["SOURCE_DATE_EPOCH"] = str(value)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = before


def verify_document(document: bytes, path: str, *, options: Options | None = None,
                    signature: SignatureCheck | None = None) -> Verdict:
    """Rebuild ``document`` (the bytes of the file ``path``) from what it carries with ``options``' template
    folder, theme and reference document, and compare."""
    opts = options or Options()
    signature = signature or signature_check()
    revisions, checked = 1, document
    if document.startswith(b"%PDF-"):
        checked, revisions = first_revision(document)
    embedded = read_embedded(checked)
    if embedded is None:
        return Verdict(path, NOT_OURS, "it carries no data file and build record of reports", revisions)
    record = embedded.record
    if record.get("redline") is not None:
        old = record["redline"].get("old") if isinstance(record["redline"], dict) else None
        return Verdict(path, UNCHECKED, f"a redline against {old!s}: its old version is not carried", revisions)
    fmt = "pdf" if document.startswith(b"%PDF-") else "docx"
    if record["document"]["format"] != fmt:
        return Verdict(path, NOT_OURS, f"its record describes a {record['document']['format']} document", revisions)
    verdict = _rebuild_and_compare(embedded, checked, path, fmt, opts)
    notes = [verdict.detail] if verdict.detail else []
    if revisions > 1:
        notes.append(f"compared its first revision; {revisions - 1} later revision"
                     f"{'s' if revisions > 2 else ''} appended, not checked")
    signed = signature(document) if fmt == "pdf" else None
    if signed is not None:
        notes.append(signed[0])
        if not signed[1] and verdict.verdict == REPRODUCED:  # the content is ours, the signature does not hold
            verdict = replace(verdict, verdict=DIFFERS)
    return replace(verdict, detail="; ".join(notes), revisions=revisions)


def _rebuild_and_compare(embedded: Embedded, checked: bytes, path: str, fmt: str, opts: Options) -> Verdict:
    from reports.load import agreement_from_bytes

    record, source = embedded.record, embedded.source
    recorded = record.get("options") or {}
    overrides = recorded.get("overrides")
    options = replace(opts, lang=_text(recorded.get("lang")), watermark=_text(recorded.get("watermark")),
                      overrides={str(k): str(v) for k, v in overrides.items()} if isinstance(overrides, dict) else {},
                      embed_source=True, against=None, strict=False)
    kind = record["document"]["kind"]
    epoch = record.get("source_date_epoch")
    with _epoch(epoch if isinstance(epoch, int) and not isinstance(epoch, bool) else None):
        current = build_record(source.data, source.name, kind, fmt, options)
        where = differences(record, current)
        try:
            agreement = agreement_from_bytes(source.data, source.name, Path(source.name).suffix or ".yaml")
            carried = attachments(source.data, source.name, kind, (fmt,), options)
            rebuilt = render_formats(agreement, kind, (fmt,), options, source=source.name,
                                     attachments=carried)[0].data
        except ReportsError as exc:
            reason = exc.format_message().splitlines()[0] if exc.format_message() else type(exc).__name__
            return Verdict(path, DIFFERS, ", ".join(where or ["data"]) + f" (could not rebuild: {reason})")
    if rebuilt == checked:
        return Verdict(path, REPRODUCED)
    if not where:
        where = ["content (its record matches this installation: the document was changed after it was made)"]
    return Verdict(path, DIFFERS, ", ".join(where))


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def differences(carried: dict[str, Any], current: dict[str, Any]) -> list[str]:
    """Where the record a document carries and the one this installation makes now disagree, in words."""
    found: list[str] = []
    old_tool, new_tool = carried.get("tool") or {}, current["tool"]
    if old_tool.get("version") != new_tool["version"]:
        found.append(f"tool version (made by reports {old_tool.get('version')}, this is {new_tool['version']})")
    libraries: dict[str, Any] = old_tool["libraries"] if isinstance(old_tool.get("libraries"), dict) else {}
    changed = sorted(name for name in set(libraries) | set(new_tool["libraries"])
                     if libraries.get(name) != new_tool["libraries"].get(name))
    if changed:
        found.append("libraries (" + ", ".join(
            f"{n} {libraries.get(n) or 'absent'} -> {new_tool['libraries'].get(n) or 'absent'}" for n in changed) + ")")
    old_templates, new_templates = carried.get("templates") or {}, current["templates"]
    old_files: dict[str, Any] = old_templates["files"] if isinstance(old_templates.get("files"), dict) else {}
    names = sorted(n for n in set(old_files) | set(new_templates["files"])
                   if old_files.get(n) != new_templates["files"].get(n))
    if names:
        found.append(f"template ({', '.join(names)})")
    elif old_templates.get("assets") != new_templates["assets"]:
        found.append("template (the template folder's other files: catalogues, images)")
    for key, what in (("theme", "theme"), ("reference_docx", "reference document")):
        if carried.get(key) != current[key]:
            name = (carried.get(key) or {}).get("name") if isinstance(carried.get(key), dict) else None
            found.append(f"{what} (made with {name!r})" if name else what)
    if carried.get("source") != current["source"]:
        found.append("data (the data file carried is not the one its record names)")
    if carried.get("options") != current["options"] or carried.get("source_date_epoch") != current["source_date_epoch"]:
        found.append("options")
    return found


def documents_in(paths: list[Path]) -> list[Path]:
    """``paths`` with every folder replaced by the .pdf and .docx files inside it (all levels, sorted)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.suffix.lower() in (".pdf", ".docx") and p.is_file()))
        else:
            found.append(path)
    return found


__all__ = ["SignatureCheck", "Verdict", "differences", "documents_in", "first_revision", "no_signature_check",
           "signature_check",
           "verify_document"]
