"""One document from one agreement: compose -> parse -> write, with warnings collected on the way.

This is the seam between the library and its callers: the CLI, the build step and the Python API all
call ``render`` and never touch Jinja2, markdown-it or the writers themselves.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from reports.errors import Problem, RenderError
from reports.limits import DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT, time_limit
from reports.model import Agreement
from reports.theme import DEFAULT_THEME, Theme
from reports.writers.registry import FORMATS

if TYPE_CHECKING:  # types only: the pipeline imports compose, i18n and the writers lazily
    from reports.i18n import DocumentLocale
    from reports.tree import Document
    from reports.writers.options import Attachment

    # A document's attachments: the same for every format, or each format's own.
    Attachments = Sequence[Attachment] | Mapping[str, Sequence[Attachment]]


@dataclass(frozen=True)
class AgainstSpec:
    """The old version a build's documents are redlined against, as the command line resolved it
    (``reports.against`` reads it; it is an option so that the build record keys a redline by it).
    ``given`` as typed (for messages), ``path`` the old data file (None for a revision), ``revision`` the
    full commit id (None for a file), ``identity`` what decides the old bytes (the file's sha256 or the
    commit id), ``author`` who signs the changes, ``template_dir`` the old version's own template folder
    (``--against-template-dir``; None: the new version's, or with a revision the template folder as it
    was at that revision when it lies in the repository)."""

    given: str
    identity: str
    path: Path | None = None
    revision: str | None = None
    author: str = "reports"
    template_dir: Path | None = None


@dataclass(frozen=True)
class SignSpec:
    """How every PDF of a build is signed (``--sign``, ``reports.sign_outputs``): ``key`` a PKCS#12
    archive, or a PEM private key with its PEM ``certificate``; ``chain`` more certificates to carry;
    ``password_file`` the file holding the key's password (else ``REPORTS_SIGN_PASSWORD``; never a
    command-line value, and its content is no part of any build key); ``timestamp_url`` the RFC 3161
    time-stamp authority for PAdES B-T (None: B-B)."""

    key: Path
    certificate: Path | None = None
    chain: tuple[Path, ...] = ()
    password_file: Path | None = field(default=None, metadata={"in_key": False})
    timestamp_url: str | None = None


@dataclass(frozen=True)
class Options:
    """Everything besides the data that decides what a document looks like (one object, like pandoc's
    WriterOptions), so that the build step can hand it to worker processes in one piece."""

    theme: Theme = DEFAULT_THEME
    template_dir: Path | None = None
    reference_docx: Path | None = None
    # The memo's header lines from the command line (--classification, --to ...): they win over the data
    # and the theme, silently, because a person chose them; part of every build key (reports.digests).
    overrides: Mapping[str, str] = field(default_factory=dict)
    strict: bool = False
    timeout: float | None = DEFAULT_TIMEOUT  # seconds one document may take (all its formats); 0/None: none
    # MB one agreement's documents may take in the worker that renders them (Linux); 0/None: no cap
    memory_limit: int | None = DEFAULT_MEMORY_MB
    watermark: str | None = None  # --watermark: the mark behind every page; None keeps the theme's
    lang: str | None = None  # --lang: the labels' language (BCP-47); None takes the data's `language`
    against: AgainstSpec | None = None  # --against: build redlines against this old version
    sign: SignSpec | None = None  # --sign: every PDF signed (PAdES) after it is made
    # Whether the build embeds the data file and its build record in each document (reports.provenance);
    # --no-embed-source turns it off. The pipeline itself embeds only the attachments it is given.
    embed_source: bool = True


@dataclass(frozen=True)
class Against:
    """The old version a redline is made against (``reports build NEW --against OLD``): its agreement,
    the name of its data for messages, its own options when the template or options changed between the
    versions (None: the new version's), the author every tracked change is signed by, and whether the
    template changed (None: when the options differ; the caller knows better when two folders hold the
    same templates)."""

    agreement: Agreement
    source: str = "<old data>"
    options: Options | None = None
    author: str = "reports"
    template_changed: bool | None = None


@dataclass(frozen=True)
class Rendered:
    """The bytes of one document and the warnings met while making it."""

    data: bytes
    warnings: tuple[Problem, ...] = ()


def render(agreement: Agreement, kind: str, fmt: str, options: Options | None = None,
           *, source: str = "<data>", attachments: Attachments = (),
           against: Against | None = None) -> Rendered:
    """Render ``agreement`` as a ``kind`` ("briefing" or "memo") document in ``fmt`` ("pdf" or "docx").

    ``source`` names the data file in warnings. ``attachments`` are files the document carries (the PDF
    embeds them and claims PDF/A-3a instead of 2a; the DOCX keeps them in a Custom XML Data part): they
    belong to this one document, so they are an argument here and not part of the build-wide ``Options``
    (which the build's keys hash). Returns the document bytes and any warnings; raises ``TemplateError`` for template
    problems, ``RenderError`` when the document cannot be made, and with ``options.strict`` also when
    there are warnings, and ``TimeLimitError`` when it takes longer than ``options.timeout`` seconds
    (enforced in the main thread only; see ``reports.limits.time_limit``). Attachments that break
    ``Attachment``'s rules (names given twice) raise ``ValueError``: a caller's bug, not a user's error.
    """
    return render_formats(agreement, kind, (fmt,), options, source=source, attachments=attachments,
                          against=against)[0]


def render_formats(agreement: Agreement, kind: str, formats: Sequence[str], options: Options | None = None,
                   *, source: str = "<data>", attachments: Attachments = (),
                   against: Against | None = None) -> list[Rendered]:
    """Like ``render`` for several formats of one document, in order: the template is rendered and its
    Markdown parsed once, and each writer works from the same tree. ``attachments`` may be a mapping from
    format to that format's attachments (a build record names the format it describes).

    With ``against``, the document is a redline: the new version with what changed since
    ``against.agreement`` marked (``reports.redline``), after a "What changed" section."""
    opts = options or Options()
    from reports.kinds import require_kind

    require_kind(kind, opts.template_dir)  # a kind names an output file: never a partial's path
    for fmt in formats:
        if fmt not in FORMATS:
            raise RenderError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    # A template can loop for ever; the limit stops it with a message naming the data file and the kind.
    with time_limit(opts.timeout, source=source, what=kind), _collector_paused():
        per_format = ({fmt: tuple(attachments.get(fmt, ())) for fmt in formats} if isinstance(attachments, Mapping)
                      else dict.fromkeys(formats, tuple(attachments)))
        return _render(agreement, kind, formats, opts, source, per_format, against)


def warm() -> None:
    """Make the built-in minimal agreement's documents in this process (and throw them away), and register
    the default East Asian face.

    For a long-lived process that forks its workers (``reports watch``): each worker then starts with the
    writers imported, the faces registered and the templates compiled, where it used to load them all cold
    for every save (1 s a rebuild, for 0.1 s of work). Only built-in inputs are used here; the user's data,
    templates and theme are still read in the bounded workers.
    """
    from reports.fonts.faces import cjk_font
    from reports.kinds import DEFAULT_KINDS
    from reports.load import load_agreement
    from reports.paths import builtin_data_dir

    sample = load_agreement(builtin_data_dir() / "minimal.yaml")
    for kind in DEFAULT_KINDS:
        render_formats(sample, kind, FORMATS, Options())
    cjk_font(DEFAULT_THEME.fonts.cjk)


@contextmanager
def _collector_paused() -> Iterator[None]:
    # A document makes hundreds of thousands of small objects (tree nodes, XML elements, reportlab
    # fragments) that live until it is written, and almost none are in reference cycles; Python's cyclic
    # collector would walk all of them again and again while they pile up, so that a table's cost per row
    # grew with its length (0.09 -> 0.22 ms a row in the DOCX from 100 to 10,000 rows). Paused for one
    # document, it catches up on what little is left as soon as the document is done.
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _render(agreement: Agreement, kind: str, formats: Sequence[str], opts: Options, source: str,
            attachments: dict[str, tuple[Attachment, ...]], against: Against | None) -> list[Rendered]:
    document, locale, warnings = _compose(agreement, kind, formats, opts, source)
    author = "reports"
    if against is not None:  # the old version composed alike, then the two trees compared
        from reports.redline import redline
        from reports.redline.summary import lines

        old_opts = against.options or opts
        old, _, old_warnings = _compose(against.agreement, kind, formats, old_opts, against.source)
        warnings.extend(old_warnings)
        summary = lines(against.agreement, agreement, locale, documents_differ=old.blocks != document.blocks,
                        template_changed=old_opts != opts if against.template_changed is None
                        else against.template_changed)
        document = redline(old, document, summary)
        author = against.author
    if opts.strict and warnings:
        raise RenderError("warnings are errors under --strict", problems=warnings)
    # A redline is a review copy: its "What changed" section may take a memo past its one page.
    return _write(document, kind, formats, opts, source, attachments, warnings, author,
                  check_pages=against is None)


def _compose(agreement: Agreement, kind: str, formats: Sequence[str], opts: Options,
             source: str) -> tuple[Document, DocumentLocale, list[Problem]]:
    """The document tree of ``agreement``, its locale, and the warnings met making it."""
    # Imported here so that `reports --help` and `reports validate` never load Jinja2 or the writers.
    from reports.compose import compose_document
    from reports.glyphs import check_glyphs
    from reports.i18n import resolve
    from reports.markings import conflicts as marking_conflicts
    from reports.markings import unprintable as unprintable_marking
    from reports.paths import builtin_templates_dir

    # --lang over the data's language; an unknown one (or one without a catalogue) is one warning.
    locale, locale_warning = resolve(opts.lang, agreement.language, opts.template_dir, source=source)
    document, parse_warnings = compose_document(
        agreement,
        kind,
        template_dir=opts.template_dir,
        overrides=opts.overrides,
        theme_classification=opts.theme.classification,
        theme_organisation=opts.theme.organisation,
        # Templates may show images from their own folder, never from anywhere else.
        image_base=opts.template_dir or builtin_templates_dir(),
        locale=locale,
    )
    unfit = unprintable_marking(document.meta, opts.theme, agreement, opts.overrides, source=source)
    if unfit is not None:  # located here, where the pipeline knows where the marking came from
        raise RenderError(unfit.message, problems=[unfit])
    warnings = [locale_warning] if locale_warning else []
    warnings.extend(marking_conflicts(agreement, opts.theme, opts.overrides, source=source))
    warnings.extend(Problem(file=w.template, line=w.line, message=w.message) for w in parse_warnings)
    warnings.extend(check_glyphs(agreement, opts.theme, source=source))
    from reports.writers.pdf.writer import japanese_in_chinese_face

    japanese = japanese_in_chinese_face(document, opts.theme, source, every_time=opts.strict)
    warnings.extend([japanese] if japanese is not None else [])
    if "docx" in formats and opts.reference_docx is not None:
        from reports.writers.docx.reference import check_reference

        warnings.extend(check_reference(opts.reference_docx))  # what was removed from it (cached per file)
    return document, locale, warnings


def _write(document: Document, kind: str, formats: Sequence[str], opts: Options, source: str,
           attachments: dict[str, tuple[Attachment, ...]], warnings: list[Problem], author: str, *,
           check_pages: bool) -> list[Rendered]:
    from reports.writers.options import WriterOptions
    from reports.writers.registry import get_writer, paginator

    # --watermark overrides the theme's mark ("" removes it); the writers read it from the theme.
    theme = opts.theme if opts.watermark is None else opts.theme.model_copy(update={"watermark": opts.watermark})
    # One layout for every format: the writers share a paginator, and the PDF (whose drawing is that
    # layout) is written first, so that the DOCX reads its page numbers instead of laying out again.
    writer_options = WriterOptions(reference_docx=opts.reference_docx, paginate=paginator(), author=author,
                                   revision_date=_revision_date(document))
    written = {fmt: get_writer(fmt)(document, theme, replace(writer_options, attachments=attachments[fmt]))
               for fmt in sorted(set(formats), key="pdf".__ne__)}
    outputs = [written[fmt] for fmt in formats]
    if "pdf" in formats:
        from reports.writers.pdf.writer import chinese_not_embedded

        fallback = chinese_not_embedded(document, theme, source, every_time=opts.strict)
        if fallback is not None:
            warnings.append(fallback)
            if opts.strict:
                raise RenderError("warnings are errors under --strict", problems=warnings)
    long_memo = None if not check_pages else _page_check(
        kind, formats, outputs, lambda: get_writer("pdf")(document, theme, writer_options), source,
        estimate=opts.strict)
    if long_memo is not None:
        warnings.append(long_memo)
        if opts.strict:
            raise RenderError("warnings are errors under --strict", problems=warnings)
    unique = tuple(_unique(warnings))
    return [Rendered(data=data, warnings=unique) for data in outputs]


def _revision_date(document: Document) -> str:
    # A tracked change's date: SOURCE_DATE_EPOCH, else the document's own date, never the clock.
    import datetime as dt

    from reports.limits import source_date_epoch

    epoch = source_date_epoch()
    if epoch is not None:
        return dt.datetime.fromtimestamp(epoch, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{document.meta.iso_date}T00:00:00Z" if document.meta.iso_date else "1970-01-01T00:00:00Z"


def _page_check(kind: str, formats: Sequence[str], outputs: list[bytes], lay_out_pdf: Callable[[], bytes],
                source: str, *, estimate: bool) -> Problem | None:
    # A memo is meant to fit one page: the PDF written says how many it has. For a DOCX alone the PDF is
    # laid out in memory as the estimate only when ``estimate`` (under --strict, where a long memo is an
    # error): it would double the cost of every DOCX-only memo (see reports.fit).
    from reports.fit import ONE_PAGE_KINDS, page_warning

    if kind not in ONE_PAGE_KINDS:
        return None
    if "pdf" in formats:
        return page_warning(kind, outputs[list(formats).index("pdf")], source)
    return page_warning(kind, lay_out_pdf(), source, estimated=True) if estimate else None


def _unique(problems: list[Problem]) -> list[Problem]:
    # The same template warning comes back for every document made from that template.
    seen: set[Problem] = set()
    out: list[Problem] = []
    for p in problems:
        if p not in seen:
            seen.add(p)
            out.append(p)
    return out
