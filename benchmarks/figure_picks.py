"""The LLM's figure picks (issue 19) against the reader's, beside the rule's, on the papers of the truth table
(tests/support/figure_truth.py: ../shared/data pdf/, pdf-hard/ and corpus/), side by side in one run.

What is measured is what the person gets: each paper is read as the pipeline reads it (`local_paper`, then
`pipeline.read_text`: the extraction, the front matter, the LLM's share of the text) and summarized by the
pipeline's own call (`summarize_paper` with the paper's evidence and floats, as `pipeline.write_summary` makes
it): the real prompt (prompts/system.*, user.* with every caption listed), the real answer schema, the real
validation (`parse_answer`, `check_picks`) and re-asks (`llm.max_repairs`). There is no separate picks-only
prompt. The entry's pictures are then chosen as the pipeline chooses them (`choose_pictures` with the answer's
picks; the rule fills in what the answer leaves out). Style examples are not sent (there is no log here).

Printed, in total and per paper:
- picks matching the reader's (overview, results, both): the LLM's own picks (a failed summary counts as
  missing both), the entry's (LLM, the rule filling in), and the rule alone on the same papers;
- how often the answer named no overview / no results (the rule filled in), how many answers were re-asked
  because their picks named a figure or table the paper does not list, other invalid answers, and summaries
  that failed for good (no draft for that paper that night);
- seconds per paper: the summarize call (LLM calls and re-asks included), of which in the LLM, and extraction.

The LLM is paperflow's configured one: `--config paperflow.toml` (else $PAPERFLOW_CONFIG or ./paperflow.toml),
with the usual `PAPERFLOW_LLM__...` environment overrides, so a person can measure their own hosted or local
model; only the endpoint's scheme, host and path and the model name are printed, never a key. `--local-llama`
starts the tests' llama.cpp server with the tiny gemma-3 270M model (tests/support/llm_server.py) and points
the settings at it. Summaries, extractions and the server log go to a temporary folder (every paper is asked
afresh, and your output/ is not touched).

Measured on this machine (2 busy cores), --local-llama --papers 10 with PAPERFLOW_EXTRACT__MAX_INPUT_TOKENS=1500
PAPERFLOW_LLM__MAX_OUTPUT_TOKENS=600 (8k context): the LLM's own picks 0/10 overview, 2/10 results, 0/10 both; the
entry's 2/10 both; the rule's 6/10 both (9/10 overview); 3 answers named no picks, none re-asked, none failed;
median 86 s per paper, 14.7 min in all. A tiny base model names "table 1" / "table 2" whatever the paper.

Run from the repository root:
    .venv/bin/python -m benchmarks.figure_picks [--config FILE] [--local-llama] [--papers N] [--only TEXT] [--show]
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data"

Ref = tuple[str, int]


@dataclass(frozen=True)
class PickScore:
    """Whether a paper's two picks are the reader's."""

    overview: bool
    results: bool

    @property
    def both(self) -> bool:
        return self.overview and self.results


def score_picks(truth: Any, overview: Ref | None, results: Ref | None) -> PickScore:
    """`overview` / `results` ((figure|table, number), or None for no pick) against a FigureTruth row. No pick
    matches a paper the reader found none in (truth None), and nothing else."""
    return PickScore(overview=overview == truth.overview, results=results == truth.results)


def refs_of(chosen: Sequence[tuple[Any, Any]]) -> tuple[Ref | None, Ref | None]:
    """(overview, results) refs of `choose_pictures`'s chosen list."""
    from paperflow.models import PictureKind

    by_kind = {kind: (f.kind, f.number) for kind, f in chosen}
    return by_kind.get(PictureKind.ARCHITECTURE), by_kind.get(PictureKind.RESULTS)


@dataclass
class Tally:
    """PickScores summed over papers."""

    overview: int = 0
    results: int = 0
    both: int = 0
    papers: int = 0

    def add(self, score: PickScore | None) -> None:
        self.papers += 1
        if score is not None:
            self.overview += score.overview
            self.results += score.results
            self.both += score.both

    def cells(self) -> str:
        n = self.papers or 1
        return (f"overview {self.overview}/{self.papers} ({self.overview / n:.0%}), results {self.results}/"
                f"{self.papers} ({self.results / n:.0%}), both {self.both}/{self.papers} ({self.both / n:.0%})")


