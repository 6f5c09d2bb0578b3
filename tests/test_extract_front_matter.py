"""Every real paper in ../shared/data/pdf, pdf-hard and corpus, judged as a reader would against
tests/support/paper_truth: its full title, its affiliations as printed, the organisations a reader names (at
least one right, none wrong, the lead first where the truth names one), its arXiv id and the copy's date, no glyph
names, ligatures or glued words, footnotes out of the body; and the wav2vec 2.0 copy read by both engines rather
than refused."""

from __future__ import annotations

import re
import unicodedata

import pytest

from paperflow.settings import Settings
from paperflow.text.extract import extract_pdf
from paperflow.text.frontmatter import DOMAIN_ORGANISATIONS, _loose, organisations_of, FrontMatter
from tests.support.paper_truth import PAPERS
from tests.support.text_quality import glued_per_thousand, glued_words, glyph_artifacts

LIGATURES = re.compile("[\ufb00-\ufb06]")


@pytest.fixture(scope="module")
def extracted(shared_data, tmp_path_factory):
    settings = Settings(output_dir=tmp_path_factory.mktemp("output"))
    cache: dict[str, object] = {}

    def get(name: str):
        if name not in cache:
            cache[name] = extract_pdf(shared_data / name, settings)
        return cache[name]

    return get


def test_every_paper_of_the_data_set_has_its_truth(shared_data):
    on_disk = {f"{folder}/{p.name}" for folder in ("pdf", "pdf-hard", "corpus")
               for p in (shared_data / folder).glob("*.pdf")}
    assert on_disk == set(PAPERS)


@pytest.mark.parametrize("name", sorted(PAPERS))
def test_full_title_as_printed(name, extracted):
    assert _loose(extracted(name).title or "") == _loose(PAPERS[name].printed_title)


def _folded(text: str) -> str:
    """Accents aside: a PDF's text layer often prints them apart from their letter ("Z ¨ urich")."""
    return _loose(unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode())


@pytest.mark.parametrize("name", sorted(PAPERS))
def test_affiliations_as_printed(name, extracted):
    text = extracted(name)
    for affiliation in PAPERS[name].affiliations:
        assert _folded(affiliation) in {_folded(a) for a in text.affiliations}, (affiliation, text.affiliations)
    assert len(text.affiliations) == len({a.lower() for a in text.affiliations}), "affiliations repeat"
    for affiliation in text.affiliations:  # organisations, never a sentence, an email or a link
        assert "@" not in affiliation and "/" not in affiliation and len(affiliation.split()) <= 10
        assert not affiliation[:1].islower() and "(" not in affiliation  # never the middle of a footnote's sentence


@pytest.mark.parametrize("name", sorted(PAPERS))
def test_organisations_a_reader_names(name, extracted):
    text = extracted(name)
    truth = PAPERS[name]
    right = {_folded(o) for o in (*truth.organisations, *truth.also_right, *truth.affiliations)}
    assert all(_folded(o) in right for o in text.organisations), (text.organisations, truth.organisations)
    if truth.organisations:
        assert text.organisations, f"none found, expected {truth.organisations}"
    assert len({_folded(o) for o in text.organisations}) == len(text.organisations), "organisations repeat"
    for organisation in text.organisations:
        assert not re.search(r"[∗†‡§¶♮♢♡⊤@/]", organisation) and len(organisation.split()) <= 10


def test_the_lead_organisation_comes_first(extracted):
    # the team written as the author, the first author's affiliation, a lab named only in a link
    assert extracted("corpus/nonarxiv_qwen3_tech_report.pdf").organisations[0] == "Qwen Team"
    assert extracted("corpus/arxiv_2405.04434v5_deepseek_v2.pdf").organisations[0] == "DeepSeek-AI"
    assert extracted("corpus/arxiv_2310.06825v1_mistral_7b.pdf").organisations == ["Mistral AI"]
    assert extracted("corpus/arxiv_2106.09685v2_lora.pdf").organisations[0] == "Microsoft"
    assert extracted("corpus/arxiv_2104.09864v5_roformer.pdf").organisations == ["Zhuiyi Technology"]


