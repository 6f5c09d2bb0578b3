"""The orchestrator: the one engine for a paper's journey, used by `paperflow summarize` (a thread
executor) and by the Prefect flows (a task-submission executor, in flows/). No Prefect here.

    resolve -> download -> extract -> summarize -> insert (-> review, nightly runs)

`STAGES` is the one vocabulary of stages: progress lines, failures in the report and the ledger's
last_stage all use it (README, "What happens to a paper").

A run (`Orchestrator.summarize` for papers asked for by hand, `Orchestrator.nightly` for a night):
1. resolve: what was asked for (ids, URLs, local PDFs; for a night also the pending list, the
   queries and yesterday's failures) becomes papers. A paper whose title is already in the log is
   skipped here, before anything is paid for; every paper taken is recorded as found, once.
2. each paper through the executor: download, extract (a local PDF's title is known only now: one
   already in the log is skipped before the LLM), summarize (the LLM, or an extractive draft).
   A failure is a value (paper, stage, one-line reason), recorded; it never stops the other papers.
3. insert: the drafts into the log in one atomic write with their pending items ticked; or, with
   review on and the log in git, only onto the review branch; or printed, for a dry run.
4. review (nights): the day's drafts on the review branch, with a pull request.
The paper's ledger transitions are made here and nowhere else (the review ones in review.publish).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal, Protocol, TypeVar

from pydantic import BaseModel

from paperflow import cache_keys
from paperflow.errors import PaperflowError
from paperflow.http import RUN_HOSTS
from paperflow.layout import OutputLayout
from paperflow.ledger import IllegalTransitionError, Ledger, PaperState, Transition
from paperflow.log.entry import draft_entry
from paperflow.log.layouts import Layout
from paperflow.log.storage import NoLogConfiguredError
from paperflow.log.weekly_log import DraftEntry, ParsedLog, insert_entries, normalize_title, read_log, require_layout
from paperflow.review.edits import style_examples
from paperflow.review.versions import NewVersion, check_new_versions
from paperflow.models import Failure, Paper, Picture, PictureKind, SourceKind
from paperflow.report import ReportedPaper, RunReport, StageClock
from paperflow.settings import Settings
from paperflow.sources.arxiv_api import ArxivApiError, ArxivClient, fetch_papers
from paperflow.sources.budget import (
    BudgetExceeded,
    NightBudget,
    NightPlan,
    night_budget,
    select_tonight,
    selection_markdown,
)
from paperflow.sources.download import download_pdf
from paperflow.sources.gather import gather_sources
from paperflow.sources.ids import InvalidIdError, parse_arxiv_id
from paperflow.sources.local import is_local_pdf, resolve_local_pdf
from paperflow.summary.extractive import extractive_summary
from paperflow.summary.evidence import EvidenceIndex
from paperflow.summary.summarize import (
    EXTRACTIVE_PROMPT,
    SummaryResult,
    caption_list,
    load_cached,
    paper_label,
    prompt_version,
    save_summary,
    summarize_paper,
    with_support,
)
from paperflow.text.budget import SelectedInput, select_input
from paperflow.text.extract import PaperText, crop_chosen, extract_pdf
from paperflow.text.figures import Float
from paperflow.log.pictures import picks_record, place_pictures, plan_pictures, remove_pictures
from paperflow.summary.figure_choice import choose_pictures
from paperflow.text.frontmatter import apply_front_matter

log = logging.getLogger("paperflow")

STAGES = ("resolve", "download", "extract", "summarize", "insert", "review")
PR_OVER_BUDGET_LISTED = 30  # over-budget papers listed in a pull request (its body holds 65,536 characters)
T = TypeVar("T")
Progress = Callable[[str, str, str], None]  # (paper label, stage, detail); a failure's detail starts "FAILED: "


def _quiet(label: str, stage: str, detail: str) -> None:
    pass


# ------------------------------------------------------------------------------------ executors


class Executor(Protocol):
    """How a run's work is carried out: papers side by side, each stage as a unit of work."""

    def map(self, fn: Callable[[Paper], PaperOutcome], papers: Sequence[Paper]) -> list[PaperOutcome]:
        """`fn(paper)` for every paper (at once, as far as the executor allows), results in order."""
        ...

    def stage(self, name: str, fn: Callable[..., T], **kwargs: Any) -> T:
        """Run one stage function (`name` in STAGES) with keyword arguments and return its result;
        its exception (a PaperflowError for the paper's own problem) is raised to the caller."""
        ...


class ThreadExecutor:
    """Papers on a pool of `workers` threads; a stage is a plain call. `paperflow summarize` uses it."""

    def __init__(self, workers: int = 1):
        self.workers = max(1, workers)

    def map(self, fn: Callable[[Paper], PaperOutcome], papers: Sequence[Paper]) -> list[PaperOutcome]:
        if not papers:
            return []
        with ThreadPoolExecutor(max_workers=min(self.workers, len(papers))) as pool:
            return list(pool.map(fn, papers))

    def stage(self, name: str, fn: Callable[..., T], **kwargs: Any) -> T:
        return fn(**kwargs)


# ------------------------------------------------------------------------------ stage functions


