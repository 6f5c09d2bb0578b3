"""The number check: every number a draft states is looked for in the paper's text."""

from __future__ import annotations

import pytest

from paperflow.models import Point, SummaryContent
from paperflow.summary.numbers import mentions, unsupported_in, unsupported_numbers

PAPER = (
    "Our model achieves 28.41 BLEU on WMT 2014 English-to-German, a speedup of 2 to 4 times over "
    "the baseline. The largest model has 37 billion parameters and reaches an accuracy of 0.91 after "
    "1,000 steps. Compared with GPT-4 and ResNet-50, training costs 3.5 days on 8 P100 GPUs. "
    "We use 12% of the data; the gain is 2.0 points. It reaches 175B tokens."
)


@pytest.mark.parametrize(
    "draft",
    [
        "28.4 BLEU",  # rounded to the draft's precision
        "28.41 BLEU",
        "2-4倍",  # range whose ends are both in the paper
        "2~4 倍的加速",
        "37B 参数",  # unit scaling
        "370亿参数",
        "91%",  # percent vs fraction
        "1000 步",  # thousands separator
        "1,000 steps",
        "训练 3.5 天",
        "１２％ 的数据",  # full-width digits and percent
        "提升 2 个点",  # 2.0 == 2
        "1750亿 tokens",  # 175B
        "GPT-4 和 ResNet-50",
        "GPT-5 和 ResNet-152",  # names, not claims
    ],
)
def test_numbers_found_in_the_paper_are_supported(draft):
    assert unsupported_in([draft], PAPER) == []


@pytest.mark.parametrize(
    ("draft", "expected"),
    [
        ("BLEU 达到 29.3", ["29.3"]),
        ("28.5 BLEU", ["28.5"]),  # not a rounding of 28.41
        ("速度提升 5-6倍", ["5-6"]),
        ("参数量 70B", ["70B"]),
        ("准确率 95%", ["95%"]),
        ("在 16 张 GPU 上训练 3.5 天，BLEU 28.4", ["16"]),
        ("28 BLEU", ["28"]),  # an integer is not a rounding: the paper never says 28
        ("提升 7.77 个点, 再提升 7.77 个点", ["7.77"]),  # listed once
    ],
)
def test_numbers_missing_from_the_paper_are_listed_as_written(draft, expected):
    assert unsupported_in([draft], PAPER) == expected


def test_order_follows_the_draft():
    assert unsupported_in(["9.9 then 8.8", "7.7"], PAPER) == ["9.9", "8.8", "7.7"]


def test_range_written_in_the_paper_is_supported_even_without_its_ends_alone():
    assert unsupported_in(["gains of 13-17"], "the gains were 13–17 points") == []


def test_mentions_read_units_and_separators():
    found = {m.text: m for m in mentions("175B, 1,234.5 and 91% plus 3 万")}
    assert set(found) == {"175B", "1,234.5", "91%", "3 万"}
    assert found["1,234.5"].decimals == 1
    assert 175 * 10**9 in found["175B"].values
    assert 30000 in found["3 万"].values


def test_summary_check_covers_claims_not_the_publication_date():
    content = SummaryContent(
        published="2017.6",  # not in the text, and not a claim about results
        organisations=["Google"],
        topic="machine translation with 8 heads",
        keywords=["attention", "transformer", "BLEU 41.8"],
        points=[
            Point(label="背景", text="RNN 很慢"),
            Point(label="模型", text="用 6 层 encoder"),
            Point(label="实验结果", text="EN-DE 达到 28.4 BLEU"),
        ],
        verdict="总体上，训练只要 12 小时",
    )
    paper = "We use 8 heads and 6 layers. We reach 28.4 BLEU and 41.8 on EN-FR."
    assert unsupported_numbers(content, paper) == ["12"]
