"""The rule that picks a paper's overview figure and main results without an LLM (summary/figure_choice.py), on
real papers against the picks people made reading them (tests/support/figure_truth.py). Each test names the
rule of typesetting it checks; benchmarks/figures.py prints the share of right picks."""

from __future__ import annotations

import pytest

from paperflow.summary.figure_choice import (Placement, _plotted, choose_overview, choose_pictures, choose_results,
                                             find, mentions)
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


def test_a_chart_whose_caption_says_nothing_of_charts_is_no_overview(papers):
    # RoFormer's Figure 2 ("Long-term decay of RoPE.") and ResNet's Figure 1 ("Training error (left) and test
    # error (right) ...") are plots; what is printed inside them is mostly axis ticks
    roformer, resnet = _paper(papers, "roformer"), _paper(papers, "resnet")
    chart = find(roformer.figures, "figure", 2)
    assert _plotted(chart) and _plotted(find(resnet.figures, "figure", 1))
    # so without its Figure 1 (the method's picture) RoFormer has no overview, not its decay plot
    assert choose_overview([f for f in roformer.figures if (f.kind, f.number) != ("figure", 1)]) is None
    # while no overview a reader picked is taken for a chart
    for path, truth in FIGURES.items():
        if truth.overview:
            assert not _plotted(find(papers[path].figures, *truth.overview)), path


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


def test_an_answers_picks_never_make_a_table_the_overview_or_lose_the_results(papers):
    # an answer that names Table 1 as the architecture: the overview stays a figure, found by the rule
    from paperflow.models import PictureKind

    text = _paper(papers, "lora")
    rule, _ = choose_pictures(text.figures, 2, sections=text.sections)
    chosen, missing = choose_pictures(text.figures, 2, sections=text.sections,
                                      picks={PictureKind.ARCHITECTURE: ("table", 1)})
    assert chosen == rule and not missing
    # a results pick that is the overview itself (the answer named no overview, the rule's is Figure 1): the
    # results are the rule's, not dropped
    chosen, missing = choose_pictures(text.figures, 2, sections=text.sections,
                                      picks={PictureKind.RESULTS: ("figure", 1)})
    assert [(kind, (f.kind, f.number)) for kind, f in chosen] == [
        (PictureKind.ARCHITECTURE, ("figure", 1)), (PictureKind.RESULTS, _picks(text)[1])] and not missing


def test_a_table_as_the_overview_is_re_asked_and_the_caption_list_keys_the_summary(papers):
    from paperflow.cache_keys import llm_summary
    from paperflow.models import Paper, PicturePicks, SummaryContent
    from paperflow.settings import Settings
    from paperflow.summary.summarize import caption_list, check_picks

    text = _paper(papers, "lora")
    content = SummaryContent.model_construct(picks=PicturePicks(architecture="table 1", results="table 2"))
    with pytest.raises(ValueError, match="picks.architecture: 'table 1' is a table"):
        check_picks(content, text.figures)
    check_picks(SummaryContent.model_construct(picks=PicturePicks(architecture="figure 1", results="table 2")),
                text.figures)
    # the prompt lists the captions: a summary asked with another list (figures found anew) is asked again
    paper, settings = Paper(title="LoRA", arxiv_id="2106.09685"), Settings()
    captions = caption_list(text.figures)
    assert llm_summary(paper, "text", settings, [], captions) == llm_summary(paper, "text", settings, [], captions)
    assert llm_summary(paper, "text", settings, [], captions) != llm_summary(paper, "text", settings, [],
                                                                             captions[:-1])


def _summarize_gan_with(tmp_path, shared_data, picks: dict, replies: int, settings: str):
    """`paperflow summarize` of GAN against the scripted LLM server answering `replies` times with a valid
    answer naming `picks`: (the CLI result, the server's requests, the rule's crop names, the PNGs beside the
    log as bytes, the rule's crops as bytes)."""
    import json

    from tests.support.llm_server import FaultServer, Reply
    from tests.test_figures import GAN, GAN_ANSWER, _cached_crop, _config, _summarize

    text = paper_text_from_document(read_document(shared_data / GAN, 200), label=GAN, source=GAN, sha256="0")
    rule = [f"{f.kind}-{f.number}" for _kind, f in choose_pictures(text.figures, 2, sections=text.sections)[0]]
    answer = json.dumps({**GAN_ANSWER, "picks": picks}, ensure_ascii=False)
    with FaultServer([Reply.answer(answer)] * replies) as server:
        config = _config(tmp_path, f'\n[llm]\nbase_url = "{server.base_url}"\nmodel = "m"\n'
                                   f'response_format = "json_object"\n{settings}')
        result = _summarize(config, str(shared_data / GAN))
    if result.exit_code != 0:
        return result, server.requests, rule, [], []
    (crops,) = list((tmp_path / "output" / "figures").iterdir())
    pictures = [p.read_bytes() for p in sorted((tmp_path / "pic").glob("*.png"))]
    return result, server.requests, rule, pictures, [_cached_crop(crops, name).read_bytes() for name in rule]


def test_with_choice_rule_an_llms_summary_keeps_the_rules_pictures(tmp_path, shared_data):
    # A person whose model picks worse than the rule (benchmarks/figure_picks.py) keeps its summary but the
    # caption rule's pictures: the answer names Figure 2 and Table 2 of GAN, the entry gets the rule's picks.
    result, requests, rule, pictures, rule_crops = _summarize_gan_with(
        tmp_path, shared_data, {"architecture": "figure 2", "results": "table 2"}, 1, '\n[figures]\nchoice = "rule"\n')
    assert rule and rule != ["figure-2", "table-2"]
    assert result.exit_code == 0, result.output
    assert len(requests) == 1  # the answer's picks were valid: kept in the summary, not used
    assert pictures == rule_crops


def test_an_answer_whose_only_fault_is_its_picks_is_kept_and_the_rule_chooses(tmp_path, shared_data):
    # A small model names a figure the paper does not have at every re-ask: the summary is the same as a
    # good answer's, the pictures are the rule's, and the run succeeds (pictures are never a reason to fail).
    result, requests, rule, pictures, rule_crops = _summarize_gan_with(
        tmp_path, shared_data, {"architecture": "table 3", "results": "table 9"}, 3, "max_repairs = 2\n")
    assert result.exit_code == 0, result.output
    assert len(requests) == 3  # asked again twice, then kept without its picks
    assert "G 和 D 博弈。" in (tmp_path / "log.md").read_text(encoding="utf-8")
    assert rule and pictures == rule_crops
