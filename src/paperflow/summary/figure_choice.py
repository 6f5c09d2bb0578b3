"""Which of a paper's figures and tables go into its entry: the model/method overview and the main results.

Without an LLM (and for what an LLM's answer leaves out) a rule over the captions and where the paper prints and
names its floats (its sections), measured on the 49 real papers of the truth table by benchmarks/figures.py. A
caption's *title* is its first sentence after the label. A title is *not main* when it is about an ablation,
hyper-parameters, exemplars, a visualization, qualitative samples, a sensitivity sweep or training/loss curves,
or when its subject (its first words) is statistics, prompts, settings, details, a breakdown, the effect of
something or an analysis ("Comparing methods across fine-tuning settings" is a comparison, not a settings table).

- **Overview**: the lowest-numbered figure whose title says overview, architecture, framework, pipeline,
  illustration of, diagram, "the proposed", "our method/model/...", procedure, and is neither *not main* nor a
  measurement (results, accuracy, performance, a metric); else, among Figures 1-3 whose caption neither reports
  results nor describes a chart (axes, plots, curves, "during training", training losses) nor prints mostly
  numbers inside (axis ticks: a chart whatever its caption says), the first the method section prints or names (an
  introduction's teaser is not the method's picture); without a method section, the first of Figures 1-2;
  else none (the paper shows no overview).
- **Results**: a caption scores 2 when its opening (~200 characters) says results, comparison, performance,
  accuracy, a benchmark or a metric (BLEU, WER, FID, error rate, win rate, ...), 1 more when it compares with
  the state of the art or other models, 3 less when its title is *not main*, 1 less when it is printed before
  the experiments begin (a method's comparison of designs). Floats after the references and appendix begin are
  left out when the body has any. The first table scoring above 0 is taken, unless one of the next three scores
  higher; else such a figure (results plotted), other than the overview; else the first table scoring 0.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from paperflow.models import PictureKind
from paperflow.text.figures import ROMAN, Float, roman_value
from paperflow.text.sections import Section, SectionKind

OPENING = 200  # characters of a caption the rule (and the LLM's caption list) reads
# What an overview figure's caption says of itself, and what a results caption says.
_OVERVIEW = re.compile(r"overview|architecture|framework|pipeline|schematic|diagram|workflow|"
                       r"illustration of|depiction of|the proposed|our (?:method|approach|model|system|"
                       r"framework|procedure|pipeline)|procedure|(?:method|approach)\.|model structure|"
                       r"building block|general scheme", re.IGNORECASE)
_RESULTS = re.compile(r"compar|state-of-the-art|\bsota\b|outperform|\bresults?\b|benchmark|precision|recall|top-1|"
                      r"accuracy|accuracies|performance|win rate|\bbleu\b|\bwer\b|\bfid\b|error rate|perplexity|"
                      r"scores?\b|evaluat|improves", re.IGNORECASE)
# what a results caption reports (an overview may compare approaches, it does not measure them)
_MEASURED = re.compile(r"\bresults?\b|benchmark|precision|recall|top-1|accuracy|accuracies|performance|win rate|"
                       r"\bbleu\b|\bwer\b|\bfid\b|error rate|perplexity|scores?\b", re.IGNORECASE)
# what a caption that is not the main result is about: anywhere in its title ...
_NOT_MAIN = re.compile(r"ablation|hyper-?param|exemplar|visuali[sz]|qualitative|license|sensitivity|"
                       r"training curve|loss curve|scaling law", re.IGNORECASE)
# ... or as its subject, the title's first words ("Statistics of ...", "Prompt for ...", "Effect of ...", but not
# "Comparing methods across fine-tuning settings", "... on prompt following")
_NOT_MAIN_SUBJECT = re.compile(r"^\W*(?:\S+\s+){0,3}?(?:statistics?|dataset (?:details|summary)|prompts?\b|"
                               r"configurations?|settings?|details?|notations?|list of|hardware|breakdown|"
                               r"effects? of|impacts? of|influence of|analysis|distribution of)",
                               re.IGNORECASE)


# samples and examples name a figure's subject only near its title's start ("Selected samples from ...", "Examples
# of ..."), not in a sentence explaining a diagram ("... discriminates between samples from the data")
_SAMPLES = re.compile(r"^\W*(?:\S+\s+){0,4}?(?:samples?|examples?|qualitative|uncurated)\b", re.IGNORECASE)


def _not_main(title: str) -> bool:
    return bool(_NOT_MAIN.search(title) or _NOT_MAIN_SUBJECT.search(title) or _SAMPLES.search(title))


# what says "the headline comparison": against the state of the art, other models, on the benchmarks
_MAIN_RESULTS = re.compile(r"state-of-the-art|\bsota\b|outperform|other (?:\w+ ){0,2}(?:models|methods|baselines|"
                           r"systems|detectors)|baselines|main results|benchmarks\b|leaderboard", re.IGNORECASE)


def opening(caption: str) -> str:
    return " ".join(caption.split())[:OPENING]


def _first_sentence(caption: str) -> str:
    """The caption's title: its opening up to the first full stop after its label ("Table 2: ... .")."""
    text = opening(caption)
    label = re.match(rf"^\S+\s*(?:S?\d+|{ROMAN})\s*[:.|–—]?\s*", text)
    rest = text[label.end():] if label else text
    end = re.search(r"(?<!\bvs)(?<!\be\.g)(?<!\bi\.e)(?<!\bet al)(?<!\bFig)\.(?:\s|$)", rest)
    return rest[: end.start() + 1] if end else rest


