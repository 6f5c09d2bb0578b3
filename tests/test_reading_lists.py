"""Reading lists as sources (`[[sources.lists]]`): the real mojibake list, and a list paper drafted once.

The real list is ../shared/data/logs/reading-list-table-mojibake.md, read where it lies. Counted by hand
(grep over the file, not paperflow): 141 table lines = 10 header rows + 10 `| --- |` rules + 121 rows, one
of them empty (line 92): 120 paper rows. 104 of them link arXiv in their Paper column
(`awk -F'|' '/^\\|/{print $3}' | grep -ci arxiv`), 102 distinct papers (1909.08593 and 2212.10560 are listed
twice); the other 16 link elsewhere (OpenReview, a blog, a PDF host) and are searched by title. The lines
`1. # OpenAI/Google ...` are headings inside list items, not papers.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from paperflow.ledger import Ledger, PaperState
from paperflow.log.weekly_log import parse_log
from paperflow.pipeline import Orchestrator, ThreadExecutor
from paperflow.settings import Settings, load_settings
from paperflow.sources.arxiv_api import ArxivClient
from paperflow.sources.gather import gather_sources
from paperflow.sources.ids import find_arxiv_id
from paperflow.sources.lists import read_items, read_list, repair_text
from paperflow.sources.pending import PendingStatus
from tests.cli_helpers import run, summary_file
from tests.support.flows import PaperSite, write_config

LIST = "reading-list-table-mojibake.md"


def test_the_real_list_yields_its_arxiv_papers_with_the_mojibake_repaired(shared_data):
    path = shared_data / "logs" / LIST
    read = read_list(path)
    assert read.repaired is not None and read.repaired.startswith("mojibake repaired by ftfy")
    assert len(read.items) == 120
    ids = [find_arxiv_id(item.text) for item in read.items]
    assert sum(i is not None for i in ids) == 104
    distinct = {i.base for i in ids if i is not None}
    assert len(distinct) == 102
    assert {"2206.07682", "2005.14165", "1706.03762", "1909.08593", "2212.10560"} <= distinct
    first = read.items[0]
    assert first.line + 1 == 15 and first.text.startswith("[Improving Language Understanding by Generative")

    raw = path.read_text(encoding="utf-8")
    fixed, note = repair_text(raw)
    assert note == read.repaired
    # The intro line "本文整理了大模型技术（LLM）..." as published: "æœ¬æ–‡æ•´ç†äº†...100+è®ºæ–‡". Where the
    # publishing lost a byte (理 = e7 90 86: cp1252 has no 0x90) the text cannot be repaired and stays as it is.
    intro = raw.splitlines()[4]
    assert intro.startswith("æœ¬æ–‡æ•´ç†") and intro.endswith("100+è®ºæ–‡")
    repaired = fixed.splitlines()[4]
    assert repaired.startswith("本文整ç†") and repaired.endswith("100+论文")
    assert "LLM）目" in repaired  # full-width as written: only the encoding is repaired
    assert "## 2.5 Embedding/" in fixed and "/激活函数/attention加速" in fixed
    assert "1. # LLM的关键技术：" in fixed
    assert "places stay garbled (bytes lost before the file was saved)" in note
    assert path.read_text(encoding="utf-8") == raw  # read, never written


def test_the_real_list_resolves_through_tonights_sources(shared_data, tmp_path):
    with PaperSite(shared_data, {}) as site:
        settings = Settings(output_dir=tmp_path / "out", sources={"lists": [{"path": shared_data / "logs" / LIST}]},
                            arxiv={"api_url": f"{site.origin}/api/query", "delay_seconds": 0, "retries": 0})
        plan = gather_sources(settings, Ledger.open(settings), client=ArxivClient(settings.arxiv), use_queries=False)
        id_requests = [r for r in site.requests if "id_list=" in r]
    statuses = [r.status for r in plan.lists]
    assert len(statuses) == 120 and statuses.count(PendingStatus.ID) == 104
    assert statuses.count(PendingStatus.UNRESOLVED) == 15 and statuses.count(PendingStatus.NOT_A_PAPER) == 1
    # Every distinct arXiv paper of the list was asked for, once; none is recorded by arXiv's replay here.
    asked = [i for r in id_requests for i in r.split("id_list=", 1)[1].split("&", 1)[0].split(",") if i]
    assert len(asked) == len(set(asked)) == 102
    assert any("mojibake repaired by ftfy" in note for note in plan.notes)


def test_paperflow_sources_says_what_a_list_gave(shared_data, tmp_path):
    with PaperSite(shared_data, {}) as site:
        config = write_config(tmp_path, site)
        with config.open("a", encoding="utf-8") as handle:
            handle.write(f'[[sources.lists]]\npath = "{shared_data / "logs" / LIST}"\n')
        (tmp_path / "log.md").write_text("# pending list\n", encoding="utf-8")
        result = run("--config", str(config), "sources")
    assert f"reading list {shared_data / 'logs' / LIST}: mojibake repaired by ftfy" in result.stdout
    # The 16 rows without an arXiv link, but "[ChatGLM-6B](github...)": one word is no title (as in a pending list).
    assert "reading-list items left alone (15):" in result.stdout
    assert result.stdout.count("arXiv has no paper with this id") == 102  # asked for; not in the replay


def _mojibake(text: str) -> str:
    return text.encode("utf-8").decode("cp1252")


def test_list_items_and_table_rows_and_what_is_not_a_paper():
    text = (
        "# 读过的\n\n"
        "| ID | Paper | Note |\n| --- | --- | --- |\n"
        "| 1 | [Attention Is All You Need](https://arxiv.org/pdf/1706.03762) | see [blog](https://x.y/z) |\n"
        "|   |    |   |\n"
        "- arXiv:2106.09685 LoRA\n"
        "* [ ] Mixtral of Experts\n"
        "1. # A heading in a list item\n"
        "```\n- https://arxiv.org/abs/2401.04088 in a code block\n```\n"
    )
    items = read_items(text)
    assert [i.text for i in items] == [
        "[Attention Is All You Need](https://arxiv.org/pdf/1706.03762)", "arXiv:2106.09685 LoRA",
        "Mixtral of Experts"]
    assert [i.line + 1 for i in items] == [5, 7, 8]
    assert repair_text("plain text, 中文")[1] is None  # nothing to repair: nothing said


def test_a_list_paper_is_drafted_once_into_a_flat_log_and_the_list_is_never_written(shared_data, tmp_path):
    log = tmp_path / "log.md"
    shutil.copyfile(shared_data / "logs" / "flat-headings-keywords-summary.md", log)
    log.chmod(0o644)
    reading = tmp_path / "to-read.md"
    reading.write_bytes((f"# {_mojibake('大模型论文')}\n\n| Paper | {_mojibake('简介')} |\n|---|---|\n"
                         f"| [Attention](https://arxiv.org/abs/1707.08567) | {_mojibake('论文说明')} |\n").encode())
    list_bytes = reading.read_bytes()
    pdfs = {"1707.08567": shared_data / "pdf" / "arxiv_1706.03762v5_attention_is_all_you_need.pdf"}
    with PaperSite(shared_data, pdfs) as site:
        config = write_config(tmp_path, site)
        with config.open("a", encoding="utf-8") as handle:
            handle.write('[[sources.lists]]\npath = "to-read.md"\nname = "to read"\n')
        settings = load_settings(config)
        first = Orchestrator(settings, ThreadExecutor(1), Ledger.open(settings)).nightly(day=date(2026, 12, 2))
        after_first = log.read_bytes()
        second = Orchestrator(settings, ThreadExecutor(1), Ledger.open(settings)).nightly(day=date(2026, 12, 3))

    assert [p.key for p in first.report.drafted] == ["1707.08567"], first.report
    assert any(f"reading list {reading}: mojibake repaired by ftfy" in n for n in first.report.notes)
    row = Ledger.open(settings).get("1707.08567")
    assert row is not None and row.state == PaperState.DRAFTED
    # recorded as a list's paper, not the pending list's: the review ticks only what the pending list holds
    assert row.source == "list" and row.source_detail and "to read" in row.source_detail
    parsed = parse_log(after_first)
    assert len(parsed.entries) == 9 and parsed.entries[-1].line > parsed.entries[-2].line
    new = parsed.entries[-1]
    assert parsed.entry_text(new).startswith(f"# {new.title}\n\n**keywords:** ")  # the flat file's own shape
    assert "**summary:**" in parsed.entry_text(new)
    assert second.report.drafted == [] and log.read_bytes() == after_first  # drafted once
    assert any(s.key == "1707.08567" for s in second.report.skipped)
    assert reading.read_bytes() == list_bytes


def test_a_folder_of_lists_and_a_list_that_is_not_there(shared_data, tmp_path):
    folder = tmp_path / "lists"
    (folder / "older").mkdir(parents=True)
    (folder / "a.md").write_text("- https://arxiv.org/abs/1707.08567\n", encoding="utf-8")
    (folder / "older" / "b.markdown").write_text("| [x](https://arxiv.org/abs/1605.08386) |\n", encoding="utf-8")
    (folder / "notes.txt").write_text("- https://arxiv.org/abs/2104.12255\n", encoding="utf-8")  # not Markdown
    with PaperSite(shared_data, {}) as site:
        settings = Settings(output_dir=tmp_path / "out",
                            sources={"lists": [{"path": folder}, {"path": tmp_path / "gone.md"}]},
                            arxiv={"api_url": f"{site.origin}/api/query", "delay_seconds": 0, "retries": 0})
        plan = gather_sources(settings, Ledger.open(settings), client=ArxivClient(settings.arxiv), use_queries=False)
    assert sorted(p.arxiv_id for p in plan.take) == ["1605.08386", "1707.08567"]
    assert {p.source_detail for p in plan.take} == {"reading list a.md, line 1", "reading list b.markdown, line 1"}
    assert plan.unreadable == [f"reading list {tmp_path / 'gone.md'}: does not exist"]
    assert plan.notes == []  # nothing to repair, nothing said


def test_log_check_tells_a_reading_list_from_a_log_and_no_command_writes_one(shared_data, tmp_path):
    # The person points `log check` at their reading list: it is described as the source it is (the counts of
    # the module docstring: 120 paper rows, 104 with an arXiv link), not read as a heading log; a command that
    # writes a log refuses it in one line and the file keeps every byte.
    listed = shared_data / "logs" / LIST
    before = listed.read_bytes()
    config = tmp_path / "paperflow.toml"
    config.write_text(f'output_dir = "out"\n[[sources.lists]]\npath = "{listed}"\nname = "to read"\n',
                      encoding="utf-8")
    checked = run("--config", str(config), "log", "check", str(listed))
    assert checked.exit_code == 0, checked.output
    assert "the reading list to read ([[sources.lists]]), not a log" in checked.stdout
    assert "120 items: 104 with an arXiv id or link, 15 titles to search" in checked.stdout
    summary = summary_file(tmp_path, "A Paper To Insert")
    inserted = run("--config", str(config), "log", "insert", str(summary), "--log", str(listed))
    assert inserted.exit_code != 0
    assert "is the reading list to read ([[sources.lists]]), not a log" in inserted.output
    assert len(inserted.output.strip().splitlines()) == 1, inserted.output
    assert listed.read_bytes() == before
