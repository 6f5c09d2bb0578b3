"""Tonight's papers: ids from the command line, the log's pending list, and the arXiv queries in settings.

`gather_sources` returns a `SourcePlan`: the papers to take (metadata fetched, de-duplicated), the
ones skipped and why, pending items left unresolved (with the reason), failures (one per bad id or
failed query; one bad source never sinks the others), and `unreadable`: the sources that could not be
read at all (the arXiv API down or unreachable), which makes a run end with a non-zero exit code.
Taken papers are not recorded here: the orchestrator records each once. With `record=False` not even
the queries' last runs are stored (`paperflow sources`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from pydantic import BaseModel

from paperflow.sources.arxiv_api import ArxivApiError, ArxivClient, fetch_papers, result_to_paper
from paperflow.errors import PaperflowError
from paperflow.sources.ids import ArxivId, InvalidIdError, parse_arxiv_id
from paperflow.ledger import Ledger, PaperState
from paperflow.models import Failure, Paper, SourceKind
from paperflow.sources.pending import PendingResolution, PendingStatus, resolve_items, resolve_pending
from paperflow.settings import ArxivQuery, Settings
from paperflow.log.weekly_log import ParsedLog


class Skipped(BaseModel):
    key: str
    title: str
    source: SourceKind
    reason: str


class SourcePlan(BaseModel):
    take: list[Paper] = []
    skipped: list[Skipped] = []
    pending: list[PendingResolution] = []  # every open pending item and what it resolved to
    pending_lines: dict[str, int] = {}  # paper key -> 0-based line of its pending item (to tick it)
    failures: list[Failure] = []
    unreadable: list[str] = []  # sources that could not be read at all, with the cause
    query_counts: dict[str, int] = {}  # query name -> papers it returned since its last run
    lists: list[PendingResolution] = []  # every reading-list item and what it resolved to
    notes: list[str] = []  # what people should know (a reading list's mojibake repaired)
    api_requests: int = 0

    @property
    def unresolved(self) -> list[PendingResolution]:
        return [p for p in self.pending if p.status.value in ("unresolved", "error")]


Wanted = dict[ArxivId, tuple[SourceKind, str]]  # requested id -> (source kind, what named it)
STAGE = "resolve"


def query_name(query: ArxivQuery) -> str:
    """The key a query's last run is stored under: its name, else its text and categories."""
    if query.name:
        return query.name
    return query.query + (f" [{', '.join(query.categories)}]" if query.categories else "")


def build_query(query: ArxivQuery, since: datetime, until: datetime) -> str:
    """The arXiv search query: the user's query, any of its categories, submitted in [since, until]."""
    parts = [f"({query.query})"]
    if query.categories:
        parts.append("(" + " OR ".join(f"cat:{c}" for c in query.categories) + ")")
    fmt = "%Y%m%d%H%M"
    parts.append(f"submittedDate:[{since.astimezone(UTC).strftime(fmt)} TO {until.astimezone(UTC).strftime(fmt)}]")
    return " AND ".join(parts)


def query_papers(
    client: ArxivClient, query: ArxivQuery, since: datetime, until: datetime
) -> list[Paper]:
    """Papers of one query submitted since `since`, newest first (paged by the client).

    Results outside [since, until] are dropped here too, in case a mirror ignores the date filter.
    Raises ArxivApiError when the API fails.
    """
    name = query_name(query)
    papers = [
        result_to_paper(result, SourceKind.QUERY, name)
        for result in client.search(build_query(query, since, until), max_results=query.max_results)
        if result.published is None or since <= result.published <= until
    ]
    papers.sort(key=lambda p: p.published or since, reverse=True)
    return papers


def gather_sources(
    settings: Settings,
    ledger: Ledger,
    *,
    ids: Sequence[str] = (),
    parsed_log: ParsedLog | None = None,
    client: ArxivClient | None = None,
    now: datetime | None = None,
    record: bool = True,
    use_queries: bool = True,
    redraft_new_versions: bool = False,
) -> SourcePlan:
    """Collect tonight's papers (command line first, then the pending list, then the queries).

    A paper is skipped when its id is already drafted/in review/merged/rejected in the ledger (a newer
    version too, unless `redraft_new_versions`), when its title is already in the log, when an earlier
    source found it, or (pending/query papers) when it failed `settings.max_attempts` times.
    With `record`, each successful query's run time is stored.
    """
    now = now or datetime.now(UTC)
    client = client or ArxivClient(settings.arxiv)
    start_requests = client.requests_made
    plan = SourcePlan()
    wanted = _command_line_ids(ids, plan)
    if parsed_log is not None:
        _pending_ids(settings, parsed_log, ledger, client, now, plan, wanted)
    _list_ids(settings, ledger, client, now, plan, wanted)
    candidates = _fetch_metadata(client, wanted, plan)
    if use_queries:
        candidates += _query_results(settings, ledger, client, now, record, plan)
    _dedupe(candidates, settings, ledger, parsed_log, redraft_new_versions, plan)
    plan.api_requests = client.requests_made - start_requests
    return plan


def _command_line_ids(ids: Sequence[str], plan: SourcePlan) -> Wanted:
    """The ids given on the command line; bad ones become failures."""
    wanted: Wanted = {}
    for text in ids:
        try:
            wanted.setdefault(parse_arxiv_id(text), (SourceKind.COMMAND_LINE, text))
        except InvalidIdError as exc:
            plan.failures.append(Failure(paper=text.strip()[:80] or "(empty)", stage=STAGE, reason=exc.message))
    return wanted


