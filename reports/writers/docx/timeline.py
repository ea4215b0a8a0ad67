"""The timeline figure in the DOCX: native DrawingML shapes (a ``wpg`` group of ``wps`` shapes).

Part of write (DOCX). reports/timeline/ lays the figure out (measured with the same faces the PDF uses,
so both formats break rows alike); this module writes each part of it as one inline group in its own
paragraph: lines and markers as preset geometries, every label line as a borderless text box with no
wrapping. Word and LibreOffice both draw such a group. A figure taller than a page is written in parts
that each fit one, cut between rows; the legend (what the markers mean) goes with the last. Each group's
``wp:docPr descr`` lists its events (the alt text), saying of each what the legend marks it as.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any
from xml.sax.saxutils import quoteattr

from docx.opc.constants import RELATIONSHIP_TYPE as RT

from reports import timeline as tl
from reports import tree as t
from reports.autolink import linked
from reports.theme import Theme
from reports.writers.docx import ooxml
from reports.writers.xmltext import xml_safe

_EMU = 12700  # per point
_NS = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
       'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
       'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
       'xmlns:wpg="http://schemas.microsoft.com/office/word/2010/wordprocessingGroup" '
       'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"')
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"  # declared where a link needs it
_GROUP_URI = "http://schemas.microsoft.com/office/word/2010/wordprocessingGroup"
# Word sets a text box's glyphs a shade wider than the PDF measure in places: room so no line wraps.
_TEXT_SLACK = 1.06
_SHAPE_IDS = 1_000_000
_CELL_MARGINS = 16.0  # points: the left and right margins of a key-facts cell, and a little room


_DECORATIVE = ('<a:extLst><a:ext uri="{C183D7F6-B498-43B3-948B-1728B52AA6E4}">'
               '<adec:decorative xmlns:adec="http://schemas.microsoft.com/office/drawing/2017/decorative" val="1"/>'
               '</a:ext></a:extLst>')


def _emu(points: float) -> int:
    return round(points * _EMU)



class _Shapes:
    """The shapes of one group, as XML text, with ids counted from ``first_id``."""

    def __init__(self, first_id: int, colours: dict[str, str], fonts: tuple[str, str], cjk_font: str,
                 alt: str = "", relate: Callable[[str], str] | None = None) -> None:
        self.next_id = first_id
        self.relate = relate  # a link's target -> the id of its relationship in the document part
        self.alt = alt  # the figure's alt text, given to the first child (see the module's docstring)
        self.parts: list[str] = []
        self.colours = colours
        self.latin, self.bold_latin = fonts
        self.cjk_font = cjk_font

    def _id(self) -> int:
        self.next_id += 1
        return self.next_id

    def _properties(self, name: str, part: str) -> str:
        """A child's ``wps:cNvPr``: decorative, with the alt text (first child) or ``part`` as descr."""
        descr = self.alt if not self.parts and self.alt else part
        return (f'<wps:cNvPr id="{self._id()}" name={quoteattr(name)} descr={quoteattr(xml_safe(descr))}>'
                f'{_DECORATIVE}</wps:cNvPr>')

    def shape(self, name: str, x: float, y: float, w: float, h: float, geometry: str, fill: str | None,
              line: str | None, line_width: float = 0.75, dash: bool = False, flip: str = "") -> None:
        fill_xml = f'<a:solidFill><a:srgbClr val="{fill}"/></a:solidFill>' if fill else "<a:noFill/>"
        if line:
            dash_xml = '<a:prstDash val="dash"/>' if dash else ""
            line_xml = (f'<a:ln w="{_emu(line_width)}" cap="rnd"><a:solidFill><a:srgbClr val="{line}"/></a:solidFill>'
                        f"{dash_xml}</a:ln>")
        else:
            line_xml = "<a:ln><a:noFill/></a:ln>"
        self.parts.append(
            f'<wps:wsp>{self._properties(name, name)}<wps:cNvSpPr/>'
            f'<wps:spPr><a:xfrm{flip}><a:off x="{_emu(x)}" y="{_emu(y)}"/>'
            f'<a:ext cx="{_emu(w)}" cy="{_emu(h)}"/></a:xfrm>'
            f'<a:prstGeom prst="{geometry}"><a:avLst/></a:prstGeom>{fill_xml}{line_xml}</wps:spPr>'
            '<wps:bodyPr/></wps:wsp>')

    def text(self, x: float, y: float, w: float, h: float, line: str, size: float, bold: bool, colour: str,
             links: tuple[tl.LineLink, ...] = ()) -> None:
        run_props = (f'<w:rFonts w:ascii="{self.latin}" w:hAnsi="{self.latin}" w:eastAsia="{self.cjk_font}" '
                     f'w:cs="{self.latin}"/>{"<w:b/>" if bold else ""}<w:color w:val="{colour}"/>'
                     f'<w:sz w:val="{round(size * 2)}"/><w:szCs w:val="{round(size * 2)}"/>')
        runs, pos, relate = [], 0, self.relate
        for link in links:  # an address on the line: a hyperlink, as in the PDF
            if relate is None:
                break
            if link.start > pos:
                runs.append(_run(run_props, line[pos:link.start]))
            runs.append(f'<w:hyperlink xmlns:r="{_R}" r:id="{relate(link.target)}" w:history="1">'
                        f'{_run(run_props, line[link.start:link.end])}</w:hyperlink>')
            pos = link.end
        if pos < len(line) or not runs:
            runs.append(_run(run_props, line[pos:]))
        paragraph = (f'<w:p><w:pPr><w:spacing w:before="0" w:after="0" w:line="{round(h * 20)}" w:lineRule="exact"/>'
                     f'<w:ind w:left="0" w:right="0" w:firstLine="0"/><w:jc w:val="left"/>'
                     f'<w:rPr>{run_props}</w:rPr></w:pPr>{"".join(runs)}</w:p>')
        self.parts.append(
            f'<wps:wsp>{self._properties("Label", line)}<wps:cNvSpPr txBox="1"/>'
            f'<wps:spPr><a:xfrm><a:off x="{_emu(x)}" y="{_emu(y)}"/><a:ext cx="{_emu(w)}" cy="{_emu(h)}"/></a:xfrm>'
            '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:noFill/><a:ln><a:noFill/></a:ln></wps:spPr>'
            f'<wps:txbx><w:txbxContent>{paragraph}</w:txbxContent></wps:txbx>'
            '<wps:bodyPr rot="0" vert="horz" wrap="none" lIns="0" tIns="0" rIns="0" bIns="0" anchor="t" '
            'anchorCtr="0"><a:noAutofit/></wps:bodyPr></wps:wsp>')