class RecordingClient:
    """The pipeline's LLMClient, keeping every answer it returned (to tell why an answer was re-asked)."""

    def __init__(self, client: Any):
        self.client = client
        self.answers: list[str] = []

    def complete(self, messages: Any, schema: Any, schema_name: str = "summary") -> Any:
        completion = self.client.complete(messages, schema, schema_name)
        self.answers.append(completion.content)
        return completion


def rejected_answers(answers: Sequence[str], floats: Sequence[Any], language: str, max_output_tokens: int,
                     accepted: bool) -> tuple[int, int]:
    """(answers refused for their picks, answers refused for anything else) of one paper's answers, by the
    summarizer's own checks; the last answer is the accepted one when `accepted`."""
    from paperflow.summary.summarize import check_picks, parse_answer

    picks = other = 0
    for answer in answers[:-1] if accepted else answers:
        try:
            content = parse_answer(answer, language, max_output_tokens)
        except ValueError:
            other += 1
            continue
        try:
            check_picks(content, floats)
        except ValueError:
            picks += 1
            continue
        other += 1  # valid JSON and picks, refused for the cut-off (finish_reason "length")
    return picks, other


@dataclass
class PaperRun:
    path: str
    truth: Any
    rule: PickScore
    rule_refs: tuple[Ref | None, Ref | None]
    llm: PickScore | None = None  # None: the summary failed
    llm_refs: tuple[Ref | None, Ref | None] = (None, None)
    entry: PickScore | None = None  # the entry's picks: the LLM's, the rule filling in
    failed: str | None = None
    picks_reasks: int = 0
    other_reasks: int = 0
    answers: int = 0
    extract_seconds: float = 0.0
    summarize_seconds: float = 0.0
    llm_seconds: float = 0.0
    floats: int = 0
    notes: list[str] = field(default_factory=list)


def run_paper(path: str, truth: Any, settings: Any) -> PaperRun:
    """One paper through the pipeline's extraction and summary, scored against `truth`."""
    from paperflow.errors import PaperflowError
    from paperflow.pipeline import read_text
    from paperflow.sources.local import local_paper
    from paperflow.summary.evidence import EvidenceIndex
    from paperflow.summary.figure_choice import choose_pictures
    from paperflow.summary.llm import LLMClient
    from paperflow.summary.summarize import summarize_paper

    pdf = DATA / path
    started = time.perf_counter()
    extracted = read_text(local_paper(pdf, settings), pdf, settings)
    text = extracted.text
    extract_seconds = time.perf_counter() - started
    rule_refs = refs_of(choose_pictures(text.figures, 2, sections=text.sections)[0])
    run = PaperRun(path=path, truth=truth, rule=score_picks(truth, *rule_refs), rule_refs=rule_refs,
                   extract_seconds=extract_seconds, floats=len(text.figures))
    client = RecordingClient(LLMClient(settings.llm))
    started = time.perf_counter()
    try:
        # as pipeline.write_summary calls it (no style examples: there is no log here)
        result = summarize_paper(extracted.paper, extracted.selected, settings, [], client=client,  # type: ignore[arg-type]
                                 evidence=EvidenceIndex.from_paper_text(text), floats=text.figures)
    except PaperflowError as exc:
        run.failed = exc.message
        result = None
    run.summarize_seconds = time.perf_counter() - started
    run.answers = len(client.answers)
    run.picks_reasks, run.other_reasks = rejected_answers(
        client.answers, text.figures, settings.log.language, settings.llm.max_output_tokens, result is not None)
    if result is None:
        return run
    run.llm_seconds = result.llm_seconds
    picks = result.summary.picks.as_refs() if result.summary.picks is not None else {}
    from paperflow.models import PictureKind

    run.llm_refs = (picks.get(PictureKind.ARCHITECTURE), picks.get(PictureKind.RESULTS))
    run.llm = score_picks(truth, *run.llm_refs)
    run.entry = score_picks(truth, *refs_of(choose_pictures(text.figures, 2, picks=picks,
                                                             sections=text.sections)[0]))
    return run


def _ref(ref: Ref | None) -> str:
    return f"{ref[0]} {ref[1]}" if ref else "-"


