"""reports: merge partnership-agreement data into templates and produce PDF briefings and Word memos.

The Python API is the same three steps the command line takes::

    agreement = reports.load_agreement("deal.yaml")
    data = reports.render(agreement, "briefing", "pdf")
    result = reports.build([Path("agreements")], Path("out"), jobs=2)

Heavy libraries are imported on first use, so importing this package stays cheap.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from reports.kinds import DEFAULT_KINDS
from reports.version import __version__
from reports.writers.registry import FORMATS

if TYPE_CHECKING:
    from concurrent.futures import Executor

    from reports.batch import BuildResult
    from reports.model import Agreement
    from reports.theme import Theme

__all__ = ["__version__", "build", "load_agreement", "render"]


def load_agreement(path: str | Path) -> Agreement:
    """Load and validate an agreement (YAML or JSON); raises ``reports.errors.DataError`` with every
    problem located by file, line, column and field."""
    from reports.load import load_agreement as _load

    return _load(path)


def render(agreement: Agreement, kind: str = "briefing", fmt: str = "pdf", *, theme: Theme | None = None,
           template_dir: Path | None = None, reference_docx: Path | None = None,
           overrides: Mapping[str, str] | None = None, strict: bool = False,
           timeout: float | None = 60.0, against: Agreement | None = None, author: str = "reports") -> bytes:
    """Return one document's bytes: ``kind`` is any kind the template folder or the built-ins have
    ("briefing", "memo", ...), ``fmt`` "pdf" or "docx". With ``against`` (the old version of the
    agreement), the document is a redline: what changed since it marked, after a "What changed" section,
    the tracked changes by ``author``.

    ``timeout`` (seconds; 0 or None for none) stops a document that runs longer with a ``TimeLimitError``,
    as ``reports pdf --timeout`` does. It uses SIGALRM, so it applies only when called from the main
    thread while no other interval timer runs; the previous SIGALRM handler is restored afterwards.
    Raises ``TemplateError`` or ``RenderError`` (both ``reports.errors.ReportsError``).
    """
    from reports.pipeline import Against, Options
    from reports.pipeline import render as _render
    from reports.theme import DEFAULT_THEME

    options = Options(theme=theme or DEFAULT_THEME, template_dir=template_dir, reference_docx=reference_docx,
                      overrides=dict(overrides or {}), strict=strict, timeout=timeout)
    old = Against(against, author=author) if against is not None else None
    return _render(agreement, kind, fmt, options, against=old).data


def build(paths: Sequence[Path], out_dir: Path, *, kinds: Sequence[str] = DEFAULT_KINDS,
          formats: Sequence[str] = FORMATS, theme: Theme | None = None, template_dir: Path | None = None,
          reference_docx: Path | None = None, jobs: int = 1, shard: tuple[int, int] | None = None,
          check: bool = False, fail_fast: bool = False, timeout: float | None = 60.0,
          manifest: Path | None = None, executor: Executor | None = None, force: bool = False,
          lang: str | None = None, watermark: str | None = None, classification: str | None = None,
          embed_source: bool = True) -> BuildResult:
    """Build every agreement in ``paths`` (files or folders) into ``out_dir``; see ``reports build``.

    Returns a ``BuildResult`` (``.ok``, ``.exit_code``, ``.outputs``, ``.failed``, ``.internal``,
    ``.manifest()``): one agreement that fails, even from a bug of ours, is recorded there and the others
    are built. ``timeout`` bounds each document in seconds (in worker processes, and in this process
    when called from its main thread); ``manifest`` writes the manifest to that path. Raises
    ``DataError`` for duplicate ids and ``OutputError`` when ``out_dir`` cannot be used or ``manifest``
    would overwrite an input or an output.

    ``executor``: any ``concurrent.futures.Executor`` (e.g. ``distributed.Client(...).get_executor()``);
    documents are made there, files written here; results and manifest are the same. Builds are
    incremental (a record beside the documents); ``force`` makes every document again. ``lang`` sets the
    labels' language over the data's; ``watermark`` the mark behind every page; ``classification`` the
    protective marking of every document, over the data's and the theme's (as ``--classification``).
    Each document carries its data file and build record (``reports.provenance``) unless ``embed_source``
    is false (``--no-embed-source``); ``render`` embeds none.
    """
    from reports.batch import build as _build
    from reports.pipeline import Options
    from reports.theme import DEFAULT_THEME

    options = Options(theme=theme or DEFAULT_THEME, template_dir=template_dir, reference_docx=reference_docx,
                      timeout=timeout, lang=lang, watermark=watermark,
                      overrides={"classification": classification} if classification else {},
                      embed_source=embed_source)
    return _build(list(paths), out_dir, kinds=kinds, formats=formats, options=options, jobs=jobs, shard=shard,
                  check=check, fail_fast=fail_fast, manifest=manifest, executor=executor, force=force)
