"""A local PDF that is an arXiv paper is that arXiv paper: id and version from the stamp or the file name, the
arXiv key, link and the paper's own date; the API's metadata (replayed real responses) when it answers, the stamp's
data when it does not; and `paperflow summarize FILE.pdf --llm none --dry-run` opens with the paper's own
year.month, its organisation and its arXiv link."""

from __future__ import annotations

import os
import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import letter
from reportlab.pdfgen.canvas import Canvas
from typer.testing import CliRunner

from paperflow.cli import app
from paperflow.settings import Settings
from paperflow.sources.ids import parse_arxiv_id
from paperflow.sources.local import arxiv_id_in_name, local_paper, resolve_local_pdf, with_arxiv_metadata
from tests.support.arxiv import arxiv_api_replay, real_titles
from tests.support.local_server import LocalServer

NO_API = {"api_url": "http://127.0.0.1:9/api/query", "retries": 0, "delay_seconds": 0}


def settings_for(tmp_path: Path, **arxiv) -> Settings:
    return Settings(output_dir=tmp_path / "output", arxiv={**NO_API, **arxiv})


def test_arxiv_id_in_file_names():
    assert arxiv_id_in_name("arxiv_2112.04426v1_retro.pdf") == parse_arxiv_id("2112.04426v1")
    assert arxiv_id_in_name("2112.04426.pdf") == parse_arxiv_id("2112.04426")
    assert arxiv_id_in_name("hep-th_9901001v2.pdf") == parse_arxiv_id("hep-th/9901001v2")
    assert arxiv_id_in_name("Baevski 2020 - wav2vec 2.0.pdf") is None
    assert arxiv_id_in_name("report-2024.12345678.pdf") is None  # not an id: too many digits


def test_the_stamp_makes_a_renamed_pdf_the_arxiv_paper(shared_data, tmp_path):
    copy = tmp_path / "paper.pdf"
    shutil.copy(shared_data / "pdf-hard" / "arxiv_2107.05407v1_pondernet.pdf", copy)
    paper = local_paper(copy, settings_for(tmp_path))
    assert (paper.arxiv_id, paper.version, paper.key) == ("2107.05407", 1, "2107.05407")
    assert paper.published == datetime(2021, 7, 12, tzinfo=timezone.utc)  # version 1: the stamp's date
    assert paper.pdf_url == "https://arxiv.org/pdf/2107.05407v1"
    assert paper.local_pdf == copy.resolve()  # read from disk, never downloaded again


def test_a_later_version_is_dated_by_its_id_not_by_its_stamp(shared_data, tmp_path):
    paper = local_paper(shared_data / "pdf" / "arxiv_1706.03762v5_attention_is_all_you_need.pdf", settings_for(tmp_path))
    assert (paper.arxiv_id, paper.version) == ("1706.03762", 5)
    assert (paper.published.year, paper.published.month) == (2017, 6)  # the id's YYMM: when v1 was submitted
    assert paper.updated == datetime(2017, 12, 6, tzinfo=timezone.utc)  # the stamp: when v5 was


def test_the_file_name_names_the_paper_when_there_is_no_stamp(shared_data, tmp_path):
    copy = tmp_path / "2006.11477v3.pdf"
    shutil.copy(shared_data / "pdf-hard" / "neurips2020_wav2vec2_not_arxiv_copy.pdf", copy)
    paper = local_paper(copy, settings_for(tmp_path))
    assert (paper.arxiv_id, paper.version) == ("2006.11477", 3)
    assert (paper.published.year, paper.published.month) == (2020, 6)


def test_a_pdf_that_is_no_arxiv_paper_stays_local(shared_data, tmp_path):
    paper = local_paper(shared_data / "pdf-hard" / "ieee_proc_2013_spoken_language_recognition.pdf",
                        settings_for(tmp_path))
    assert paper.arxiv_id is None and paper.key.startswith("local:") and paper.published is None


def test_an_unreadable_pdf_stays_local_for_the_extract_stage_to_report(shared_data, tmp_path):
    paper = local_paper(shared_data / "tricky" / "not_a_pdf_fake.pdf", settings_for(tmp_path))
    assert paper.arxiv_id is None and paper.key.startswith("local:")


