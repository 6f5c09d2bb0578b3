"""benchmarks/figure_picks.py counts what it claims: a right and a wrong pick over real rows of the truth table,
answers refused for their picks told apart from other invalid answers, and one paper through the pipeline's own
summarizer (a scripted OpenAI-compatible server, re-asked once for a pick the paper does not list)."""

from __future__ import annotations

import json

import pytest

from benchmarks import figure_picks
from benchmarks.figure_picks import PickScore, Tally, refs_of, rejected_answers, run_paper, score_picks
from paperflow.models import PictureKind
from paperflow.settings import Settings
from paperflow.summary import llm as llm_module
from paperflow.summary.figure_choice import choose_pictures
from paperflow.text.engine import read_document
from paperflow.text.extract import paper_text_from_document
from tests.support.figure_truth import FIGURES
from tests.support.llm_server import FaultServer, Reply

LORA = "corpus/arxiv_2106.09685v2_lora.pdf"  # overview figure 1, results table 2
ADAFACTOR = "corpus/arxiv_1804.04235v1_adafactor.pdf"  # no overview figure, results table 2


def _answer(picks: dict[str, str] | None) -> str:
    answer = {
        "published": "2021.6", "organisations": [], "topic": "低秩适配",
        "keywords": ["LoRA", "fine-tuning", "low-rank"],
        "points": [{"label": "背景", "text": "全量微调代价高。"}, {"label": "模型", "text": "冻结权重，训练低秩矩阵。"},
                   {"label": "实验结果", "text": "效果与全量微调相当。"}],
        "verdict": "总体上，简单有效。",
    }
    if picks is not None:
        answer["picks"] = picks
    return json.dumps(answer, ensure_ascii=False)


@pytest.fixture(scope="module")
def lora_text():
    pdf = figure_picks.DATA / LORA
    if not pdf.is_file():
        pytest.skip(f"real test data not found at {pdf}")
    return paper_text_from_document(read_document(pdf, 200), label=LORA, source=LORA, sha256="0")


def test_a_right_and_a_wrong_pick_are_counted_on_real_truth_rows():
    lora, adafactor = FIGURES[LORA], FIGURES[ADAFACTOR]
    assert (lora.overview, lora.results) == (("figure", 1), ("table", 2))
    assert score_picks(lora, ("figure", 1), ("table", 2)) == PickScore(overview=True, results=True)
    wrong_results = score_picks(lora, ("figure", 1), ("table", 3))
    assert wrong_results == PickScore(overview=True, results=False) and not wrong_results.both
    # a table named as the overview is wrong even with the right number; no pick is wrong where the reader found one
    assert score_picks(lora, ("table", 1), None) == PickScore(overview=False, results=False)
    # no overview pick is right on a paper without an overview figure, and naming one is wrong
    assert score_picks(adafactor, None, ("table", 2)).both
    assert score_picks(adafactor, ("figure", 1), ("table", 2)) == PickScore(overview=False, results=True)

    tally = Tally()
    for score in (score_picks(lora, ("figure", 1), ("table", 2)), wrong_results, None):  # None: a failed summary
        tally.add(score)
    assert (tally.overview, tally.results, tally.both, tally.papers) == (2, 1, 1, 3)


def test_the_entry_takes_the_answers_pick_and_the_rule_fills_in_the_other(lora_text):
    rule_overview, rule_results = refs_of(choose_pictures(lora_text.figures, 2, sections=lora_text.sections)[0])
    picked = {PictureKind.ARCHITECTURE: ("figure", 2)}  # the answer names only an overview
    overview, results = refs_of(choose_pictures(lora_text.figures, 2, picks=picked, sections=lora_text.sections)[0])
    assert overview == ("figure", 2)
    assert results == rule_results and results is not None


def test_answers_refused_for_their_picks_are_told_from_other_invalid_answers(lora_text):
    floats = lora_text.figures
    answers = ["not json at all", _answer({"architecture": "figure 99"}), _answer({"architecture": "figure 1"})]
    assert rejected_answers(answers, floats, "zh", 1500, accepted=True) == (1, 1)
    assert rejected_answers(answers[:2], floats, "zh", 1500, accepted=False) == (1, 1)


def test_one_paper_through_the_pipelines_summarizer_is_re_asked_for_a_pick_it_does_not_list(lora_text, tmp_path):
    llm_module.forget_formats()
    script = [Reply.answer(_answer({"architecture": "figure 99", "results": "table 2"})),
              Reply.answer(_answer({"architecture": "figure 1", "results": "table 2"}))]
    with FaultServer(script) as server:
        settings = Settings(output_dir=tmp_path / "output",
                            llm={"base_url": server.base_url, "model": "scripted", "retry_backoff_seconds": 0.01})
        run = run_paper(LORA, FIGURES[LORA], settings)
        asked = server.requests
    assert run.failed is None and run.answers == 2
    assert (run.picks_reasks, run.other_reasks) == (1, 0)
    assert run.llm_refs == (("figure", 1), ("table", 2)) and run.llm.both and run.entry.both
    # the prompt was the pipeline's: every caption listed, and the re-ask quoted the refused pick
    assert "figure 1 (page" in asked[0]["messages"][1]["content"]
    assert "figure 99" in asked[1]["messages"][-1]["content"]