class Extracted(BaseModel):
    """A paper with its text (and what its first page says: affiliations; a local PDF's title and authors)
    and what the LLM reads of it."""

    paper: Paper
    text: PaperText
    selected: SelectedInput  # computed once per paper: the budgeted input and its coverage

    @property
    def coverage(self) -> str:
        return self.selected.coverage.describe()


def fetch_pdf(paper: Paper, settings: Settings) -> Path:
    """The paper's PDF on disk: the local file itself, or the arXiv PDF downloaded to output/pdfs/.
    Raises DownloadError."""
    if paper.local_pdf:
        return Path(paper.local_pdf)
    return download_pdf(paper, settings)


def read_text(paper: Paper, pdf: Path, settings: Settings) -> Extracted:
    """The paper's text (cached by the PDF's content hash), the paper completed from its first page
    (text.frontmatter.apply_front_matter) and the LLM's share of the text. Raises ExtractError."""
    text = extract_pdf(pdf, settings, paper_label(paper))
    paper = apply_front_matter(paper, text)
    return Extracted(paper=paper, text=text, selected=select_input(text, settings.extract.max_input_tokens))


def write_summary(extracted: Extracted, settings: Settings, examples: list[str], use_llm: bool,
                  budget: NightBudget | None = None) -> SummaryResult:
    """The LLM's summary (or its cache), or an extractive draft without an LLM, saved in output/summaries/.
    Raises SummarizeError / LLMError, or BudgetExceeded when the next call would cross the night's
    `budget`; those carry `spent` (input tokens, output tokens, cost) when the LLM was paid before."""
    evidence = EvidenceIndex.from_paper_text(extracted.text)  # each claim's quote is looked up in the paper
    if use_llm:
        return summarize_paper(extracted.paper, extracted.selected, settings, examples, evidence=evidence,
                               budget=budget, floats=extracted.text.figures)
    key = summary_key(extracted, settings, examples, use_llm)
    path = cache_keys.summary_file(settings, extracted.paper, key, extractive=True)
    cached = load_cached(path)
    if cached is not None:
        return with_support(cached, evidence)
    result = SummaryResult(summary=extractive_summary(extracted.paper, extracted.text, settings.log.language))
    result.path = save_summary(path, result, key)
    return result


def summary_key(extracted: Extracted, settings: Settings, examples: Sequence[str], use_llm: bool) -> str:
    """The key a summary of this extracted paper is cached under (the flows' summarize task shares it)."""
    if use_llm:
        return cache_keys.llm_summary(extracted.paper, extracted.selected.text, settings, examples,
                                      caption_list(extracted.text.figures))
    return cache_keys.extractive_summary(extracted.paper, extracted.text.sha256, settings)


def describe_result(result: SummaryResult) -> str:
    summary = result.summary
    if result.cached:
        how = "from cache, 0 tokens"
    elif summary.drafted_by == "extractive":
        how = "extractive draft (no LLM)"
    else:
        how = f"{result.input_tokens} in / {result.output_tokens} out tokens, {result.llm_seconds:.1f} s"
    unsupported = f", numbers not in the paper: {', '.join(summary.unsupported_numbers)}" \
        if summary.unsupported_numbers else ""
    if summary.support:
        unsupported += f", evidence for {len(summary.support) - len(summary.unsupported_claims)} of " \
                       f"{len(summary.support)} claims"
    return how + unsupported


# ----------------------------------------------------------------------------------- outcomes


@dataclass
class PaperOutcome:
    """What became of one paper: a summary, a failure, skipped (already in the log), or over the
    night's budget (deferred to the next night)."""

    paper: Paper
    result: SummaryResult | None = None
    failure: Failure | None = None
    skipped: str | None = None
    coverage: str | None = None
    over_budget: str | None = None
    pdf: Path | None = None  # where the pictures are cropped from
    text: PaperText | None = None  # its figures and tables
    chosen: Any = None  # (chosen floats, their cached crops) for the entry's pictures, once worked out
    pictures: list[Picture] = field(default_factory=list)  # a dry run's: what the entry would show

    @property
    def label(self) -> str:
        return paper_label(self.paper)


@dataclass
class Gathered:
    """What resolving found: papers to take, failures, what was skipped and what is left unresolved."""

    papers: list[Paper] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    skipped: list[tuple[str, str, str]] = field(default_factory=list)  # (key, title, why)
    unresolved: list[str] = field(default_factory=list)  # pending items without an id: "text: why"
    unreadable: list[str] = field(default_factory=list)  # whole sources that could not be read
    tick_lines: dict[str, int] = field(default_factory=dict)  # paper key -> pending line to tick


@dataclass
class RunResult:
    report: RunReport
    report_path: Path
    outcomes: list[PaperOutcome]
    failures: list[Failure]  # every failure of the run, each once (resolve, papers, insert)
    entries: list[DraftEntry] = field(default_factory=list)  # a dry run's drafts, as they would be inserted
    unreadable: list[str] = field(default_factory=list)
    # A night that drafted entries but opened or updated no pull request: why, in one line (None: it did, or
    # there was nothing to propose, or review is off).
    review_problem: str | None = None

    @property
    def drafted(self) -> list[PaperOutcome]:
        return [o for o in self.outcomes if o.result is not None and o.failure is None and o.skipped is None]


