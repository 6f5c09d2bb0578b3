"""Comparing a merged entry with its draft, part by part: drafts rendered by the real entry template,
edited the way a person edits them in review."""

from __future__ import annotations

from paperflow.log.entry import render_entry
from paperflow.models import DraftedBy, Summary
from paperflow.review.edits import PartKind, compare_entries, edit_ratio, split_entry
from paperflow.settings import DEFAULT_PROMPTS_DIR

TEMPLATE = DEFAULT_PROMPTS_DIR / "entry.md.j2"


def mixtral(**changes) -> Summary:
    data = dict(
        title="Mixtral of Experts",
        arxiv_id="2401.04088",
        published="2024.1",
        organisations=["Mistral AI"],
        topic="sparse MoE 语言模型",
        keywords=["sparse MoE", "routing", "Mixtral"],
        points=[
            {"label": "背景", "text": "MoE 可以在同样推理成本下扩大参数量。"},
            {"label": "模型", "text": "每层 8 个 expert，每个 token 由 router 选 2 个，总参数 47B，激活 13B。"},
            {"label": "数据", "text": "在多语言网页数据上预训练，上下文长度 32k。"},
            {"label": "实验结果", "text": "在多数 benchmark 上和 Llama 2 70B 相当或更好，数学和代码明显更好。"},
        ],
        verdict="总体上，开源的 sparse MoE，推理成本低，值得跟进。",
        drafted_by=DraftedBy.LLM,
    )
    data.update(changes)
    return Summary(**data)


DRAFT = render_entry(mixtral(), TEMPLATE)


def test_the_rendered_draft_splits_into_its_parts():
    parts = split_entry(DRAFT)
    assert parts.title == "Mixtral of Experts"
    assert parts.keywords == ["sparse MoE", "routing", "Mixtral"]  # the arXiv link is not a keyword
    assert parts.opening == "2024.1 Mistral AI 的一篇文章，研究 sparse MoE 语言模型，要点："
    assert parts.points == [
        "背景：MoE 可以在同样推理成本下扩大参数量。",
        "模型，每层 8 个 expert，每个 token 由 router 选 2 个，总参数 47B，激活 13B。",
        "数据，在多语言网页数据上预训练，上下文长度 32k。",
        "实验结果，在多数 benchmark 上和 Llama 2 70B 相当或更好，数学和代码明显更好。",
    ]
    assert parts.verdict == "总体上，开源的 sparse MoE，推理成本低，值得跟进。"
    assert parts.other == []


def test_an_untouched_draft_has_no_edits():
    edits = compare_entries(DRAFT, DRAFT)
    assert edits.ratio == 0 and edits.untouched and edits.most_edited is None
    assert {p.kind for p in edits.parts} == {PartKind.KEYWORDS, PartKind.OPENING, PartKind.POINT, PartKind.VERDICT}
    assert all(p.ratio == 0 for p in edits.parts)


def test_crlf_numbering_and_label_punctuation_are_not_edits():
    restyled = (DRAFT.replace("\n", "\r\n").replace("1. 背景：", "1，背景，").replace("2. ", "2、")
                .replace("**keywords:** sparse MoE, routing, Mixtral", "**keywords:** Mixtral, sparse MoE, routing"))
    assert compare_entries(DRAFT, restyled).untouched


def test_the_verdict_rewritten_and_one_point_touched_up():
    merged = (DRAFT.replace("总体上，开源的 sparse MoE，推理成本低，值得跟进。",
                            "总体上，目前最好的开源 MoE；但论文没有讲训练数据，\n路由分析也很浅。")
              .replace("上下文长度 32k。", "上下文长度 32k（没说数据量）。"))
    edits = compare_entries(DRAFT, merged)
    ratios = {p.kind: p.ratio for p in edits.parts if p.kind is not PartKind.POINT}
    points = [p for p in edits.parts if p.kind is PartKind.POINT]
    assert ratios[PartKind.KEYWORDS] == 0 and ratios[PartKind.OPENING] == 0
    assert ratios[PartKind.VERDICT] > 0.5  # rewritten, over two lines
    assert [p.draft_position for p in points] == [1, 2, 3, 4]
    assert [p.ratio == 0 for p in points] == [True, True, False, True]
    assert 0 < points[2].ratio < 0.3
    assert edits.most_edited is PartKind.VERDICT
    assert 0 < edits.ratio < ratios[PartKind.VERDICT]
    assert not edits.reordered


def test_points_added_removed_and_reordered_are_counted_as_such():
    parts = split_entry(DRAFT)
    merged = "\n".join([
        "《Mixtral of Experts》", "",
        "2024.1 Mistral AI 的一篇文章，研究 sparse MoE 语言模型，要点：", "",
        f"1. {parts.points[3]}",  # results first now
        f"2. {parts.points[0]}",
        "3. 其他，expert 的分工和领域关系不大，更像按 token 句法分工。",  # the person's own point
        f"4. {parts.points[1]}",  # the data point is gone
        "", parts.verdict, "",
    ])
    edits = compare_entries(DRAFT, merged)
    points = [p for p in edits.parts if p.kind is PartKind.POINT]
    kept = [(p.draft_position, p.merged_position, p.ratio) for p in points if p.draft and p.merged]
    assert kept == [(1, 2, 0.0), (2, 4, 0.0), (4, 1, 0.0)]  # moved, not edited
    removed = [p for p in points if p.merged is None]
    added = [p for p in points if p.draft is None]
    assert [(p.draft_position, p.ratio) for p in removed] == [(3, 1.0)]
    assert [(p.merged_position, p.ratio) for p in added] == [(3, 1.0)]
    assert added[0].merged.startswith("其他，expert")
    assert edits.reordered
    keywords = next(p for p in edits.parts if p.kind is PartKind.KEYWORDS)
    assert keywords.merged is None and keywords.ratio == 1.0  # the person deleted the keywords line
    assert edits.by_kind()[PartKind.POINT] == 0.4  # 2 of 5 point parts changed entirely


