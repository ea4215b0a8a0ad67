"""reports: merge partnership-agreement data into templates and produce PDF briefings and Word memos."""

from __future__ import annotations

__version__ = "0.1.0"
