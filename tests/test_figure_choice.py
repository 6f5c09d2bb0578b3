"""The rule that picks a paper's overview figure and main results without an LLM (summary/figure_choice.py), on
real papers against the picks people made reading them (tests/support/figure_truth.py). Each test names the
rule of typesetting it checks; benchmarks/figures.py prints the share of right picks."""

from __future__ import annotations

import pytest

from paperflow.summary.figure_choice import Placement, choose_overview, choose_pictures, choose_results, mentions
from paperflow.text.engine import read_document
from paperflow.text.extract import paper_text_from_document
from paperflow.text.sections import SectionKind
from tests.support.figure_truth import FIGURES


@pytest.fixture(scope="module")
def papers():
    """Every truth paper's text (its floats and sections), read once."""
    from tests.conftest import SHARED_DATA

    if not (SHARED_DATA / "MANIFEST.md").is_file():
        pytest.skip("real test data not found")
    return {path: paper_text_from_document(read_document(SHARED_DATA / path, 200), label=path, source=path,
                                           sha256="0") for path in FIGURES}


def _picks(text):
    overview = choose_overview(text.figures, text.sections)
    results = choose_results(text.figures, overview, text.sections)
    return tuple((f.kind, f.number) if f else None for f in (overview, results))


def _paper(papers, name):
    return next(text for path, text in papers.items() if name in path)


def test_the_rule_picks_what_people_picked_on_most_papers(papers):
    right = total = 0
    for path, truth in FIGURES.items():
        overview, results = _picks(papers[path])
        right += (overview == truth.overview) + (results == truth.results)
        total += 2
    # measured 80 of 98 (benchmarks/figures.py); the floor catches a rule change that loses picks
    assert right / total >= 0.79, f"{right} of {total}"


def test_an_exclusion_that_is_not_the_captions_subject_keeps_a_results_table(papers):
    # "Comparing model merging methods across multiple fine-tuning settings" is a comparison, not a settings
    # table; "Comparison of text-to-image models on ... prompt following" is a comparison, not a prompt listing
    assert _picks(_paper(papers, "ties_merging"))[1] == ("table", 1)
    assert _picks(_paper(papers, "dalle3"))[1] == ("table", 1)
    # while a caption about settings or prompts is still left out
    least_to_most = _paper(papers, "least_to_most")
    prompts = [f for f in least_to_most.figures if f.kind == "table" and f.number in (2, 3, 9, 10)]
    assert len(prompts) == 4
    assert _picks(least_to_most)[1] not in {("table", f.number) for f in prompts}


def test_a_comparison_printed_before_the_experiments_is_not_the_main_result(papers):
    # DeepSeek-V2's Table 1 compares attention mechanisms' KV caches in the method; its results are Table 2
    assert _picks(_paper(papers, "deepseek_v2"))[1] == ("table", 2)
    assert _picks(_paper(papers, "deepseek_r1"))[1] == ("table", 4)


def test_the_appendix_holds_no_main_result_when_the_body_has_one(papers):
    # GSM-Symbolic's only table is the full results in the appendix; the headline is plotted in the body
    text = _paper(papers, "gsm_symbolic")
    placement = Placement.of(text.sections)
    table = next(f for f in text.figures if f.kind == "table")
    assert placement.in_back(table)
    assert _picks(text)[1] == ("figure", 3)


def test_an_introductions_teaser_or_a_chart_is_no_overview(papers):
    # DIFF Transformer's Figure 1 (attention noise, in the introduction) is a teaser; the method names Figure 2
    assert _picks(_paper(papers, "differential_transformer"))[0] == ("figure", 2)
    # Moonlight's Figure 1 plots scaling laws, the GPTs paper's figures are charts: no overview at all
    assert _picks(_paper(papers, "moonlight"))[0] is None
    assert _picks(_paper(papers, "gpts_are_gpts"))[0] is None
    # a figure that measures ("Throughput and accuracy ... of our methods") is no overview even when it says
    # "our method"; DeiT's overview is its distillation procedure
    assert _picks(_paper(papers, "deit"))[0] == ("figure", 2)


def test_an_overview_without_overview_words_is_found_where_the_method_names_it(papers):
    # LoRA's "Our reparametrization" is named by the method section ("We illustrate our reparametrization in
    # Figure 1"); RoFormer's Figure 1 is printed in its method section and named nowhere else
    lora = _paper(papers, "lora")
    assert SectionKind.METHOD in mentions(lora.sections)[("figure", 1)]
    assert _picks(lora)[0] == ("figure", 1)
    roformer = _paper(papers, "roformer")
    assert ("figure", 1) not in mentions(roformer.sections)
    assert SectionKind.METHOD in mentions(roformer.sections, captions=True)[("figure", 1)]
    assert _picks(roformer)[0] == ("figure", 1)


def test_without_sections_the_rule_reads_the_captions_alone(papers):
    # a caller without the paper's sections (a listing of bare floats) still gets the caption rule's picks
    text = _paper(papers, "attention_is_all_you_need")
    chosen, missing = choose_pictures(text.figures, 2)
    assert [(f.kind, f.number) for _kind, f in chosen][0] == ("figure", 1) and not missing
    assert choose_pictures(text.figures, 2, sections=text.sections)[0] == chosen
