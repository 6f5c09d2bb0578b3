"""The one settings object: `paperflow.toml` plus `PAPERFLOW_<SECTION>__<KEY>` environment overrides.

Precedence, highest first: values passed in code, environment, the TOML file, defaults.
This is the only module that reads the process environment for configuration; everything else
receives a `Settings` value.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Mapping
from contextvars import ContextVar
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import jinja2
from cronsim import CronSim, CronSimError
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    InitSettingsSource,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)
from pydantic_settings import SettingsError as PydanticSettingsError

from paperflow.log.layouts import Layout, LayoutSetting

CONFIG_FILE_NAME = "paperflow.toml"
CONFIG_ENV_VAR = "PAPERFLOW_CONFIG"
ENV_PREFIX = "PAPERFLOW_"
# The repository's prompts/ folder, installed as the package data of `paperflow.prompts`.
DEFAULT_PROMPTS_DIR = Path(str(resources.files("paperflow.prompts")))
_FILE_LAYER: ContextVar[dict[str, Any]] = ContextVar("paperflow_file_layer", default={})


class SettingsError(Exception):
    """A configuration problem, described in one line that names the file and the key."""


# ------------------------------------------------------------------------------------ value checks


def _expand_user(value: Path | None) -> Path | None:
    """`~/papers/README.md` means the home folder, as in a shell."""
    return value.expanduser() if value is not None else None


def _http_url(value: str | None) -> str | None:
    """An http(s) URL with a host, checked when the settings load, not per paper later. The value is
    never repeated in the message (a URL may carry a password)."""
    if value is None:
        return None
    try:
        parts = urlsplit(value.strip())
        parts.port  # noqa: B018 - raises on a port that is not a number or out of range
    except ValueError as exc:
        raise ValueError(f"not a valid URL ({exc})") from None
    if parts.scheme.lower() not in ("http", "https"):
        what = f"{parts.scheme}://" if parts.scheme else "no scheme"
        raise ValueError(f"must be an http:// or https:// URL, not {what}")
    if not parts.hostname:
        raise ValueError("must be an http:// or https:// URL with a host name")
    return value.strip()


def _pdf_host(value: str) -> str:
    value = value.strip()
    if "://" in value:
        return _http_url(value) or value
    if not re.fullmatch(r"[A-Za-z0-9.-]+(?::[0-9]{1,5})?", value):
        raise ValueError("a PDF host is a host name (arxiv.org) or an origin (http://127.0.0.1:8000)")
    return value


def _comma_list(value: Any) -> Any:
    """A list from the environment may be JSON (`["a", "b"]`) or plain `a,b` (the README's pattern)."""
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                return json.loads(text)
            except ValueError:
                raise ValueError("not a valid JSON list") from None
        return [part.strip() for part in text.split(",") if part.strip()]
    return value


# What secrets look like: a value of this shape where a variable NAME belongs was pasted by mistake.
_SECRET_SHAPES = re.compile(
    r"^(?:sk-|sk_|pk-|rk-|ghp_|gho_|ghu_|ghs_|ghr_|github_pat_|glpat-|xox[abprs]-|hf_|AKIA|AIza|Bearer\s)"
)
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _variable_name(value: str | None) -> str | None:
    """The NAME of an environment variable. A key pasted here is refused without repeating it."""
    if value is None:
        return None
    text = value.strip()
    long_mixed = len(text) >= 32 and re.search(r"[a-z]", text) and re.search(r"[0-9]", text)
    if _SECRET_SHAPES.match(text) or long_mixed:
        raise ValueError("this looks like a key, not a variable name: put the key in an environment variable "
                         "and write that variable's NAME here")
    if not _ENV_NAME.match(text):
        raise ValueError("must be the NAME of an environment variable (letters, digits and _)")
    return text


_CRON_ALIASES = {"@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *",
                 "@weekly": "0 0 * * 0", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *"}


def _cron(value: str) -> str:
    text = value.strip()
    try:
        CronSim(_CRON_ALIASES.get(text.lower(), text), datetime(2024, 1, 1))
    except CronSimError as exc:
        raise ValueError(f"not a cron expression like '0 2 * * *' ({exc})") from None
    return text


OptionalPath = Annotated[Path | None, AfterValidator(_expand_user)]
HttpUrl = Annotated[str, AfterValidator(_http_url)]
OptionalHttpUrl = Annotated[str | None, AfterValidator(_http_url)]
VariableName = Annotated[str, AfterValidator(_variable_name)]
OptionalVariableName = Annotated[str | None, AfterValidator(_variable_name)]


class _Section(BaseModel):
    # A typo in a key ("modle") is an error naming the key, not a silently ignored line.
    # inf and nan are valid TOML floats, never a valid delay, timeout or price.
    model_config = ConfigDict(extra="forbid", validate_assignment=True, allow_inf_nan=False)


def _layout_value(value: Any) -> Any:
    """A layout name, or its parts (a TOML table; from the environment a JSON object:
    PAPERFLOW_LOG__LAYOUT='{"entries": 2}'), checked here so that an error names the part that is wrong."""
    if isinstance(value, str) and value.lstrip().startswith("{"):
        try:
            value = json.loads(value)
        except ValueError:
            raise ValueError("not valid JSON (a layout's parts are written as a JSON object)") from None
    if isinstance(value, Mapping):
        try:
            return Layout.model_validate(dict(value))
        except ValidationError as exc:
            first = exc.errors()[0]
            part = ".".join(str(p) for p in first["loc"])
            message = "unknown key" if first["type"] == "extra_forbidden" else first["msg"].removeprefix("Value error, ")
            raise ValueError(f"{part}: {message}" if part else message) from None
    if isinstance(value, str) and value not in ("auto", "weekly", "headings"):
        raise ValueError(f'{value!r}: must be "auto", "weekly", "headings" or a table of the layout\'s parts')
    return value


class LogSettings(_Section):
    # No default: paperflow never guesses which file is the person's log (README.md of whatever
    # repository it runs in was a bad guess). `--log FILE` or this key names it.
    path: OptionalPath = Field(None, description="your weekly log; no default")
    language: Literal["zh", "en"] = "zh"
    style_examples: int = Field(3, ge=0, le=20, description="recent hand-written entries shown to the LLM")
    entry_template: OptionalPath = Field(None, description="custom entry template; default prompts/entry.md.j2")
    # "auto": recognised from the file (paperflow.log.headings); or a layout's parts set by hand.
    layout: Annotated[LayoutSetting, NoDecode, BeforeValidator(_layout_value)] = (
        Field("auto", description='"auto", "weekly", "headings", or [log.layout] parts'))
    figures_dir: str = Field("pic", min_length=1, max_length=200,
                             description="folder of the entries' pictures, relative to the log's folder")

    @field_validator("figures_dir")
    @classmethod
    def _figures_dir_relative(cls, value: str) -> str:
        parts = Path(value).parts
        if Path(value).is_absolute() or ".." in parts or "~" in value:
            raise ValueError("must be a folder inside the log's folder, such as pic")
        return "/".join(parts)


class ReadingList(_Section):
    """A Markdown file (or a folder of them) whose links and arXiv ids are papers to read."""

    path: Annotated[Path, AfterValidator(_expand_user)]
    name: str | None = Field(None, max_length=100, description="what reports call it; default the file name")


class SourcesSettings(_Section):
    lists: list[ReadingList] = Field(default_factory=list)

    def list_of(self, path: Path) -> ReadingList | None:
        """The reading list that `path` is (or lies in, for a folder list); None when it is none."""
        try:
            real = path.expanduser().resolve()
        except OSError:
            return None
        for reading_list in self.lists:
            try:
                listed = reading_list.path.expanduser().resolve()
            except OSError:
                continue
            if real == listed or (listed.is_dir() and real.is_relative_to(listed)):
                return reading_list
        return None


class FiguresSettings(_Section):
    enabled: bool = Field(True, description="crop the overview figure and the main results into each entry")
    max_per_entry: int = Field(2, ge=0, le=6, description="pictures an entry gets at most")
    choice: Literal["llm", "rule"] = Field("llm", description="who picks the pictures when an LLM drafts: its "
                                           "answer (the rule filling in), or the caption rule alone")


class ArxivQuery(_Section):
    query: str = Field(min_length=1, description="arXiv query syntax, e.g. 'abs:\"in-context learning\"'")
    name: str | None = None
    categories: list[str] = Field(default_factory=list)
    max_results: int = Field(50, ge=1, le=2000)


class ArxivSettings(_Section):
    api_url: HttpUrl = "https://export.arxiv.org/api/query"
    pdf_hosts: Annotated[list[Annotated[str, AfterValidator(_pdf_host)]], NoDecode, BeforeValidator(_comma_list)] = (
        Field(default_factory=lambda: ["arxiv.org", "export.arxiv.org"]))
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
    base_url: OptionalHttpUrl = None
    model: str | None = None
    api_key_env: OptionalVariableName = Field(None, description="NAME of the variable holding the key, never the key")
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
    # A night never crosses these: each LLM call is counted from its estimate before it is made.
    max_tokens_per_night: int | None = Field(None, ge=1, description="input + output tokens of a night's LLM calls")
    max_cost_per_night: float | None = Field(None, gt=0, description="in the price table's currency")

    @property
    def enabled(self) -> bool:
        return bool(self.base_url)

    @model_validator(mode="after")
    def _cost_cap_has_a_price(self) -> LLMSettings:
        if self.max_cost_per_night is not None and self.enabled and (self.model or "") not in self.prices:
            raise ValueError(f"max_cost_per_night needs the price of the model: add [llm.prices.\"{self.model}\"]")
        return self


class NightlySettings(_Section):
    max_papers: int = Field(10, ge=1, le=1000, description="papers drafted a night; the rest are listed in the PR")


class ScheduleSettings(_Section):
    cron: Annotated[str, AfterValidator(_cron)] = "0 2 * * *"
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
    api_url: HttpUrl = "https://api.github.com"
    repository: str | None = None  # "owner/name"; None: derived from the remote URL
    token_env: VariableName = "GITHUB_TOKEN"
    use_gh_cli: bool = True
    author_name: str | None = None
    author_email: str | None = None


class PrefectSettings(_Section):
    # No api_url: flows run on a temporary in-process server (slow start, no schedules) and
    # `paperflow summarize` takes the plain path without Prefect.
    api_url: OptionalHttpUrl = Field(None, description="a running `prefect server start`, e.g. http://127.0.0.1:4200/api")
    arxiv_concurrency: int = Field(1, ge=1, le=4, description="arXiv requests at once across all flow runs")
    health_timeout_seconds: float = Field(3.0, gt=0, description="how long `paperflow serve` waits for the server")
    # A busy machine (a local LLM taking every core) needs minutes where an idle one needs 8-16 s:
    # measured, the temporary server had not answered after 60 s with 4 CPU-bound processes on 2 cores.
    server_start_timeout_seconds: int = Field(
        600, ge=10, le=7200, description="how long `paperflow nightly` waits for its temporary Prefect server to start"
    )
    server_start_attempts: int = Field(2, ge=1, le=10, description="starts of the temporary server before giving up")


def _check_timezone(value: str | None) -> str | None:
    if value in (None, "", "local"):
        return None
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {value!r}") from exc
    return value


class _EnvSource(EnvSettingsSource):
    """PAPERFLOW_<SECTION>__<KEY> variables; a value that should be JSON and is not is named in one line."""

    def decode_complex_value(self, field_name: str, field: Any, value: Any) -> Any:
        try:
            return super().decode_complex_value(field_name, field, value)
        except ValueError:
            names = [k for k in os.environ if k.upper().startswith(ENV_PREFIX)
                     and k.upper().rsplit("__", 1)[-1].removeprefix(ENV_PREFIX) == field_name.upper()]
            name = names[0] if names else f"{ENV_PREFIX}...{field_name.upper()}"
            raise SettingsError(f"environment variable {name}: not valid JSON (a list or table is written "
                                'as JSON, e.g. ["a", "b"])') from None


class Settings(BaseSettings):
    """Everything paperflow can be told. See README.md, section "Configuration"."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_nested_delimiter="__",
        extra="forbid",
        validate_assignment=True,
        allow_inf_nan=False,
    )

    output_dir: Annotated[Path, AfterValidator(_expand_user)] = Path("output")
    timezone: str | None = Field(None, description="IANA zone for 'today'; default the machine's local zone")
    max_attempts: int = Field(3, ge=1, le=100, description="nights a failing paper is retried")
    prompts_dir: OptionalPath = Field(None, description="templates folder; default the repository's prompts/")
    log: LogSettings = Field(default_factory=LogSettings)
    sources: SourcesSettings = Field(default_factory=SourcesSettings)
    arxiv: ArxivSettings = Field(default_factory=ArxivSettings)
    extract: ExtractSettings = Field(default_factory=ExtractSettings)
    figures: FiguresSettings = Field(default_factory=FiguresSettings)
    llm: LLMSettings = Field(default_factory=LLMSettings)
    nightly: NightlySettings = Field(default_factory=NightlySettings)
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
        return (init_settings, _EnvSource(settings_cls), InitSettingsSource(settings_cls, init_kwargs=_FILE_LAYER.get()))

    def zone(self) -> ZoneInfo | None:
        return ZoneInfo(self.timezone) if self.timezone else None

    def today(self) -> date:
        """Today's date in the configured time zone (the machine's local zone by default)."""
        return datetime.now(self.zone()).date() if self.zone() else date.today()

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
    except PydanticSettingsError as exc:
        raise SettingsError(f"environment: {exc}") from None
    finally:
        _FILE_LAYER.reset(token)
    if path is not None:
        settings = _anchor_paths(settings, path.parent.resolve(), file_data)
    problem = files_problem(settings)
    if problem:
        raise SettingsError(f"{source}: {problem}")
    return settings


def files_problem(settings: Settings) -> str | None:
    """What is wrong with the files and folders the settings name (checked at load, after relative
    paths were anchored), as `key: problem`; None when nothing is."""
    out = settings.output_dir
    if out.exists() and not out.is_dir():
        return f"output_dir: {out} is a file, not a folder"
    if settings.prompts_dir is not None and not settings.prompts_dir.is_dir():
        what = "is not a folder" if settings.prompts_dir.exists() else "does not exist"
        return f"prompts_dir: {settings.prompts_dir} {what}"
    if settings.log.entry_template is not None:
        key, template = "log.entry_template", settings.log.entry_template
    else:
        key, template = "prompts_dir", settings.prompts_path() / "entry.md.j2"
    problem = template_problem(template)
    if not problem and isinstance(settings.log.layout, Layout) and settings.log.entry_template is None:
        key, template = "log.layout.template", settings.prompts_path() / settings.log.layout.template_name
        problem = template_problem(template)
    return f"{key}: {problem}" if problem else None


def template_problem(path: Path) -> str | None:
    """Why the Jinja2 template file at `path` cannot be used (missing, a folder, unreadable, a syntax
    error with its line), or None."""
    if path.is_dir():
        return f"{path} is a folder, not a template file"
    try:
        source = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return f"{path} does not exist"
    except (OSError, UnicodeDecodeError) as exc:
        return f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}"
    try:
        jinja2.Environment(autoescape=False).parse(source)
    except jinja2.TemplateSyntaxError as exc:
        return f"{path} line {exc.lineno}: {exc.message}"
    return None


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
    written_lists = (file_data.get("sources", {}) or {}).get("lists", []) or []
    for reading_list, written in zip(settings.sources.lists, written_lists, strict=False):
        if isinstance(written, Mapping) and from_file(reading_list.path, written.get("path")):
            reading_list.path = base / reading_list.path
    return settings


def _error_source(exc: ValidationError, default: str) -> str:
    # The environment overrides the file: a bad value set there must not be blamed on the file.
    # (A list item's error, arxiv.pdf_hosts.0, comes from the variable of the whole list.)
    loc = [str(part) for part in exc.errors()[0]["loc"]]
    upper = {key.upper() for key in os.environ}
    for end in range(len(loc), 0, -1):
        name = ENV_PREFIX + "__".join(loc[:end]).upper()
        if name in upper:
            return f"environment variable {name}"
    return default


def _first_error(exc: ValidationError) -> str:
    errors = exc.errors()
    first = errors[0]
    key = ".".join(str(p) for p in first["loc"]) or "(top level)"
    message = first["msg"].removeprefix("Value error, ")
    if first["type"] == "extra_forbidden":
        message = "unknown key"
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{key}: {message}{more}"
