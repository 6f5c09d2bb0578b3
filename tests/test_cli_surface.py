"""Every command, given bad input, ends in a line a person can act on: never a traceback.

Bad input here is what a clumsy user types: a missing, mistyped or special file, a folder, a bad id, a
bad date, a missing argument, an unknown option, no log configured, a broken config file. Nothing here
needs the network (the arXiv API and the LLM point at a closed local port) or a Prefect server."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from logs.builder import sample_log

from cli_helpers import run, summary_file
from tests.support.local_server import free_port

PAPERFLOW = Path(sys.executable).parent / "paperflow"
LOG = sample_log().build().data


@pytest.fixture
def place(tmp_path: Path) -> dict[str, str]:
    """Files to be clumsy with, and a config whose network endpoints refuse at once."""
    closed = f"http://127.0.0.1:{free_port()}"
    (tmp_path / "log.md").write_bytes(LOG)
    (tmp_path / "folder").mkdir()
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "not.pdf").write_text("not a pdf")
    (tmp_path / "bad.json").write_text("{not json")
    (tmp_path / "good.toml").write_text(f'output_dir = "out"\n[log]\npath = "log.md"\n[arxiv]\napi_url = "{closed}/api"\n'
                                        f'retries = 0\ntimeout_seconds = 2\n[llm]\nbase_url = "{closed}/v1"\nmodel = "m"\n'
                                        "retries = 0\n")
    (tmp_path / "nolog.toml").write_text(f'output_dir = "out"\n[arxiv]\napi_url = "{closed}/api"\n')
    (tmp_path / "broken.toml").write_text("[log\npath = 1\n")
    (tmp_path / "unknown.toml").write_text('[log]\npath = "log.md"\nmodle = 1\n')
    return {
        "tmp": str(tmp_path), "log": str(tmp_path / "log.md"), "missing": str(tmp_path / "missing.md"),
        "folder": str(tmp_path / "folder"), "fifo": str(tmp_path / "fifo"), "notpdf": str(tmp_path / "not.pdf"),
        "badjson": str(tmp_path / "bad.json"), "summary": str(summary_file(tmp_path, "Good Summary")),
        "good": str(tmp_path / "good.toml"), "nolog": str(tmp_path / "nolog.toml"),
        "broken": str(tmp_path / "broken.toml"), "unknown": str(tmp_path / "unknown.toml"),
    }


# (config, arguments): every command, several kinds of bad input each.
CASES = [
    ("good", ["pending", "{missing}"]), ("good", ["pending", "{folder}"]), ("good", ["pending", "{fifo}"]),
    ("nolog", ["pending"]), ("good", ["pending", "--bogus"]),
    ("good", ["log", "check", "{fifo}"]), ("good", ["log", "check", "{folder}"]), ("nolog", ["log", "check"]),
    ("good", ["log", "insert", "{badjson}", "--log", "{log}"]), ("good", ["log", "insert", "{fifo}"]),
    ("good", ["log", "insert", "{folder}"]), ("good", ["log", "insert", "{summary}", "--log", "{missing}"]),
    ("good", ["log", "insert", "{summary}", "--date", "0001-01-01"]), ("good", ["log", "insert"]),
    ("nolog", ["log", "insert", "{summary}"]), ("good", ["log", "insert", "{summary}", "--log", "{fifo}"]),
    ("good", ["log", "schema", "extra"]), ("good", ["log", "nosuch"]),
    ("good", ["fetch", "not-an-id"]), ("good", ["fetch"]),
    ("good", ["sources", "not-an-id"]), ("good", ["sources", "--log", "{missing}"]), ("good", ["sources", "--log", "{fifo}"]),
    ("good", ["extract", "{missing}"]), ("good", ["extract", "{folder}"]), ("good", ["extract", "{fifo}"]),
    ("good", ["extract", "{notpdf}"]), ("good", ["extract", "{notpdf}", "--max-tokens", "5"]),
    ("good", ["summarize", "not-an-id", "--log", "{log}"]), ("good", ["summarize", "{notpdf}", "--log", "{log}"]),
    ("good", ["summarize", "2401.04088", "--log", "{missing}"]), ("nolog", ["summarize", "2401.04088"]),
    ("good", ["summarize", "{notpdf}", "--llm", "gpt"]), ("good", ["summarize", "{notpdf}", "--date", "tomorrow"]),
    ("good", ["summarize"]), ("good", ["summarize", "{notpdf}", "--log", "{folder}"]),
    ("good", ["nightly", "--date", "31/12/2024"]), ("nolog", ["nightly", "--dry-run"]),
    ("good", ["serve"]), ("nolog", ["serve"]),
    ("good", ["review", "--date", "someday"]), ("nolog", ["review"]), ("nolog", ["review", "status"]),
    ("good", ["review", "status", "--bogus"]),
    ("good", ["no-such-command"]),
]
# Every command that reads the settings refuses a broken or wrong config file.
for config in ("broken", "unknown"):
    CASES += [(config, args) for args in (["pending"], ["log", "check", "{log}"], ["log", "insert", "{summary}"],
                                          ["fetch", "2401.04088"], ["sources"], ["extract", "{notpdf}"],
                                          ["summarize", "{notpdf}"], ["nightly"], ["serve"], ["review"],
                                          ["review", "status"])]
CASES += [("missing", ["log", "check"]), ("folder", ["pending"])]


@pytest.mark.parametrize(("config", "args"), CASES, ids=[f"{c}:{' '.join(a)}" for c, a in CASES])
def test_bad_input_never_ends_in_a_traceback(place, monkeypatch, config, args):
    monkeypatch.chdir(place["tmp"])
    argv = ["--config", place.get(config, config), *(a.format(**place) for a in args)]
    result = run(*argv)
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    # 0 only for `sources`, which reports a bad id among what it would take.
    assert result.exit_code in ((0, 1, 2) if args[0] == "sources" else (1, 2)), result.output
    if result.exit_code == 2:
        assert result.stderr.count("\n") == 1, result.stderr  # one line
    assert Path(place["log"]).read_bytes() == LOG
    assert not Path(place["missing"]).exists()


def test_a_real_process_prints_one_line_without_a_traceback(place):
    """The same, as the installed command (what `main()` and the shell see), for a few of the cases."""
    for args in (["--config", place["unknown"], "log", "check"], ["log", "check", place["fifo"]],
                 ["--config", place["good"], "summarize", "x", "--date", "0001-01-01"],
                 ["--config", place["nolog"], "review", "status"]):
        proc = subprocess.run([str(PAPERFLOW), *args], capture_output=True, text=True, timeout=60, cwd=place["tmp"])
        assert proc.returncode == 2, (args, proc.stderr)
        assert proc.stdout == "" and proc.stderr.count("\n") == 1 and proc.stderr.startswith("paperflow")
        assert "Traceback" not in proc.stderr
