"""The entry template: the documented layout, and summary text that cannot escape its entry."""

from __future__ import annotations

import re
from datetime import date

import pytest
from logs.builder import sample_log

from paperflow.log.entry import escape_text, escape_title, render_entry
from paperflow.models import DraftedBy, Summary
from paperflow.settings import DEFAULT_PROMPTS_DIR
from paperflow.log.weekly_log import DraftEntry, parse_log, plan_insert

TEMPLATE = DEFAULT_PROMPTS_DIR / "entry.md.j2"


def emu2(**changes) -> Summary:
    data = dict(
        title="Emu2: Generative Multimodal Models are In-Context Learners",
        arxiv_id="2312.13286",
        published="2023.12",
        organisations=["BAAI", "清华", "北大"],
        topic="多模态生成模型的 in-context learning",
        keywords=["in-context learning", "multimodal generation", "scaling"],
        points=[
            {"label": "背景", "text": "……"},
            {"label": "模型", "text": "……"},
            {"label": "实验结果", "text": "……"},
        ],
        verdict="总体上，……",
    )
    data.update(changes)
    return Summary(**data)


def test_renders_the_documented_entry():
    text = render_entry(emu2(), TEMPLATE)
    assert text == (
        "《Emu2: Generative Multimodal Models are In-Context Learners》\n"
        "\n"
        "**keywords:** in-context learning, multimodal generation, scaling · [arXiv:2312.13286](https://arxiv.org/abs/2312.13286)\n"
        "\n"
        "2023.12 BAAI、清华和北大合作的一篇文章，研究多模态生成模型的 in-context learning，要点：\n"
        "\n"
        "1. 背景：……\n"
        "2. 模型，……\n"
        "3. 实验结果，……\n"
        "\n"
        "总体上，……\n"
    )


def test_english_entry_and_single_organisation():
    text = render_entry(emu2(organisations=["Google"], verdict="Overall, fine."), TEMPLATE, language="en")
    assert "2023.12 A paper by Google on 多模态生成模型的 in-context learning. Key points:" in text
    assert "1. Background: ……" in text and "3. Results: ……" in text
    assert text.endswith("Overall, fine.\n")


@pytest.mark.parametrize("orgs, topic, opening", [
    (["Mistral AI"], "sparse MoE 语言模型", "2023.12 Mistral AI 的一篇文章，研究 sparse MoE 语言模型，要点："),
    (["清华"], "多模态", "2023.12 清华的一篇文章，研究多模态，要点："),
    (["DeepMind"], "3D 重建", "2023.12 DeepMind 的一篇文章，研究 3D 重建，要点："),
    ([], "Large Transformer 的推理", "2023.12 一篇文章，研究 Large Transformer 的推理，要点："),
])
def test_a_space_between_chinese_and_a_latin_word_as_the_person_writes(orgs, topic, opening):
    assert f"\n{opening}\n" in render_entry(emu2(organisations=orgs, topic=topic), TEMPLATE)


def test_local_source_has_no_arxiv_link():
    text = render_entry(emu2(arxiv_id=None, local_source="paper.pdf", organisations=[]), TEMPLATE)
    assert "arXiv" not in text
    assert "**keywords:** in-context learning, multimodal generation, scaling\n" in text
    assert "\n2023.12 一篇文章，研究" in text


def test_extractive_drafts_say_so():
    text = render_entry(emu2(drafted_by=DraftedBy.EXTRACTIVE), TEMPLATE)
    assert "extractive draft, not written by an LLM" in text


def test_a_custom_template_is_used(tmp_path):
    custom = tmp_path / "mine.md.j2"
    custom.write_text("《{{ s.title }}》\n\n{{ s.verdict }}\n\n\n\n")
    assert render_entry(emu2(), custom) == "《Emu2: Generative Multimodal Models are In-Context Learners》\n\n总体上，……\n"


@pytest.mark.parametrize("brk", ["\n", "\r\n", "\r", "\x0b", "\x0c", "\x85", "\u2028", "\u2029", "\x1e"])
def test_every_kind_of_line_break_is_folded(brk):
    assert escape_text(f"one{brk}# two{brk}{brk}three") == "one # two three"


def test_html_and_control_characters_are_neutralised():
    assert escape_text("<script>alert(1)</script>\x00\x07") == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert escape_title("A 《nested》 title》《") == "A 〈nested〉 title〉〈"


HOSTILE = "ok\n\n# 2099.1\n\n## 2099.1.1\n\n《Injected Paper》\n\n<script>alert('x')</script>\n- [ ] fake pending\n"


def hostile_summary() -> Summary:
    return emu2(
        title="Real Title》\n\n# 2099.1\n《Injected Title",
        organisations=["Google\n## 2099.2.2", "<b>Org</b>"],
        topic=HOSTILE,
        keywords=["kw\n# header", "<img src=x>", "《kw》"],
        points=[{"label": label, "text": HOSTILE} for label in ("背景", "数据", "模型")],
        verdict="总体上，" + HOSTILE,
    )


def test_hostile_summary_stays_inside_its_entry():
    text = render_entry(hostile_summary(), TEMPLATE)
    assert "<" not in text and ">" not in text
    lines = text.split("\n")
    assert sum(1 for line in lines if line.startswith("《")) == 1
    assert not any(line.startswith("#") or line.startswith("- [") for line in lines)

    built = sample_log().build()
    day = date(2024, 1, 3)
    new, result = plan_insert(built.data, [DraftEntry(hostile_summary().title, text)], day)
    assert len(result.inserted) == 1
    before, after = parse_log(built.data), parse_log(new)
    assert after.counts()["entries"] == before.counts()["entries"] + 1
    assert [(m.year, m.month) for m in after.months] == [(m.year, m.month) for m in before.months]
    assert [d.date for d in after.days] == [d.date for d in before.days]
    assert [p.text for p in after.pending] == [p.text for p in before.pending]
    assert [t for _, t in after.loose] == [t for _, t in before.loose]
    new_entry = next(e for e in after.entries if e.title.startswith("Real Title"))
    assert new_entry.day == day
    assert new_entry.title == "Real Title〉 # 2099.1 〈Injected Title"
    # Its whole body is in the entry: the next entry or header starts after all of its text.
    assert after.entry_text(new_entry).rstrip("\n") == text.rstrip("\n")
    # The same hostile summary is recognised as already there.
    again, second = plan_insert(new, [DraftEntry(hostile_summary().title, text)], day)
    assert again == new and second.skipped == [hostile_summary().title]


def test_rendered_entries_have_no_trailing_spaces_and_one_final_newline():
    text = render_entry(emu2(topic="x  \t "), TEMPLATE)
    assert text.endswith("\n") and not text.endswith("\n\n")
    assert not any(re.search(r"[ \t]$", line) for line in text.split("\n"))
