"""Per-month statistics of drafts: counts by outcome, edit ratios, per model and prompt version."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from paperflow.ledger import PaperState
from paperflow.stats import monthly_stats, stats_table


@dataclass
class Row:
    drafted_on: date | None
    state: PaperState
    model: str | None = "qwen-plus"
    prompt_version: str | None = "a1b2c3d4"
    edit_ratio: float | None = None
    edit_parts: dict[str, float] | None = field(default=None)


def test_counts_ratios_and_most_edited_part_per_month_model_and_prompt():
    rows = [
        Row(date(2024, 1, 3), PaperState.MERGED, edit_ratio=0.5, edit_parts={"verdict": 0.9, "point": 0.3}),
        Row(date(2024, 1, 9), PaperState.MERGED, edit_ratio=0.1, edit_parts={"verdict": 0.3, "point": 0.05}),
        Row(date(2024, 1, 9), PaperState.MERGED),  # merged before edits were measured
        Row(date(2024, 1, 20), PaperState.REJECTED),
        Row(date(2024, 1, 21), PaperState.IN_REVIEW),
        Row(date(2024, 1, 22), PaperState.DRAFTED, prompt_version="e5f6a7b8"),  # the prompt was edited
        Row(date(2024, 2, 1), PaperState.MERGED, model=None, prompt_version="extractive", edit_ratio=0.8,
            edit_parts={"point": 0.9, "opening": 0.2}),
        Row(None, PaperState.FAILED),  # never drafted
        Row(None, PaperState.SUMMARIZED),
    ]
    groups = monthly_stats(rows)
    assert [(g.month, g.model, g.prompt_version) for g in groups] == [
        ("2024.2", "extractive", "extractive"), ("2024.1", "qwen-plus", "a1b2c3d4"), ("2024.1", "qwen-plus", "e5f6a7b8")]
    february, january, new_prompt = groups
    assert (january.drafted, january.merged, january.rejected, january.open) == (5, 3, 1, 1)
    assert january.measured == 2 and january.mean_edit_ratio == 0.3
    assert january.most_edited == "verdict"
    assert (new_prompt.drafted, new_prompt.open, new_prompt.mean_edit_ratio, new_prompt.most_edited) == (1, 1, None, None)
    assert february.most_edited == "point" and february.mean_edit_ratio == 0.8
    lines = stats_table(groups)
    assert lines[0].split() == ["month", "model", "prompt", "drafted", "merged", "rejected", "open", "edit", "ratio",
                                "most", "edited"]
    assert lines[2].split() == ["2024.1", "qwen-plus", "a1b2c3d4", "5", "3", "1", "1", "0.30", "(2)", "verdict"]


def test_untouched_drafts_have_no_most_edited_part():
    groups = monthly_stats([Row(date(2024, 3, 1), PaperState.MERGED, edit_ratio=0.0, edit_parts={"point": 0.0})])
    assert groups[0].mean_edit_ratio == 0.0 and groups[0].most_edited is None
    assert monthly_stats([]) == []