def test_a_wrapped_point_and_an_indented_sub_item_stay_in_their_point():
    merged = DRAFT.replace("激活 13B。", "激活 13B。\n   - router 是一个线性层加 softmax。\n   和 Switch 不同。")
    parts = split_entry(merged)
    assert len(parts.points) == 4
    assert parts.points[1].endswith("激活 13B。 - router 是一个线性层加 softmax。 和 Switch 不同。")
    edits = compare_entries(DRAFT, merged)
    assert [p.ratio > 0 for p in edits.parts if p.kind is PartKind.POINT] == [False, True, False, False]


def test_an_extractive_draft_whose_marker_the_person_removed():
    draft = render_entry(mixtral(drafted_by=DraftedBy.EXTRACTIVE), TEMPLATE)
    assert "摘录草稿" in draft
    merged = "\n".join(line for line in draft.split("\n") if "摘录草稿" not in line)
    assert split_entry(draft) == split_entry(merged)
    assert compare_entries(draft, merged).untouched


def test_a_hand_written_entry_in_the_persons_older_style():
    entry = ("《*Gemini*: A Family of Highly Capable Multimodal Models》\n"
             "1，背景：Google 的多模态模型\n"
             "2，实验结果，MMLU 90.0\n")
    parts = split_entry(entry)
    assert parts.title == "Gemini: A Family of Highly Capable Multimodal Models"
    assert parts.opening == "" and parts.keywords == [] and parts.verdict == ""
    assert parts.points == ["背景：Google 的多模态模型", "实验结果，MMLU 90.0"]
    # Against a full draft, everything the person did not write counts as removed.
    edits = compare_entries(DRAFT, entry)
    assert edits.ratio > 0.9
    assert {p.kind for p in edits.parts if p.merged is None} == {PartKind.KEYWORDS, PartKind.OPENING,
                                                                   PartKind.POINT, PartKind.VERDICT}


def test_an_english_entry():
    draft = ("《Attention Is All You Need》\n\n**keywords:** transformer, attention · [arXiv:1706.03762](x)\n\n"
             "2017.6 A paper by Google on sequence transduction. Key points:\n\n"
             "1. Background: recurrence is slow to train.\n2. Model: attention only.\n\n"
             "Overall, a landmark.\n")
    merged = draft.replace("Overall, a landmark.", "Overall, a landmark; the ablations are thin.")
    parts = split_entry(draft)
    assert parts.points == ["Background: recurrence is slow to train.", "Model: attention only."]
    edits = compare_entries(draft, merged)
    assert edits.most_edited is PartKind.VERDICT
    assert edit_ratio("Overall, a landmark.", "Overall, a landmark.") == 0
    assert edit_ratio("abc", "xyz") == 1


def test_style_examples_prefer_heavy_edits_then_hand_written_and_never_unedited_drafts():
    from paperflow.log.weekly_log import normalize_title, parse_log
    from paperflow.review.edits import style_examples

    heavily = render_entry(mixtral(title="Heavily Edited Paper"), TEMPLATE).replace(
        "总体上，开源的 sparse MoE，推理成本低，值得跟进。", "总体上，我自己重写了这一段评价。")
    untouched = render_entry(mixtral(title="Untouched Draft"), TEMPLATE)
    unknown_draft = render_entry(mixtral(title="A Draft From Elsewhere"), TEMPLATE)
    log = "\n".join([
        "# papers-weekly", "", "# 2024.2", "",
        "## 2024.2.9", "", untouched, unknown_draft,
        "## 2024.2.7", "", "《Newest Hand-Written》", "", "1. 背景：自己写的。", "", "总体上，不错。", "",
        "# 2024.1", "",
        "## 2024.1.20", "", heavily,
        "## 2024.1.5", "", "《Older Hand-Written》", "1，模型，很老的格式", "",
    ])
    parsed = parse_log(log)
    drafted = {normalize_title("Heavily Edited Paper"): 0.45, normalize_title("Untouched Draft"): 0.0}
    examples = style_examples(parsed, 3, drafted)
    assert [e.split("\n", 1)[0] for e in examples] == [
        "《Heavily Edited Paper》", "《Newest Hand-Written》", "《Older Hand-Written》"]
    assert style_examples(parsed, 1, drafted) == examples[:1]
    # Not measured yet (merged before edits were recorded): not an example either.
    assert "《Heavily Edited Paper》" not in "".join(
        style_examples(parsed, 5, {normalize_title("Heavily Edited Paper"): None}))
    assert style_examples(parsed, 0, drafted) == []
