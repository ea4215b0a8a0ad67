"""Which East Asian language a piece of text is in: from its script, and from what the data says of its
names. Below the model (a local name's language defaults from its script) and the writers (each run of
Chinese, Japanese or Korean text is tagged, and set in a face, for its language).

Kana is written only in Japanese, Hangul only in Korean; Chinese characters alone say nothing, since
Chinese and Japanese share them: a name written in them takes the language the data gives it, else its
party's or the document's, else Simplified Chinese (how the tool read them before it knew Japanese).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

EAST_ASIAN = frozenset({"zh", "ja", "ko"})
HAN_DEFAULT = "zh-Hans"  # Chinese characters in a document whose language is no East Asian one

# Hiragana and katakana (with the prolonged sound mark ー and the iteration marks), the phonetic
# extensions and half-width katakana. The katakana middle dot (U+30FB) is left out: Chinese writes
# foreign names with it too.
_KANA = re.compile("[\u3041-\u3096\u309d-\u309f\u30a1-\u30fa\u30fc-\u30ff\u31f0-\u31ff\uff66-\uff9f]")
_HANGUL = re.compile("[\u1100-\u11ff\u3131-\u318e\ua960-\ua97f\uac00-\ud7a3\ud7b0-\ud7ff\uffa0-\uffdc]")
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")


def primary(tag: str) -> str:
    """The language subtag of a BCP 47 tag, lower case: ``zh-Hans`` -> ``zh``."""
    return tag.replace("_", "-").split("-")[0].lower()


def is_east_asian(tag: str) -> bool:
    """True for a tag of Chinese, Japanese or Korean."""
    return primary(tag) in EAST_ASIAN


def script_language(text: str) -> str | None:
    """``ja`` for text with kana, ``ko`` for text with Hangul, else None (Chinese characters alone, or
    no East Asian script at all, say nothing of the language)."""
    if _KANA.search(text):
        return "ja"
    if _HANGUL.search(text):
        return "ko"
    return None


def name_language(text: str, given: str | None = None, han: str = HAN_DEFAULT) -> str | None:
    """The language of a name: ``given`` when the data says it; else from its script (kana: ``ja``,
    Hangul: ``ko``); else ``han`` for a name in Chinese characters only (the party's or the document's
    language); None for a name in no East Asian script."""
    if given:
        return given
    by_script = script_language(text)
    if by_script is not None:
        return by_script
    return han if _HAN.search(text) else None


def han_language(*tags: str) -> str:
    """The language of Chinese characters no name accounts for: the first East Asian tag of ``tags``
    (the document's language, the labels'), else Simplified Chinese."""
    return next((tag for tag in tags if tag and is_east_asian(tag)), HAN_DEFAULT)


@dataclass(frozen=True)
class RunLanguages:
    """The languages of one document's East Asian runs: the data's names with their languages (a name
    is found inside a run, as in 张勇（Zhang Yong）), the rest by its script, else ``default``."""

    default: str = HAN_DEFAULT
    names: tuple[tuple[str, str], ...] = ()  # (name, its language)

    def split(self, run: str) -> list[tuple[str, str]]:
        """A run of East Asian characters cut into ``(piece, language)``, in order, joined where the
        language does not change."""
        found: list[tuple[int, int, str]] = []
        taken = [False] * len(run)
        for name, language in sorted(self.names, key=lambda pair: -len(pair[0])):  # the longest first
            start = run.find(name) if name else -1
            while start >= 0:
                end = start + len(name)
                if not any(taken[start:end]):
                    found.append((start, end, language))
                    taken[start:end] = [True] * len(name)
                start = run.find(name, end)
        found.sort()
        pieces: list[tuple[str, str]] = []
        position = 0
        for start, end, language in found:
            if start > position:
                gap = run[position:start]
                pieces.append((gap, script_language(gap) or self.default))
            pieces.append((run[start:end], language))
            position = end
        if position < len(run):
            gap = run[position:]
            pieces.append((gap, script_language(gap) or self.default))
        joined: list[tuple[str, str]] = []
        for piece, language in pieces:
            if joined and joined[-1][1] == language:
                joined[-1] = (joined[-1][0] + piece, language)
            else:
                joined.append((piece, language))
        return joined


__all__ = ["EAST_ASIAN", "HAN_DEFAULT", "RunLanguages", "han_language", "is_east_asian", "name_language",
           "primary", "script_language"]
