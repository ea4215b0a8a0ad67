"""The DOCX writer (python-docx and raw OOXML): document tree -> Word document bytes.

``writer`` is the entry point; ``story`` turns blocks into paragraphs and tables; ``theme``,
``styles`` and ``reference`` prepare the package a document is written into (the user's reference
document checked and cleaned through ``archive``, ``clean`` and ``parts``); ``toc``, ``notes``,
``timeline``, ``watermark``, ``fonts`` and ``access`` add their parts.
"""

from reports.writers.docx.writer import write_docx

__all__ = ["write_docx"]
