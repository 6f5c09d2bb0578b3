"""RunReport: counting, Markdown rendering (escaped, one row per failure), saving without overwriting."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from paperflow.layout import OutputLayout
from paperflow.report import RunReport, load_report


def _report() -> RunReport:
    start = datetime(2024, 1, 3, 2, 0, 5, tzinfo=timezone.utc)
    report = RunReport(started_at=start)
    report.count("gather", 4)
    report.count("download", 3)
    report.count("extract", 2)
    report.count("summarize", 1)
    report.add_seconds("download", 1.5)
    report.add_seconds("summarize", 75.0)
    return report


def test_markdown_lists_stages_failures_pending_tokens_and_cost():
    report = _report()
    from paperflow.report import ReportedPaper

    report.drafted.append(ReportedPaper(key="1706.03762", title="Attention Is All You Need"))
    report.add_failure("1810.04805", "extract", "truncated or corrupt", key="1810.04805", attempts=1)
    report.add_failure("2010.11929", "summarize", "LLM answered HTTP 500\nInternal", attempts=3, given_up=True)
    report.unresolved_pending.append("写综述：GNN 论文总结")
    report.add_usage(1200, 300, 0.0021)
    report.add_usage(800, 100, None)
    report.finished_at = report.started_at + timedelta(seconds=95)

    md = report.to_markdown()

    assert md.startswith("# paperflow nightly run, 2024-01-03 02:00\n")
    assert "4 papers found, 1 drafted, 2 failed" in md
    assert "Tokens: 2,000 in, 400 out; cost $0.0021; took 1 min 35 s." in md
    assert "| download | 3 | 1.5 s |" in md
    assert "| summarize | 1 | 1 min 15 s |" in md
    # stage order follows the pipeline, not insertion or the alphabet
    assert md.index("| gather |") < md.index("| download |") < md.index("| extract |") < md.index("| summarize |")
    assert "- 《Attention Is All You Need》 (1706.03762)" in md
    assert "| 1810.04805 | extract | truncated or corrupt | 1 |" in md
    # reasons are folded to one line so the table survives
    assert "| 2010.11929 | summarize | LLM answered HTTP 500 Internal | 3 (left for a person) |" in md
    assert "will not be retried" in md
    assert "## Unresolved pending items\n\n- 写综述：GNN 论文总结" in md


def test_outside_text_cannot_break_the_markdown():
    report = RunReport()
    report.add_failure("a | b", "download", "bad <script>x</script>\n# header", attempts=1)
    md = report.to_markdown()
    row = next(line for line in md.splitlines() if line.startswith("| a"))
    assert row == "| a \\| b | download | bad &lt;script&gt;x&lt;/script&gt; # header | 1 |"
    assert "\n# header" not in md


def test_cost_unknown_and_empty_sections_left_out():
    md = RunReport(kind="summarize", dry_run=True).to_markdown()
    assert "dry run: 0 papers found, 0 drafted, 0 failed" in md
    assert "cost unknown" in md
    for section in ("## Failures", "## Drafted", "## Unresolved pending items", "## Papers per stage"):
        assert section not in md


def test_timed_adds_wall_time_even_when_the_block_raises():
    report = RunReport()
    try:
        with report.timed("extract"):
            raise ValueError("boom")
    except ValueError:
        pass
    with report.timed("extract"):
        pass
    assert "extract" in report.stage_seconds and report.stage_seconds["extract"] >= 0


def test_save_writes_dated_markdown_and_never_overwrites(tmp_path):
    report = _report().finish()
    folder = OutputLayout(tmp_path).reports
    first = report.save(folder)
    second = report.save(folder)
    assert first.parent == tmp_path / "reports"
    assert first.name == "2024-01-03-020005.md"
    assert second.name == "2024-01-03-020005-2.md"
    assert first.read_text(encoding="utf-8") == report.to_markdown()
    again = load_report(first)
    assert again.stage_counts == report.stage_counts and again.finished_at == report.finished_at
