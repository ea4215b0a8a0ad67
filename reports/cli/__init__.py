"""The ``reports`` command line: click commands only; each parses options and calls the library.

Heavy libraries (Jinja2, reportlab, python-docx) are imported inside the commands that use them, so
``reports --help`` stays quick. Every user error arrives as a ``ReportsError`` and prints as one message.
What a user reads is ``HELP`` and the commands' docstrings, not this docstring.

The package: ``group`` holds the ``main`` group and its error handling, ``options`` what several commands
share, and one module per group of commands (``data``, ``render``, ``build``, ``templates``). The commands
do not know the group: they are added to it here, so that ``reports.cli:main`` (the console script) is
the whole command line.
"""

from __future__ import annotations

from reports.cli import build, data, provenance, render, templates
from reports.cli.group import main

for _command in (data.validate, data.schema, data.new, render.pdf, render.docx, build.build, build.diff,
                 build.watch, templates.templates, provenance.extract, provenance.verify):
    main.add_command(_command)

__all__ = ["main"]
