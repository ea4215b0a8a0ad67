"""The fixed corpus whose bytes a refactoring must not change.

Every document of: the shipped agreement, its Chinese edition and 20 agreements generated once (from a
fixed hypothesis seed, kept as JSON under ``tests/corpus/agreements/`` so that a new hypothesis version
does not change them), each kind x format, with the default theme and the example theme (Letter, a logo),
and each DOCX also on a reference document unlike ours (``tests/corpus/reference.docx``: python-docx's
own template with a letterhead and other faces).

``tests/corpus/hashes.txt`` lists the sha256 of each, under a fingerprint of what else decides the bytes
(library versions, zlib, the Chinese and Japanese faces found on the machine). ``tests/test_corpus.py`` compares; the
bytes are a guard for moves that must not change behaviour, so a machine with another fingerprint skips
the comparison and says why.

    python -m tests.corpus --write        # record the hashes (after a change meant to alter output)
    python -m tests.corpus --generate     # draw the 20 agreements anew (then --write)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import zlib
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).resolve().parent / "corpus"
AGREEMENTS = CORPUS / "agreements"
REFERENCE = CORPUS / "reference.docx"
HASHES = CORPUS / "hashes.txt"
GENERATED = 20
SEED = 20261207
_LIBRARIES = ("reportlab", "rl-accel", "python-docx", "fonttools", "pikepdf", "babel", "jinja2", "markdown-it-py",
              "mdit-py-plugins", "pillow", "lxml", "pydantic", "font-source-serif-pro", "font-source-sans-pro",
              "uharfbuzz")  # HarfBuzz places the combining marks


def fingerprint() -> str:
    """What besides our code decides the corpus bytes, as one line."""
    from reports.fonts.cjk import find_cjk_face

    parts = [f"python={sys.version_info.major}.{sys.version_info.minor}", f"zlib={zlib.ZLIB_RUNTIME_VERSION}"]
    parts += [f"{name}={version(name)}" for name in _LIBRARIES]
    from reports.fonts.japanese import find_japanese_face

    for name, face in (("cjk", find_cjk_face(None)), ("ja", find_japanese_face())):
        digest = hashlib.sha256(face.path.read_bytes()).hexdigest()[:16] if face is not None else "none"
        parts.append(f"{name}={digest}")
    return " ".join(parts)


def _agreements() -> Iterator[tuple[str, object]]:
    from reports.load import load_agreement
    from reports.model import Agreement

    yield "shipped", load_agreement(ROOT / "data" / "zhejiang-alibaba-2023.yaml")
    yield "shipped-zh", load_agreement(ROOT / "data" / "zhejiang-alibaba-2023.zh-Hans.yaml")
    for path in sorted(AGREEMENTS.glob("*.json")):
        yield path.stem, Agreement.model_validate(json.loads(path.read_text("utf-8")))


def documents(only: list[str] | None = None) -> Iterator[tuple[str, bytes]]:
    """(name, bytes) of every document of the corpus (or of the agreements named in ``only``)."""
    from reports.load import load_theme
    from reports.model import Agreement
    from reports.pipeline import Options, render_formats
    from reports.theme import DEFAULT_THEME

    themes = {"plain": DEFAULT_THEME, "themed": load_theme(ROOT / "docs" / "example-theme" / "theme.yaml")}
    for name, agreement in _agreements():
        if only is not None and name not in only:
            continue
        assert isinstance(agreement, Agreement)
        for kind in ("briefing", "memo"):
            for theme_name, theme in themes.items():
                pdf, word = render_formats(agreement, kind, ("pdf", "docx"), Options(theme=theme, timeout=None))
                yield f"{name}-{kind}-{theme_name}.pdf", pdf.data
                yield f"{name}-{kind}-{theme_name}.docx", word.data
                (referenced,) = render_formats(agreement, kind, ("docx",),
                                               Options(theme=theme, reference_docx=REFERENCE, timeout=None))
                yield f"{name}-{kind}-{theme_name}-reference.docx", referenced.data


def _hashes_of(names: list[str]) -> dict[str, str]:
    os.environ.pop("SOURCE_DATE_EPOCH", None)  # the documents' dates come from their data
    return {name: hashlib.sha256(data).hexdigest() for name, data in documents(names)}


def hashes(workers: int = 1) -> dict[str, str]:
    """{document name: sha256} for the whole corpus, made by ``workers`` processes."""
    names = [name for name, _ in _agreements()]
    if workers <= 1:
        return _hashes_of(names)
    from concurrent.futures import ProcessPoolExecutor

    shares = [names[i::workers] for i in range(workers)]
    with ProcessPoolExecutor(workers) as pool:
        found: dict[str, str] = {}
        for part in pool.map(_hashes_of, shares):
            found.update(part)
    order = {name: i for i, name in enumerate(names)}
    return dict(sorted(found.items(), key=lambda item: (order[_agreement_of(item[0], order)], item[0])))


def _agreement_of(document: str, names: dict[str, int]) -> str:
    return max((name for name in names if document.startswith(f"{name}-")), key=len)


def read_recorded() -> tuple[str, dict[str, str]]:
    """The fingerprint and {name: sha256} recorded in hashes.txt."""
    lines = HASHES.read_text("utf-8").splitlines()
    recorded_fingerprint = lines[0].removeprefix("# fingerprint: ")
    pairs = (line.split("  ", 1) for line in lines[1:] if line and not line.startswith("#"))
    return recorded_fingerprint, {name: digest for digest, name in pairs}


def _write() -> None:
    lines = [f"# fingerprint: {fingerprint()}"]
    lines += [f"{digest}  {name}" for name, digest in hashes(workers=2).items()]
    HASHES.write_text("\n".join(lines) + "\n", "utf-8")
    print(f"wrote {len(lines) - 1} hashes to {HASHES}")


def _generate() -> None:
    from hypothesis import HealthCheck, given, seed, settings

    from tests.strategies import agreement_dicts

    drawn: list[dict[str, object]] = []

    @seed(SEED)
    @settings(derandomize=False, database=None, max_examples=GENERATED * 5, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(agreement_dicts())
    def collect(data: dict[str, object]) -> None:
        drawn.append(data)

    collect()
    # Hypothesis starts with its simplest examples: take every fifth draw, so the corpus spreads.
    chosen = drawn[4::5][:GENERATED]
    AGREEMENTS.mkdir(parents=True, exist_ok=True)
    for old in AGREEMENTS.glob("*.json"):
        old.unlink()
    for number, data in enumerate(chosen, 1):
        text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True, default=str)
        (AGREEMENTS / f"generated-{number:02d}.json").write_text(text + "\n", "utf-8")
    print(f"wrote {len(chosen)} agreements to {AGREEMENTS}")


def _make_reference() -> None:
    import docx
    from docx.shared import Pt, RGBColor

    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "NORTHWIND LETTERHEAD"
    section.footer.paragraphs[0].text = "Registered office: 1 Example Street"
    normal = document.styles["Normal"]
    normal.font.name = "Georgia"
    normal.font.size = Pt(12)
    heading = document.styles["Heading 1"]
    heading.font.color.rgb = RGBColor(0x0B, 0x6E, 0x4F)
    document.core_properties.author = "Northwind"
    document.save(str(REFERENCE))
    print(f"wrote {REFERENCE}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--generate", action="store_true", help="draw the generated agreements anew")
    parser.add_argument("--reference", action="store_true", help="make the reference document anew")
    parser.add_argument("--write", action="store_true", help="record the hashes")
    args = parser.parse_args(argv)
    if args.generate:
        _generate()
    if args.reference:
        _make_reference()
    if args.write:
        _write()


if __name__ == "__main__":
    main()
