"""The faces of one document's Chinese, Japanese and Korean runs, chosen by each run's language.

Part of write. A run's language is its name's, when the data names it (``Agreement.name_languages``,
handed down in ``Meta.name_languages``), else its script's (kana: Japanese, Hangul: Korean), else the
document's (``reports.east_asian``). Japanese runs are set in the Japanese face, every other East
Asian run in the Chinese one; both writers, the measurer of the timeline figure and the page furniture
read the same ``CjkFaces``, so a run is set, measured and tagged alike everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from reportlab.pdfbase import pdfmetrics

from reports.east_asian import HAN_DEFAULT, RunLanguages, han_language, primary, script_language
from reports.fonts.scripts import CJK_RUN, script_runs


def run_languages(meta: Any) -> RunLanguages:
    """The languages of the East Asian runs of the document of ``meta`` (a ``tree.Meta``): its names'
    languages, each East Asian run of a name on its own (張勇 in "Zhang Yong (張勇)"), and for the rest
    the text's language, else the labels', when East Asian."""
    labels = getattr(meta, "labels", None)
    default = han_language(getattr(meta, "language", ""), getattr(labels, "locale", ""))
    names = tuple((run, language) for name, language in getattr(meta, "name_languages", ())
                  for run in CJK_RUN.findall(name))
    return RunLanguages(default, names)


@dataclass(frozen=True)
class CjkFaces:
    """The face for Japanese runs and the face for every other East Asian run (registered reportlab
    face names; the same face under two names when the machine has no Japanese one), and which
    language each run is in."""

    chinese: str
    japanese: str
    languages: RunLanguages = field(default_factory=RunLanguages)

    def face(self, language: str) -> str:
        """The face of a run in ``language``."""
        return self.japanese if primary(language) == "ja" else self.chinese

    def runs(self, text: str) -> list[tuple[str, str | None, str]]:
        """``text`` in runs of ``(piece, face, language)``: an East Asian run in the face of its language,
        every other run with no face (``None``) and no language ("")."""
        out: list[tuple[str, str | None, str]] = []
        for piece, cjk in script_runs(text):
            if not cjk:
                out.append((piece, None, ""))
                continue
            for part, language in self.languages.split(piece):
                face = self.face(language)
                if face == self.japanese != self.chinese:
                    out.extend(self._japanese(part, language))
                else:
                    out.append((part, face, language))
        return out

    def _japanese(self, text: str, language: str) -> list[tuple[str, str | None, str]]:
        # A character the Japanese face lacks (IPA has no 团 or 们: a Chinese name the data did not say
        # is Chinese) is set in the Chinese face, which draws it, rather than as a box.
        covered = _coverage(self.japanese)
        if covered is None or all(ord(c) in covered for c in text):
            return [(text, self.japanese, language)]
        out: list[tuple[str, str | None, str]] = []
        for char in text:
            face = self.japanese if ord(char) in covered or char.isspace() else self.chinese
            if out and out[-1][1] == face:
                out[-1] = (out[-1][0] + char, face, language)
            else:
                out.append((char, face, language))
        return out

    def language_of(self, text: str) -> str:
        """The one language of the East Asian runs of ``text`` ("" when it has none, or several)."""
        found = {language for _, face, language in self.runs(text) if face is not None}
        return found.pop() if len(found) == 1 else ""

    def other_language(self) -> str:
        """The language of the runs set in the Chinese face: the document's, unless that is Japanese;
        then the first name's in another language, else Simplified Chinese."""
        if primary(self.languages.default) != "ja":
            return self.languages.default
        return next((lang for _, lang in self.languages.names if primary(lang) != "ja"), HAN_DEFAULT)

    def spans(self, document_language: str) -> dict[str, str]:
        """The ``/Lang`` to mark each face's runs with in a document in ``document_language`` (a face
        whose runs are in that language needs none)."""
        out: dict[str, str] = {}
        # One face for both (a document with no Japanese run): the face's runs are all the other language.
        if primary(document_language) != "ja" and self.japanese != self.chinese:
            out[self.japanese] = "ja"
        other = self.other_language()
        if primary(other) != primary(document_language):
            out[self.chinese] = other
        return out

    def may_be_japanese(self, characters: str) -> bool:
        """Whether a run of text made of ``characters`` could be Japanese: kana among them, the document's
        East Asian language Japanese, or a name given as Japanese."""
        return bool(CJK_RUN.search(characters)) and (
            script_language(characters) == "ja" or primary(self.languages.default) == "ja"
            or any(primary(lang) == "ja" for _, lang in self.languages.names))


def registered_faces(cjk: str, meta: Any, text: str) -> CjkFaces:
    """The faces ``text`` of the document of ``meta`` is set in, registered with reportlab so that it can
    be measured or drawn: the theme's CJK choice ``cjk`` for Chinese, and the Japanese face when ``text``
    may have Japanese runs (an OpenType face converted for the characters of ``text``)."""
    from reports.fonts.faces import ensure_cjk, ensure_japanese

    chinese = ensure_cjk(cjk, text)
    faces = CjkFaces(chinese, chinese, run_languages(meta))
    if faces.may_be_japanese(text):
        faces = CjkFaces(chinese, ensure_japanese(cjk, text), faces.languages)
    return faces


_COVERAGE: dict[str, Any] = {}


def _coverage(face: str) -> Any:
    """The characters the registered reportlab face ``face`` draws (its character map), or None for a
    name that is no TrueType face registered here (a Word family name, a CID font)."""
    known = _COVERAGE.get(face)
    if known is None and face in pdfmetrics.getRegisteredFontNames():
        known = getattr(getattr(pdfmetrics.getFont(face), "face", None), "charToGlyph", None)
        if known is not None:
            _COVERAGE[face] = known
    return known


__all__ = ["CjkFaces", "registered_faces", "run_languages"]