def _number_order(floats: Sequence[Float], kind: str) -> list[Float]:
    return sorted((f for f in floats if f.kind == kind), key=lambda f: f.number)


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a paper's parts begin, read from its sections: a float's page says what it belongs to."""

    results_page: int | None = None  # first page of the experiments / results
    back_page: int | None = None  # first page of the references or appendix

    @classmethod
    def of(cls, sections: Sequence[Section]) -> Placement:
        def first(kinds: set[SectionKind]) -> int | None:
            return min((s.page for s in sections if s.kind in kinds), default=None)
        return cls(first({SectionKind.RESULTS}), first({SectionKind.REFERENCES, SectionKind.APPENDIX}))

    def in_back(self, f: Float) -> bool:
        return self.back_page is not None and f.page > self.back_page

    def before_results(self, f: Float) -> bool:
        return self.results_page is not None and f.page < self.results_page


# "Figure 2", "Fig. 3", "Tables 4 and 5", "Figs. 1-2", "Tables II and III" (IEEE, APS) in running text
_REF_NUMBER = rf"(?:S?\d+|(?-i:{ROMAN}))"
_MENTION = re.compile(rf"\b(Tables?|Tabs?\.|Figures?|Figs?\.?)\s*({_REF_NUMBER})"
                      rf"((?:\s*(?:,\s*and|,|and|&|-|–)\s*{_REF_NUMBER})*)", re.IGNORECASE)


def _mentioned_numbers(kind: str, first: str, more: str) -> list[int]:
    """The numbers a mention names: arabic, or roman for tables ("Tables II and III")."""
    numbers = []
    for printed in [first, *re.findall(_REF_NUMBER, more or "")]:
        arabic = printed.lstrip("S")
        if arabic.isdigit():
            numbers.append(int(arabic))
        elif kind == "table":
            numbers.append(roman_value(printed))
    return numbers


def mentions(sections: Sequence[Section], *, captions: bool = False) -> dict[tuple[str, int], list[SectionKind]]:
    """(figure|table, number) -> the kinds of the sections whose running text names it, once per sentence. A
    caption (the label at a sentence's start, then ":", "|", "." or a dash) names its float only with
    `captions` (then it says which section the float is printed in)."""
    named: dict[tuple[str, int], list[SectionKind]] = {}
    for section in sections:
        for paragraph in section.paragraphs:
            for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z(])", paragraph.text):
                seen: set[tuple[str, int]] = set()
                for m in _MENTION.finditer(sentence):
                    if not captions and re.match(r"\s*[:|.–—]", sentence[m.end():]) \
                            and not sentence[:m.start()].strip():
                        continue
                    kind = "table" if m.group(1).lower().startswith("tab") else "figure"
                    for number in _mentioned_numbers(kind, m.group(2), m.group(3)):
                        seen.add((kind, number))
                for ref in seen:
                    named.setdefault(ref, []).append(section.kind)
    return named


# what says a figure is a chart of data, never a diagram of the method
_CHART = re.compile(r"\b[xy]-axis|\baxis\b|\bplots?\b|\bcurves?\b|histogram|bar chart|scatter|during (?:the )?"
                    r"(?:training|\w+ process)|training dynamics|\b(?:training|validation|test) loss(?:es)?\b",
                    re.IGNORECASE)
FALLBACK = 3  # figures the fallback looks at: an overview without overview words is among the first few
# A chart's region text is mostly its axis ticks and bar values; a diagram's is mostly words (measured on the
# truth table's papers: overview figures at most 20 % numbers, charts mostly 40 % and more).
_NUMBER = re.compile(r"[-−+]?\d+(?:[.,]\d+)*%?[kKMB×x]?")
CHART_MIN_WORDS = 8
CHART_NUMBER_SHARE = 0.4


def _plotted(f: Float) -> bool:
    """Whether the text printed inside the figure is mostly numbers: a chart, whatever its caption says."""
    words = f.text.split()
    return len(words) >= CHART_MIN_WORDS and \
        sum(bool(_NUMBER.fullmatch(w)) for w in words) >= CHART_NUMBER_SHARE * len(words)


def choose_overview(floats: Sequence[Float], sections: Sequence[Section] = ()) -> Float | None:
    figures = _number_order(floats, "figure")
    for f in figures:
        title = _first_sentence(f.caption)
        if _OVERVIEW.search(title) and not (_not_main(title) or _MEASURED.search(title)):
            return f
    # else one of the first figures that is neither results nor samples nor an analysis: the first the method
    # section names (an introduction's teaser figure is not the method's picture), or without a method section
    # the first of Figures 1-2
    plain = [f for f in figures[:FALLBACK] if not (_RESULTS.search(opening(f.caption)) or
                                                   _CHART.search(opening(f.caption)) or _plotted(f) or
                                                   _not_main(_first_sentence(f.caption)))]
    if any(s.kind is SectionKind.METHOD for s in sections):
        named = mentions(sections, captions=True)
        return next((f for f in plain if SectionKind.METHOD in named.get((f.kind, f.number), [])), None)
    return next((f for f in plain if f.number <= 2), None)


def _results_score(f: Float) -> int:
    title, text = _first_sentence(f.caption), opening(f.caption)
    return (2 if _RESULTS.search(text) else 0) + (1 if _MAIN_RESULTS.search(text) else 0) \
        - (3 if _not_main(title) else 0)


NEXT_CANDIDATES = 3  # a stronger results caption among the next few wins over the first one


def _best(floats: list[Float], placement: Placement) -> Float | None:
    """The first float that scores above 0, unless one of the NEXT_CANDIDATES after it scores higher (the
    comparison with the state of the art after a baseline table); None when none scores above 0."""
    scored = [(f, score) for f in floats
              if (score := _results_score(f) - (1 if placement.before_results(f) else 0)) > 0]
    if not scored:
        return None
    window = scored[:1 + NEXT_CANDIDATES]
    top = max(score for _f, score in window)
    return next(f for f, score in window if score == top)


def choose_results(floats: Sequence[Float], overview: Float | None = None, sections: Sequence[Section] = ()
                   ) -> Float | None:
    placement = Placement.of(sections)
    body = [f for f in floats if not placement.in_back(f)] or list(floats)
    table = _best(_number_order(body, "table"), placement)
    if table is not None:
        return table
    plot = _best([f for f in _number_order(body, "figure") if f is not overview], placement)
    if plot is not None:
        return plot
    return next((f for f in _number_order(floats, "table") if _results_score(f) == 0), None)


def find(floats: Sequence[Float], kind: str, number: int) -> Float | None:
    return next((f for f in floats if f.kind == kind and f.number == number), None)


def choose_pictures(floats: Sequence[Float], max_per_entry: int, *, picks: dict[PictureKind, tuple[str, int]]
                    | None = None, sections: Sequence[Section] = ()
                    ) -> tuple[list[tuple[PictureKind, Float]], list[str]]:
    """The floats for the entry, overview first, at most `max_per_entry`, and one report line per picture that
    is not there ("no architecture figure found"). `picks` (kind -> (figure|table, number): an LLM's answer or
    the person's --figure / --table) win over the rule where they name a float of the paper. `sections` (the
    paper's, from its PaperText) tell the rule where the method, the experiments and the appendix are."""
    chosen: list[tuple[PictureKind, Float]] = []
    missing: list[str] = []
    picks = picks or {}
    overview = find(floats, *picks[PictureKind.ARCHITECTURE]) if PictureKind.ARCHITECTURE in picks else None
    if overview is not None and overview.kind != "figure":
        overview = None  # an overview is a figure (an answer cached before check_picks said so may name a table)
    overview = overview or choose_overview(floats, sections)
    results = find(floats, *picks[PictureKind.RESULTS]) if PictureKind.RESULTS in picks else None
    if results is None or results is overview:
        # a results pick that is the overview itself (the rule's, where the answer named none) leaves the results
        # to the rule, which never takes the overview again
        results = choose_results(floats, overview, sections)
    if results is overview:
        results = None
    for kind, f, what in ((PictureKind.ARCHITECTURE, overview, "no architecture figure found"),
                          (PictureKind.RESULTS, results, "no results table or figure found")):
        if f is None:
            missing.append(what)
        elif len(chosen) < max_per_entry:
            chosen.append((kind, f))
    return chosen, missing


def rule_picks(floats: Sequence[Float], max_per_entry: int, sections: Sequence[Section] = ()
               ) -> dict[tuple[str, int], str]:
    """(figure|table, number) -> the picture kind the rule would pick it as, for listings that mark the picks
    (`paperflow extract`, `paperflow show`). Both pictures are marked even when entries carry only one."""
    chosen, _missing = choose_pictures(floats, max(2, max_per_entry), sections=sections)
    return {(f.kind, f.number): kind.value for kind, f in chosen}
