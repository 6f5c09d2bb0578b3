"""Input that reaches the log is checked first: summary files field by field, LLM answers against the
lengths and counts of their schema, titles, invisible characters, dates. Each refusal is one line,
exit 2 (or a failed paper, exit 1), and the log's bytes stay as they were."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from logs.builder import sample_log

from cli_helpers import one_line_error, run, summary_file
from paperflow.log.entry import escape_text, escape_title
from paperflow.log.weekly_log import parse_log
from paperflow.summary import llm as llm_module
from paperflow.summary.summarize import bounds_problems, field_limits, parse_answer
from tests.support.llm_server import FaultServer, Reply

LOG = sample_log().build().data


def make_log(tmp_path: Path) -> Path:
    log = tmp_path / "README.md"
    log.write_bytes(LOG)
    return log


def insert(tmp_path: Path, log: Path, summary: Path, day: str = "2024-01-03"):
    return run("log", "insert", str(summary), "--log", str(log), "--date", day)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"arxiv_id": "1234.56789)\n\n# 2099.1\n\n## 2099.1.1\n\n《Injected》"}, "arxiv_id: Value error, not an arXiv id"),
        ({"arxiv_id": "../../etc/passwd"}, "arxiv_id: Value error, not an arXiv id"),
        ({"arxiv_id": "2401.04088v3", "version": 2}, "arxiv_id says version 3, version says 2"),
        ({"title": "   \t "}, "title: Value error, must not be empty or only spaces"),
        ({"title": "\u202e\x85\u2066"}, "title: Value error, must not be empty or only spaces"),
        ({"topic": "x" * 600_000}, "topic: String should have at most 500 characters"),
        ({"organisations": ["Org"] * 5000}, "organisations: List should have at most 20 items"),
        ({"keywords": ["k" * 101, "b", "c"]}, "keywords.0: String should have at most 100 characters"),
        ({"points": [{"label": "背景", "text": "  "}] * 3}, "points.0.text: Value error, must not be empty"),
        ({"model": "gpt\n# 2099.1"}, "model: Value error, must be one line"),
        ({"local_source": "a\x00b", "arxiv_id": None}, "local_source: Value error, must be one line"),
        ({"unsupported_numbers": ["1"] * 1001}, "unsupported_numbers: List should have at most 1000 items"),
    ],
    ids=["id-with-headers", "id-path", "id-version", "blank-title", "invisible-title", "long-topic",
         "5000-orgs", "long-keyword", "blank-point", "model-newline", "source-nul", "many-numbers"],
)
def test_log_insert_refuses_a_bad_field_in_one_line_and_leaves_the_log(tmp_path, changes, expected):
    log = make_log(tmp_path)
    bad = summary_file(tmp_path, changes.pop("title", "A Title"), **changes)
    line = one_line_error(insert(tmp_path, log, bad))
    assert line.startswith(f"paperflow: {bad}: log insert: ") and expected in line
    assert len(line) < 400  # the refused value is never repeated
    assert log.read_bytes() == LOG


def test_a_summary_file_that_is_too_big_is_refused_before_parsing(tmp_path):
    log = make_log(tmp_path)
    big = tmp_path / "big.json"
    big.write_bytes(b" " * 2_000_000)
    line = one_line_error(insert(tmp_path, log, big))
    assert line == f"paperflow: log insert: {big} is larger than 1,000,000 bytes"
    assert log.read_bytes() == LOG


def test_an_id_with_a_version_is_split_and_prefixes_are_accepted(tmp_path):
    log = make_log(tmp_path)
    ok = summary_file(tmp_path, "Versioned", arxiv_id="arXiv:2312.13286v2")
    result = insert(tmp_path, log, ok)
    assert result.exit_code == 0, result.output
    assert "[arXiv:2312.13286](https://arxiv.org/abs/2312.13286)" in log.read_text("utf-8")


def test_c1_controls_and_bidi_overrides_are_stripped_from_every_field():
    hostile = "a\x80b\x9bc\u202ad\u202ee\u2066f\u2069g"
    assert escape_text(hostile) == "abcdefg"
    assert escape_title(f"《{hostile}》") == "〈abcdefg〉"


def test_hostile_characters_never_reach_the_log(tmp_path):
    log = make_log(tmp_path)
    hostile = summary_file(tmp_path, "Safe\u202e Title\x85# 2099.1", topic="x\u2066y\x9b", organisations=["A\u202dB"],
                           keywords=["k\x80", "b", "c"])
    assert insert(tmp_path, log, hostile).exit_code == 0
    text = log.read_text("utf-8")
    for ch in ("\u202e", "\u2066", "\u202d", "\x85", "\x80", "\x9b"):
        assert ch not in text
    parsed = parse_log(log.read_bytes())
    assert parsed.counts()["months"] == sample_log().build().counts["months"]  # no header came from a field
    assert parsed.has_title("Safe Title # 2099.1")


@pytest.mark.parametrize(("day", "message"), [
    ("0001-01-01", "--date: 0001-01-01 is outside 1991-01-01 .. "),
    ("1990-12-31", "--date: 1990-12-31 is outside 1991-01-01 .. "),
    ("9999-12-31", "--date: 9999-12-31 is outside 1991-01-01 .. "),
    ("2024-02-30", "--date: '2024-02-30' is not a date like 2024-01-03"),
])
def test_a_date_outside_a_sane_range_is_refused_everywhere(tmp_path, day, message):
    log = make_log(tmp_path)
    line = one_line_error(insert(tmp_path, log, summary_file(tmp_path, "Dated"), day=day))
    assert line.startswith("paperflow: ") and message in line
    for command in (["summarize", "2401.04088", "--log", str(log)], ["review"], ["nightly", "--dry-run"]):
        assert message in one_line_error(run(*command, "--date", day)), command
    assert log.read_bytes() == LOG


# ------------------------------------------------------------------------------------- LLM answers


GOOD = {"published": "2014.6", "organisations": ["Université de Montréal"], "topic": "对抗生成网络",
        "keywords": ["GAN", "generative model", "adversarial"],
        "points": [{"label": "背景", "text": "生成模型难训练。"}, {"label": "模型", "text": "G 和 D 博弈。"},
                   {"label": "实验结果", "text": "在 MNIST 上效果好。"}],
        "verdict": "总体上，开创性的工作。"}


def test_bounds_follow_the_schema_the_model_was_given():
    limits = field_limits(1500, "zh")
    answer = {**GOOD, "topic": "x" * (limits["topic"] + 1), "organisations": ["o"] * 5,
              "points": [{"label": "背景", "text": "y" * (limits["point"] + 1)}] * 3,
              "verdict": "总体上" + "z" * (limits["verdict"] + 1)}
    problems = bounds_problems(answer, "zh", 1500)
    assert problems == [
        "organisations: at most 4 items, not 5",
        f"topic: at most {limits['topic']} characters, not {limits['topic'] + 1}",
        f"points.0.text: at most {limits['point']} characters, not {limits['point'] + 1}",
        f"points.1.text: at most {limits['point']} characters, not {limits['point'] + 1}",
        f"points.2.text: at most {limits['point']} characters, not {limits['point'] + 1}",
    ]
    assert bounds_problems(GOOD, "zh", 1500) == []
    with pytest.raises(ValueError, match="^topic: at most"):
        parse_answer(json.dumps({**GOOD, "topic": "x" * 10_000}), "zh", 1500)


@pytest.fixture(autouse=False)
def fresh_formats():
    llm_module.forget_formats()


@pytest.mark.parametrize("runaway", [
    {"topic": "长" * 10_000_000},
    {"organisations": [f"Org {i}" for i in range(5000)]},
], ids=["10MB-topic", "5000-organisations"])
def test_a_runaway_llm_answer_is_re_asked_then_fails_the_paper_with_the_log_untouched(
        tmp_path, shared_data, fresh_formats, runaway):
    log = make_log(tmp_path)
    answer = json.dumps({**GOOD, **runaway}, ensure_ascii=False)
    with FaultServer([Reply.answer(answer)]) as server:
        conf = tmp_path / "paperflow.toml"
        conf.write_text(f'output_dir = "out"\n[log]\npath = "README.md"\n[llm]\nbase_url = "{server.base_url}"\n'
                        'model = "m"\nmax_repairs = 1\nresponse_format = "json_object"\n')
        result = run("--config", str(conf), "summarize", str(shared_data / "pdf/arxiv_1406.2661v1_gan.pdf"),
                     "--date", "2024-02-01")
    assert result.exit_code == 1, result.output
    assert log.read_bytes() == LOG
    assert len(server.requests) == 2  # asked, re-asked, failed
    field = "topic" if "topic" in runaway else "organisations"
    failed = [line for line in result.output.splitlines() if "FAILED" in line]
    assert len(failed) == 1 and len(failed[0]) < 400
    assert f"summarize: FAILED: no valid summary after 2 answers (1 re-asks): {field}: at most" in failed[0]
    # The re-ask quotes the runaway answer only in part.
    quoted = [m["content"] for m in server.requests[1]["messages"] if m["role"] == "assistant"]
    assert len(quoted) == 1 and len(quoted[0]) == min(len(answer), 20_000)
    assert "Traceback" not in result.output
