"""Writers: document tree -> bytes, one package per format (``pdf``, ``docx``), and what they share.

The registry (``registry``) defines the formats once and hands out every writer with one signature,
``(document, theme, options) -> bytes``; ``options`` and ``pagination`` are that signature's parts;
``measure``, ``wide_tables``, ``watermark`` and ``xmltext`` are what both writers compute alike.
"""

from reports.writers.options import WriterOptions
from reports.writers.registry import FORMATS, Writer, get_writer

__all__ = ["FORMATS", "Writer", "WriterOptions", "get_writer"]
