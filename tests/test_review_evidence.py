"""Evidence in the pull request body: a collapsible block per draft with the paper's words behind each
claim, flags for claims with none, and every quote escaped (no HTML, headers, mentions or links)."""

from __future__ import annotations

import re
from datetime import date

from paperflow.models import DraftedBy, Evidence, Summary, Support
from paperflow.review.publish import EVIDENCE_CHARS, pr_body
from paperflow.summary.evidence import NO_PASSAGE, describe_support

HOSTILE = "Results </details><script>alert(1)</script> ## Heading @octocat #12 [link](https://evil.example) `x` *b*"


def draft(**changes) -> Summary:
    data = dict(
        title="Attention Is All You Need", arxiv_id="1706.03762", version=5, published="2017.6",
        topic="Transformer", keywords=["attention", "translation", "Transformer"],
        points=[{"label": "模型", "text": "只用 attention。", "quote": "based solely on attention mechanisms"},
                {"label": "实验结果", "text": "28.4 BLEU。", "quote": HOSTILE},
                {"label": "其他", "text": "开源。"}],
        verdict="总体上，影响很大。", drafted_by=DraftedBy.LLM, model="gemma3-270m",
        support=[
            Support(point=1, quote="based solely on attention mechanisms",
                    evidence=Evidence(quote="based solely on attention mechanisms", page=1, score=100.0,
                                      section="Abstract", passage="We propose a new simple network architecture, "
                                      "the Transformer, based solely on attention mechanisms.")),
            Support(point=2, quote=HOSTILE, flag=f"{NO_PASSAGE} (closest: 41/100 on page 8)"),
            Support(point=3, flag=f"{NO_PASSAGE} (no quote given)"),
            Support(point=None, quote=HOSTILE,
                    evidence=Evidence(quote=HOSTILE, page=10, score=97.5, section="7 Conclusion", passage=HOSTILE)),
        ],
    )
    data.update(changes)
    return Summary(**data)


def test_each_draft_has_a_collapsible_evidence_block_with_pages_and_flags():
    body = pr_body(date(2024, 1, 3), [draft()])
    assert "- evidence: 2 of 4 claims found in the paper; ⚠️ no supporting passage found for point 2, point 3" in body
    block = body[body.index("<details>"): body.index("</details>") + len("</details>")]
    assert block.startswith("<details><summary>The paper's words behind each claim</summary>\n\n")
    assert ("- **point 1** (模型), p. 1, Abstract: “We propose a new simple network architecture, the Transformer, "
            "based solely on attention mechanisms.”") in block
    assert "- **point 2** (实验结果): ⚠️ no supporting passage found (closest: 41/100 on page 8). The draft quoted: “" in block
    assert "- **point 3** (其他): ⚠️ no supporting passage found (no quote given)." in block
    assert "- **verdict**, p. 10, 7 Conclusion: “" in block


def test_quotes_cannot_close_the_block_add_html_headers_links_or_mentions():
    body = pr_body(date(2024, 1, 3), [draft(), draft(title="Second Paper", arxiv_id="1810.04805", version=2)])
    # Only paperflow's own tags: one block per draft, nothing from the quotes.
    assert body.count("</details>") == 2 and body.count("<details>") == 2
    assert "<script>" not in body and "&lt;/details&gt;&lt;script&gt;" in body
    assert "@octocat" not in body and "@\u200boctocat" in body
    assert "#12" not in body and "#\u200b12" in body
    assert "[link](" not in body and r"\[link\](https://evil.example)" in body
    assert r"\`x\`" in body and r"\*b\*" in body
    # No quote starts a line (a header, a list item of its own, a quote block).
    for line in body.splitlines():
        assert not re.match(r"\s*#+\s*Heading", line)


def test_long_passages_are_clipped_and_summaries_without_support_say_so():
    long = "word " * 400
    summary = draft(support=[Support(point=1, quote=long, evidence=Evidence(
        quote=long, page=3, score=99.0, passage=long))])
    line = next(l for l in pr_body(date(2024, 1, 3), [summary]).splitlines() if l.startswith("- **point 1**"))
    assert len(line) < EVIDENCE_CHARS + 60 and line.endswith("…”")
    body = pr_body(date(2024, 1, 3), [draft(support=[])])
    assert "- evidence: not checked (no paper text behind this draft)" in body and "<details>" not in body


def test_the_terminal_description_of_the_evidence():
    lines = describe_support(draft(support=[*draft().support[:2], Support(
        point=3, quote="\x1b[31mred\x1b[0m text of a PDF", flag=f"{NO_PASSAGE} (closest: 12/100 on page 2)")]))
    assert lines[0] == "evidence: 1 of 3 claims found in the paper"
    assert lines[1].startswith('  point 1 (模型), p. 1, Abstract: "We propose a new simple network architecture')
    assert lines[2].startswith("  point 2 (实验结果): ! no supporting passage found (closest: 41/100 on page 8); "
                               "the draft's quote: \"Results </details>")
    assert "\x1b" not in lines[3] and lines[3].endswith('"[31mred [0m text of a PDF"')
    assert describe_support(draft(support=[])) == ["evidence: not checked (no paper text behind this summary)"]
