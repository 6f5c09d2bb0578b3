"""Settings: where paperflow.toml is found, what overrides what, paths, and one-line errors naming the key."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from paperflow.settings import Settings, SettingsError, load_settings

PAPERFLOW = Path(sys.executable).parent / "paperflow"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_defaults_without_any_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings = load_settings()
    assert settings.log.path is None  # never a guess: --log or [log] path names the log
    assert settings.output_dir == Path("output")
    assert settings.timezone is None
    assert settings.log.language == "zh"


def test_paperflow_toml_in_the_current_directory_is_found(tmp_path, monkeypatch):
    write(tmp_path / "paperflow.toml", 'timezone = "Asia/Shanghai"\n[log]\nlanguage = "en"\n')
    monkeypatch.chdir(tmp_path)
    settings = load_settings()
    assert settings.timezone == "Asia/Shanghai" and settings.log.language == "en"


def test_config_argument_beats_env_var_beats_current_directory(tmp_path, monkeypatch):
    write(tmp_path / "paperflow.toml", "max_attempts = 1\n")
    env_file = write(tmp_path / "env" / "conf.toml", "max_attempts = 2\n")
    arg_file = write(tmp_path / "arg" / "conf.toml", "max_attempts = 3\n")
    monkeypatch.chdir(tmp_path)
    assert load_settings().max_attempts == 1
    monkeypatch.setenv("PAPERFLOW_CONFIG", str(env_file))
    assert load_settings().max_attempts == 2
    assert load_settings(arg_file).max_attempts == 3


def test_a_named_config_file_that_does_not_exist_is_an_error(tmp_path, monkeypatch):
    with pytest.raises(SettingsError, match="does not exist"):
        load_settings(tmp_path / "missing.toml")
    monkeypatch.setenv("PAPERFLOW_CONFIG", str(tmp_path / "gone.toml"))
    with pytest.raises(SettingsError, match=r"gone\.toml \(from PAPERFLOW_CONFIG\) does not exist"):
        load_settings()


def test_environment_overrides_the_file_and_code_overrides_both(tmp_path, monkeypatch):
    conf = write(tmp_path / "paperflow.toml", '[log]\nlanguage = "en"\nstyle_examples = 4\n[llm]\nmodel = "file-model"\n')
    monkeypatch.setenv("PAPERFLOW_LOG__STYLE_EXAMPLES", "7")
    monkeypatch.setenv("PAPERFLOW_LLM__MODEL", "env-model")
    settings = load_settings(conf)
    assert settings.log.style_examples == 7  # from the environment
    assert settings.log.language == "en"  # the rest of the section still comes from the file
    assert settings.llm.model == "env-model"
    assert load_settings(conf, max_attempts=9).max_attempts == 9


def test_relative_paths_in_the_file_are_anchored_at_the_files_folder(tmp_path, monkeypatch):
    conf = write(tmp_path / "repo" / "paperflow.toml", 'output_dir = "out"\nprompts_dir = "my-prompts"\n[log]\npath = "notes/README.md"\nentry_template = "t/entry.md.j2"\n')
    (tmp_path / "repo" / "my-prompts").mkdir()
    write(tmp_path / "repo" / "t" / "entry.md.j2", "《{{ s.title }}》\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    settings = load_settings(conf)
    base = (tmp_path / "repo").resolve()
    assert settings.output_dir == base / "out"
    assert settings.log.path == base / "notes" / "README.md"
    assert settings.prompts_dir == base / "my-prompts"
    assert settings.log.entry_template == base / "t" / "entry.md.j2"


def test_absolute_paths_and_paths_from_the_environment_are_left_alone(tmp_path, monkeypatch):
    absolute = tmp_path / "abs" / "log.md"
    conf = write(tmp_path / "repo" / "paperflow.toml", f'output_dir = "out"\n[log]\npath = "{absolute}"\n')
    monkeypatch.setenv("PAPERFLOW_OUTPUT_DIR", "from-env")
    settings = load_settings(conf)
    assert settings.log.path == absolute
    assert settings.output_dir == Path("from-env")  # relative to where paperflow runs, like any env path


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        ("colour = 1\n", "colour: unknown key"),
        ("[log]\nmodle = 1\n", "log.modle: unknown key"),
        ("[log]\nstyle_examples = \"many\"\n", "log.style_examples: Input should be a valid integer"),
        ("[log]\nstyle_examples = 99\n", "log.style_examples: Input should be less than or equal to 20"),
        ("[log]\nlanguage = \"fr\"\n", "log.language: Input should be 'zh' or 'en'"),
        ("max_attempts = [1]\n", "max_attempts: Input should be a valid integer"),
        ("timezone = \"Mars/Olympus\"\n", "timezone: unknown time zone 'Mars/Olympus'"),
        ("[schedule]\ntimezone = \"Nowhere/Land\"\n", "schedule.timezone: unknown time zone 'Nowhere/Land'"),
        ("log = 3\n", "log: Input should be a valid dictionary"),
        ("[log\npath = 1\n", "not valid TOML"),
        ("a = = 1\n", "not valid TOML"),
    ],
)
def test_an_invalid_file_is_one_line_naming_the_file_and_the_key(tmp_path, toml, expected):
    conf = write(tmp_path / "paperflow.toml", toml)
    with pytest.raises(SettingsError) as info:
        load_settings(conf)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{conf}: ")
    assert expected in message


def test_a_bad_value_in_the_environment_names_the_variable(tmp_path, monkeypatch):
    conf = write(tmp_path / "paperflow.toml", "[log]\nstyle_examples = 2\n")
    monkeypatch.setenv("PAPERFLOW_LOG__STYLE_EXAMPLES", "lots")
    with pytest.raises(SettingsError, match="^environment variable PAPERFLOW_LOG__STYLE_EXAMPLES: log.style_examples: "):
        load_settings(conf)


def test_a_file_that_is_not_utf8_is_a_clear_error(tmp_path):
    conf = tmp_path / "paperflow.toml"
    conf.write_bytes(b'timezone = "caf\xe9"\n')
    with pytest.raises(SettingsError, match="cannot read"):
        load_settings(conf)


def test_several_errors_are_still_one_line(tmp_path):
    conf = write(tmp_path / "paperflow.toml", "a = 1\nb = 2\n[log]\nc = 3\n")
    with pytest.raises(SettingsError) as info:
        load_settings(conf)
    assert "\n" not in str(info.value) and "(and 2 more)" in str(info.value)


def test_today_uses_the_configured_zone():
    from datetime import datetime
    from zoneinfo import ZoneInfo

    for zone in ("Pacific/Kiritimati", "Pacific/Pago_Pago"):  # UTC+14 and UTC-11: different dates most of the day
        settings = Settings(timezone=zone)
        before = datetime.now(ZoneInfo(zone)).date()
        today = settings.today()
        assert today in {before, datetime.now(ZoneInfo(zone)).date()}  # midnight may pass in between


def test_public_dict_never_holds_secret_values(monkeypatch):
    monkeypatch.setenv("MY_KEY", "sk-secret-value")
    settings = Settings(llm={"api_key_env": "MY_KEY", "base_url": "http://127.0.0.1:1"})
    assert "sk-secret-value" not in str(settings.public_dict())
    assert settings.public_dict()["llm"]["api_key_env"] == "MY_KEY"


def test_cli_exits_2_with_the_one_line_message_on_stderr(tmp_path):
    conf = write(tmp_path / "bad.toml", "[log]\nmodle = 1\n")
    proc = subprocess.run([str(PAPERFLOW), "--config", str(conf), "log", "check"], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr == f"paperflow: {conf}: log.modle: unknown key\n"


def test_cli_reads_paperflow_config_from_the_environment(tmp_path):
    import os

    conf = write(tmp_path / "conf" / "paperflow.toml", '[log]\npath = "log.md"\n')
    (tmp_path / "conf" / "log.md").write_text("# 2024.1\n\n## 2024.1.3\n\n《A》\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERFLOW_")}
    env["PAPERFLOW_CONFIG"] = str(conf)
    proc = subprocess.run([str(PAPERFLOW), "log", "check"], capture_output=True, text=True, timeout=120, cwd=tmp_path, env=env)
    assert proc.returncode == 0, proc.stderr
    assert "1 months, 1 days, 1 entries" in proc.stdout
    env["PAPERFLOW_LOG__PATH"] = str(tmp_path / "missing.md")
    proc = subprocess.run([str(PAPERFLOW), "log", "check"], capture_output=True, text=True, timeout=120, cwd=tmp_path, env=env)
    assert proc.returncode == 2 and "missing.md does not exist" in proc.stderr
