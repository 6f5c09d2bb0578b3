"""What became of the drafts, per month: drafted, merged, rejected, left open, and how much the person
rewrote the merged ones, for each model and prompt version, so a prompt or model change shows its effect.

Pure: `monthly_stats(rows)` takes the ledger's rows (anything with the fields of `StatsRow`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Protocol

from pydantic import BaseModel

from paperflow.ledger import PaperState

EXTRACTIVE = "extractive"
UNKNOWN = "unknown"


class StatsRow(Protocol):
    drafted_on: date | None
    state: PaperState
    model: str | None
    prompt_version: str | None
    edit_ratio: float | None
    edit_parts: Mapping[str, float] | None  # mean edit ratio per kind of part of the entry


class GroupStats(BaseModel):
    """One month's drafts made by one model with one prompt version."""

    month: str  # "2024.1", as the log writes months
    model: str
    prompt_version: str
    drafted: int = 0
    merged: int = 0
    rejected: int = 0
    open: int = 0  # drafted, or in a pull request nobody merged or closed yet
    measured: int = 0  # merged drafts whose edits were measured
    mean_edit_ratio: float | None = None  # 0 = merged as drafted, 1 = rewritten
    most_edited: str | None = None  # the part (keywords, opening, point, verdict) rewritten most on average


_OPEN = frozenset({PaperState.DRAFTED, PaperState.IN_REVIEW})


def monthly_stats(rows: Iterable[StatsRow]) -> list[GroupStats]:
    """One GroupStats per (month drafted, model, prompt version), newest month first."""
    groups: dict[tuple[date, str, str], GroupStats] = {}
    ratios: dict[tuple[date, str, str], list[float]] = {}
    parts: dict[tuple[date, str, str], dict[str, list[float]]] = {}
    for row in rows:
        if row.drafted_on is None:
            continue  # never drafted (found, failed, or summarized only)
        month = date(row.drafted_on.year, row.drafted_on.month, 1)
        model = row.model or (EXTRACTIVE if row.prompt_version == EXTRACTIVE else UNKNOWN)
        key = (month, model, row.prompt_version or UNKNOWN)
        group = groups.setdefault(key, GroupStats(month=f"{month.year}.{month.month}", model=model,
                                                  prompt_version=row.prompt_version or UNKNOWN))
        group.drafted += 1
        if row.state == PaperState.MERGED:
            group.merged += 1
            if row.edit_ratio is not None:
                ratios.setdefault(key, []).append(row.edit_ratio)
                for kind, value in (row.edit_parts or {}).items():
                    parts.setdefault(key, {}).setdefault(kind, []).append(value)
        elif row.state == PaperState.REJECTED:
            group.rejected += 1
        elif row.state in _OPEN:
            group.open += 1
    for key, group in groups.items():
        measured = ratios.get(key, [])
        group.measured = len(measured)
        if measured:
            group.mean_edit_ratio = round(sum(measured) / len(measured), 3)
        by_kind = {kind: sum(values) / len(values) for kind, values in parts.get(key, {}).items()}
        if by_kind and max(by_kind.values()) > 0:
            group.most_edited = max(by_kind, key=lambda kind: by_kind[kind])
    return [groups[key] for key in sorted(groups, key=lambda k: (-k[0].toordinal(), k[1], k[2]))]


def stats_table(groups: list[GroupStats]) -> list[str]:
    """The groups as aligned text lines for a terminal."""
    header = ("month", "model", "prompt", "drafted", "merged", "rejected", "open", "edit ratio", "most edited")
    rows = [header]
    for g in groups:
        ratio = "-" if g.mean_edit_ratio is None else f"{g.mean_edit_ratio:.2f} ({g.measured})"
        rows.append((g.month, g.model, g.prompt_version, str(g.drafted), str(g.merged), str(g.rejected), str(g.open),
                     ratio, g.most_edited or "-"))
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    return ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]
