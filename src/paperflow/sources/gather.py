"""Tonight's papers: ids from the command line, the log's pending list, and the arXiv queries in settings.

`gather_sources` returns a `SourcePlan`: the papers to take (metadata fetched, de-duplicated), the
ones skipped and why, pending items left unresolved, and failures (one per bad id or failed query;
one bad source never sinks the others). With `record=False` it changes nothing (`paperflow sources`).
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
from paperflow.sources.pending import PendingResolution, resolve_pending
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
    query_counts: dict[str, int] = {}  # query name -> papers it returned since its last run
    api_requests: int = 0

    @property
    def unresolved(self) -> list[PendingResolution]:
        return [p for p in self.pending if p.status.value in ("unresolved", "error")]


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
    With `record`, taken papers are recorded as FOUND and each successful query's run time is stored.
    """
    now = now or datetime.now(UTC)
    client = client or ArxivClient(settings.arxiv)
    start_requests = client.requests_made
    plan = SourcePlan()

    # Ids from the command line and the pending list go to arXiv in one batch.
    wanted: dict[ArxivId, tuple[SourceKind, str]] = {}
    for text in ids:
        try:
            wanted.setdefault(parse_arxiv_id(text), (SourceKind.COMMAND_LINE, text))
        except InvalidIdError as exc:
            plan.failures.append(Failure(paper=text.strip()[:80] or "(empty)", stage="id", reason=exc.message))
    if parsed_log is not None:
        plan.pending = resolve_pending(settings, parsed_log, ledger, client, now=now)
        for res in plan.pending:
            ref = res.arxiv_ref()
            if ref is not None and ref not in wanted:
                wanted[ref] = (SourceKind.PENDING, res.item.text)
                plan.pending_lines.setdefault(ref.base, res.item.line)
    candidates: list[Paper] = []
    if wanted:
        try:
            found, missing = fetch_papers(client, list(wanted), SourceKind.COMMAND_LINE)
        except ArxivApiError as exc:
            found, missing = [], []
            plan.failures.extend(Failure(paper=str(i), stage="arxiv", reason=exc.message) for i in wanted)
        for paper in found:
            ref = parse_arxiv_id(paper.versioned_id or "")
            kind, detail = wanted.get(ref) or wanted.get(ArxivId(ref.base)) or (SourceKind.COMMAND_LINE, None)
            candidates.append(paper.model_copy(update={"source": kind, "source_detail": detail}))
        for arxiv_id in missing:
            plan.failures.append(Failure(paper=str(arxiv_id), stage="arxiv", reason="arXiv has no paper with this id"))
            plan.pending_lines.pop(arxiv_id.base, None)

    if use_queries:
        for query in settings.arxiv.queries:
            name = query_name(query)
            last = ledger.last_query_run(name)
            since = last or now - timedelta(days=settings.arxiv.lookback_days)
            try:
                papers = query_papers(client, query, since, now)
            except PaperflowError as exc:
                plan.failures.append(Failure(paper=f"query {name!r}", stage="arxiv", reason=exc.message))
                continue
            plan.query_counts[name] = len(papers)
            candidates.extend(papers)
            if record:
                ledger.set_query_run(name, now)

    seen: set[str] = set()
    for paper in candidates:
        reason = _skip_reason(paper, settings, ledger, parsed_log, seen, redraft_new_versions)
        if reason:
            plan.skipped.append(Skipped(key=paper.key, title=paper.title, source=paper.source, reason=reason))
            continue
        seen.add(paper.key)
        plan.take.append(paper)
        if record:
            ledger.record_found(paper)
    plan.api_requests = client.requests_made - start_requests
    return plan


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