def _pending_ids(settings: Settings, parsed_log: ParsedLog, ledger: Ledger, client: ArxivClient, now: datetime,
                 plan: SourcePlan, wanted: Wanted) -> None:
    """The pending list's items as ids (adds to `wanted`, remembers each item's line for the tick)."""
    plan.pending = resolve_pending(settings, parsed_log, ledger, client, now=now)
    for res in plan.pending:
        ref = res.arxiv_ref()
        if ref is not None and ref not in wanted:
            wanted[ref] = (SourceKind.PENDING, res.item.text)
            plan.pending_lines.setdefault(ref.base, res.item.line)
    _failed_searches(plan, "the pending list", plan.pending)


def _failed_searches(plan: SourcePlan, where: str, resolved: Sequence[PendingResolution]) -> None:
    """One line of `plan.unreadable` for the title searches of `where` that failed (the first one's cause)."""
    failed = [res for res in resolved if res.status == PendingStatus.ERROR]
    if failed:
        plan.unreadable.append(f"{where}: {len(failed)} title search(es) failed: {failed[0].reason}")


def _list_ids(settings: Settings, ledger: Ledger, client: ArxivClient, now: datetime, plan: SourcePlan,
              wanted: Wanted) -> None:
    """The reading lists' items as ids (adds to `wanted`; a list is never written, so nothing is ticked)."""
    from paperflow.sources.lists import ReadingListError, item_label, list_files, read_list

    for reading_list in settings.sources.lists:
        try:
            reads = [read_list(path) for path in list_files(reading_list)]
        except ReadingListError as exc:
            plan.failures.append(Failure(paper=str(reading_list.path), stage=STAGE, reason=exc.message))
            plan.unreadable.append(exc.message)
            continue
        for read in reads:
            if read.repaired:
                plan.notes.append(f"reading list {read.path}: {read.repaired}")
            resolved = resolve_items(settings, read.items, ledger, client, now=now)
            plan.lists += resolved
            for res in resolved:
                ref = res.arxiv_ref()
                if ref is not None and ref not in wanted:
                    wanted[ref] = (SourceKind.LIST, item_label(reading_list, read, res.item))
            _failed_searches(plan, f"reading list {read.path}", resolved)


def _fetch_metadata(client: ArxivClient, wanted: Wanted, plan: SourcePlan) -> list[Paper]:
    """arXiv metadata of every wanted id, in one batch; unknown ids and an API failure become failures."""
    if not wanted:
        return []
    try:
        found, missing = fetch_papers(client, list(wanted), SourceKind.COMMAND_LINE)
    except ArxivApiError as exc:
        plan.failures.extend(Failure(paper=str(i), stage=STAGE, reason=exc.message) for i in wanted)
        plan.unreadable.append(f"arXiv metadata of {len(wanted)} id(s): {exc.message}")
        return []
    papers = []
    for paper in found:
        ref = parse_arxiv_id(paper.versioned_id or "")
        kind, detail = wanted.get(ref) or wanted.get(ArxivId(ref.base)) or (SourceKind.COMMAND_LINE, None)
        papers.append(paper.model_copy(update={"source": kind, "source_detail": detail}))
    for arxiv_id in missing:
        plan.failures.append(Failure(paper=str(arxiv_id), stage=STAGE, reason="arXiv has no paper with this id"))
        plan.pending_lines.pop(arxiv_id.base, None)
    return papers


def _query_results(settings: Settings, ledger: Ledger, client: ArxivClient, now: datetime, record: bool,
                   plan: SourcePlan) -> list[Paper]:
    """Each configured query's papers since its last successful run (stored when `record`)."""
    papers: list[Paper] = []
    for query in settings.arxiv.queries:
        name = query_name(query)
        since = ledger.last_query_run(name) or now - timedelta(days=settings.arxiv.lookback_days)
        try:
            found = query_papers(client, query, since, now)
        except PaperflowError as exc:
            plan.failures.append(Failure(paper=f"query {name!r}", stage=STAGE, reason=exc.message))
            plan.unreadable.append(f"query {name!r}: {exc.message}")
            continue
        plan.query_counts[name] = len(found)
        papers.extend(found)
        if record:
            ledger.set_query_run(name, now)
    return papers


def _dedupe(candidates: list[Paper], settings: Settings, ledger: Ledger, parsed_log: ParsedLog | None,
            redraft: bool, plan: SourcePlan) -> None:
    """Take each candidate once, unless the ledger or the log says it is done (plan.skipped, with why)."""
    seen: set[str] = set()
    for paper in candidates:
        reason = _skip_reason(paper, settings, ledger, parsed_log, seen, redraft)
        if reason:
            plan.skipped.append(Skipped(key=paper.key, title=paper.title, source=paper.source, reason=reason))
            continue
        seen.add(paper.key)
        plan.take.append(paper)


def _skip_reason(
    paper: Paper, settings: Settings, ledger: Ledger, parsed_log: ParsedLog | None, seen: set[str], redraft: bool
) -> str | None:
    if paper.key in seen:
        return "found by an earlier source tonight"
    row = ledger.get(paper.key)
    if row is not None and row.done:
        newer = paper.version is not None and row.version is not None and paper.version > row.version
        if newer and redraft:
            return None
        state = row.state.value.replace("_", " ")
        if newer:
            return f"v{row.version} already {state}; v{paper.version} is newer (pass --redraft-new-versions)"
        return f"already {state}"
    if parsed_log is not None and parsed_log.has_title(paper.title):
        return "title already in the log"
    if (
        row is not None
        and row.state == PaperState.FAILED
        and row.attempts >= settings.max_attempts
        and paper.source != SourceKind.COMMAND_LINE
    ):
        return f"gave up after {row.attempts} failed attempts ({row.last_stage}: {row.last_error})"
    return None
