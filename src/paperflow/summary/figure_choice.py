"""Which of a paper's figures and tables go into its entry: the model/method overview and the main results.

Without an LLM (and as the fallback of an LLM's invalid picks) a rule over the captions, measured on the real
papers by benchmarks/figures.py:

- **Overview**: the lowest-numbered figure whose caption's opening (its first ~200 characters) says overview,
  architecture, framework, pipeline, "illustration of our/the method" or the like, and not an ablation, a
  hyper-parameter sweep, samples or a visualization; else Figure 1.
- **Results**: the lowest-numbered table whose caption says results, comparison, performance, accuracy or a
  benchmark, and is not an ablation, hyper-parameters, statistics, a dataset, prompts or examples; else the
  first table that is none of those; else the first figure whose caption says results or comparison
  (results plotted), other than the overview.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from paperflow.models import PictureKind
from paperflow.text.figures import Float

OPENING = 200  # characters of a caption the rule (and the LLM's caption list) reads
_OVERVIEW = re.compile(r"overview|architecture|framework|pipeline|illustration of|schematic|diagram|"
                       r"model structure|the proposed|our (?:method|approach|model|system)|workflow|"
                       r"depiction of|approach\b|method\b", re.IGNORECASE)
_RESULTS = re.compile(r"result|compar|performance|accura|benchmark|state-of-the-art|\bsota\b|outperform|"
                      r"evaluat|score|win rate|bleu|perplexity", re.IGNORECASE)
_NOT_MAIN = re.compile(r"ablation|hyper-?param|statistic|dataset|data set|prompt|example|sample|exemplar|"
                       r"configuration|setting|detail|notation|visuali[sz]|qualitative|templat|license|"
                       r"list of|hardware|cost of|breakdown", re.IGNORECASE)


def opening(caption: str) -> str:
    return " ".join(caption.split())[:OPENING]


def _number_order(floats: Sequence[Float], kind: str) -> list[Float]:
    return sorted((f for f in floats if f.kind == kind), key=lambda f: f.number)


def choose_overview(floats: Sequence[Float]) -> Float | None:
    figures = _number_order(floats, "figure")
    for f in figures:
        text = opening(f.caption)
        if _OVERVIEW.search(text) and not _NOT_MAIN.search(text):
            return f
    return next((f for f in figures if f.number == 1), None)


def choose_results(floats: Sequence[Float], overview: Float | None = None) -> Float | None:
    tables = _number_order(floats, "table")
    for f in tables:
        text = opening(f.caption)
        if _RESULTS.search(text) and not _NOT_MAIN.search(text):
            return f
    for f in tables:
        if not _NOT_MAIN.search(opening(f.caption)):
            return f
    for f in _number_order(floats, "figure"):
        text = opening(f.caption)
        if f is not overview and _RESULTS.search(text) and not _NOT_MAIN.search(text):
            return f
    return None


def find(floats: Sequence[Float], kind: str, number: int) -> Float | None:
    return next((f for f in floats if f.kind == kind and f.number == number), None)


def choose_pictures(floats: Sequence[Float], max_per_entry: int, *, picks: dict[PictureKind, tuple[str, int]]
                    | None = None) -> tuple[list[tuple[PictureKind, Float]], list[str]]:
    """The floats for the entry, overview first, at most `max_per_entry`, and one report line per picture that
    is not there ("no architecture figure found"). `picks` (kind -> (figure|table, number): an LLM's answer or
    the person's --figure / --table) win over the rule where they name a float of the paper."""
    chosen: list[tuple[PictureKind, Float]] = []
    missing: list[str] = []
    picks = picks or {}
    overview = find(floats, *picks[PictureKind.ARCHITECTURE]) if PictureKind.ARCHITECTURE in picks else None
    overview = overview or choose_overview(floats)
    results = find(floats, *picks[PictureKind.RESULTS]) if PictureKind.RESULTS in picks else None
    results = results or choose_results(floats, overview)
    if results is overview:
        results = None
    for kind, f, what in ((PictureKind.ARCHITECTURE, overview, "no architecture figure found"),
                          (PictureKind.RESULTS, results, "no results table or figure found")):
        if f is None:
            missing.append(what)
        elif len(chosen) < max_per_entry:
            chosen.append((kind, f))
    return chosen, missing
