"""`paperflow log check|insert|schema` and `paperflow pending`, against counts known from how each log was built."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from logs.builder import STYLES, Day, Entry, Item, Log, Month, sample_log

from cli_helpers import one_line_error, run, summary_file
from paperflow.log.weekly_log import parse_log
from paperflow.models import Summary

PAPERFLOW = Path(sys.executable).parent / "paperflow"


def random_log(seed: int) -> Log:
    rng = random.Random(seed)
    months, n = [], 0
    for year, month in sorted({(rng.randint(2019, 2024), rng.randint(1, 12)) for _ in range(rng.randint(0, 5))}, reverse=True):
        days = []
        for d in sorted(rng.sample(range(1, 29), rng.randint(0, 4)), reverse=True):
            entries = []
            for _ in range(rng.randint(0, 4)):
                n += 1
                entries.append(Entry(f"Random Paper {n}", rng.choice(STYLES)))
            days.append(Day(date(year, month, d), entries))
        months.append(Month(year, month, days, loose=[f"loose {i}" for i in range(rng.randint(0, 2))]))
    pending = None
    if rng.random() < 0.7:
        pending = [Item(f"item {i}", done=rng.random() < 0.3, level=0) for i in range(rng.randint(0, 8))]
    return Log(
        pending=pending,
        months=months,
        newlines=rng.choice([("\n",), ("\r\n",), ("\n", "\r\n")]),
        bom=rng.random() < 0.3,
        trailing_newline=rng.random() < 0.7,
    )


def logs_to_check():
    non_utf8 = sample_log()
    non_utf8.months[0].days[0].entries[0].body = [b"caf\xe9 \xff"]
    yield "sample", sample_log()
    yield "crlf-bom-no-trailing-newline", sample_log(newlines=("\r\n",), bom=True, trailing_newline=False)
    yield "no-pending-list", sample_log(pending=None)
    yield "only-pending", Log(pending=[Item("a"), Item("b", done=True), Item("c", level=1)])
    yield "empty", Log(preamble=[])
    yield "non-utf8", non_utf8
    for seed in range(8):
        yield f"random-{seed}", random_log(seed)


CASES = list(logs_to_check())


@pytest.mark.parametrize(("name", "log"), CASES, ids=[name for name, _ in CASES])
def test_check_json_agrees_with_the_counts_the_log_was_built_with(tmp_path, name, log):
    built = log.build()
    path = tmp_path / "README.md"
    path.write_bytes(built.data)
    result = run("log", "check", str(path), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert {k: report[k] for k in built.counts} == built.counts
    assert [u["line"] for u in report["unclassified_lines"]] == [i + 1 for i in built.unclassified]
    assert report["unclassified"] == len(built.unclassified)
    assert report["bom"] is log.bom
    assert report["has_pending_list"] is (log.pending is not None)


def test_check_text_output(tmp_path):
    built = sample_log().build()
    path = tmp_path / "README.md"
    path.write_bytes(built.data)
    result = run("log", "check", str(path))
    assert result.exit_code == 0
    c = built.counts
    assert f"{c['months']} months, {c['days']} days, {c['entries']} entries" in result.stdout
    assert f"pending list: {c['pending_open']} open, {c['pending_done']} ticked" in result.stdout
    line = built.unclassified[0]
    assert f"unclassified line {line + 1}: Attention sinks (to read later)" in result.stdout


def test_check_says_when_there_is_no_pending_list(tmp_path):
    path = tmp_path / "README.md"
    path.write_bytes(sample_log(pending=None).build().data)
    assert "no '# pending list' section" in run("log", "check", str(path)).stdout


def test_check_a_missing_file_is_an_error(tmp_path):
    line = one_line_error(run("log", "check", str(tmp_path / "nope.md")))
    assert line == f"paperflow: log: {tmp_path / 'nope.md'} does not exist"


def test_check_without_a_file_reads_log_path_from_the_settings(tmp_path, monkeypatch):
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "weekly.md").write_bytes(sample_log().build().data)
    (tmp_path / "paperflow.toml").write_text('[log]\npath = "notes/weekly.md"\n')
    monkeypatch.chdir(tmp_path)
    result = run("log", "check", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["entries"] == sample_log().build().counts["entries"]


def test_check_as_a_real_process(tmp_path):
    built = sample_log(newlines=("\r\n",), bom=True).build()
    path = tmp_path / "README.md"
    path.write_bytes(built.data)
    proc = subprocess.run([str(PAPERFLOW), "log", "check", str(path), "--json"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert {k: report[k] for k in built.counts} == built.counts
    assert report["line_endings"] == "crlf"
    missing = subprocess.run([str(PAPERFLOW), "log", "check", str(tmp_path / "nope.md")], capture_output=True, text=True, timeout=120)
    assert missing.returncode == 2
    assert missing.stdout == ""
    assert missing.stderr.strip().count("\n") == 0 and "nope.md does not exist" in missing.stderr


# ------------------------------------------------------------------------------------------ insert


def test_insert_renders_and_files_summaries_under_the_date(tmp_path):
    log = tmp_path / "README.md"
    built = sample_log().build()
    log.write_bytes(built.data)
    files = [summary_file(tmp_path, "Brand New Paper"), summary_file(tmp_path, "mixtral of EXPERTS")]
    result = run("log", "insert", *map(str, files), "--log", str(log), "--date", "2024-02-05")
    assert result.exit_code == 0, result.output
    assert "inserted under ## 2024.2.5: Brand New Paper" in result.stdout
    assert "skipped, already in the log: mixtral of EXPERTS" in result.stdout
    data = log.read_bytes()
    assert "# 2024.2\n\n## 2024.2.5\n\n《Brand New Paper》\n\n**keywords:** moe, routing, scaling".encode() in data
    report = json.loads(run("log", "check", str(log), "--json").stdout)
    assert report["months"] == built.counts["months"] + 1
    assert report["entries"] == built.counts["entries"] + 1
    # Again: everything is skipped and the file is untouched.
    again = run("log", "insert", *map(str, files), "--log", str(log), "--date", "2024.2.5")
    assert again.exit_code == 0
    assert "inserted" not in again.stdout and again.stdout.count("skipped") == 2
    assert log.read_bytes() == data


def test_insert_into_a_missing_log_is_refused_and_create_starts_one(tmp_path):
    log = tmp_path / "README.md"
    args = ["log", "insert", str(summary_file(tmp_path, "First")), "--log", str(log), "--date", "2024-01-03"]
    line = one_line_error(run(*args))
    assert line == f"paperflow: log: {log} does not exist; pass --create to start a new log there"
    assert not log.exists()
    result = run(*args, "--create")
    assert result.exit_code == 0, result.output
    assert f"created a new log at {log}" in result.stderr
    assert log.read_bytes().startswith("# pending list\n\n# 2024.1\n\n## 2024.1.3\n\n《First》".encode())
    # --create on an existing log changes nothing but the insert.
    again = run("log", "insert", str(summary_file(tmp_path, "Second")), "--log", str(log), "--date", "2024-01-03",
                "--create")
    assert again.exit_code == 0 and "created" not in again.stderr
    assert parse_log(log.read_bytes()).counts()["entries"] == 2


def test_insert_defaults_to_log_path_and_today_in_the_configured_zone(tmp_path, monkeypatch):
    (tmp_path / "paperflow.toml").write_text('timezone = "UTC"\n[log]\npath = "papers.md"\n')
    (tmp_path / "papers.md").write_text("# pending list\n\n")
    monkeypatch.chdir(tmp_path)
    result = run("log", "insert", str(summary_file(tmp_path, "Today Paper")))
    assert result.exit_code == 0, result.output
    from datetime import datetime, timezone

    today = datetime.now(timezone.utc).date()
    assert f"## {today.year}.{today.month}.{today.day}" in (tmp_path / "papers.md").read_text()


def test_insert_rejects_a_bad_date(tmp_path):
    result = run("log", "insert", str(summary_file(tmp_path, "X")), "--log", str(tmp_path / "l.md"), "--date", "3 Jan")
    assert result.exit_code == 2
    assert "is not a date like 2024-01-03" in result.output
    assert not (tmp_path / "l.md").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "(file)"),
        (json.dumps({"title": "T"}), "published"),
        (None, "does not exist"),
    ],
)
def test_insert_reports_a_bad_summary_file_in_one_line(tmp_path, content, message):
    bad = tmp_path / "bad.json"
    if content is not None:
        bad.write_text(content)
    log = tmp_path / "README.md"
    log.write_bytes(b"# 2024.1\n")
    good = summary_file(tmp_path, "Good")
    result = run("log", "insert", str(good), str(bad), "--log", str(log), "--date", "2024-01-03")
    text = one_line_error(result)
    assert str(bad) in text and "log insert" in text and message in text
    assert log.read_bytes() == b"# 2024.1\n"  # nothing written when one file is bad


def test_insert_escapes_hostile_summaries(tmp_path):
    log = tmp_path / "README.md"
    log.write_bytes(sample_log().build().data)
    hostile = summary_file(tmp_path, "Hostile\n# 2099.1", topic="x\n## 2099.1.1\n<script>")
    assert run("log", "insert", str(hostile), "--log", str(log), "--date", "2024-01-03").exit_code == 0
    report = json.loads(run("log", "check", str(log), "--json").stdout)
    assert report["months"] == 2 and report["days"] == 4 and report["entries"] == 7
    assert b"<script>" not in log.read_bytes()


# ------------------------------------------------------------------------------------------ schema


def test_schema_is_the_summary_json_schema():
    result = run("log", "schema")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema == json.loads(json.dumps(Summary.model_json_schema()))
    assert {"title", "published", "keywords", "points", "verdict"} <= set(schema["required"]) | set(schema["properties"])


def test_a_file_written_from_the_schema_is_accepted(tmp_path):
    schema = json.loads(run("log", "schema").stdout)
    path = summary_file(tmp_path, "From Schema")
    assert set(json.loads(path.read_text())) <= set(schema["properties"])
    assert Summary.model_validate_json(path.read_bytes()).title == "From Schema"


# ----------------------------------------------------------------------------------------- pending


def test_pending_lists_open_items_with_their_lines_and_nesting(tmp_path):
    built = sample_log().build()
    path = tmp_path / "README.md"
    path.write_bytes(built.data)
    result = run("pending", str(path))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    expected = [(line, item) for line, item in built.pending_lines.items() if not item.done]
    assert len(lines) == len(expected)
    for out, (line, item) in zip(lines, expected):
        assert out == f"{line + 1:>5} {'  ' * item.level}[ ] {item.text}"


def test_pending_all_and_json(tmp_path):
    built = sample_log().build()
    path = tmp_path / "README.md"
    path.write_bytes(built.data)
    rows = json.loads(run("pending", str(path), "--all", "--json").stdout)
    assert [(r["line"], r["done"], r["level"], r["text"]) for r in rows] == [
        (line + 1, item.done, item.level, item.text) for line, item in built.pending_lines.items()
    ]


def test_pending_on_a_log_without_a_pending_list_prints_nothing(tmp_path):
    path = tmp_path / "README.md"
    path.write_bytes(sample_log(pending=None).build().data)
    result = run("pending", str(path))
    assert result.exit_code == 0 and result.stdout == ""
