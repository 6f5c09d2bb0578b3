"""The one settings object: `paperflow.toml` plus `PAPERFLOW_<SECTION>__<KEY>` environment overrides.

Precedence, highest first: values passed in code, environment, the TOML file, defaults.
This is the only module that reads the process environment for configuration; everything else
receives a `Settings` value.
"""

from __future__ import annotations

import os
import tomllib
from importlib import resources
from collections.abc import Mapping
from contextvars import ContextVar
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    InitSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

CONFIG_FILE_NAME = "paperflow.toml"
CONFIG_ENV_VAR = "PAPERFLOW_CONFIG"
ENV_PREFIX = "PAPERFLOW_"
# The repository's prompts/ folder, installed as the package data of `paperflow.prompts`.
DEFAULT_PROMPTS_DIR = Path(str(resources.files("paperflow.prompts")))
_FILE_LAYER: ContextVar[dict[str, Any]] = ContextVar("paperflow_file_layer", default={})


class SettingsError(Exception):
    """A configuration problem, described in one line that names the file and the key."""


class _Section(BaseModel):
    # A typo in a key ("modle") is an error naming the key, not a silently ignored line.
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class LogSettings(_Section):
    path: Path = Path("README.md")
    language: Literal["zh", "en"] = "zh"
    style_examples: int = Field(3, ge=0, le=20, description="recent hand-written entries shown to the LLM")
    entry_template: Path | None = Field(None, description="custom entry template; default prompts/entry.md.j2")


class ArxivQuery(_Section):
    query: str = Field(min_length=1, description="arXiv query syntax, e.g. 'abs:\"in-context learning\"'")
    name: str | None = None
    categories: list[str] = Field(default_factory=list)
    max_results: int = Field(50, ge=1, le=2000)


class ArxivSettings(_Section):
    api_url: str = "https://export.arxiv.org/api/query"
    pdf_hosts: list[str] = Field(default_factory=lambda: ["arxiv.org", "export.arxiv.org"])
    delay_seconds: float = Field(3.0, ge=0)
    timeout_seconds: float = Field(30.0, gt=0)
    retries: int = Field(3, ge=0, le=20)
    lookback_days: int = Field(2, ge=1, le=365)
    max_pdf_bytes: int = Field(50_000_000, gt=0)
    # Measured on ~100 real arXiv titles (tests/test_pending_match.py): different papers score up to 0.93,
    # case/punctuation/subtitle variants 1.0, a one-letter typo >= 0.96.
    title_match_threshold: float = Field(0.95, gt=0, le=1)
    queries: list[ArxivQuery] = Field(default_factory=list)


class ExtractSettings(_Section):
    # pdfium: no glued words or glyph names and ~13x faster than pypdf (stack-facts); pypdf for those who must
    engine: Literal["pdfium", "pypdf"] = "pdfium"
    max_pages: int = Field(120, ge=1)
    timeout_seconds: float = Field(60.0, gt=0)
    max_input_tokens: int = Field(6000, ge=500)
    max_memory_mb: int = Field(1024, ge=256, description="address-space limit of the extraction process")


class LLMPrice(_Section):
    input_per_million: float = Field(0.0, ge=0)
    output_per_million: float = Field(0.0, ge=0)


class LLMSettings(_Section):
    # No base_url means no LLM: paperflow writes an extractive draft and says how to configure one.
    base_url: str | None = None
    model: str | None = None
    api_key_env: str | None = Field(None, description="NAME of the variable holding the key, never the key")
    temperature: float = Field(0.2, ge=0, le=2)
    max_output_tokens: int = Field(1500, ge=64)
    timeout_seconds: float = Field(120.0, gt=0)
    max_concurrency: int = Field(2, ge=1, le=64)
    max_repairs: int = Field(2, ge=0, le=10, description="re-asks after invalid output")
    retries: int = Field(5, ge=0, le=20)
    retry_max_seconds: float = Field(300.0, gt=0, description="total time cap for retries of one call")
    retry_backoff_seconds: float = Field(2.0, gt=0, description="first backoff wait; doubles per retry (max 60)")
    response_format: Literal["auto", "json_schema", "json_object", "text"] = "auto"
    prices: dict[str, LLMPrice] = Field(default_factory=dict, description="model name -> price per 1M tokens")

    @property
    def enabled(self) -> bool:
        return bool(self.base_url)


class ScheduleSettings(_Section):
    cron: str = "0 2 * * *"
    timezone: str | None = None  # None: the top-level timezone

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        return _check_timezone(value)


class ReviewSettings(_Section):
    enabled: bool = True
    branch_prefix: str = "paperflow/"
    remote: str = "origin"
    base_branch: str | None = None  # None: the remote's default branch
    api_url: str = "https://api.github.com"
    repository: str | None = None  # "owner/name"; None: derived from the remote URL
    token_env: str = "GITHUB_TOKEN"
    use_gh_cli: bool = True
    author_name: str | None = None
    author_email: str | None = None


class PrefectSettings(_Section):
    # No api_url: flows run on a temporary in-process server (slow start, no schedules) and
    # `paperflow summarize` takes the plain path without Prefect.
    api_url: str | None = Field(None, description="a running `prefect server start`, e.g. http://127.0.0.1:4200/api")
    arxiv_concurrency: int = Field(1, ge=1, le=4, description="arXiv requests at once across all flow runs")
    health_timeout_seconds: float = Field(3.0, gt=0, description="how long `paperflow serve` waits for the server")


