"""Bad PDFs end in one clear ExtractError (paper, stage "extract", cause), never a crash.

Real broken files come from ../shared/data/tricky; the few faults no real file here has (garbled text layer,
a decompression bomb, an object that needs too much memory) are built as small real PDFs below."""

from __future__ import annotations

import zlib
from pathlib import Path

import pytest

from paperflow.errors import PaperflowError
from paperflow.text.extract import ExtractError, extract_pdf, garbled_ratio
from paperflow.text.sections import SectionKind
from paperflow.settings import Settings


def build_pdf(contents: list[bytes], *, compress: bool = False, precompressed: bool = False,
              to_unicode: bytes | None = None) -> bytes:
    """A valid PDF with one page per content stream, Helvetica as /F1 (optionally with a ToUnicode map)."""
    objects: list[bytes] = []
    n_pages = len(contents)
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(n_pages))
    font_id = 3 + 2 * n_pages
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {n_pages} >>".encode())
    for i, content in enumerate(contents):
        page_id, stream_id = 3 + 2 * i, 4 + 2 * i
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {stream_id} 0 R "
            f"/Resources << /Font << /F1 {font_id} 0 R >> >> >>".encode()
        )
        data = zlib.compress(content, 6) if compress else content
        flt = b" /Filter /FlateDecode" if compress or precompressed else b""
        objects.append(b"<< /Length %d%s >>\nstream\n" % (len(data), flt) + data + b"\nendstream")
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica"
    if to_unicode is not None:
        font += f" /ToUnicode {font_id + 1} 0 R".encode()
    objects.append(font + b" >>")
    if to_unicode is not None:
        objects.append(b"<< /Length %d >>\nstream\n" % len(to_unicode) + to_unicode + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def text_page(lines: list[str]) -> bytes:
    body = ["BT /F1 10 Tf 50 750 Td 12 TL"]
    for line in lines:
        escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        body.append(f"({escaped}) Tj T*")
    body.append("ET")
    return "\n".join(body).encode("latin-1")


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(output_dir=tmp_path / "output")


def _error(path: Path, settings: Settings, label: str = "paper-x") -> ExtractError:
    with pytest.raises(ExtractError) as caught:
        extract_pdf(path, settings, label)
    error = caught.value
    assert isinstance(error, PaperflowError)
    assert error.stage == "extract" and error.paper == label
    assert str(error).startswith(f"{label}: extract: {error.cause}")
    assert "\n" not in str(error)
    return error


# ------------------------------------------------------------------------------------ real tricky files


def test_not_a_pdf(shared_data, settings):
    assert _error(shared_data / "tricky" / "not_a_pdf_fake.pdf", settings).cause == "not a PDF"


def test_truncated_pdf(shared_data, settings):
    error = _error(shared_data / "tricky" / "truncated_no_xref_matplotlib.pdf", settings)
    assert error.cause == "truncated or corrupt"


def test_password_protected_pdf(shared_data, settings):
    error = _error(shared_data / "tricky" / "encrypted_password_test.pdf", settings)
    assert error.cause == "encrypted with a password"
    assert "empty password" in str(error)


def test_encrypted_with_empty_password_is_read(shared_data, settings):
    text = extract_pdf(shared_data / "tricky" / "encrypted_emptypw_rc4_garcia-romero_interspeech2011.pdf", settings)
    kinds = text.kinds()
    assert SectionKind.ABSTRACT in kinds and SectionKind.CONCLUSION in kinds
    assert "length normalization" in text.text.lower()


def test_scanned_pdf_has_no_text_layer(shared_data, settings):
    error = _error(shared_data / "tricky" / "scanned_imageonly_8p_ccitt.pdf", settings)
    assert error.cause == "scanned, no text layer"


def test_damaged_but_repairable_pdf_is_read(shared_data, settings):
    # Decided behaviour: pypdf recovers the whole text of this file, so losing it would be worse than
    # reading it; with no headings its parts are typed by position.
    text = extract_pdf(shared_data / "tricky" / "broken_zen_of_python_corrupted.pdf", settings)
    assert "Beautiful is better than ugly." in text.text
    assert "Namespaces are one honking great idea" in text.text
    assert all(s.inferred for s in text.sections)


@pytest.fixture(scope="module")
def chinese_output(shared_data, tmp_path_factory):
    output = tmp_path_factory.mktemp("chinese")
    text = extract_pdf(shared_data / "tricky" / "chinese_thesis_nankai_66p.pdf", Settings(output_dir=output))
    return output, text


def test_chinese_thesis_within_the_page_cap_is_read(chinese_output):
    text = chinese_output[1]
    assert text.pages == 66
    titles = [s.title for s in text.sections]
    assert "摘要" in titles and "第一章 绪论" in titles and "参考文献" in titles
    kinds = text.kinds()
    for kind in (SectionKind.ABSTRACT, SectionKind.INTRODUCTION, SectionKind.CONCLUSION, SectionKind.REFERENCES):
        assert kind in kinds
    # The table of contents is not mistaken for the chapters.
    chapter = next(s for s in text.sections if s.title == "第一章 绪论")
    assert chapter.page == 7
    # Running chapter headers (top of every page of the chapter) are dropped from the body text.
    start = text.sections.index(chapter)
    body = "\n".join(p.text for s in text.sections[start:] for p in s.paragraphs)
    assert "第一章 绪论" not in body


def test_chinese_thesis_over_the_page_cap_is_refused(shared_data, tmp_path):
    settings = Settings(output_dir=tmp_path / "out", extract={"max_pages": 50})
    error = _error(shared_data / "tricky" / "chinese_thesis_nankai_66p.pdf", settings)
    assert error.cause == "more than 50 pages"
    assert "66 pages" in str(error)


def test_page_cap_also_applies_to_cached_text(shared_data, chinese_output):
    path = shared_data / "tricky" / "chinese_thesis_nankai_66p.pdf"
    assert list((chinese_output[0] / "text").glob("*.json"))
    error = _error(path, Settings(output_dir=chinese_output[0], extract={"max_pages": 60}))
    assert error.cause == "more than 60 pages"


def test_missing_file(settings, tmp_path):
    assert _error(tmp_path / "absent.pdf", settings).cause == "cannot read the file"


# ------------------------------------------------------------------------------------ built faults


def test_garbled_text_layer(settings, tmp_path):
    # A font whose ToUnicode map sends every code to the private use area: pypdf "extracts" junk.
    cmap = (
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /Junk def "
        b"1 begincodespacerange <00> <FF> endcodespacerange 1 beginbfrange <20> <7E> <E000> endbfrange "
        b"endcmap CMapName currentdict /CMap defineresource pop end end"
    )
    lines = ["The quick brown fox jumps over the lazy dog again and again."] * 40
    path = tmp_path / "garbled.pdf"
    path.write_bytes(build_pdf([text_page(lines)] * 2, to_unicode=cmap))
    error = _error(path, settings)
    assert error.cause == "garbled text"


def test_readable_built_pdf_is_not_garbled(settings, tmp_path):
    lines = ["The quick brown fox jumps over the lazy dog again and again."] * 40
    path = tmp_path / "plain.pdf"
    path.write_bytes(build_pdf([text_page(lines)] * 2))
    text = extract_pdf(path, settings)
    assert "quick brown fox" in text.text


def test_garbled_ratio_tells_text_from_junk():
    assert garbled_ratio("Attention is all you need. 注意力就是一切。") < 0.05
    assert garbled_ratio("\ue000\ue001\ue002 abc") >= 0.5
    assert garbled_ratio("Ã©tÃ© Ã  la plage Ã©tÃ©") > 0.15
    assert garbled_ratio("!#$% &*+, -./: ;<=> ?@[] ^_`{") > 0.4


def _bomb(tmp_path: Path, megabytes: int) -> Path:
    """A one-page PDF whose content stream inflates from a few hundred kB to `megabytes` MB of spaces."""
    compressor = zlib.compressobj(9)
    chunk = b" " * 10_000_000
    data = compressor.compress(b"BT /F1 10 Tf 50 750 Td (x) Tj ET\n")
    for _ in range(megabytes // 10):
        data += compressor.compress(chunk)
    data += compressor.flush()
    path = tmp_path / f"bomb-{megabytes}.pdf"
    path.write_bytes(build_pdf([data], precompressed=True))
    assert path.stat().st_size < 1_000_000
    return path


def test_decompression_bomb_is_refused_by_the_memory_limit(tmp_path):
    # 600 MB of spaces in a 600 kB file: PDFium inflates it, the child's 256 MB limit stops it.
    settings = Settings(output_dir=tmp_path / "output", extract={"max_memory_mb": 256})
    error = _error(_bomb(tmp_path, 600), settings)
    assert error.cause == "needs more than 256 MB of memory"


def test_decompression_bomb_is_refused_by_pypdf_limits(tmp_path):
    # 100 MB of spaces in ~100 kB: over pypdf's 75 MB per-stream limit, and no other page has text.
    settings = Settings(output_dir=tmp_path / "output", extract={"engine": "pypdf"})
    error = _error(_bomb(tmp_path, 100), settings)
    assert error.cause == "decompression bomb or huge object"


def test_a_large_stream_within_the_memory_limit_is_no_bomb(tmp_path):
    # The same 100 MB stream fits in the default 1024 MB: PDFium reads it, and finds no text in it.
    error = _error(_bomb(tmp_path, 100), Settings(output_dir=tmp_path / "output"))
    assert error.cause == "scanned, no text layer"


@pytest.fixture(scope="module")
def memory_hog(tmp_path_factory) -> Path:
    # One 30 MB string (30 kB compressed, under pypdf's stream limit) whose text extraction makes several
    # copies of it: more than a 256 MB address space allows.
    content = b"BT /F1 10 Tf (" + b"a" * 30_000_000 + b") Tj ET"
    path = tmp_path_factory.mktemp("hog") / "hog.pdf"
    path.write_bytes(build_pdf([content], compress=True))
    return path


def test_object_needing_too_much_memory_is_refused(memory_hog, tmp_path):
    # pypdf copies the string several times over; PDFium reads the same file in little memory.
    settings = Settings(output_dir=tmp_path, extract={"engine": "pypdf", "max_memory_mb": 256, "timeout_seconds": 120})
    error = _error(memory_hog, settings)
    assert error.cause == "needs more than 256 MB of memory"


def test_extraction_time_limit(memory_hog, tmp_path):
    settings = Settings(output_dir=tmp_path, extract={"timeout_seconds": 0.2, "max_memory_mb": 4096})
    error = _error(memory_hog, settings)
    assert error.cause == "took longer than 0.2 s"
