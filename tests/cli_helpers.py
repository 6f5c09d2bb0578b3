"""Helpers for tests of the `paperflow` command: run it, read its one-line errors, write summary files."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from paperflow.cli import app


def run(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(app, list(args), env=env)


def one_line_error(result) -> str:
    """The one line a failed command printed: exit 2, nothing on stdout, no traceback."""
    assert result.exit_code == 2, result.output
    assert result.stdout == "" and "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


SUMMARY = {
    "arxiv_id": "2401.04088",
    "published": "2024.1",
    "organisations": ["Mistral AI"],
    "topic": "sparse MoE 语言模型",
    "keywords": ["moe", "routing", "scaling"],
    "points": [{"label": "背景", "text": "a"}, {"label": "模型", "text": "b"}, {"label": "实验结果", "text": "c"}],
    "verdict": "总体上，值得跟进。",
}


def summary_file(folder: Path, title: str, **changes) -> Path:
    """A valid summary JSON file (for `paperflow log insert`) with `changes` applied."""
    data = {"title": title, **SUMMARY, **changes}
    path = folder / f"summary-{abs(hash((title, json.dumps(changes, sort_keys=True)))) }.json"
    path.write_text(json.dumps(data, ensure_ascii=False))
    return path
