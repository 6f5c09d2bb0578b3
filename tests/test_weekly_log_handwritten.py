"""A hand-written log (tests/logs/handwritten.md) with its counts counted by hand, in every encoding variant."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from paperflow.cli import app
from paperflow.log.weekly_log import DraftEntry, parse_log, plan_insert

LOG = Path(__file__).parent / "logs" / "handwritten.md"

# Counted by reading the file: 2 months, 4 days, 5 entries in 《》 (the last old entry has no 《》 and is
# part of the one above it), 8 pending items of which [x] twice, one loose line under # 2024.1.
COUNTS = {"months": 2, "days": 4, "entries": 5, "pending_open": 6, "pending_done": 2, "unclassified": 1}
TITLES = [
    ("Mixtral of Experts", date(2024, 1, 3)),
    ("DeepSeekMoE: Towards Ultimate Expert Specialization", date(2024, 1, 3)),
    ("Emu2: Generative Multimodal Models are In-Context Learners", date(2024, 1, 1)),
    ("Gemini: A Family of Highly Capable Multimodal Models", date(2023, 12, 29)),
    ("Attention Is All You Need", date(2023, 12, 7)),
]
LEVELS = [0, 0, 0, 0, 0, 1, 1, 2]


def variants():
    lf = LOG.read_bytes()
    crlf = lf.replace(b"\n", b"\r\n")
    yield "lf", lf
    yield "crlf", crlf
    yield "bom-crlf", b"\xef\xbb\xbf" + crlf
    yield "no-trailing-newline", lf.rstrip(b"\n")
    yield "mixed", b"".join(line + (b"\r\n" if i % 2 else b"\n") for i, line in enumerate(lf.split(b"\n")[:-1]))


VARIANTS = list(variants())


@pytest.mark.parametrize(("name", "data"), VARIANTS, ids=[n for n, _ in VARIANTS])
def test_handwritten_log_counts(name, data):
    parsed = parse_log(data)
    assert parsed.counts() == COUNTS
    assert [(e.title, e.day) for e in parsed.entries] == TITLES
    assert [p.level for p in parsed.pending] == LEVELS
    assert parsed.loose == [(19, "Mamba 系列，之后读")]


@pytest.mark.parametrize(("name", "data"), VARIANTS, ids=[n for n, _ in VARIANTS])
def test_log_check_agrees(tmp_path, name, data):
    path = tmp_path / "README.md"
    path.write_bytes(data)
    result = CliRunner().invoke(app, ["log", "check", str(path), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert {k: report[k] for k in COUNTS} == COUNTS
    assert report["unclassified_lines"] == [{"line": 20, "text": "Mamba 系列，之后读"}]


@pytest.mark.parametrize(("name", "data"), VARIANTS, ids=[n for n, _ in VARIANTS])
def test_insert_and_tick_on_the_handwritten_log(name, data):
    pending_line = next(i for i, line in enumerate(data.split(b"\n")) if line.startswith(b"- [ ] Deeper"))
    new, result = plan_insert(data, [DraftEntry("Deeper insights into GCNs", "《Deeper insights into GCNs》\n\n总体上，好。\n")], date(2024, 1, 3), [pending_line])
    assert result.ticked == [pending_line]
    parsed = parse_log(new)
    assert parsed.counts() == {**COUNTS, "entries": 6, "pending_open": 5, "pending_done": 3}
    assert [e.title for e in parsed.entries if e.day == date(2024, 1, 3)][-1] == "Deeper insights into GCNs"
    # Outside the tick and the new entry, the bytes are the same.
    back = new.replace(b"- [x] Deeper", b"- [ ] Deeper", 1)
    start = back.index("《Deeper insights into GCNs》".encode())
    end = back.index("总体上，好。".encode()) + len("总体上，好。".encode())
    nl = b"\r\n" if data.count(b"\r\n") * 2 > data.count(b"\n") else b"\n"
    assert back[: start - len(nl)] + back[end + len(nl) :] == data
