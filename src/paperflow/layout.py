"""Where a run's data lives under `output_dir`: the one place that names the folders.

    output/ledger.sqlite3      what happened to every paper (paperflow.ledger)
    output/pdfs/               downloaded arXiv PDFs, <id>v<version>.pdf
    output/text/               extracted text, <sha256 of the PDF>.json
    output/summaries/          summaries (LLM or extractive), <paper>-<cache key>.json
    output/review/             review worktrees, pull request bodies, the per-day locks
    output/reports/            run reports, <date>-<time>.md and .json
    output/prefect-results/    Prefect's persisted task results (the flows' cache)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from paperflow.settings import Settings


@dataclass(frozen=True)
class OutputLayout:
    root: Path

    @classmethod
    def of(cls, settings: Settings) -> OutputLayout:
        return cls(Path(settings.output_dir))

    @property
    def ledger(self) -> Path:
        return self.root / "ledger.sqlite3"

    @property
    def pdfs(self) -> Path:
        return self.root / "pdfs"

    @property
    def text(self) -> Path:
        return self.root / "text"

    @property
    def summaries(self) -> Path:
        return self.root / "summaries"

    @property
    def review(self) -> Path:
        return self.root / "review"

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    @property
    def prefect_results(self) -> Path:
        return self.root / "prefect-results"
