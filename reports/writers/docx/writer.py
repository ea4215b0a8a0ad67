"""Document tree -> .docx bytes with python-docx, on the styles of a reference document.

compose -> parse -> **write (DOCX)** -> build. One public function, ``write_docx``; the story is made in
``story``, the title block and running header and footer in ``furniture``. The writer only names styles
(Title, Heading 1, List Bullet, Quote, Report Table ...); the look lives in templates/reference.docx or
the user's own reference document.
"""

from __future__ import annotations

import datetime as dt
import io
from functools import lru_cache
from typing import Any

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.package import Unmarshaller
from docx.opc.part import PartFactory
from docx.opc.pkgreader import PackageReader
from docx.package import Package
from docx.shared import Mm

from reports import tree as t
from reports.limits import source_date_epoch
from reports.theme import Theme
from reports.writers.docx import access as docx_access
from reports.writers.docx import theme as docx_theme
from reports.writers.docx.fields import cache_page_numbers
from reports.writers.docx.fonts import embed_fonts
from reports.writers.docx.furniture import page_furniture, title_block
from reports.writers.docx.package import package_bytes
from reports.writers.docx.revisions import Revisions, mark_spacers
from reports.writers.docx.story import StoryWriter
from reports.writers.measure import furniture_margins
from reports.writers.options import WriterOptions
from reports.writers.xmltext import xml_safe

CORE_PROPERTY_LIMIT = 255  # characters: python-docx refuses longer core properties (title, subject ...)


def fit_property(text: str, limit: int = CORE_PROPERTY_LIMIT) -> str:
    """``text`` made fit for a document property: invalid XML characters removed and, when longer than
    ``limit``, cut at the last word boundary before it with an ellipsis (…) added.

    Metadata is limited, the document body is not: the full text is still printed where the template
    puts it. A single word longer than the limit is cut inside the word.
    """
    text = xml_safe(text)
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]  # room for the ellipsis
    space = cut.rfind(" ")
    if space > limit // 2:  # a word boundary not too far back; else keep as much text as fits
        cut = cut[:space]
    return cut.rstrip(" ,;:·-–—") + "…"


def _core_properties(document: Any, meta: t.Meta) -> None:
    props = document.core_properties
    props.title = fit_property(meta.title)
    props.subject = fit_property(meta.subject)
    props.author = fit_property(meta.author or meta.organisation or "reports")
    props.keywords = fit_property(", ".join(meta.keywords))
    props.category = fit_property(meta.category)
    props.comments = fit_property(meta.source_line)
    props.last_modified_by = "reports"
    props.revision = 1
    props.language = fit_property(meta.language)
    props.identifier = ""
    props.version = ""
    props.content_status = fit_property(meta.classification)
    moment = _creation_time(meta)
    props.created = moment
    props.modified = moment
    props.last_printed = moment


def _creation_time(meta: t.Meta) -> dt.datetime:
    epoch = source_date_epoch()  # the one reading of the variable, shared with the PDF writer
    if epoch is not None:
        return dt.datetime.fromtimestamp(epoch, tz=dt.UTC).replace(tzinfo=None)
    try:
        day = dt.date.fromisoformat(meta.iso_date)
    except ValueError:
        return dt.datetime(2000, 1, 1)
    return dt.datetime(day.year, day.month, day.day)


def _page_setup(document: Any, theme: Theme, custom_reference: bool) -> None:
    if custom_reference:  # the user's reference decides page size and margins
        return
    section = document.sections[-1]
    if theme.page_size == "Letter":
        section.page_width, section.page_height = Mm(215.9), Mm(279.4)
    m = theme.margins
    section.left_margin, section.right_margin = Mm(m.left), Mm(m.right)
    top, bottom = furniture_margins(m.top, m.bottom)  # the PDF's: room for the marking above and below
    section.top_margin, section.bottom_margin = Mm(top), Mm(bottom)