def report(runs: Sequence[PaperRun], show: bool) -> None:
    llm, entry, rule = Tally(), Tally(), Tally()
    no_overview = no_results = failed = picks_reasks = other_reasks = answers = 0
    for run in runs:
        llm.add(run.llm)
        entry.add(run.entry)
        rule.add(run.rule)
        failed += run.failed is not None
        picks_reasks += run.picks_reasks
        other_reasks += run.other_reasks
        answers += run.answers
        if run.failed is None:
            no_overview += run.llm_refs[0] is None
            no_results += run.llm_refs[1] is None
    answered = len(runs) - failed
    print(f"\npapers: {len(runs)}")
    print(f"picks matching the reader's, the LLM's own:            {llm.cells()}")
    print(f"picks matching the reader's, the entry's (LLM + rule): {entry.cells()}")
    print(f"picks matching the reader's, the rule alone:           {rule.cells()}")
    print(f"answers naming no overview: {no_overview} of {answered}, no results: {no_results} of {answered} "
          f"(the rule filled in); answers re-asked for picks not in the caption list: {picks_reasks}, for "
          f"anything else: {other_reasks}; {answers} answers in all")
    print(f"summaries failed for good (no draft that night, both picks counted missing): {failed} of {len(runs)}")
    seconds = [r.summarize_seconds for r in runs]
    print(f"seconds per paper, summarize call: median {statistics.median(seconds):.1f}, mean "
          f"{statistics.mean(seconds):.1f}, max {max(seconds):.1f} (in the LLM: median "
          f"{statistics.median(r.llm_seconds for r in runs):.1f}); extraction: median "
          f"{statistics.median(r.extract_seconds for r in runs):.1f}; total {sum(seconds):.0f} s")
    if show:
        for run in runs:
            if run.failed:
                print(f"  {run.path}: failed: {run.failed}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", type=Path, help="paperflow.toml (default: $PAPERFLOW_CONFIG, ./paperflow.toml)")
    parser.add_argument("--local-llama", action="store_true",
                        help="start the tests' llama.cpp server (gemma-3 270M) and use it")
    parser.add_argument("--papers", type=int, help="the first N papers of the truth table")
    parser.add_argument("--only", help="papers whose path contains this")
    parser.add_argument("--show", action="store_true", help="print why failed summaries failed")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO))
    from paperflow.errors import PaperflowError
    from paperflow.settings import SettingsError, load_settings
    from paperflow.summary.llm import display_url
    from tests.support.figure_truth import FIGURES

    papers = [(path, truth) for path, truth in sorted(FIGURES.items()) if not args.only or args.only in path]
    papers = papers[: args.papers] if args.papers else papers
    if not papers:
        sys.exit(f"no paper of the truth table matches {args.only!r}")
    with contextlib.ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="paperflow-picks-")))
        overrides: dict[str, Any] = {"output_dir": work}
        if args.local_llama:
            from tests.support.llm_server import running_llama

            llama = stack.enter_context(running_llama(work / "llama.log"))
            overrides["llm"] = {"base_url": llama.base_url, "model": llama.model, "api_key_env": None}
        try:
            settings = load_settings(args.config, **overrides)
        except SettingsError as exc:
            sys.exit(f"settings: {exc}")
        if not settings.llm.enabled:
            sys.exit("no LLM configured: set [llm] base_url and model (paperflow.toml or PAPERFLOW_LLM__...), "
                     "or pass --local-llama")
        llm = settings.llm
        print(f"LLM: {llm.model} at {display_url(llm.base_url or '')} (response_format {llm.response_format}, "
              f"max_output_tokens {llm.max_output_tokens}, max_repairs {llm.max_repairs}); log language "
              f"{settings.log.language}; max_input_tokens {settings.extract.max_input_tokens}")
        print(f"{'paper':<58} {'truth':>21} {'LLM':>21} {'rule':>21} {'ans':>3} {'s':>6}")
        runs = []
        for path, truth in papers:
            try:
                run = run_paper(path, truth, settings)
            except PaperflowError as exc:  # the PDF unreadable: no text, no captions, nothing to compare
                print(f"{path}: not measured: {exc}")
                continue
            runs.append(run)
            llm_cell = "failed" if run.failed else " / ".join(_ref(r) for r in run.llm_refs)
            print(f"{Path(path).name[:58]:<58} {_ref(truth.overview) + ' / ' + _ref(truth.results):>21} "
                  f"{llm_cell:>21} {' / '.join(_ref(r) for r in run.rule_refs):>21} {run.answers:>3} "
                  f"{run.summarize_seconds:>6.1f}", flush=True)
        if runs:
            report(runs, args.show)


if __name__ == "__main__":
    main()
