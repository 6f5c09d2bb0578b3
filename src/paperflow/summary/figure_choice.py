"""Which of a paper's figures and tables go into its entry: the model/method overview and the main results.

Without an LLM (and for what an LLM's answer leaves out) a rule over the captions, measured on the 49 real papers
of the truth table by benchmarks/figures.py. A caption's *title* is its first sentence after the label:

- **Overview**: the lowest-numbered figure whose title says overview, architecture, framework, pipeline,
  illustration of, diagram, "the proposed", "our method/model/...", procedure, and is not an ablation, a
  hyper-parameter sweep, samples, an analysis or a visualization; else the first of Figures 1-2 that is neither
  results nor one of those; else none (the paper shows no overview).
- **Results**: a caption scores 2 when its opening (~200 characters) says results, comparison, performance,
  accuracy, a benchmark or a metric (BLEU, WER, FID, error rate, win rate, ...), 1 more when it compares with
  the state of the art or other models, 3 less when its title is one of the exclusions above. The first table
  scoring above 0 is taken, unless one of the next three scores higher; else such a figure (results plotted),
  other than the overview; else the first table scoring 0.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from paperflow.models import PictureKind
from paperflow.text.figures import Float

OPENING = 200  # characters of a caption the rule (and the LLM's caption list) reads
# What an overview figure's caption says of itself, and what a results caption says.
_OVERVIEW = re.compile(r"overview|architecture|framework|pipeline|schematic|diagram|workflow|"
                       r"illustration of|depiction of|the proposed|our (?:method|approach|model|system|"
                       r"framework|procedure|pipeline)|procedure|(?:method|approach)\.|model structure|"
                       r"building block|general scheme", re.IGNORECASE)
_RESULTS = re.compile(r"compar|state-of-the-art|\bsota\b|outperform|\bresults?\b|benchmark|precision|recall|top-1|"
                      r"accuracy|accuracies|performance|win rate|\bbleu\b|\bwer\b|\bfid\b|error rate|perplexity|"
                      r"scores?\b|evaluat|improves", re.IGNORECASE)
_NOT_MAIN = re.compile(r"ablation|hyper-?param|statistic|dataset (?:details|summary)|\bprompts?\b|exemplar|"
                       r"configuration|setting|detail|notation|visuali[sz]|qualitative|license|list of|"
                       r"hardware|breakdown|effect of|impact of|influence of|sensitivity|analysis|"
                       r"throughput|speed|latency|memory|training curve|loss curve|scaling law", re.IGNORECASE)


# samples and examples name a figure's subject only near its title's start ("Selected samples from ...", "Examples
# of ..."), not in a sentence explaining a diagram ("... discriminates between samples from the data")
_SAMPLES = re.compile(r"^\W*(?:\S+\s+){0,4}?(?:samples?|examples?|qualitative|uncurated)\b", re.IGNORECASE)


def _not_main(title: str) -> bool:
    return bool(_NOT_MAIN.search(title) or _SAMPLES.search(title))


# what says "the headline comparison": against the state of the art, other models, on the benchmarks
_MAIN_RESULTS = re.compile(r"state-of-the-art|\bsota\b|outperform|other (?:\w+ ){0,2}(?:models|methods|baselines|"
                           r"systems|detectors)|baselines|main results|benchmarks\b|leaderboard", re.IGNORECASE)


def opening(caption: str) -> str:
    return " ".join(caption.split())[:OPENING]


def _first_sentence(caption: str) -> str:
    """The caption's title: its opening up to the first full stop after its label ("Table 2: ... .")."""
    text = opening(caption)
    label = re.match(r"^\S+\s*S?\d+\s*[:.|–—]?\s*", text)
    rest = text[label.end():] if label else text
    end = re.search(r"(?<!\bvs)(?<!\be\.g)(?<!\bi\.e)(?<!\bet al)(?<!\bFig)\.(?:\s|$)", rest)
    return rest[: end.start() + 1] if end else rest


def _number_order(floats: Sequence[Float], kind: str) -> list[Float]:
    return sorted((f for f in floats if f.kind == kind), key=lambda f: f.number)


def choose_overview(floats: Sequence[Float]) -> Float | None:
    figures = _number_order(floats, "figure")
    for f in figures:
        title = _first_sentence(f.caption)
        if _OVERVIEW.search(title) and not _not_main(title):
            return f
    # else the first of the first two figures that is neither results nor samples nor an analysis
    for f in figures[:2]:
        title = _first_sentence(f.caption)
        if not (_RESULTS.search(title) or _not_main(title)):
            return f
    return None


def _results_score(f: Float) -> int:
    title, text = _first_sentence(f.caption), opening(f.caption)
    return (2 if _RESULTS.search(text) else 0) + (1 if _MAIN_RESULTS.search(text) else 0) \
        - (3 if _not_main(title) else 0)


NEXT_CANDIDATES = 3  # a stronger results caption among the next few wins over the first one


def _best(floats: list[Float]) -> Float | None:
    """The first float that scores above 0, unless one of the NEXT_CANDIDATES after it scores higher (the
    comparison with the state of the art after a baseline table); None when none scores above 0."""
    scored = [(f, score) for f in floats if (score := _results_score(f)) > 0]
    if not scored:
        return None
    window = scored[:1 + NEXT_CANDIDATES]
    top = max(score for _f, score in window)
    return next(f for f, score in window if score == top)


def choose_results(floats: Sequence[Float], overview: Float | None = None) -> Float | None:
    table = _best(_number_order(floats, "table"))
    if table is not None:
        return table
    plot = _best([f for f in _number_order(floats, "figure") if f is not overview])
    if plot is not None:
        return plot
    return next((f for f in _number_order(floats, "table") if _results_score(f) == 0), None)


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


def rule_picks(floats: Sequence[Float], max_per_entry: int) -> dict[tuple[str, int], str]:
    """(figure|table, number) -> the picture kind the rule would pick it as, for listings that mark the picks
    (`paperflow extract`, `paperflow show`). Both pictures are marked even when entries carry only one."""
    chosen, _missing = choose_pictures(floats, max(2, max_per_entry))
    return {(f.kind, f.number): kind.value for kind, f in chosen}