def _stamped_pdf(path: Path, stamp: str) -> Path:
    """A small real PDF with an arXiv side stamp in the left margin, rotated as arXiv prints it."""
    canvas = Canvas(str(path), pagesize=letter)
    canvas.setFont("Helvetica-Bold", 16)
    canvas.drawString(72, 700, "A Paper Printed Here")
    canvas.setFont("Helvetica", 10)
    for i in range(30):
        canvas.drawString(72, 660 - 14 * i, f"Line {i} of a body text that says enough words to be read as text.")
    canvas.saveState()
    canvas.translate(30, 250)
    canvas.rotate(90)
    canvas.setFont("Times-Roman", 20)
    canvas.drawString(0, 0, stamp)
    canvas.restoreState()
    canvas.showPage()
    canvas.save()
    return path


def test_api_metadata_when_the_api_answers_stamp_data_when_not(shared_data, tmp_path):
    pdf = _stamped_pdf(tmp_path / "download.pdf", "arXiv:2104.12255v1 [cs.LG] 26 Apr 2021")
    offline = resolve_local_pdf(pdf, settings_for(tmp_path))
    assert (offline.arxiv_id, offline.version) == ("2104.12255", 1)
    assert offline.published == datetime(2021, 4, 26, tzinfo=timezone.utc)
    assert offline.title == "download"  # until extraction gives the printed title
    with LocalServer(arxiv_api_replay(shared_data)) as api:
        online = resolve_local_pdf(pdf, settings_for(tmp_path, api_url=api.url("/api/query")))
        assert [r.id_list for r in api.requests] == [["2104.12255v1"]]
    assert (online.arxiv_id, online.version, online.key) == ("2104.12255", 1, "2104.12255")
    assert online.title != "download" and online.authors and online.abstract  # the recorded real entry's
    assert online.local_pdf == pdf.resolve() and online.local_sha256 == offline.local_sha256
    assert with_arxiv_metadata(local_paper(tmp_path / "absent.pdf"), settings_for(tmp_path)).arxiv_id is None


def test_summarize_a_local_arxiv_pdf_opens_with_its_own_month_organisation_and_link(shared_data, tmp_path,
                                                                                   monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "paperflow.toml").write_text(
        '[arxiv]\napi_url = "http://127.0.0.1:9/api/query"\nretries = 0\ndelay_seconds = 0\n', encoding="utf-8")
    copy = tmp_path / "pondernet.pdf"
    shutil.copy(shared_data / "pdf-hard" / "arxiv_2107.05407v1_pondernet.pdf", copy)
    (tmp_path / "log.md").write_text("# pending list\n\n", encoding="utf-8")  # a missing log is an error
    result = CliRunner().invoke(app, ["summarize", str(copy), "--llm", "none", "--dry-run", "--log",
                                      str(tmp_path / "log.md")])
    assert result.exit_code == 0, result.output
    assert "《PonderNet: Learning to Ponder》" in result.output
    assert "2021.7 DeepMind 的一篇文章" in result.output  # the paper's own year.month, not today's
    assert "https://arxiv.org/abs/2107.05407" in result.output
    assert "Equal contribution" not in result.output and "contributed equally" not in result.output


def test_summarize_refuses_a_fifo_or_a_folder_without_reading_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    fifo = tmp_path / "paper.pdf"
    os.mkfifo(fifo)  # opening it to read would block the run for ever
    folder = tmp_path / "papers.pdf"
    folder.mkdir()
    (tmp_path / "log.md").write_text("# pending list\n\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["summarize", str(fifo), str(folder), "str-absent.pdf", "--llm", "none",
                                      "--log", str(tmp_path / "log.md")])
    assert result.exit_code == 1, result.output
    assert f"{fifo}: resolve: FAILED: not a regular file" in result.output
    assert f"{folder}: resolve: FAILED: not a regular file" in result.output
    assert "str-absent.pdf: resolve: FAILED: no such file" in result.output


def _lab_copy(path: Path, title: str, printed_date: str | None) -> Path:
    """A small real PDF as a lab prints its own report: the title, the team, maybe a date, no arXiv stamp."""
    canvas = Canvas(str(path), pagesize=letter)
    canvas.setFont("Helvetica-Bold", 16)
    canvas.drawString(72, 700, title)
    canvas.setFont("Helvetica", 10)
    canvas.drawString(72, 676, "Example Team")
    if printed_date:
        canvas.drawString(72, 662, printed_date)
    canvas.setFont("Helvetica-Bold", 12)
    canvas.drawString(72, 640, "Abstract")
    canvas.setFont("Helvetica", 10)
    for i in range(30):
        canvas.drawString(72, 620 - 14 * i, f"Line {i} of a body text that says enough words to be read as text.")
    canvas.showPage()
    canvas.save()
    return path


