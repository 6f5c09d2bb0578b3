"""Extractive drafts of real papers worth reading: whole sentences of the paper only (never cut, never a
footnote, caption or link), keywords from the abstract and introduction (YAKE), the topic from the abstract,
the organisations from the front matter and the paper's own date."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from paperflow.models import Paper, SourceKind
from paperflow.settings import Settings
from paperflow.summary.extractive import extractive_summary, keywords, sentences
from paperflow.text.extract import extract_pdf
from paperflow.text.sections import SectionKind

PAPERS = ["pdf/arxiv_1706.03762v5_attention_is_all_you_need.pdf", "pdf/arxiv_1810.04805v2_bert.pdf",
          "pdf-hard/arxiv_2107.05407v1_pondernet.pdf", "pdf-hard/neurips2020_wav2vec2_not_arxiv_copy.pdf",
          "pdf-hard/arxiv_2109.08668v1_primer.pdf", "pdf/arxiv_1406.2661v1_gan.pdf",
          "pdf-hard/ieee_proc_2013_spoken_language_recognition.pdf"]


@pytest.fixture(scope="module")
def drafts(shared_data, tmp_path_factory):
    settings = Settings(output_dir=tmp_path_factory.mktemp("output"))
    made = {}
    for name in PAPERS:
        text = extract_pdf(shared_data / name, settings)
        paper = Paper(title=text.title or name, local_pdf=shared_data / name, local_sha256=text.sha256,
                      source=SourceKind.LOCAL, affiliations=text.affiliations)
        made[name] = (text, extractive_summary(paper, text, "zh"))
    return made


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("name", PAPERS)
def test_points_and_verdict_are_whole_sentences_of_the_paper(name, drafts):
    text, summary = drafts[name]
    body = _flat(text.text)
    for point in summary.points:
        assert point.text in body, point.text
        assert point.text[-1] in ".!?" and "…" not in point.text
        assert not re.search(r"https?://|@|Correspond|Equal contribution", point.text)
    closing = summary.verdict.split("论文的结论是：", 1)[1]
    assert closing in body and closing[-1] in ".!?"


@pytest.mark.parametrize("name", PAPERS)
def test_topic_keywords_organisations(name, drafts):
    text, summary = drafts[name]
    abstract = _flat(" ".join(s.text for s in text.of_kind(SectionKind.ABSTRACT)))
    assert abstract.startswith(summary.topic) or summary.topic in abstract
    source = (abstract + " " + " ".join(s.text for s in text.of_kind(SectionKind.INTRODUCTION))).lower()
    assert 3 <= len(summary.keywords) <= 5
    for keyword in summary.keywords:
        assert keyword.lower() in source
    assert summary.organisations == text.affiliations[:4] and summary.organisations


@pytest.mark.parametrize("name, concluding", [
    # Its conclusion opens with a limitations paragraph and a Q&A list; the claim comes after them.
    ("pdf-hard/arxiv_2109.08668v1_primer.pdf", "We recommend the adoption of Primer and Primer-EZ"),
    # Its conclusion is a numbered list of extensions; its last sentence is the claim.
    ("pdf/arxiv_1406.2661v1_gan.pdf", "This paper has demonstrated the viability of the adversarial modeling"),
    ("pdf/arxiv_1706.03762v5_attention_is_all_you_need.pdf", "In this work, we presented the Transformer"),
])
def test_the_verdict_quotes_what_the_paper_concludes_not_a_hedge_or_a_list_item(name, concluding, drafts):
    closing = drafts[name][1].verdict.split("论文的结论是：", 1)[1]
    assert closing.startswith(concluding), closing


@pytest.mark.parametrize("name, topic", [
    # "We propose a new framework for …, in which we simultaneously train two models: …" (over 300 characters)
    ("pdf/arxiv_1406.2661v1_gan.pdf", "a new framework for estimating generative models via an adversarial process"),
    ("pdf-hard/arxiv_2109.08668v1_primer.pdf",
     "Large Transformer models have been central to recent advances in natural language processing"),
])
def test_the_topic_is_the_first_sentences_main_clause(name, topic, drafts):
    summary = drafts[name][1]
    assert summary.topic == topic
    assert not any(topic in p.text for p in summary.points)  # its sentence is not quoted again as a point


def test_a_heading_glued_to_the_abstract_is_not_the_topic(drafts):
    topic = drafts["pdf-hard/ieee_proc_2013_spoken_language_recognition.pdf"][1].topic
    assert topic.startswith("Spoken language recognition refers to"), topic


def test_the_date_is_the_papers_own_or_none_never_the_drafting_day(drafts):
    from paperflow.log.entry import render_entry
    from paperflow.settings import Settings

    assert drafts["pdf-hard/arxiv_2107.05407v1_pondernet.pdf"][1].published == "2021.7"  # the arXiv stamp
    undated = drafts["pdf-hard/neurips2020_wav2vec2_not_arxiv_copy.pdf"][1]
    assert undated.published == ""  # no date printed in it, no stamp: no date rather than today's
    template = Settings().prompts_path() / "entry.md.j2"
    opening = next(line for line in render_entry(undated, template, "zh").splitlines() if line.endswith("要点："))
    assert opening.startswith(("Facebook", "一篇文章")), opening  # the line opens with the organisation, no date


def test_keywords_are_phrases_of_the_text_not_title_words():
    body = ("We propose retrieval-enhanced transformers that condition on document chunks retrieved from a large "
            "corpus. Retrieval of chunks from a two trillion token database improves language modelling. The "
            "retrieval database is frozen, and chunked cross-attention reads the retrieved neighbours.")
    found = keywords(body)
    assert 3 <= len(found) <= 5
    assert all(k.lower() in body.lower() for k in found)
    assert not any(k.lower() == "need" for k in found)


CORPUS = sorted(f"corpus/{p.name}" for p in (Path(__file__).resolve().parents[1].parent / "shared" / "data"
                                            / "corpus").glob("*.pdf"))
NOTE_WORDS = re.compile(r"\bequal\b|contribution|work done|correspond|\bauthors?\b|internship", re.IGNORECASE)


@pytest.mark.parametrize("name", CORPUS)
def test_corpus_drafts_name_the_organisations_and_take_no_keyword_from_notes(name, shared_data, tmp_path_factory):
    from paperflow.sources.local import local_paper
    from paperflow.text.frontmatter import apply_front_matter

    settings = Settings(output_dir=tmp_path_factory.getbasetemp() / "corpus-output")
    text = extract_pdf(shared_data / name, settings)
    paper = apply_front_matter(local_paper(shared_data / name), text)  # as the pipeline completes a local PDF
    summary = extractive_summary(paper, text, "en")
    assert summary.organisations == text.organisations[:4] and summary.organisations
    assert not NOTE_WORDS.search(" ".join(summary.keywords)), summary.keywords
    assert not NOTE_WORDS.search(summary.topic), summary.topic
    prose = " ".join(s for s in sentences(" ".join(x.text for x in text.of_kind(SectionKind.ABSTRACT)
                                                   + text.of_kind(SectionKind.INTRODUCTION))))
    for keyword in summary.keywords:  # from the prose's sentences, never a figure's labels
        assert keyword.lower() in prose.lower(), keyword
    caption = re.compile(r"\b(?:fig(?:ure)?\.?|table)\s*\d+[a-z]?\s*:", re.IGNORECASE)
    for said in [summary.topic, summary.verdict, *(p.text for p in summary.points)]:
        assert not caption.search(said), said  # a caption (or one glued to a figure's label) is no point


def test_author_notes_glued_into_the_text_are_no_sentence():
    glued = ("All authors from DeepMind, †Equal contributions, ‡Equal senior authorship We study how transformers "
             "learn in context. ∗Work done at Google Brain. The rest of the abstract follows here.")
    assert sentences(glued) == ["We study how transformers learn in context.", "The rest of the abstract follows here."]
    assert "Equal senior" not in " ".join(keywords(" ".join(sentences(glued * 3))))


def test_a_dry_run_drafts_in_the_layout_of_the_log_it_is_given(shared_data, tmp_path):
    from typer.testing import CliRunner

    from paperflow.cli import app

    weekly = tmp_path / "README.md"  # [log] path: a weekly log
    weekly.write_text("# papers\n\n# pending list\n\n# 2024.1\n\n## 2024.1.3\n\n《Old》\n\n总体上，旧的。\n", "utf-8")
    topics = tmp_path / "notes.md"  # --log: a topics file of #### (YEAR ORG) Title entries
    topics.write_bytes((shared_data / "logs" / "topics-year-org-headings.md").read_bytes())
    before = topics.read_bytes()
    config = tmp_path / "paperflow.toml"
    config.write_text('output_dir = "output"\n[review]\nenabled = false\n[log]\npath = "README.md"\n[arxiv]\n'
                      'api_url = "http://127.0.0.1:9/api/query"\nretries = 0\ndelay_seconds = 0\n', "utf-8")
    result = CliRunner().invoke(app, ["--config", str(config), "summarize", "--llm", "none", "--dry-run", "--log",
                                      str(topics), str(shared_data / "corpus" / "arxiv_2106.09685v2_lora.pdf")])
    assert result.exit_code == 0, result.output
    assert "#### (2021 Microsoft" in result.output and "《" not in result.output, result.output
    assert topics.read_bytes() == before