def test_organisations_from_every_signal():
    front = FrontMatter(affiliations=["Google Research"], email_domains=["google.com", "cs.cmu.edu", "acme-lab.io"])
    # an email domain named in a longer printed form is not repeated; a subdomain is its university
    assert organisations_of(front, [], []) == ["Google Research", "Carnegie Mellon University"]
    notes = ["∗All authors from DeepMind, †Equal contributions", "Work done while at Google Brain."]
    assert organisations_of(FrontMatter(), notes, []) == ["DeepMind", "Google Brain"]
    assert organisations_of(FrontMatter(), ["Kimi Team"], []) == ["Kimi Team"]
    assert organisations_of(FrontMatter(), [], ["Meta AI Research"]) == ["Meta AI Research"]  # a running head
    assert organisations_of(FrontMatter(), [], ["RUC AI Box", "Preprint", "Smith et al."]) == ["RUC AI Box"]
    assert organisations_of(FrontMatter(affiliations=["Research", "Google Research"]), [], []) == ["Google Research"]
    assert organisations_of(FrontMatter(), ["Webpage: https://mistral.ai/news/", "https://github.com/x"], []) \
        == ["Mistral AI"]
    # a domain in no table names its organisation only when nothing else does
    assert organisations_of(FrontMatter(email_domains=["mail.acme-lab.io"]), [], []) == ["acme-lab.io"]
    assert all(name.strip() and "." not in domain[:1] for domain, name in DOMAIN_ORGANISATIONS.items())


@pytest.mark.parametrize("name", sorted(PAPERS))
def test_date_of_the_copy(name, extracted):
    """The stamp's date, else the date printed in the paper, else none (never the day it was read)."""
    text = extracted(name)
    when = text.arxiv_date or text.printed_date
    assert (f"{when.year}.{when.month}" if when else None) == PAPERS[name].published


@pytest.mark.parametrize("name", sorted(PAPERS))
def test_arxiv_id_from_the_stamp(name, extracted):
    text = extracted(name)
    truth = PAPERS[name]
    found = f"{text.arxiv_id}v{text.arxiv_version}" if text.arxiv_id else None
    assert found == truth.arxiv_id
    if name.split("/")[1].startswith("arxiv_"):
        assert text.arxiv_date is not None and text.arxiv_category


@pytest.mark.parametrize("name", sorted(PAPERS))
def test_no_glyph_names_ligatures_or_glued_words(name, extracted):
    full = extracted(name).text
    assert glyph_artifacts(full) == []
    assert not LIGATURES.search(full)
    assert glued_per_thousand(full) <= 1.0, glued_words(full)


def test_glued_words_are_told_from_compounds():
    assert glued_words("adifferentiableencoderandachunked cross-attention") == ["adifferentiableencoderandachunked"]
    assert glued_words("pretraining filterbank granularities theencoder") == ["theencoder"]


def test_footnotes_leave_the_body_and_feed_the_front_matter(extracted):
    attention = extracted("pdf/arxiv_1706.03762v5_attention_is_all_you_need.pdf")
    assert "Listing order is random" not in attention.text
    assert "Work performed while at Google Brain" not in attention.text
    assert attention.stats["footnote_lines"] > 0
    wav2vec2 = extracted("pdf-hard/neurips2020_wav2vec2_not_arxiv_copy.pdf")
    assert "34th Conference on Neural Information Processing Systems" not in wav2vec2.text
    assert "Code and models are available at" not in wav2vec2.text
    primer = extracted("pdf-hard/arxiv_2109.08668v1_primer.pdf")
    assert "with reproducibility." in primer.text and "reproducibility.1" not in primer.text  # marker gone
    pondernet = extracted("pdf-hard/arxiv_2107.05407v1_pondernet.pdf")
    assert "contributed equally" not in pondernet.text
    assert pondernet.email_domains == ["deepmind.com"]


def test_outline_gives_the_sections_where_there_is_one(extracted):
    pondernet = extracted("pdf-hard/arxiv_2107.05407v1_pondernet.pdf")
    assert pondernet.structure == "outline"  # an outline that nests everything under "1 Introduction"
    assert [s.title for s in pondernet.sections if s.level == 1][2:6] == [
        "1. Introduction", "2. Methods", "3. Results", "4. Discussion"]
    resnet = extracted("pdf/arxiv_1512.03385v1_resnet.pdf")
    assert resnet.structure == "fonts"  # no outline: headings told by their print