# -------------------------------------------------------------------------------- orchestrator


class Orchestrator:
    """One run: resolve, process every paper through `executor`, insert, (review); see the module doc."""

    def __init__(
        self,
        settings: Settings,
        executor: Executor,
        ledger: Ledger,
        *,
        log_path: Path | None = None,
        use_llm: bool | None = None,
        progress: Progress = _quiet,
        without_log: bool = False,
    ):
        self.settings = settings
        self.executor = executor
        self.ledger = ledger
        given = log_path or settings.log.path
        if given is None and not without_log:
            raise NoLogConfiguredError("no log configured: set [log] path in paperflow.toml", stage="log")
        # `without_log`: a dry run with no log at all (`paperflow summarize --dry-run`): nothing is checked
        # against a log (titles already in it, style examples) and nothing can be inserted.
        self.log_path = Path(given).expanduser() if given is not None and not without_log else None
        self.use_llm = settings.llm.enabled if use_llm is None else (use_llm and settings.llm.enabled)
        self.progress = progress
        self.clock = StageClock()
        self._lock = threading.Lock()
        self.report = RunReport()
        self._log: ParsedLog | None = None
        self._examples: list[str] = []
        self._plan: NightPlan | None = None  # a night's selection (sources.budget); None for `summarize`
        self._budget: NightBudget | None = None  # a night's LLM caps, checked before each call
        self._prompt_version = EXTRACTIVE_PROMPT
        self._redraft = False
        # the person's own choice of pictures (`summarize --figure 3 --table 2`): kind -> (figure|table, number)
        self.figure_picks: dict[PictureKind, tuple[str, int]] = {}

    # -- the two kinds of run --------------------------------------------------------------------

    def summarize(self, items: Sequence[str], *, day: date, dry_run: bool = False, redraft: bool = False
                  ) -> RunResult:
        """The papers named in `items` (arXiv ids, URLs, local PDF files) drafted into the log under `day`.

        With `redraft`, a paper already in the log is drafted again (its newest version) but never
        inserted: the person's entry stays, and the re-draft waits for the next pull request beside it."""
        self._start("summarize", dry_run)
        self._redraft = redraft
        with self.clock.timed("resolve"):
            gathered = self._resolve_items(list(items))
            if not redraft:
                gathered.papers = self._not_in_log(gathered.papers, gathered)
        outcomes = self.executor.map(self.process, self._admit(gathered))
        aside = [o for o in outcomes if redraft and o.result is not None and self._in_log(o.result.summary.title)]
        self._set_aside(aside, dry_run)
        entries = self._finish_drafts([o for o in outcomes if o not in aside], day, dry_run, gathered.tick_lines,
                                      on_branch=False)
        return self._end(gathered, outcomes, entries)

    def nightly(self, items: Sequence[str] = (), *, day: date, dry_run: bool = False) -> RunResult:
        """Tonight: `items` plus the pending list, the queries and earlier failures with attempts left;
        drafted into the log, or (review on, log in git) onto the review branch with a pull request."""
        self._start("nightly", dry_run)
        review_on = self.settings.review.enabled and not dry_run
        if review_on:
            self.report.notes += _sync_review(self.settings, self.ledger)
        given = list(items)
        with self.clock.timed("resolve"):
            again = [key for key in self._retry_keys() + self._deferred_keys() if key not in given]
            gathered = self._gather(given + again)
        left_for_person = {p.key for p in self.report.skipped}
        gathered.papers = [p for p in gathered.papers if p.key not in left_for_person or p.source_detail in given]
        gathered.papers = self._select(gathered.papers)
        outcomes = self.executor.map(self.process, self._admit(gathered))
        on_branch = review_on and _log_in_git_repo(self.log_path)
        entries = self._finish_drafts(outcomes, day, dry_run, gathered.tick_lines, on_branch=on_branch)
        drafted = [o for o in outcomes if o.result is not None and o.failure is None]
        self._report_selection(drafted)
        if review_on and drafted:
            new_versions, notes = check_new_versions(self.settings, self.ledger)
            self.report.notes += notes
            self._review(drafted, day, gathered, new_versions)
        elif not dry_run and drafted:
            self.report.notes.append("review is off (review.enabled = false): the drafts are in the log")
        return self._end(gathered, outcomes, entries)

    # -- 1. resolve ------------------------------------------------------------------------------

    def _start(self, kind: Literal["nightly", "summarize"], dry_run: bool) -> None:
        RUN_HOSTS.reset()  # a host unreachable last run may be back
        self.report = RunReport(kind=kind, dry_run=dry_run)
        self.clock = StageClock()
        self._review_problem: str | None = None
        if self.log_path is None and not dry_run:
            raise NoLogConfiguredError("no log configured: set [log] path in paperflow.toml", stage="log")
        # A log whose layout cannot be recognised stops the run here, before anything is fetched.
        self._log = (require_layout(read_log(self.log_path, self.settings.log.layout))
                     if self.log_path is not None else None)
        wanted = self.settings.log.style_examples if self.use_llm and self._log is not None else 0
        self._examples = style_examples(self._log, wanted, self._edit_ratios()) if wanted else []
        self._prompt_version = prompt_version(self.settings) if self.use_llm else EXTRACTIVE_PROMPT
        self._plan = self._budget = None

    def _edit_ratios(self) -> dict[str, float | None]:
        """Normalised title -> edit ratio of every paper paperflow drafted (None: not measured): the
        person's heavily edited entries are the best style examples, unedited drafts never are."""
        return {normalize_title(row.title): row.edit_ratio for row in self.ledger.rows()
                if row.title and (row.drafted_on is not None or row.draft_entry)}

    def _resolve_items(self, items: list[str]) -> Gathered:
        """Papers for ids, URLs or local PDFs (metadata of all ids in one request); the rest are failures."""
        gathered = Gathered()
        wanted = []
        for item in items:
            if is_local_pdf(item):
                path = Path(item).expanduser()
                if path.is_file():  # an arXiv paper's PDF is that arXiv paper (sources.local)
                    gathered.papers.append(resolve_local_pdf(path, self.settings))
                else:  # a folder, a FIFO or a device is never read (a FIFO would block the run)
                    reason = "not a regular file" if path.exists() else "no such file"
                    gathered.failures.append(Failure(paper=item, stage="resolve", reason=reason))
                continue
            try:
                wanted.append(parse_arxiv_id(item))
            except InvalidIdError as exc:
                gathered.failures.append(Failure(paper=item.strip()[:80] or "(empty)", stage="resolve",
                                                 reason=exc.message))
        if wanted:
            try:
                papers, missing = fetch_papers(ArxivClient(self.settings.arxiv), wanted, SourceKind.COMMAND_LINE)
            except ArxivApiError as exc:
                papers, missing = [], []
                gathered.failures += [Failure(paper=str(i), stage="resolve", reason=exc.message) for i in wanted]
                gathered.unreadable.append(f"arXiv metadata: {exc.message}")
            gathered.papers += papers
            gathered.failures += [Failure(paper=str(i), stage="resolve", reason="arXiv has no paper with this id")
                                  for i in missing]
        for failure in gathered.failures:
            self._fail_unfound(failure)
        return gathered

    def _gather(self, items: list[str]) -> Gathered:
        """Tonight's papers: local PDFs and ids given, the pending list and the queries (sources.gather)."""
        local = [item for item in items if is_local_pdf(item)]
        gathered = self._resolve_items(local)
        remote = [item for item in items if item not in local]
        plan = gather_sources(self.settings, self.ledger, ids=remote, parsed_log=self._log)
        gathered.papers += plan.take
        gathered.failures += plan.failures
        gathered.skipped += [(s.key, s.title, s.reason) for s in plan.skipped]
        gathered.unresolved = [f"{res.item.text}: {res.describe()}" for res in plan.unresolved]
        gathered.unreadable += plan.unreadable
        self.report.notes += plan.notes
        gathered.tick_lines = dict(plan.pending_lines)
        gathered.papers = self._not_in_log(gathered.papers, gathered)
        for failure in plan.failures:
            self._fail_unfound(failure)
        return gathered

    def _fail_unfound(self, failure: Failure) -> None:
        """An arXiv id that did not resolve is recorded (and retried on later nights, up to max_attempts)."""
        try:
            key = parse_arxiv_id(failure.paper).base
        except InvalidIdError:
            return  # not an id at all (a typo, a query, a missing file): nothing to retry
        self._fail(key, "resolve", failure.reason)

    def _retry_keys(self) -> list[str]:
        """arXiv papers that failed on earlier nights with attempts left; the others are reported as
        left for a person."""
        again = []
        for row in self.ledger.rows(PaperState.FAILED):
            if row.attempts >= self.settings.max_attempts:
                note = f"failed {row.attempts} times ({row.last_stage}: {row.last_error}): left for a person"
                self.report.skipped.append(ReportedPaper(key=row.key, title=row.title or row.key, note=note))
            elif not row.key.startswith("local:"):
                again.append(row.key)
        return again

    def _not_in_log(self, papers: list[Paper], gathered: Gathered) -> list[Paper]:
        """Papers whose title is not in the log yet (a local PDF's title is known only after extraction)."""
        keep = []
        for paper in papers:
            if not paper.local_pdf and self._in_log(paper.title):
                gathered.skipped.append((paper.key, paper.title, "title already in the log"))
                self.progress(paper_label(paper), "resolve", f"skipped: 《{paper.title}》 is already in the log")
            else:
                keep.append(paper)
        return keep

    def _in_log(self, title: str) -> bool:
        return self._log is not None and self._log.has_title(title)

    def _admit(self, gathered: Gathered) -> list[Paper]:
        """Record each paper taken as found (once), reopening a finished one asked for again; put what
        resolving found into the report."""
        papers = []
        seen: set[str] = set()
        for paper in gathered.papers:
            if paper.key in seen:
                continue
            seen.add(paper.key)
            row = self.ledger.record_found(paper)
            if row.done:
                self.ledger.transition(paper.key, Transition.REOPEN)
            papers.append(paper)
            self.progress(paper_label(paper), "resolve", paper.title)
        report = self.report
        report.count("resolve", len(papers))
        for failure in gathered.failures:
            report.add_failure(failure.paper, failure.stage, failure.reason)
            self.progress(failure.paper, failure.stage, f"FAILED: {failure.reason}")
        report.skipped += [ReportedPaper(key=key, title=title, note=why) for key, title, why in gathered.skipped]
        report.unresolved_pending = list(gathered.unresolved)
        report.notes += [f"could not be read: {what}" for what in gathered.unreadable]
        return papers

    # -- 2. each paper ---------------------------------------------------------------------------

    def process(self, paper: Paper) -> PaperOutcome:
        """download -> extract -> summarize for one paper. Never raises for the paper's own problems:
        they come back as the outcome's failure, recorded in the ledger and the report."""
        stage = "download"
        try:
            with self.clock.timed(stage):
                pdf = self.executor.stage(stage, fetch_pdf, paper=paper, settings=self.settings)
            self.ledger.transition(paper.key, Transition.DOWNLOAD, pdf_path=pdf, version=paper.version)
            self._done(paper, stage, str(pdf))
            stage = "extract"
            with self.clock.timed(stage):
                extracted = self.executor.stage(stage, read_text, paper=paper, pdf=pdf, settings=self.settings)
            paper = extracted.paper
            self.ledger.transition(paper.key, Transition.EXTRACT, **({"title": paper.title} if paper.local_pdf else {}))
            self._done(paper, stage, f"{extracted.text.pages} pages, {len(extracted.text.sections)} sections")
            if paper.local_pdf and self._in_log(paper.title) and not self._redraft:
                reason = f"《{paper.title}》 is already in the log"
                self.progress(paper_label(paper), "summarize", f"skipped: {reason}")
                with self._lock:
                    self.report.skipped.append(ReportedPaper(key=paper.key, title=paper.title, note=reason))
                return PaperOutcome(paper, skipped=reason)
            stage = "summarize"
            with self.clock.timed(stage):
                result = self.executor.stage(stage, write_summary, extracted=extracted, settings=self.settings,
                                             examples=self._examples, use_llm=self.use_llm, budget=self._budget)
            self._spent(paper, result.input_tokens, result.output_tokens, result.cost)
            self.ledger.transition(paper.key, Transition.SUMMARIZE, summary_path=result.path,
                                   model=result.summary.model, prompt_version=self._prompt_version)
            self._done(paper, stage, describe_result(result))
            return PaperOutcome(paper, result=result, coverage=extracted.coverage, pdf=pdf, text=extracted.text)
        except BudgetExceeded as exc:
            return self._over_budget(paper, exc)
        except PaperflowError as exc:
            reason = exc.message
            spent = getattr(exc, "spent", None)
            if spent:
                self._spent(paper, *spent)
        except Exception as exc:  # noqa: BLE001 - a bug or an odd input must not sink the other papers
            reason = f"unexpected {type(exc).__name__}: {' '.join(str(exc).split())}"
            log.debug("%s: %s", paper_label(paper), stage, exc_info=True)
        return PaperOutcome(paper, failure=self._paper_failed(paper, stage, reason))

    def _done(self, paper: Paper, stage: str, detail: str) -> None:
        with self._lock:
            self.report.count(stage)
        self.progress(paper_label(paper), stage, detail)

    def _spent(self, paper: Paper, input_tokens: int, output_tokens: int, cost: float | None) -> None:
        if input_tokens or output_tokens:
            self.ledger.record_usage(paper.key, input_tokens, output_tokens, cost)
        with self._lock:
            self.report.add_usage(input_tokens, output_tokens, cost)

    def _paper_failed(self, paper: Paper, stage: str, reason: str) -> Failure:
        """Record a paper's failure once: ledger (attempts + 1), report, one progress line."""
        label = paper_label(paper)
        row = self._fail(paper.key, stage, reason)
        attempts = row.attempts if row is not None else None
        given_up = attempts is not None and attempts >= self.settings.max_attempts
        with self._lock:
            failure = self.report.add_failure(label, stage, reason, key=paper.key, attempts=attempts, given_up=given_up)
        self.progress(label, stage, f"FAILED: {reason}")
        return failure

    def _fail(self, key: str, stage: str, reason: str):
        try:
            return self.ledger.fail(key, stage, reason)
        except IllegalTransitionError as exc:  # another run finished it meanwhile: its state stands
            log.debug("%s", exc)
            return self.ledger.get(key)

    # -- tonight's selection and budget (sources.budget) -----------------------------------------

    def _deferred_keys(self) -> list[str]:
        """Papers a night's budget stopped before their LLM call: first in line the next night."""
        return [row.key for row in self.ledger.rows(PaperState.DEFERRED) if not row.key.startswith("local:")]

    def _select(self, papers: list[Paper]) -> list[Paper]:
        """Tonight's papers within `[nightly] max_papers` and the LLM caps: asked-for ones first (ids,
        pending items, deferred and failed papers), then query results by relevance to the log. The rest
        are reported as over budget (with a line for the pending list), not recorded: they are not lost
        as long as the person queues them. Sets the run-time budget every LLM call is checked against."""
        plan = select_tonight(papers, self._log, self.settings, self._examples, use_llm=self.use_llm)
        self._plan, self._budget = plan, night_budget(self.settings, self.use_llm)
        for over in plan.over_budget:
            self.progress(paper_label(over.paper), "resolve", f"over budget: {over.reason}")
        return list(plan.take)

    def _over_budget(self, paper: Paper, exc: BudgetExceeded) -> PaperOutcome:
        """The night's budget refused the paper's next LLM call: not a failure. Deferred in the ledger
        (the next night takes it first) and reported with the papers over budget."""
        spent = getattr(exc, "spent", None)
        if spent:
            self._spent(paper, *spent)
        reason = f"{exc.message}; deferred to the next night"
        try:
            self.ledger.transition(paper.key, Transition.DEFER)
        except IllegalTransitionError as error:  # another run finished it meanwhile: its state stands
            log.debug("%s", error)
        with self._lock:
            if self._plan is not None:
                self._plan.refuse(paper, reason)
        self.progress(paper_label(paper), "summarize", f"over budget: {reason}")
        return PaperOutcome(paper, over_budget=reason)

    def _pr_selection(self, drafted: list[PaperOutcome]) -> list[str]:
        if self._plan is None:
            return []
        return selection_markdown(self._plan, [o.paper.key for o in drafted], max_listed=PR_OVER_BUDGET_LISTED)

    def _report_selection(self, drafted: list[PaperOutcome]) -> None:
        plan = self._plan
        if plan is None:
            return
        self.report.selection = selection_markdown(plan, [o.paper.key for o in drafted])
        self.report.over_budget = [
            ReportedPaper(key=o.paper.key, title=o.paper.title,
                          note=(f"score {o.score:.3f}; " if o.score is not None else "") + o.reason)
            for o in plan.over_budget
        ]
        if self._budget is not None:
            self.report.notes.append(self._budget.describe())

    # -- 3. insert -------------------------------------------------------------------------------

    def _finish_drafts(self, outcomes: list[PaperOutcome], day: date, dry_run: bool, tick_lines: dict[str, int],
                       *, on_branch: bool) -> list[DraftEntry]:
        """Insert the drafts (or, `on_branch`, only mark them drafted for the review branch; or, for a
        dry run, return them). Returns the dry run's entries."""
        drafts = [o for o in outcomes if o.result is not None]
        if not drafts:
            return []
        if dry_run:
            for o in drafts:
                self.report.drafted.append(ReportedPaper(key=o.paper.key, title=o.result.summary.title, note="dry run"))
                o.pictures = self._planned_pictures(o)
            return [draft_entry(o.result.summary, self.settings, o.pictures, layout=self.log_layout()) for o in drafts]
        if on_branch:
            for o in drafts:
                o.chosen = self._chosen(o)  # recorded with the draft: a branch made again crops the same
                self._drafted(o, day, o.coverage)
            return []
        # The pictures are in place before the log is swapped in, and removed again if the write fails (or the
        # entry is not inserted): the log never points at a missing file, a failed run leaves no stray picture.
        placed = [self._pictures(o) for o in drafts]
        entries = [draft_entry(o.result.summary, self.settings, pictures, layout=self.log_layout())
                   for o, (pictures, _w) in zip(drafts, placed)]
        ticks = [tick_lines[o.paper.key] for o in drafts if o.paper.key in tick_lines]
        try:
            with self.clock.timed("insert"):
                inserted = insert_entries(self.log_path, entries, day, ticks, layout=self.settings.log.layout)
        except BaseException as exc:
            for _pictures, written in placed:
                remove_pictures(written)
            if not isinstance(exc, PaperflowError):
                raise
            for o in drafts:
                o.failure = self._paper_failed(o.paper, "insert", exc.message)
            return []
        for o, (_pictures, written) in zip(drafts, placed):
            if o.result.summary.title not in inserted.inserted:
                remove_pictures(written)
        where = f"drafted into {self.log_path} under {day.year}.{day.month}.{day.day}"
        for o in drafts:
            title = o.result.summary.title
            if title in inserted.inserted:
                self._drafted(o, day, o.coverage)
                self.report.count("insert")
                self.progress(o.label, "insert", where)
            else:
                o.skipped = "already in the log: not inserted again"
                self.report.skipped.append(ReportedPaper(key=o.paper.key, title=title, note=o.skipped))
                self.progress(o.label, "insert", f"skipped: {o.skipped}")
        return []

    def log_layout(self) -> Layout | None:
        """The layout of this run's log (None without a log): what its entries are drafted in."""
        return self._log.layout if self._log is not None else None

    def _figures_on(self, outcome: PaperOutcome) -> bool:
        settings = self.settings
        return settings.figures.enabled and settings.figures.max_per_entry > 0 and outcome.text is not None \
            and outcome.pdf is not None and outcome.result is not None

    def _missing(self, outcome: PaperOutcome, lines: Sequence[str]) -> None:
        for line in lines:
            self.report.notes.append(f"{outcome.label}: {line}")
            self.progress(outcome.label, "insert", line)

    def _chosen(self, outcome: PaperOutcome) -> Any:
        """(chosen floats, their cached crops) for the entry, or None with figures off; what is missing is one
        line of the report each ("no architecture figure found")."""
        if not self._figures_on(outcome):
            return None
        assert outcome.text is not None and outcome.pdf is not None
        chosen, missing = pictures_for(outcome.text, Path(outcome.pdf), self.settings, self._picks_of(outcome))
        self._missing(outcome, missing)
        return chosen

    def _pictures(self, outcome: PaperOutcome) -> tuple[list[Picture], list[Path]]:
        """The entry's pictures, copied beside the log (see paperflow.log.pictures); never a reason to fail."""
        if self.log_path is None or (chosen := self._chosen(outcome)) is None:
            return [], []
        assert outcome.result is not None
        try:
            return place_pictures(outcome.result.summary.title, chosen[0], chosen[1], self.log_path.parent,
                                  self.settings.log.figures_dir)
        except OSError as exc:
            self._missing(outcome, [f"pictures not written ({exc.strerror or exc})"])
            return [], []

    def _planned_pictures(self, outcome: PaperOutcome) -> list[Picture]:
        """A dry run's pictures: those the entry would get, named as they would be beside the log (or in
        figures_dir alone, without a log), with nothing cropped or written."""
        if not self._figures_on(outcome):
            return []
        assert outcome.text is not None and outcome.result is not None
        chosen, missing = _choose(outcome.text, self.settings, self._picks_of(outcome))
        self._missing(outcome, missing)
        return self._named(outcome, chosen)

    def _named(self, outcome: PaperOutcome, chosen: Sequence[tuple[PictureKind, Float]]) -> list[Picture]:
        """The pictures of `chosen`, named as they would be beside the log (in figures_dir alone without one)."""
        assert outcome.result is not None
        log_dir = self.log_path.parent if self.log_path is not None else None
        return plan_pictures(outcome.result.summary.title, chosen, log_dir, self.settings.log.figures_dir)

    def _set_aside(self, outcomes: list[PaperOutcome], dry_run: bool) -> None:
        """Re-drafts of papers already in the log: the person's entry stays as it is; the new draft is
        recorded to be shown in the next pull request beside it (never inserted), with its pictures cropped
        now (into the crop cache) and their floats recorded (`redraft_picks`): the review branch that shows
        the re-draft commits its PNGs. `o.pictures` are those the printed entry shows, named as they would be
        beside the log (the branch may number them on, after its own files)."""
        for o in outcomes:
            assert o.result is not None
            note = "re-draft (dry run)" if dry_run else "re-draft: goes into the next pull request beside your entry"
            # Back to the state of a paper whose entry is in the log; a dry run records no re-draft.
            fields: dict[str, Any] = {}
            if dry_run:
                o.pictures = self._planned_pictures(o)
            else:
                o.chosen = self._chosen(o)
                chosen = [(kind, f) for kind, f in o.chosen[0] if (f.kind, f.number) in o.chosen[1]] \
                    if o.chosen else []
                o.pictures = self._named(o, chosen)
                picks = picks_record(chosen, Path(o.pdf), o.text.sha256) \
                    if chosen and o.pdf is not None and o.text is not None else None
                fields = {"redraft_path": str(o.result.path), "redraft_branch": None, "redraft_picks": picks,
                          "redraft_pictures": None}
            self.ledger.transition(o.paper.key, Transition.REDRAFT, **fields)
            self.report.drafted.append(ReportedPaper(key=o.paper.key, title=o.result.summary.title, note=note))
            self.progress(o.label, "insert", f"not inserted: your entry stays; {note}")

    def _drafted(self, outcome: PaperOutcome, day: date, note: str | None) -> None:
        assert outcome.result is not None
        path = str(outcome.result.path) if outcome.result.path else None
        picks = picks_record(outcome.chosen[0], Path(outcome.pdf), outcome.text.sha256) \
            if outcome.chosen and outcome.chosen[0] and outcome.pdf is not None and outcome.text is not None else None
        self.ledger.transition(outcome.paper.key, Transition.DRAFT, drafted_on=day, summary_path=path,
                               figure_picks=picks)
        self.report.drafted.append(ReportedPaper(key=outcome.paper.key, title=outcome.result.summary.title, note=note))

    # -- 4. review -------------------------------------------------------------------------------

    def _review(self, drafted: list[PaperOutcome], day: date, gathered: Gathered,
                new_versions: list[NewVersion] | None = None) -> None:
        from paperflow.review.publish import publish_drafts

        ticks = {gathered.tick_lines[o.paper.key] for o in drafted if o.paper.key in gathered.tick_lines}
        tick_texts = [item.text for item in (self._log.pending if self._log else []) if item.line in ticks]
        summaries = [o.result.summary for o in drafted if o.result is not None]
        try:
            with self.clock.timed("review"):
                result = publish_drafts(
                    self.settings, summaries, day, self.report.to_markdown(selection=False),
                    coverage={o.result.summary.key: o.coverage or "" for o in drafted if o.result is not None},
                    unresolved=self.report.unresolved_pending, failures=self.report.failures,
                    tick_pending=tick_texts, ledger=self.ledger, new_versions=new_versions,
                    selection=self._pr_selection(drafted), pictures=self._review_pictures(drafted),
                )
        except PaperflowError as exc:  # the drafts are DRAFTED with their cached summary: `paperflow review` redoes this
            self.report.review = f"review failed: {exc.message}"
            self.progress("review", "review", f"FAILED: {exc.message}")
            self._review_problem = _no_pull_request(day, exc.message)
            return
        self.report.count("review", len(result.papers))
        self.report.review = result.to_text()
        if result.pr_url is None and result.mode not in ("nothing", "disabled"):
            why = result.messages[-1] if result.messages else "no pull request was opened"
            self._review_problem = _no_pull_request(day, why)

    def _picks_of(self, outcome: PaperOutcome) -> dict[PictureKind, tuple[str, int]]:
        """The LLM's picks (validated against the paper's captions when it answered; not with [figures] choice =
        "rule"), the person's --figure / --table over them; the rule decides what neither names."""
        summary = outcome.result.summary if outcome.result is not None else None
        by_llm = summary is not None and summary.picks is not None and self.settings.figures.choice == "llm"
        picks = summary.picks.as_refs() if by_llm else {}
        return {**picks, **self.figure_picks}

    def _review_pictures(self, drafted: list[PaperOutcome]) -> dict[str, Any]:
        """Summary.key -> (chosen floats, cached crops) for the review branch (worked out when drafted)."""
        return {o.result.summary.key: o.chosen for o in drafted if o.result is not None and o.chosen is not None}

    # -- the end ---------------------------------------------------------------------------------

    def _end(self, gathered: Gathered, outcomes: list[PaperOutcome], entries: list[DraftEntry]) -> RunResult:
        report = self.report
        for host, cause in RUN_HOSTS.unreachable().items():
            report.notes.append(f"{host} unreachable ({cause}): no more requests were sent to it in this run")
        for stage, seconds in self.clock.seconds.items():
            report.add_seconds(stage, seconds)
        report.finish()
        path = report.save(OutputLayout.of(self.settings).reports)
        return RunResult(report=report, report_path=path, outcomes=outcomes, failures=list(report.failures),
                         entries=entries, unreadable=list(gathered.unreadable),
                         review_problem=self._review_problem)


