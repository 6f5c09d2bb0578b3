"""arXiv ids: every accepted form, refusals, safe file names, ids inside free text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from paperflow.sources.ids import ArxivId, InvalidIdError, find_arxiv_id, parse_arxiv_id


@pytest.mark.parametrize(
    ("text", "base", "version"),
    [
        ("2312.13286", "2312.13286", None),
        ("2312.13286v2", "2312.13286", 2),
        ("0704.0001", "0704.0001", None),
        ("1412.6980v9", "1412.6980", 9),
        ("arXiv:2312.13286", "2312.13286", None),
        ("ARXIV: 2312.13286v12", "2312.13286", 12),
        ("  2312.13286  ", "2312.13286", None),
        ("hep-th/9901001", "hep-th/9901001", None),
        ("quant-ph/0201082v1", "quant-ph/0201082", 1),
        ("arXiv:hep-th/9901001v3", "hep-th/9901001", 3),
        ("math.GT/0309136", "math.GT/0309136", None),
        ("math.gt/0309136", "math.GT/0309136", None),
        ("https://arxiv.org/abs/2312.13286", "2312.13286", None),
        ("http://arxiv.org/abs/2312.13286v2", "2312.13286", 2),
        ("https://arxiv.org/pdf/2312.13286v2", "2312.13286", 2),
        ("https://arxiv.org/pdf/2312.13286v2.pdf", "2312.13286", 2),
        ("https://arxiv.org/pdf/2312.13286.pdf", "2312.13286", None),
        ("https://arxiv.org/html/2312.13286v1", "2312.13286", 1),
        ("https://arxiv.org/html/2312.13286v1/", "2312.13286", 1),
        ("https://export.arxiv.org/abs/hep-th/9901001", "hep-th/9901001", None),
        ("https://www.arxiv.org/abs/quant-ph/0201082v1?context=x#y", "quant-ph/0201082", 1),
        ("HTTPS://ARXIV.ORG/abs/2312.13286", "2312.13286", None),
    ],
)
def test_accepted_forms(text, base, version):
    assert parse_arxiv_id(text) == ArxivId(base, version)


@pytest.mark.parametrize(
    "text",
    [
        "", "abc", "2312.1328", "1401.12345", "2312.1328600", "2313.13286", "2300.13286", "2312.13286v0", "2312.13286v",
        "2312.13286 2312.13287", "../../etc/passwd", "2312.13286/../x", "hep-th/99010011", "hep_th/9901001",
        "hep-th/../9901001", "/abs/2312.13286", "https://evil.example/abs/2312.13286",
        "https://arxiv.org.evil.example/abs/2312.13286", "ftp://arxiv.org/abs/2312.13286",
        "https://arxiv.org/list/cs.CL/recent", "https://arxiv.org/abs/2312.13286/../../x",
        "file:///etc/passwd", "2312.13286\nrm -rf /", "arXiv:", "１２３４.５６７８",
    ],
)
def test_refused_with_one_line_error(text):
    with pytest.raises(InvalidIdError) as info:
        parse_arxiv_id(text)
    message = str(info.value)
    assert "\n" not in message and ": id: " in message


def test_file_stems_are_safe():
    assert parse_arxiv_id("2312.13286v2").file_stem() == "2312.13286v2"
    assert parse_arxiv_id("hep-th/9901001").with_version(1).file_stem() == "hep-th_9901001v1"
    assert parse_arxiv_id("math.GT/0309136v2").file_stem() == "math.GT_0309136v2"
    assert str(parse_arxiv_id("arXiv:hep-th/9901001v3")) == "hep-th/9901001v3"
    with pytest.raises(InvalidIdError):
        ArxivId("../x", 1).file_stem()


@given(st.text(max_size=40))
def test_anything_parses_to_a_safe_stem_or_is_refused(text):
    try:
        parsed = parse_arxiv_id(text)
    except InvalidIdError as exc:
        assert "\n" not in str(exc)
        return
    stem = parsed.file_stem()
    assert "/" not in stem and "\\" not in stem and ".." not in stem


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- read https://arxiv.org/abs/2106.09685 soon", "2106.09685"),
        ("LoRA (arXiv:2106.09685v2)", "2106.09685v2"),
        ("see 2106.09685", "2106.09685"),
        ("《Foo》 https://arxiv.org/pdf/2106.09685v1.pdf，很好", "2106.09685v1"),
        ("old one: hep-th/9901001", "hep-th/9901001"),
        ("Deeper insights into graph convolutional networks for semi-supervised learning", None),
        ("写综述：GNN 论文总结", None),
        ("version 12.3456.7 of the tool", None),
        ("https://example.org/abs/2106.09685", None),
    ],
)
def test_find_in_free_text(text, expected):
    found = find_arxiv_id(text)
    assert (str(found) if found else None) == expected