@pytest.mark.parametrize("engine", ["pdfium", "pypdf"])
def test_wav2vec2_copy_is_read_not_refused_as_a_bomb(shared_data, tmp_path, engine):
    settings = Settings(output_dir=tmp_path, extract={"engine": engine})
    text = extract_pdf(shared_data / "pdf-hard" / "neurips2020_wav2vec2_not_arxiv_copy.pdf", settings)
    assert text.engine == engine and text.pages == 12
    assert "contrastive task" in text.text
    if engine == "pypdf":  # pypdf refuses page 2's stream (wrong declared length): that page only is lost
        assert any("page 2" in w for w in text.warnings)


def test_engine_setting_is_part_of_the_cache(shared_data, tmp_path):
    path = shared_data / "pdf" / "arxiv_1406.2661v1_gan.pdf"
    first = extract_pdf(path, Settings(output_dir=tmp_path))
    other = extract_pdf(path, Settings(output_dir=tmp_path, extract={"engine": "pypdf"}))
    assert (first.engine, other.engine) == ("pdfium", "pypdf")


def test_the_title_is_never_the_author_line_a_team_or_a_banner():
    from paperflow.text.engine import Line
    from paperflow.text.frontmatter import read_front_matter

    page = [Line("TECHNICAL REPORT", 18, top=40), Line("DeepSeek-AI", 16, top=60),
            Line("Jiawei Zhao 1 Zhenyu Zhang 3 Beidi Chen 2 4", 15, True, top=80),
            Line("GaLore: Memory-Efficient LLM Training by", 14.3, True, top=110),
            Line("Gradient Low-Rank Projection", 14.3, True, top=128),
            Line("Abstract", 12, True, top=170), Line("We propose a method that does a thing well. " * 3, 10, top=190)]
    front = read_front_matter(page, 792, [], 10.0, None)
    assert front.title == "GaLore: Memory-Efficient LLM Training by Gradient Low-Rank Projection"
    # "Generative AI" may be a title; a printed date of its own is the copy's date
    page = [Line("Generative AI", 17, top=80), Line("Ann Example", 10, top=120), Line("March 3, 2024", 10, top=135),
            Line("Abstract", 12, True, top=170), Line("We study a thing in a way that is new and good. " * 3, 10, top=190)]
    front = read_front_matter(page, 792, [], 10.0, None)
    assert front.title == "Generative AI"
    from datetime import date

    from paperflow.text.frontmatter import printed_date

    assert printed_date(page) == date(2024, 3, 3)
    assert printed_date([Line("2025-05-14", 10)]) == date(2025, 5, 14)
    assert printed_date([Line("We trained it in March 2024 on many machines.", 10)]) is None  # prose is no date


def test_a_title_in_capitals_is_cased_as_the_paper_writes_its_words(extracted):
    from paperflow.text.engine import Line
    from paperflow.text.frontmatter import _recased

    body = [[Line("We propose LoRA, which reduces the LLM memory of fine-tuning with the MoE layer."),
             Line("LoRA keeps the pre-trained weights; an LLM adapts. Large language models are evolving, low in rank.")]]
    assert _recased("LORA: LOW-RANK ADAPTATION OF LARGE LLM AND MOE MODELS", body) == \
        "LoRA: Low-Rank Adaptation of Large LLM and MoE Models"
    assert _recased("THE GPT TRICK: A STUDY", body) == "The GPT Trick: A Study"  # short, never written: kept
    # real papers set in small capitals (their text layer is upper case), with no metadata title
    assert extracted("corpus/arxiv_2106.09685v2_lora.pdf").title == "LoRA: Low-Rank Adaptation of Large Language Models"
    assert extracted("corpus/arxiv_2310.05914v2_neftune.pdf").title == \
        "NEFTune: Noisy Embeddings Improve Instruction Finetuning"
    assert extracted("corpus/nonarxiv_moonlight_muon_scalable.pdf").title.endswith("for LLM Training")
