"""The log's `# pending list` as arXiv ids: by the id or URL an item holds, else by a title search.

A title search result is accepted only when the normalised titles are close enough
(`arxiv.title_match_threshold`, measured in tests/test_pending_match.py). Items that do not read as
paper titles (to-dos such as "写综述：GNN 论文总结") are left alone. Title searches are cached in the
ledger: a hit forever, a miss for `MISS_CACHE_HOURS`, so one night never searches a title twice.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict
from rapidfuzz import fuzz

from paperflow.sources.arxiv_api import ArxivApiError, ArxivClient, result_id
from paperflow.sources.ids import ArxivId, find_arxiv_id, parse_arxiv_id
from paperflow.ledger import Ledger
from paperflow.settings import Settings
from paperflow.log.weekly_log import ParsedLog, PendingItem, normalize_title

MISS_CACHE_HOURS = 20  # a title not found tonight is searched again tomorrow night, not twice tonight
SEARCH_CANDIDATES = 5
SHOWN_CANDIDATES = 3
MIN_MAIN_TITLE_CHARS = 12  # "BERT" alone is too short to stand for "BERT: Pre-training of ..."
MAX_QUERY_WORDS = 12
_STOPWORDS = frozenset("a an and as at by for from in into is of on or the to via with".split())
# Where the title ends and a person's note begins: CJK text, full-width punctuation.
_NOTE_START = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
_MARKDOWN_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_SUBTITLE_SPLIT = re.compile(r"\s*[:：]\s+|\s+[-–—]\s+")


class PendingStatus(StrEnum):
    ID = "id"  # the item holds an arXiv id or URL
    TITLE = "title"  # a title search found a close enough match
    UNRESOLVED = "unresolved"  # a title, but no close enough match: left alone, candidates shown
    NOT_A_PAPER = "not_a_paper"  # a to-do or a heading: left alone
    ERROR = "error"  # the search failed (network): tried again next time


class Candidate(BaseModel):
    arxiv_id: str
    title: str
    score: float


class PendingResolution(BaseModel):
    """What one open pending item stands for."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    item: PendingItem
    status: PendingStatus
    arxiv_id: str | None = None  # as written (versioned when the item named a version)
    title: str | None = None  # the title read from the item
    matched_title: str | None = None
    score: float | None = None
    candidates: list[Candidate] = []
    cached: bool = False
    reason: str | None = None

    @property
    def resolved(self) -> bool:
        return self.status in (PendingStatus.ID, PendingStatus.TITLE)

    def arxiv_ref(self) -> ArxivId | None:
        return parse_arxiv_id(self.arxiv_id) if self.arxiv_id else None

    def describe(self) -> str:
        """One line for people: the id and how it was found, or why there is none."""
        if self.status == PendingStatus.ID:
            return f"arXiv:{self.arxiv_id} (id in the item)"
        if self.status == PendingStatus.TITLE:
            cached = ", cached" if self.cached else ""
            return f"arXiv:{self.arxiv_id} (title match {self.score:.2f}{cached})"
        if self.status == PendingStatus.NOT_A_PAPER:
            return "not a paper title: left alone"
        if self.status == PendingStatus.ERROR:
            return f"search failed: {self.reason}"
        if not self.candidates:
            return "unresolved: no arXiv paper with these title words"
        best = "; ".join(f"{c.arxiv_id} {c.title!r} ({c.score:.2f})" for c in self.candidates)
        return f"unresolved: closest {best}"


# ------------------------------------------------------------------------------------------ titles


def title_from_item(text: str) -> str | None:
    """The paper title a pending item names, or None when it does not read as one.

    `《title》` wins; otherwise markup is dropped and the text is cut where a note in Chinese (or
    full-width punctuation) starts. What remains must have at least two words and ten letters.
    """
    quoted = re.search(r"《([^《》]+)》", text)
    candidate = quoted.group(1) if quoted else text
    candidate = _MARKDOWN_LINK.sub(r"\1", candidate)
    candidate = re.sub(r"[*_`]+", "", candidate)
    if not quoted:
        note = _NOTE_START.search(candidate)
        if note:
            candidate = candidate[: note.start()]
    candidate = " ".join(candidate.split()).strip(" -–—:;,.(")
    letters = sum(ch.isalpha() for ch in candidate)
    if len(candidate.split()) < 2 or letters < 10:
        return None
    return candidate