def _open(data: bytes) -> Any:
    """python-docx's ``Document(io.BytesIO(data))``: the document's own parts, made from the package's."""
    package = Package()
    Unmarshaller.unmarshal(_read(data), package, PartFactory)  # type: ignore[no-untyped-call]
    part = package.main_document_part
    if part.content_type != CT.WML_DOCUMENT_MAIN:  # as Document() checks (a prepared package always is one)
        raise ValueError(f"not a Word document: its main part is {part.content_type}")
    return part.document


@lru_cache(maxsize=8)
def _read(data: bytes) -> PackageReader:
    # The prepared package (one per reference and theme, kept by docx_theme) read from its zip once: every
    # document is made from the parts read here (its XML parsed anew for each, its bytes never changed).
    reader: PackageReader = PackageReader.from_file(io.BytesIO(data))  # type: ignore[no-untyped-call]
    return reader


@lru_cache(maxsize=8)
def _prepared_parts(data: bytes) -> dict[str, bytes]:
    """The prepared package's parts by member name: a document's part still holding these bytes (the
    theme; the styles, unless the document changed them) is deflated once per process (``package``)."""
    return {partname.membername: blob for partname, _, _, blob in _read(data).iter_sparts()}  # type: ignore[no-untyped-call]


def write_docx(doc: t.Document, theme: Theme, options: WriterOptions | None = None) -> bytes:
    """Render ``doc`` as a .docx and return the bytes; identical input gives identical bytes.

    ``options.reference_docx`` is a .docx (or .dotx, .docm) whose styles, page set-up, headers and footers
    the output takes on; it is checked, cleaned and completed once per process (see ``reference``, whose
    ``check_reference`` gives the warnings about what was removed from it). ``options.paginate`` says
    where the headings fall, whether the contents are shown and how many pages the footer's fields count
    (``reports.writers.get_writer`` supplies it; without it, the fields hold 1 until a reader updates them).
    Raises ``RenderError`` for an unusable reference or image.
    """
    options = options or WriterOptions()
    reference = options.reference_docx
    # The prepared package holds no content: only the last section's settings are left in its body.
    prepared = docx_theme.themed_package(reference, theme)
    document = _open(prepared)
    _page_setup(document, theme, reference is not None)
    if doc.meta.kind == "memo" and reference is None:
        docx_theme.tighten_for_memo(document)  # one page, as the PDF's memo
    docx_theme.set_east_asian(document, doc.meta, theme)  # Chinese documents: East Asian body face, language
    writer = StoryWriter(document, theme, doc.meta, Revisions(options.author, options.revision_date))
    title_block(writer)
    writer.blocks(doc.blocks)
    # The one layout (the PDF's) says where the headings fall, whether the contents are shown and how many
    # pages there are (the footer's cached page count).
    pagination = options.paginate(doc, theme) if options.paginate is not None else None
    if writer.toc is not None:  # the contents' result, with each heading's page in the same layout as the PDF
        if pagination is None:  # a caller's bug, not the user's: the registry always supplies it
            raise TypeError("write_docx: a document with contents needs options.paginate (get_writer supplies it)")
        if pagination.contents:
            writer.toc.finish(doc.blocks, pagination.heading_pages)
        else:
            writer.toc.drop()
    page_furniture(writer, reference)
    if pagination is not None:
        cache_page_numbers(document, pagination.pages)  # "Page 1 of 6" before anything updates the fields
    from reports.writers.docx.watermark import add_watermark  # the theme's mark, behind every page

    add_watermark(document, theme)
    docx_access.finish(document, doc.meta.language, writer.gaps)  # language, alt text, no blank paragraphs
    mark_spacers(writer)  # a redline's whole table: the space after it goes with it
    embed_fonts(document, theme.fonts.cjk)  # last: it subsets the fonts to every character written above
    _core_properties(document, doc.meta)
    from reports.writers.docx.attachments import attach  # files carried (a Custom XML Data part)

    attach(document, options.attachments)  # nothing for none
    return package_bytes(document, _prepared_parts(prepared))


__all__ = ["write_docx"]
