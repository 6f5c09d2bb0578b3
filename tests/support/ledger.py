"""Set up ledger rows the way paperflow makes them: by walking the legal transitions to a state."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from paperflow.ledger import RULES, Ledger, LedgerRow, PaperState, Transition
from paperflow.models import Paper, Summary

_T = Transition
PATHS: dict[PaperState, list[Transition]] = {
    PaperState.FOUND: [],
    PaperState.DOWNLOADED: [_T.DOWNLOAD],
    PaperState.EXTRACTED: [_T.DOWNLOAD, _T.EXTRACT],
    PaperState.SUMMARIZED: [_T.DOWNLOAD, _T.EXTRACT, _T.SUMMARIZE],
    PaperState.DRAFTED: [_T.DOWNLOAD, _T.EXTRACT, _T.SUMMARIZE, _T.DRAFT],
    PaperState.IN_REVIEW: [_T.DOWNLOAD, _T.EXTRACT, _T.SUMMARIZE, _T.DRAFT, _T.OPEN_REVIEW],
    PaperState.MERGED: [_T.DOWNLOAD, _T.EXTRACT, _T.SUMMARIZE, _T.DRAFT, _T.MERGE],
    PaperState.REJECTED: [_T.DOWNLOAD, _T.EXTRACT, _T.SUMMARIZE, _T.DRAFT, _T.REJECT],
}


def walk_to(ledger: Ledger, paper: Paper | str, state: PaperState, **fields: Any) -> LedgerRow:
    """Record `paper` as found (a Paper, or a bare key made into one) and move it to `state` through
    the legal transitions; each field is set by the first transition that may set it."""
    if isinstance(paper, str):
        paper = Paper(arxiv_id=paper, title=fields.pop("title", paper)) if not paper.startswith("local:") \
            else Paper(title=fields.pop("title", paper), local_sha256=paper.removeprefix("local:"))
    row = ledger.record_found(paper)
    left = dict(fields)
    for transition in PATHS[state]:
        settable = RULES[transition][2]
        mine = {name: left.pop(name) for name in list(left) if name in settable}
        row = ledger.transition(paper.key, transition, **mine)
    if left:
        raise ValueError(f"no transition on the way to {state} sets {sorted(left)}")
    return row


def drafted(ledger: Ledger, summary: Summary, day: date, summary_path: str | Path | None = None) -> LedgerRow:
    """The summary's paper in the ledger as drafted on `day`, as a night leaves it."""
    paper = Paper(arxiv_id=summary.arxiv_id, version=summary.version, title=summary.title,
                  local_sha256=None if summary.arxiv_id else summary.local_source)
    fields: dict[str, Any] = {"drafted_on": day}
    if summary_path is not None:
        fields["summary_path"] = str(summary_path)
    return walk_to(ledger, paper, PaperState.DRAFTED, **fields)
