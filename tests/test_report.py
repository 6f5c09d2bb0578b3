"""RunReport: counting, Markdown rendering (escaped, one row per failure), saving without overwriting."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from paperflow.layout import OutputLayout
from paperflow.report import RunReport, StageClock, load_report


def _report() -> RunReport:
    start = datetime(2024, 1, 3, 2, 0, 5, tzinfo=timezone.utc)
    report = RunReport(started_at=start)
    report.count("resolve", 4)
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
    assert md.index("| resolve |") < md.index("| download |") < md.index("| extract |") < md.index("| summarize |")
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


def test_stage_clock_spans_overlapping_papers_and_counts_a_block_that_raises():
    import threading
    import time

    clock = StageClock()
    try:
        with clock.timed("extract"):
            raise ValueError("boom")
    except ValueError:
        pass

    def paper() -> None:
        with clock.timed("summarize"):
            time.sleep(0.2)

    threads = [threading.Thread(target=paper) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = clock.seconds
    assert seconds["extract"] >= 0
    # three papers in parallel cost the run one span of about 0.2 s, not 0.6 s
    assert 0.2 <= seconds["summarize"] < 0.5
