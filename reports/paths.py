"""Where the built-in templates and the shipped agreement live, in a checkout or an installed wheel."""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent


def _first_existing(name: str) -> Path:
    # An installed wheel carries the folders inside the package (reports/templates); a source checkout
    # keeps them at the top level of the repository.
    for candidate in (_HERE / name, _HERE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"the built-in {name!r} folder is missing from this installation of reports")


def builtin_templates_dir() -> Path:
    """Return the folder holding the built-in templates and ``reference.docx``."""
    return _first_existing("templates")


def builtin_data_dir() -> Path:
    """Return the folder holding the shipped example agreements."""
    return _first_existing("data")


def default_data_file() -> Path:
    """Return the shipped reference agreement, the default input of the main commands."""
    return builtin_data_dir() / "zhejiang-alibaba-2023.yaml"
