"""Fenced code blocks are text, and only entry title lines say which papers are in the log."""

from __future__ import annotations

from datetime import date

import pytest

from cli_helpers import one_line_error, run, summary_file
from paperflow.errors import LogFormatError
from paperflow.log.weekly_log import DraftEntry, parse_log, plan_insert

FENCED = """# pending list

- [ ] a paper

# 2024.1

## 2024.1.3

《Real Entry》

My notes, with a script:

{fence}bash
# 2099.1
## 2099.1.1
《Not An Entry Inside The Fence》
# pending list
- [ ] not an item
{fence}

总体上，好。

## 2024.1.2

《Older Entry》

总体上，也好。
"""


@pytest.mark.parametrize("fence", ["```", "~~~", "````"])
def test_headers_and_titles_inside_a_fence_are_text(fence):
    parsed = parse_log(FENCED.format(fence=fence))
    assert [(m.year, m.month) for m in parsed.months] == [(2024, 1)]
    assert [d.date for d in parsed.days] == [date(2024, 1, 3), date(2024, 1, 2)]
    assert [e.title for e in parsed.entries] == ["Real Entry", "Older Entry"]
    assert [p.text for p in parsed.pending] == ["a paper"]
    assert not parsed.has_title("Not An Entry Inside The Fence")
    assert parsed.loose == []
    # The fenced lines belong to the entry they are in.
    assert "# 2099.1" in parsed.entry_text(parsed.entries[0])


@pytest.mark.parametrize("fence", ["```", "~~~"])
def test_an_entry_for_an_existing_day_goes_after_the_code_block_not_into_it(fence):
    data = FENCED.format(fence=fence).encode()
    new, result = plan_insert(data, [DraftEntry("New Paper", "《New Paper》\n\n总体上，新。\n")], date(2024, 1, 3))
    assert result.inserted == ["New Paper"]
    text = new.decode()
    closing = text.index(f"{fence}\n\n总体上，好。")
    assert closing < text.index("《New Paper》") < text.index("## 2024.1.2")
    assert new.replace("《New Paper》\n\n总体上，新。\n\n".encode(), b"") == data  # only the entry was added


def test_a_fence_opened_by_a_longer_run_is_not_closed_by_a_shorter_one():
    text = "# 2024.1\n\n## 2024.1.3\n\n《A》\n\n````\n```\n# 2099.1\n````\n"
    parsed = parse_log(text)
    assert [(m.year, m.month) for m in parsed.months] == [(2024, 1)] and parsed.open_fence is None


def test_inline_triple_backticks_do_not_open_a_fence():
    text = "# 2024.1\n\n## 2024.1.3\n\n《A》\n\n```code``` inline\n\n## 2024.1.2\n\n《B》\n"
    parsed = parse_log(text)
    assert [e.title for e in parsed.entries] == ["A", "B"]


def test_a_fence_never_closed_refuses_an_insert_that_would_land_inside_it(tmp_path):
    text = "# pending list\n\n# 2024.1\n\n## 2024.1.3\n\n《A》\n\n```\n# 2023.12\nnever closed\n"
    parsed = parse_log(text)
    assert parsed.open_fence == 8 and [(m.year, m.month) for m in parsed.months] == [(2024, 1)]
    with pytest.raises(LogFormatError, match="line 9 opens a code block .* never closed"):
        plan_insert(text.encode(), [DraftEntry("B", "《B》\n")], date(2024, 1, 3))
    # A new month above the block is fine: it goes before the unclosed fence.
    new, _ = plan_insert(text.encode(), [DraftEntry("B", "《B》\n")], date(2024, 2, 1))
    assert new.decode().index("# 2024.2") < new.decode().index("```")
    log = tmp_path / "log.md"
    log.write_text(text)
    line = one_line_error(run("log", "insert", str(summary_file(tmp_path, "B")), "--log", str(log), "--date",
                              "2024-01-03"))
    assert "line 9 opens a code block" in line and log.read_text() == text


KEYWORD_MENTION = """# 2024.1

## 2024.1.3

《Mixtral of Experts》

**keywords:** moe, 《Attention Is All You Need》 · [arXiv:2401.04088](https://arxiv.org/abs/2401.04088)

2024.1 Mistral AI 的一篇文章，和《Switch Transformers》比较，要点：

1. 背景：见《Some Other Paper》。

总体上，好。
"""


def test_only_entry_title_lines_count_as_in_the_log():
    parsed = parse_log(KEYWORD_MENTION)
    assert parsed.has_title("Mixtral of Experts")
    for mentioned in ("Attention Is All You Need", "Switch Transformers", "Some Other Paper"):
        assert not parsed.has_title(mentioned), mentioned
    new, result = plan_insert(KEYWORD_MENTION.encode(), [DraftEntry("Attention Is All You Need",
                                                                    "《Attention Is All You Need》\n")], date(2024, 1, 4))
    assert result.inserted == ["Attention Is All You Need"] and new != KEYWORD_MENTION.encode()


def test_a_keyword_naming_another_paper_does_not_make_it_skipped_later(tmp_path):
    log = tmp_path / "log.md"
    log.write_text("# pending list\n\n")
    first = summary_file(tmp_path, "First Paper", keywords=["《Second Paper》", "moe", "routing"])
    assert run("log", "insert", str(first), "--log", str(log), "--date", "2024-01-03").exit_code == 0
    second = summary_file(tmp_path, "Second Paper", arxiv_id="2312.13286")
    result = run("log", "insert", str(second), "--log", str(log), "--date", "2024-01-04")
    assert result.exit_code == 0 and "inserted under ## 2024.1.4: Second Paper" in result.stdout
