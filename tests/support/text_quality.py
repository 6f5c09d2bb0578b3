"""Measures of extracted text a reader would notice, shared by the tests and benchmarks/extract.py.

- Glued words: a run of letters that is no word (not in the `wordfreq` English list) but splits into words
  that are, one of them a function word ("adifferentiableencoderandachunked", "theencoder"): the spaces between
  them were lost. Technical compounds ("filterbank", "pretraining") split into content words only: not counted.
- Glyph-name artifacts: font glyph names printed instead of letters ("/e.sc", "/uni00A0", "(cid:12)") and
  control characters left for symbols ("25\\x02 fewer" for "25× fewer").
"""

from __future__ import annotations

import re
from functools import lru_cache

from wordfreq import zipf_frequency

_LETTER_RUN = re.compile(r"(?<![\w-])[a-z]{9,40}(?![\w-])")
_WORD = re.compile(r"[A-Za-z]+")
_GLYPH_ARTIFACT = re.compile(
    r"/[A-Za-z]{1,12}\.(?:sc|alt|sup|sups|sub|osf|swash|ss\d\d|cv\d\d|lf|tf|onum|pnum)\b|/uni[0-9A-Fa-f]{4,6}\b"
    r"|/g\d{1,5}\b|\(cid:\d+\)|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
)
_KNOWN = 2.5  # zipf frequency of a common enough word (2.5 is about once in 3 million words)


@lru_cache(maxsize=200_000)
def _zipf(word: str) -> float:
    return zipf_frequency(word, "en")


_FUNCTION_WORDS = frozenset(
    "a an the of and or to in on for with by as at from is are was were be that this these which we our it its "
    "not can has have than into over between each both such".split())


@lru_cache(maxsize=50_000)
def _splits(run: str) -> bool:
    """Is the shortest cut of `run` into known words (each of 2+ letters, or "a") two or more words, one of them
    a function word?"""
    best: list[tuple[int, bool] | None] = [(0, False)] + [None] * len(run)  # (fewest pieces, has a function word)
    for end in range(1, len(run) + 1):
        for start in range(max(0, end - 20), end):
            piece = run[start:end]
            if best[start] is None or not (len(piece) >= 2 or piece == "a") or _zipf(piece) < _KNOWN:
                continue
            count, function = best[start]
            candidate = (count + 1, function or piece in _FUNCTION_WORDS)
            if best[end] is None or (-candidate[0], candidate[1]) > (-best[end][0], best[end][1]):
                best[end] = candidate
    return best[-1] is not None and best[-1][0] >= 2 and best[-1][1]


def glued_words(text: str) -> list[str]:
    """Letter runs that are no word but several words without their spaces."""
    return [run for run in _LETTER_RUN.findall(text) if _zipf(run) == 0 and not _inflected(run) and _splits(run)]


def _inflected(run: str) -> bool:
    """A plural or inflection of a known word ("granularities", "discriminants"): one word, not glued."""
    stems = [run[:-1], run[:-2], run[:-3] + "y" if run.endswith("ies") else "", run[:-2] if run.endswith("ed") else ""]
    return any(stem and _zipf(stem) > 0 for stem in stems)


def glued_per_thousand(text: str) -> float:
    words = len(_WORD.findall(text))
    return 1000 * len(glued_words(text)) / words if words else 0.0


def glyph_artifacts(text: str) -> list[str]:
    return _GLYPH_ARTIFACT.findall(text)