def _choose(text: PaperText, settings: Settings, picks: dict[PictureKind, tuple[str, int]] | None):
    """(chosen floats, report lines) for a paper's entry, as a run and a dry run both report them."""
    chosen, missing = choose_pictures(text.figures, settings.figures.max_per_entry, picks=picks,
                                      sections=text.sections)
    return chosen, missing if text.figures else ["no figures or tables found"]


def pictures_for(text: PaperText, pdf: Path, settings: Settings,
                 picks: dict[PictureKind, tuple[str, int]] | None = None):
    """((chosen floats, their cached crops), report lines) for a paper's entry: the rule's choice (or `picks`),
    cropped into the crop cache (a re-run reuses them). Never raises."""
    chosen, missing = _choose(text, settings, picks)
    crops, not_cropped = crop_chosen(chosen, pdf, text.sha256, settings)
    return (chosen, crops), missing + not_cropped


def download_papers(papers: Sequence[Paper], settings: Settings, ledger: Ledger
                    ) -> list[tuple[Paper, Path | None, PaperflowError | None]]:
    """`paperflow fetch`: each paper recorded as found and its PDF downloaded. A paper on its way moves
    to downloaded (or failed); a finished one keeps its state (fetching a PDF drafts nothing)."""
    done = []
    for paper in papers:
        row = ledger.record_found(paper)
        try:
            pdf = fetch_pdf(paper, settings)
        except PaperflowError as exc:
            if not row.done:
                ledger.fail(paper.key, "download", exc.message)
            done.append((paper, None, exc))
            continue
        if not row.done:
            ledger.transition(paper.key, Transition.DOWNLOAD, pdf_path=pdf, version=paper.version)
        done.append((paper, pdf, None))
    return done


def _no_pull_request(day: date, why: str) -> str:
    """The one line a night ends with when its drafts got no pull request."""
    return (f"the drafts of {day.isoformat()} got no pull request: {' '.join(why.split())}; "
            f"finish with `paperflow review --date {day.isoformat()}`")


def _sync_review(settings: Settings, ledger: Ledger) -> list[str]:
    from paperflow.review.publish import sync_review_state

    try:
        result = sync_review_state(settings, ledger)
    except PaperflowError as exc:  # review trouble never stops the night's drafting
        return [f"review state not synced: {exc.message}"]
    return list(result.messages)


def _log_in_git_repo(log_path: Path) -> bool:
    """Whether the log lives in a git repository (review then puts the drafts on a branch).

    Only a definite "not a repository" is False: a git that failed or timed out on a busy machine must not
    send the drafts into the person's own log; the review step then says what went wrong."""
    from paperflow.review import git as gitrepo

    try:
        gitrepo.repo_root(log_path.expanduser().resolve().parent)
    except gitrepo.NotARepositoryError:
        return False
    except gitrepo.GitError:
        return True
    return True
