"""Start-up: `import paperflow.cli` loads typer and the command modules, nothing a command loads
when it runs (the time is measured by benchmarks/startup.py, never here)."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.metadata import version

from cli_helpers import run

# What `paperflow --help` or `paperflow log check` must not pay for.
HEAVY = ["openai", "prefect", "pypdfium2", "pypdf", "bm25s", "numpy", "yake", "arxiv", "httpx",
         "paperflow.pipeline", "paperflow.sources.budget", "paperflow.text.budget", "paperflow.ledger",
         "paperflow.summary.llm", "flows"]


def _loaded_after(code: str) -> set[str]:
    probe = f"import sys, json\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120)
    return set(json.loads(out.stdout.splitlines()[-1]))


def test_importing_the_cli_loads_no_stage_library_and_no_orchestrator():
    loaded = _loaded_after("import paperflow.cli")
    assert "paperflow.cli.log_cmds" in loaded and "paperflow.cli.summarize_cmds" in loaded  # the probe works
    assert sorted(m for m in HEAVY if m in loaded) == []


def test_help_and_log_check_load_no_stage_library(tmp_path):
    log = tmp_path / "log.md"
    log.write_text("# papers\n\n# pending list\n\n- [ ] a paper\n\n# 2024.1\n\n## 2024.1.3\n\n《X》\n\nabc\n")
    for args in (["--help"], ["log", "check", str(log)]):
        loaded = _loaded_after(
            "from paperflow.cli import app\n"
            f"try:\n    app({args!r})\nexcept SystemExit as exc:\n    assert exc.code in (0, None), exc.code\n"
        )
        assert sorted(m for m in HEAVY if m in loaded) == [], args


def test_version_prints_the_installed_version():
    result = run("--version")
    assert result.exit_code == 0, result.output
    assert result.stdout == f"paperflow {version('paperflow')}\n"


def test_a_bad_setting_is_still_one_line_when_settings_load_lazily(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "paperflow.toml").write_text("[llm]\nmodle = 'x'\n")
    result = run("log", "check")
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("paperflow: ") and "llm.modle: unknown key" in lines[0], lines