def _loose(title: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", title).casefold() if ch.isalnum())


def title_similarity(wanted: str, candidate: str) -> float:
    """How close two titles are, 0..1, after case, spacing and punctuation are set aside.

    A candidate with a subtitle also counts by its main title alone ("Mixtral of Experts" matches
    "Mixtral of Experts: ..."), when that main title is long enough to identify a paper.
    """
    a, b = _loose(wanted), _loose(candidate)
    if not a or not b:
        return 0.0
    score = fuzz.ratio(a, b)
    main = _loose(_SUBTITLE_SPLIT.split(candidate, maxsplit=1)[0])
    if main != b and len(main) >= MIN_MAIN_TITLE_CHARS:
        score = max(score, fuzz.ratio(a, main))
    return score / 100.0


def title_query(title: str) -> str | None:
    """An arXiv query for a title: every significant word must be in the title field."""
    words = re.findall(r"[A-Za-z0-9]+", unicodedata.normalize("NFKC", title))
    significant = [w for w in words if w.lower() not in _STOPWORDS and len(w) > 1]
    significant.sort(key=len, reverse=True)  # the longest words identify a paper best
    chosen = significant[:MAX_QUERY_WORDS]
    return " AND ".join(f"ti:{w}" for w in chosen) if chosen else None


# --------------------------------------------------------------------------------------- resolving


def resolve_pending(
    settings: Settings,
    parsed_log: ParsedLog,
    ledger: Ledger,
    client: ArxivClient | None = None,
    *,
    now: datetime | None = None,
) -> list[PendingResolution]:
    """Resolve every open (unticked) item of the pending list, in file order.

    Items with an id or URL need no request. Titles are searched (one request each, unless cached in
    the ledger). Never raises for one item: a failed search becomes status ERROR with the reason.
    """
    return resolve_items(settings, parsed_log.pending_open, ledger, client, now=now)


def resolve_items(
    settings: Settings,
    items: Sequence[PendingItem],
    ledger: Ledger,
    client: ArxivClient | None = None,
    *,
    now: datetime | None = None,
) -> list[PendingResolution]:
    """Resolve items naming papers (the pending list's, a reading list's: paperflow.sources.lists), in order,
    as `resolve_pending` does."""
    now = now or datetime.now(UTC)
    results: list[PendingResolution] = []
    for item in items:
        found = find_arxiv_id(item.text)
        if found is not None:
            results.append(PendingResolution(item=item, status=PendingStatus.ID, arxiv_id=str(found)))
            continue
        title = title_from_item(item.text)
        if title is None:
            results.append(PendingResolution(item=item, status=PendingStatus.NOT_A_PAPER))
            continue
        if client is None:
            client = ArxivClient(settings.arxiv)
        results.append(_resolve_title(item, title, settings, ledger, client, now))
    return results


def search_title(title: str, query: str, client, threshold: float) -> tuple[Candidate | None, list[Candidate]]:
    """The arXiv search's candidates for `title` (SHOWN_CANDIDATES of them, best first, scores rounded as the
    ledger stores them) and the best one when it scores at least `threshold`, else None. The one title match
    of paperflow: the pending list and a stamp-less local copy both use it. Raises ArxivApiError."""
    results = client.search(query, max_results=SEARCH_CANDIDATES, newest_first=False)
    scored = sorted((Candidate(arxiv_id=result_id(r).base, title=" ".join(r.title.split()),
                               score=round(title_similarity(title, r.title), 4)) for r in results),
                    key=lambda c: c.score, reverse=True)[:SHOWN_CANDIDATES]
    match = scored[0] if scored and scored[0].score >= threshold else None
    return match, scored


def _resolve_title(
    item: PendingItem, title: str, settings: Settings, ledger: Ledger, client: ArxivClient, now: datetime
) -> PendingResolution:
    key = normalize_title(title)
    cached = ledger.cached_resolution(key)
    if cached is not None and (cached.arxiv_id or now - cached.resolved_at < timedelta(hours=MISS_CACHE_HOURS)):
        return _resolution(item, title, cached.arxiv_id, cached.score,
                           [Candidate(**c) for c in cached.candidates], cached=True)
    query = title_query(title)
    if query is None:
        return PendingResolution(item=item, status=PendingStatus.NOT_A_PAPER, title=title)
    try:
        match, scored = search_title(title, query, client, settings.arxiv.title_match_threshold)
    except ArxivApiError as exc:
        return PendingResolution(item=item, status=PendingStatus.ERROR, title=title, reason=exc.message)
    best = scored[0] if scored else None
    ledger.cache_resolution(key, match.arxiv_id if match else None, best.score if best else None,
                            [c.model_dump() for c in scored], resolved_at=now)
    return _resolution(item, title, match.arxiv_id if match else None, best.score if best else None, scored,
                       cached=False)


def _resolution(
    item: PendingItem, title: str, arxiv_id: str | None, score: float | None, candidates: list[Candidate],
    *, cached: bool,
) -> PendingResolution:
    if arxiv_id:
        matched = next((c.title for c in candidates if c.arxiv_id == arxiv_id), None)
        return PendingResolution(item=item, status=PendingStatus.TITLE, arxiv_id=arxiv_id, title=title,
                                 matched_title=matched, score=score, candidates=candidates, cached=cached)
    return PendingResolution(item=item, status=PendingStatus.UNRESOLVED, title=title, score=score,
                             candidates=candidates, cached=cached)
