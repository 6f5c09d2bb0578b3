"""Every real paper in ../shared/data/pdf, pdf-hard and corpus: clean text, typed sections in order, a selected
input within budget that holds all five core sections, or says which the paper lacks (tests/support/paper_truth);
no author notes, footnote markers or broken-glyph debris in what the LLM reads."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from paperflow.cli import app
from paperflow.text.extract import extract_pdf, select_input
from paperflow.text.sections import CORE_KINDS, SectionKind
from paperflow.settings import Settings
from paperflow.text.tokens import estimate_tokens
from paperflow.text.frontmatter import _loose
from tests.support.paper_truth import PAPERS as TRUTH

REPO = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("PAPERFLOW_TEST_DATA", REPO.parent / "shared" / "data"))
FOLDERS = ("pdf", "pdf-hard", "corpus")
PAPERS = sorted(f"{folder}/{p.name}" for folder in FOLDERS for p in (DATA / folder).glob("*.pdf"))
# What a footnote or an author note says, never the running text's ("∗Equal contribution", "†Work done at Google")
FOOTNOTE_TEXT = re.compile(r"[∗*†‡§¶⋆]\s?\.?\s?(?:equal (?:senior )?contribution|work (?:was )?(?:done|performed)|"
                           r"correspond|all authors (?:are )?(?:from|at))", re.IGNORECASE)
# Stray accents and Latin-1 letters where a font's broken glyph map turned math into text ("= Î i p(xi |x<i)")
GLYPH_DEBRIS = re.compile(r"[ÎÏÐÑ]\s|\s[ÎÏ]\b|Ã.|Â\s|[ðÞ]")
LIGATURES = re.compile("[\ufb00-\ufb06]")
ARXIV_STAMP = re.compile(r"arXiv:\d{4}\.\d{4,5}v\d+\s+\[")
KIND_ORDER = [SectionKind.FRONT, SectionKind.ABSTRACT, SectionKind.INTRODUCTION]


@pytest.fixture(scope="module")
def output_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("output")


@pytest.fixture(scope="module")
def extracted(shared_data, output_dir):
    cache: dict[str, object] = {}

    def get(name: str):
        if name not in cache:
            path = shared_data / name if "/" in name else shared_data / "pdf" / name
            cache[name] = extract_pdf(path, Settings(output_dir=output_dir), path.name)
        return cache[name]

    return get


def test_the_papers_are_there(shared_data):
    assert len(PAPERS) >= 49, f"expected the real papers in {DATA}/pdf, pdf-hard and corpus"


@pytest.mark.parametrize("name", PAPERS)
def test_paper_text_is_clean(name, extracted):
    text = extracted(name)
    full = text.text
    assert not LIGATURES.search(full), "ligature characters left"
    assert not ARXIV_STAMP.search(full), "arXiv side stamp left"
    assert "  " not in full.replace("\n\n", "\n")
    for section in text.sections:
        for paragraph in section.paragraphs:
            assert 1 <= paragraph.page <= text.pages
            assert paragraph.text == paragraph.text.strip() and paragraph.text
            assert not re.fullmatch(r"\d{1,3}", paragraph.text), "a page number left as a paragraph"


def _truth_kinds(name: str) -> set[str]:
    return set(TRUTH[name].sections) if TRUTH[name].sections else {k.value for k in CORE_KINDS}


@pytest.mark.parametrize("name", PAPERS)
def test_sections_found_in_order(name, extracted):
    text = extracted(name)
    kinds = text.kinds()
    assert SectionKind.ABSTRACT in kinds and SectionKind.CONCLUSION in kinds
    for kind in CORE_KINDS:
        if kind.value in _truth_kinds(name):
            assert kind in kinds, f"{kind} missing"
    pages = [s.page for s in text.sections]
    assert pages == sorted(pages), "sections out of page order"
    first = {k: kinds.index(k) for k in kinds}
    assert first[SectionKind.ABSTRACT] < first[SectionKind.INTRODUCTION] < first[SectionKind.CONCLUSION]
    if SectionKind.REFERENCES in first:
        assert first[SectionKind.CONCLUSION] < first[SectionKind.REFERENCES]
    numbers = [int(s.number) for s in text.sections if s.level == 1 and s.number and s.number.isdigit()]
    assert numbers == list(range(1, len(numbers) + 1)), "top-level section numbers must count up from 1"


@pytest.mark.parametrize("name", PAPERS)
def test_selected_input_within_budget_with_core_sections(name, extracted):
    text = extracted(name)
    for budget in (6000, 2000):
        selected = select_input(text, budget)
        assert estimate_tokens(selected.text) <= budget
        assert selected.coverage.tokens_read == estimate_tokens(selected.text)
        for kind in CORE_KINDS:
            # read, or said to be missing (in the coverage line the LLM and the report see) when the paper lacks it
            assert kind in selected.coverage.kinds or (
                kind in selected.coverage.missing and kind.value not in _truth_kinds(name)), \
                f"{kind} missing at budget {budget}"
        assert set(selected.coverage.missing) == {k for k in CORE_KINDS if k not in text.kinds()}
        for kind in selected.coverage.missing:
            assert f"no {kind.value}" in selected.coverage.describe()
        for title in selected.coverage.included:
            assert f"## {title}" in selected.text
        assert SectionKind.REFERENCES not in selected.coverage.kinds
        assert SectionKind.APPENDIX not in selected.coverage.kinds
        assert selected.coverage.cut == (selected.coverage.tokens_read < text.total_tokens())
        assert selected.coverage.tokens_total == text.total_tokens()
        if budget == 6000:  # abstract and conclusion whole where they fit
            for section in text.of_kind(SectionKind.ABSTRACT) + text.of_kind(SectionKind.CONCLUSION):
                assert section.text in selected.text


@pytest.mark.parametrize("name", PAPERS)
def test_core_sections_are_the_printed_ones(name, extracted):
    """Each core section the truth names is found under its printed heading, or inside a section of that kind
    (a method subsection of "Experiments"), or reported missing."""
    text = extracted(name)
    for kind, heading in TRUTH[name].sections.items():
        if kind == "abstract":
            continue
        sections = [s for s in text.sections if s.kind.value == kind]
        assert sections, f"{kind} ({heading!r}) not found"
        wanted = _loose(heading)
        assert any(_loose(s.title).startswith(wanted) or wanted.startswith(_loose(s.title)) and len(s.title) > 8
                   for s in text.sections), f"{heading!r} not among the headings found"


@pytest.mark.parametrize("name", PAPERS)
def test_selected_input_has_no_notes_markers_or_debris(name, extracted):
    selected = select_input(extracted(name), 6000).text
    assert not FOOTNOTE_TEXT.search(selected), FOOTNOTE_TEXT.search(selected)
    assert not GLYPH_DEBRIS.search(selected), GLYPH_DEBRIS.search(selected)


def test_a_missing_core_section_is_reported_and_told_to_the_llm(extracted):
    from paperflow.models import Paper
    from paperflow.summary.summarize import render_prompt

    text = extracted("pdf/arxiv_1406.2661v1_gan.pdf")
    without_method = text.model_copy(update={"sections": [s for s in text.sections if s.kind is not SectionKind.METHOD]})
    selected = select_input(without_method, 6000)
    assert selected.coverage.missing == [SectionKind.METHOD]
    assert "no method section found" in selected.coverage.describe()
    paper = Paper(title=text.title, abstract="An abstract.")
    for language in ("en", "zh"):
        prompt = render_prompt(paper, selected.text, selected.coverage.describe(),
                               Settings(log={"language": language}), missing=["method"])
        block = prompt.user.split(prompt.fence_close)[-1]  # after the paper's data: paperflow's own words
        assert "method" in block
        plain = render_prompt(paper, selected.text, selected.coverage.describe(), Settings(log={"language": language}))
        assert "method" not in plain.user.split(plain.fence_close)[-1]


def test_known_headings_of_attention_paper(extracted):
    text = extracted("arxiv_1706.03762v5_attention_is_all_you_need.pdf")
    titles = [s.title for s in text.sections]
    for title in ("Abstract", "1 Introduction", "3.2 Attention", "3.2.1 Scaled Dot-Product Attention",
                  "6 Results", "7 Conclusion", "References"):
        assert title in titles
    by_title = {s.title: s for s in text.sections}
    assert by_title["3.2.1 Scaled Dot-Product Attention"].level == 3
    assert by_title["3.2.1 Scaled Dot-Product Attention"].kind is SectionKind.METHOD
    assert by_title["6 Results"].kind is SectionKind.RESULTS
    assert by_title["7 Conclusion"].page == 10


def test_physics_paper_roman_headings_and_unlabelled_abstract(extracted):
    text = extracted("arxiv_1111.2011v2_quantum_criticality_bethe.pdf")
    titles = [s.title for s in text.sections]
    assert "I. INTRODUCTION" in titles and "V. DISCUSSION" in titles
    assert "II. SELF-CONSISTENT ACTION IN THE LARGE z LIMIT" in titles  # heading wrapped over two lines
    abstract = text.of_kind(SectionKind.ABSTRACT)[0]
    assert abstract.inferred and abstract.text.startswith("Theoretical description of anisotropic systems")
    assert text.of_kind(SectionKind.CONCLUSION)[0].title == "V. DISCUSSION"


def test_an_unheaded_numbered_reference_list_is_the_references(extracted):
    # REVTeX prints the bibliography after the acknowledgements with no heading: "1 D. C. Johnston, Adv. Phys. 59,
    # 803 (2010)." and on. The list numbered 1, 2, ... is the references, not the acknowledgements' text (nor read
    # as the paper).
    text = extracted("arxiv_1111.2011v2_quantum_criticality_bethe.pdf")
    acknowledgements = text.of_kind(SectionKind.ACKNOWLEDGEMENTS)[0]
    assert acknowledgements.text.startswith("We would like to thank") and "Adv. Phys." not in acknowledgements.text
    references = text.of_kind(SectionKind.REFERENCES)[0]
    assert references.inferred and references.paragraphs[0].text.startswith("1 D. C. Johnston, Adv. Phys. 59")


def test_paper_without_conclusion_heading_gets_its_closing_paragraph(extracted):
    text = extracted("arxiv_1512.03385v1_resnet.pdf")
    conclusion = text.of_kind(SectionKind.CONCLUSION)
    assert len(conclusion) == 1 and conclusion[0].inferred
    assert conclusion[0].page <= 9  # before the references and appendices, not after them


def test_a_lettered_appendix_after_the_numbered_sections_is_the_appendix(extracted):
    # Qwen3's "A Appendix" (outline-less, found by fonts) follows "6 Authors" with no heading between: the letter
    # after the numbered sections opens the appendix, whose subsections are its own
    text = extracted("corpus/nonarxiv_qwen3_tech_report.pdf")
    titles = [s.title for s in text.sections]
    assert "A Appendix" in titles
    appendix = titles.index("A Appendix")
    assert all(s.kind is SectionKind.APPENDIX for s in text.sections[appendix:appendix + 4])
    assert text.sections[appendix + 2].title == "A.1.1 Long-Context Ability"


def test_hyphenation_across_lines(extracted):
    text = extracted("arxiv_1810.04805v2_bert.pdf").text
    assert "representation model called BERT" in text  # "repre-" + "sentation" across a line break
    assert "repre-sentation" not in text and "repre- sentation" not in text
    assert "state-of-the-art" in text  # real compounds keep their hyphen
    assert "fine-tuning" in text


def test_running_headers_and_page_numbers_dropped(extracted):
    vit = extracted("arxiv_2010.11929v2_vit.pdf")
    assert "Published as a conference paper at ICLR 2021" not in vit.text
    wav2vec = extracted("arxiv_1904.05862v4_wav2vec.pdf")
    assert wav2vec.text.count("wav2vec: Unsupervised Pre-training for Speech Recognition") == 0


def test_cache_is_keyed_by_content_hash(shared_data, extracted, output_dir, tmp_path):
    name = "arxiv_1406.2661v1_gan.pdf"
    first = extracted(name)
    cache_file = output_dir / "text" / f"{first.sha256}.json"
    assert cache_file.is_file()
    # The same bytes under another name and label come from the cache, with the new label.
    copy = tmp_path / "renamed.pdf"
    copy.write_bytes((shared_data / "pdf" / name).read_bytes())
    again = extract_pdf(copy, Settings(output_dir=output_dir), "my label")
    assert again.label == "my label" and again.source == "renamed.pdf"
    assert again.sections == first.sections
    # A damaged cache file is ignored and rewritten, not trusted.
    cache_file.write_text("{not json", encoding="utf-8")
    rebuilt = extract_pdf(copy, Settings(output_dir=output_dir), "my label")
    assert rebuilt.sections == first.sections
    assert cache_file.read_text(encoding="utf-8").startswith("{")


def test_cli_extract_prints_sections_coverage_and_input(shared_data, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = shared_data / "pdf" / "arxiv_1406.2661v1_gan.pdf"
    result = CliRunner().invoke(app, ["extract", str(path), "--max-tokens", "1500"])
    assert result.exit_code == 0, result.output
    assert "7 Conclusions and future work  [conclusion, p.7" in result.output
    assert "coverage: read " in result.output and "--- input for the LLM ---" in result.output
    result = CliRunner().invoke(app, ["extract", str(path), "--json"])
    assert result.exit_code == 0
    import json

    data = json.loads(result.output)
    assert data["pages"] == 9 and data["coverage"]["max_input_tokens"] == 6000
    assert {s["kind"] for s in data["sections"]} >= {k.value for k in CORE_KINDS}
    assert data["input"].startswith("# Generative Adversarial Nets")
    assert (tmp_path / "output" / "text").is_dir()


def test_cli_extract_bad_pdf_is_one_line(shared_data, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["extract", str(shared_data / "tricky" / "not_a_pdf_fake.pdf")])
    assert result.exit_code == 2
    assert result.stderr.startswith("paperflow: not_a_pdf_fake.pdf: extract: not a PDF")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output


def test_math_of_a_broken_glyph_map_is_put_back(extracted):
    """IEEE's math fonts map "(", ")" and "=" onto "ð", "Þ" and "¼": read back as the PDF prints them."""
    text = extracted("pdf-hard/ieee_proc_2013_spoken_language_recognition.pdf")
    assert "L ^ = arg max l p(OjLl)" in text.text
    assert not re.search("[ðÞ¼]", text.text)
    assert text.stats["math_glyph_lines"] > 0
    assert "math_glyph_lines" not in extracted("pdf/arxiv_1706.03762v5_attention_is_all_you_need.pdf").stats
