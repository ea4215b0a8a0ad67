"""The PDF writer (reportlab): document tree -> tagged, archival PDF bytes.

``writer`` is the entry point; ``story`` and ``tables`` turn blocks into flowables, ``layout`` lays a
document out (the pagination both writers read), ``page`` draws the running furniture, ``tags`` and
``structure`` make the structure tree, ``archive`` the PDF/A metadata, ``attachments`` the embedded files.
"""

from reports.writers.pdf.writer import write_pdf

__all__ = ["write_pdf"]
