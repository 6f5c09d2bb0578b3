"""Newer arXiv versions of papers whose entries were merged: listed once in the next pull request.

The person's entry is theirs: a new version never changes it. The pull request says "v3 is out" and
how to re-draft (`paperflow summarize ID --redraft`), and the re-draft is put in a pull request beside
their entry for them to merge by hand (paperflow.review.publish), never into the log in its place.
"""

from __future__ import annotations

from pydantic import BaseModel

from paperflow.errors import PaperflowError
from paperflow.ledger import Ledger, PaperState
from paperflow.settings import Settings
from paperflow.sources.arxiv_api import ArxivClient, fetch_papers
from paperflow.sources.ids import InvalidIdError, parse_arxiv_id

BATCH = 100  # ids per arXiv API request


class NewVersion(BaseModel):
    """A merged paper whose newest arXiv version is newer than the one its entry was drafted from."""

    key: str  # the arXiv id without version
    title: str
    drafted_version: int
    latest_version: int

    def command(self) -> str:
        return f"paperflow summarize {self.key} --redraft"

    def describe(self) -> str:
        return (f"v{self.latest_version} is out (the entry was drafted from v{self.drafted_version}); "
                f"re-draft with `{self.command()}`")


def check_new_versions(settings: Settings, ledger: Ledger, *, client: ArxivClient | None = None,
                       ) -> tuple[list[NewVersion], list[str]]:
    """Ask arXiv for the newest version of every merged arXiv paper (BATCH ids a request), record it,
    and return the papers with a version not yet listed in a pull request, with messages for the
    report. arXiv trouble is a message, never an exception: what was recorded before still counts."""
    messages: list[str] = []
    rows = [r for r in ledger.rows(PaperState.MERGED) if r.version is not None and not r.key.startswith("local:")]
    ids = []
    for row in rows:
        try:
            ids.append(parse_arxiv_id(row.key))
        except InvalidIdError:
            continue
    if ids:
        client = client or ArxivClient(settings.arxiv)
        for start in range(0, len(ids), BATCH):
            try:
                papers, _missing = fetch_papers(client, ids[start:start + BATCH])
            except PaperflowError as exc:
                messages.append(f"newer versions of merged papers not checked: {exc.message}")
                break
            for paper in papers:
                if paper.arxiv_id and paper.version:
                    ledger.record_latest_version(paper.arxiv_id, paper.version)
    return pending_new_versions(ledger), messages


def pending_new_versions(ledger: Ledger) -> list[NewVersion]:
    """Merged papers whose recorded newest version is newer than their draft's and not listed yet."""
    found = []
    for row in ledger.rows(PaperState.MERGED):
        latest, drafted = row.latest_version, row.version
        if latest is None or drafted is None or latest <= drafted:
            continue
        if row.version_listed is not None and row.version_listed >= latest:
            continue
        found.append(NewVersion(key=row.key, title=row.title or row.key, drafted_version=drafted,
                                latest_version=latest))
    return found