def _check_timezone(value: str | None) -> str | None:
    if value in (None, "", "local"):
        return None
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {value!r}") from exc
    return value


class Settings(BaseSettings):
    """Everything paperflow can be told. See README.md, section "Configuration"."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_nested_delimiter="__",
        extra="forbid",
        validate_assignment=True,
    )

    output_dir: Path = Path("output")
    timezone: str | None = Field(None, description="IANA zone for 'today'; default the machine's local zone")
    max_attempts: int = Field(3, ge=1, le=100, description="nights a failing paper is retried")
    prompts_dir: Path | None = Field(None, description="templates folder; default the repository's prompts/")
    log: LogSettings = Field(default_factory=LogSettings)
    arxiv: ArxivSettings = Field(default_factory=ArxivSettings)
    extract: ExtractSettings = Field(default_factory=ExtractSettings)
    llm: LLMSettings = Field(default_factory=LLMSettings)
    schedule: ScheduleSettings = Field(default_factory=ScheduleSettings)
    review: ReviewSettings = Field(default_factory=ReviewSettings)
    prefect: PrefectSettings = Field(default_factory=PrefectSettings)

    _tz_check = field_validator("timezone")(lambda cls, v: _check_timezone(v))

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The TOML file is the lowest layer; load_settings parses it and hands it over here.
        return (init_settings, env_settings, InitSettingsSource(settings_cls, init_kwargs=_FILE_LAYER.get()))

    def zone(self) -> ZoneInfo | None:
        return ZoneInfo(self.timezone) if self.timezone else None

    def today(self) -> date:
        """Today's date in the configured time zone (the machine's local zone by default)."""
        return datetime.now(self.zone()).date() if self.zone() else date.today()

    def output_path(self, *parts: str) -> Path:
        """A path under output_dir, created as a folder when `parts` names one that does not exist."""
        return self.output_dir.joinpath(*parts)

    def prompts_path(self) -> Path:
        return self.prompts_dir or DEFAULT_PROMPTS_DIR

    def public_dict(self) -> dict[str, Any]:
        """The settings as plain data, safe to print: key *names* only, never key values."""
        return self.model_dump(mode="json")


def find_config_file(config: Path | str | None = None, env: Mapping[str, str] | None = None) -> Path | None:
    """The config file to read: `config` if given, else $PAPERFLOW_CONFIG, else ./paperflow.toml if present."""
    env = os.environ if env is None else env
    if config:
        path = Path(config)
        if not path.is_file():
            raise SettingsError(f"config file {path} does not exist")
        return path
    if env.get(CONFIG_ENV_VAR):
        path = Path(env[CONFIG_ENV_VAR])
        if not path.is_file():
            raise SettingsError(f"config file {path} (from {CONFIG_ENV_VAR}) does not exist")
        return path
    local = Path.cwd() / CONFIG_FILE_NAME
    return local if local.is_file() else None


def load_settings(config: Path | str | None = None, **overrides: Any) -> Settings:
    """Read the settings: defaults < `paperflow.toml` < environment < `overrides`.

    Raises SettingsError with a one-line message naming the file and the offending key.
    Relative paths in the file (log.path, output_dir, ...) are relative to the file's folder.
    """
    path = find_config_file(config)
    file_data: dict[str, Any] = {}
    if path is not None:
        try:
            file_data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError(f"{path}: not valid TOML: {exc}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise SettingsError(f"{path}: cannot read: {exc}") from None
    source = str(path) if path else "settings"
    token = _FILE_LAYER.set(file_data)
    try:
        settings = Settings(**overrides)
    except ValidationError as exc:
        raise SettingsError(f"{_error_source(exc, source)}: {_first_error(exc)}") from None
    finally:
        _FILE_LAYER.reset(token)
    if path is not None:
        settings = _anchor_paths(settings, path.parent.resolve(), file_data)
    return settings


def _anchor_paths(settings: Settings, base: Path, file_data: Mapping[str, Any]) -> Settings:
    # Paths written in the file mean "next to the file", wherever paperflow is started from.
    # A value that came from the environment or from code instead is left as given (relative to
    # the working directory), hence the check that the value is still the file's.
    def from_file(value: Path | None, written: Any) -> bool:
        return value is not None and written is not None and not value.is_absolute() and value == Path(str(written))

    log_data = file_data.get("log", {}) or {}
    if from_file(settings.output_dir, file_data.get("output_dir")):
        settings.output_dir = base / settings.output_dir
    if from_file(settings.log.path, log_data.get("path")):
        settings.log.path = base / settings.log.path
    if file_data.get("prompts_dir") and from_file(settings.prompts_dir, file_data.get("prompts_dir")):
        settings.prompts_dir = base / settings.prompts_dir
    if log_data.get("entry_template") and from_file(settings.log.entry_template, log_data.get("entry_template")):
        settings.log.entry_template = base / settings.log.entry_template
    return settings


def _error_source(exc: ValidationError, default: str) -> str:
    # The environment overrides the file: a bad value set there must not be blamed on the file.
    loc = exc.errors()[0]["loc"]
    name = ENV_PREFIX + "__".join(str(part) for part in loc).upper()
    if loc and any(key.upper() == name for key in os.environ):
        return f"environment variable {name}"
    return default


def _first_error(exc: ValidationError) -> str:
    errors = exc.errors()
    first = errors[0]
    key = ".".join(str(p) for p in first["loc"]) or "(top level)"
    message = first["msg"]
    if first["type"] == "extra_forbidden":
        message = "unknown key"
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{key}: {message}{more}"