def test_a_stampless_copy_is_found_on_arxiv_by_its_printed_title(shared_data, tmp_path):
    arxiv_id, title = next((i, t) for i, t in real_titles(shared_data) if 30 <= len(t) <= 70 and ":" not in t)
    pdf = _lab_copy(tmp_path / "our-report.pdf", title, "March 5, 2024")
    with LocalServer(arxiv_api_replay(shared_data)) as api:
        online = resolve_local_pdf(pdf, settings_for(tmp_path, api_url=api.url("/api/query")))
        searches = [r.query.get("search_query", "") for r in api.requests if not r.id_list]
    assert len(searches) == 1 and searches[0].startswith("ti:")  # one quick title search
    assert online.arxiv_id == arxiv_id.rsplit("v", 1)[0] and online.key == online.arxiv_id
    assert online.pdf_url and online.abstract and online.local_pdf == pdf.resolve()
    # arXiv unreachable: the copy stays local, dated by the date printed in it (applied with its text), never today
    offline = resolve_local_pdf(pdf, settings_for(tmp_path / "offline"))
    assert offline.arxiv_id is None and offline.key.startswith("local:") and offline.published is None
    from paperflow.text.extract import extract_pdf
    from paperflow.text.frontmatter import apply_front_matter

    dated = apply_front_matter(offline, extract_pdf(pdf, settings_for(tmp_path / "offline")))
    assert dated.published == datetime(2024, 3, 5, tzinfo=timezone.utc)
    undated = _lab_copy(tmp_path / "undated.pdf", "A Report Nobody Has Put On Any Server", None)
    paper = resolve_local_pdf(undated, settings_for(tmp_path / "offline"))
    assert apply_front_matter(paper, extract_pdf(undated, settings_for(tmp_path / "offline"))).published is None


def test_a_title_that_matches_no_arxiv_paper_well_enough_stays_local(shared_data, tmp_path):
    _, title = real_titles(shared_data)[0]
    pdf = _lab_copy(tmp_path / "other.pdf", f"{title.split()[0]} Revisited For Another Purpose Entirely", None)
    with LocalServer(arxiv_api_replay(shared_data)) as api:
        paper = resolve_local_pdf(pdf, settings_for(tmp_path, api_url=api.url("/api/query")))
    assert paper.arxiv_id is None and paper.key.startswith("local:")


# A v1 copy dated by its stamp, a later version by its id's month, a lab's copy without a stamp by the date it
# prints; the organisation a team author, a lab named only in a link, two universities with the first author's first.
CORPUS_OPENINGS = {
    "arxiv_2310.06825v1_mistral_7b.pdf": "2023.10",
    "arxiv_2212.10496v1_hyde_retrieval.pdf": "2022.12",
    "arxiv_2405.04434v5_deepseek_v2.pdf": "2024.5",
    "nonarxiv_qwen3_tech_report.pdf": "2025.5",
}


@pytest.mark.parametrize("name", sorted(CORPUS_OPENINGS))
def test_summarize_a_corpus_paper_opens_with_its_month_and_lead_organisation(name, shared_data, tmp_path,
                                                                            monkeypatch):
    from tests.support.paper_truth import PAPERS

    monkeypatch.chdir(tmp_path)
    (tmp_path / "paperflow.toml").write_text(
        '[arxiv]\napi_url = "http://127.0.0.1:9/api/query"\nretries = 0\ndelay_seconds = 0\n', encoding="utf-8")
    (tmp_path / "log.md").write_text("# pending list\n\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["summarize", str(shared_data / "corpus" / name), "--llm", "none",
                                      "--dry-run", "--log", str(tmp_path / "log.md")])
    assert result.exit_code == 0, result.output
    lead = PAPERS[f"corpus/{name}"].organisations[0]
    assert f"{CORPUS_OPENINGS[name]} {lead}" in result.output, result.output
    assert "Equal contribution" not in result.output and "Work done" not in result.output