def _run(properties: str, text: str) -> str:
    return f'<w:r><w:rPr>{properties}</w:rPr><w:t xml:space="preserve">{_escape(text)}</w:t></w:r>'


def _escape(text: str) -> str:
    return xml_safe(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _row_shapes(shapes: _Shapes, row: tl.Row, origin: float, width: float) -> None:
    c = shapes.colours
    axis = row.axis_y - origin
    split = row.future_from if row.future_from is not None else width
    if split > 0:
        shapes.shape("Axis", 0, axis, split, 0, "line", None, c["accent"], 1.4)
    if split < width:
        shapes.shape("Axis (future)", split, axis, width - split, 0, "line", None, c["muted"], 1.4, dash=True)
    for tick in row.ticks:
        shapes.shape("Tick", tick.x, tick.y1 - origin, 0, tick.y2 - tick.y1, "line", None, c["muted"], 0.6)
        shapes.text(tick.box.x, tick.box.y - origin, tick.box.width * _TEXT_SLACK + 2, tick.box.height, tick.text,
                    tick.box.height / 1.2, False, c["muted"])
    for lead in row.leads:
        shapes.shape("Lead", lead.x, lead.y1 - origin, 0, lead.y2 - lead.y1, "line", None, c["rule"], 0.5)
    for marker in row.markers:
        colour = c["muted"] if marker.future else c["accent"]
        r = marker.radius
        shapes.shape("Milestone" if marker.milestone else "Event", marker.x - r, axis - r, 2 * r, 2 * r,
                     "diamond" if marker.milestone else "ellipse", "FFFFFF" if marker.future else colour, colour, 1.1)
    for label in row.labels:
        colour = c["muted"] if label.future else c["text"]
        size = label.line_height / 1.2
        for i, line in enumerate(label.lines):
            shapes.text(label.box.x, label.box.y - origin + i * label.line_height,
                        label.box.width * _TEXT_SLACK + 2, label.line_height, line, size,
                        label.milestone or i == 0, c["accent"] if i == 0 and not label.future else colour,
                        tuple(link for link in label.links if link.line == i))


def _legend_shapes(shapes: _Shapes, legend: tl.Legend, origin: float) -> None:
    c = shapes.colours
    for item in legend.items:
        marker = item.marker
        colour = c["muted"] if marker.future else c["accent"]
        r = marker.radius
        shapes.shape("Milestone" if marker.milestone else "Event", marker.x - r, marker.y - origin - r, 2 * r, 2 * r,
                     "diamond" if marker.milestone else "ellipse", "FFFFFF" if marker.future else colour, colour, 1.1)
        shapes.text(item.box.x, item.box.y - origin, item.box.width * _TEXT_SLACK + 2, legend.line_height, item.text,
                    legend.line_height / 1.2, False, c["muted"])


def _parts(lay: tl.Layout, page_height: float) -> Iterator[tuple[int, int]]:
    yield from tl.split_rows(lay, lambda _: page_height)


def add_timeline(writer: Any, node: t.Timeline, container: Any) -> None:
    """Write ``node`` into ``container`` (the body or a cell) for the DOCX writer ``writer``
    (``story.StoryWriter``: its document, theme, metadata and paragraph helpers)."""
    from reports.fonts.faces import family
    from reports.fonts.languages import registered_faces
    from reports.fonts.measure import TextMeasure
    from reports.writers.docx import theme as docx_theme

    theme: Theme = writer.theme
    meta = writer.meta
    labels = getattr(meta, "labels", None)
    # Dates in the locale the text's dates are written in (en-US "Mar 3, 2025", fr "3 mars 2025").
    lang = labels.format_locale if labels is not None else "en_GB"
    # Measured as the PDF sets the figure: the heading family, and labels and dates (2023年7月7日 in
    # Chinese) in the CJK face, read when they need it.
    heading = family(theme.fonts.heading)
    text = tl.alt_text(node, lang)
    # Japanese labels and dates measured in the Japanese face, as the PDF sets them.
    measure = TextMeasure(heading.regular, heading.bold, registered_faces(theme.fonts.cjk, meta, text))
    size = theme.fonts.size
    # In a table cell (a key-facts value) the figure takes the cell's width less its margins.
    cell_width = getattr(container, "width", None) if container is not writer.doc else None
    width = max(int(cell_width) / _EMU - _CELL_MARGINS, 72.0) if cell_width else writer.text_width() / _EMU
    style = tl.Style(width=width, size=round(size * 0.78, 1), tick_size=round(size * 0.7, 1))
    legend = tl.LegendWords(labels.timeline_past, labels.timeline_future, labels.timeline_milestone) \
        if labels is not None else tl.LegendWords()
    lay = tl.layout(node, style, measure.measure, lang=lang, as_of=meta.iso_date, legend=legend)
    # The legend's words after the events it marks, as the PDF's alt text says them.
    said = (legend, tl.today_of(node, meta.iso_date)) if lay.legend is not None else None
    page_height = writer.page.body_height / _EMU - 40
    colours = {k: v.lstrip("#").upper() for k, v in theme.colours.model_dump().items()}
    font = docx_theme.word_font(theme.fonts.heading)
    for first, end in _parts(lay, page_height):
        rows = lay.rows[first:end]
        origin = rows[0].top
        height = lay.bottom(end - 1) - origin
        events = sorted(e for row in rows for label in row.labels for e in label.events)
        shown = t.Timeline(tuple(node.events[e] for e in events), node.as_of, node.alt if first == 0 else "")
        alt = tl.alt_text(shown, lang, said)
        doc_id = writer.doc.part.next_id
        # The shapes' own ids are kept far above the drawings' (which may be numbered 1, 2 ... afresh
        # once the document is complete), so the two never meet.
        # The labels' East Asian face: the document's (a Japanese face for a Japanese document).
        cjk_face = writer.cjk_faces.face(writer.cjk_faces.languages.default)
        shapes = _Shapes(max(doc_id, _SHAPE_IDS), colours, (font, font), cjk_face, alt,
                         lambda url: str(writer.doc.part.relate_to(xml_safe(url), RT.HYPERLINK, is_external=True)))
        for row in rows:
            _row_shapes(shapes, row, origin, width)
        if lay.legend is not None and end == len(lay.rows):
            _legend_shapes(shapes, lay.legend, origin)
        title = f' title={quoteattr(xml_safe(node.caption))}' if node.caption else ""
        drawing = (
            f'<w:drawing {_NS}><wp:inline distT="0" distB="0" distL="0" distR="0">'
            f'<wp:extent cx="{_emu(width)}" cy="{_emu(height)}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
            f'<wp:docPr id="{doc_id}" name="Timeline {doc_id}" descr={quoteattr(xml_safe(alt))}{title}/>'
            f'<wp:cNvGraphicFramePr/><a:graphic><a:graphicData uri="{_GROUP_URI}"><wpg:wgp><wpg:cNvGrpSpPr/>'
            f'<wpg:grpSpPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{_emu(width)}" cy="{_emu(height)}"/>'
            f'<a:chOff x="0" y="0"/><a:chExt cx="{_emu(width)}" cy="{_emu(height)}"/></a:xfrm></wpg:grpSpPr>'
            f'{"".join(shapes.parts)}</wpg:wgp></a:graphicData></a:graphic></wp:inline></w:drawing>')
        # Kept with the next paragraph only between the last part and its caption.
        ooxml.figure_paragraph(writer.new_para(container, "Normal"), drawing,
                               end == len(lay.rows) and node.number is not None, _NS)
    if node.number is not None:
        # The catalogue's pattern ("Figure 1 : Dates clés", "図1　主な日程"), as an image's caption has it.
        caption = (labels.figure_caption(node.number, node.caption) if labels is not None
                   else f"Figure {node.number}: {node.caption}")
        writer.runs(writer.new_para(container, "Caption"), linked(caption))


__all__ = ["add_timeline"]
