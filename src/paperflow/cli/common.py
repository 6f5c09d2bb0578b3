"""What every command shares: the settings (loaded once), the log file, the one date parser, printing."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from paperflow.errors import PaperflowError

if TYPE_CHECKING:  # loaded when a command first asks for them: `paperflow --help` needs neither
    from paperflow.settings import Settings

# arXiv opened in 1991; a day header more than a year ahead is a typo, and `# 1.1` would not even parse.
EARLIEST_DAY = date(1991, 1, 1)
DAYS_AHEAD = 366
LOG_DEFAULT_HELP = "default: [log] path in paperflow.toml"


class UsageError(PaperflowError):
    """A command-line value paperflow cannot use (the CLI prints it as one line, exit 2)."""


@dataclass
class CliState:
    config: Path | None = None
    _settings: Settings | None = field(default=None, repr=False)

    def settings(self) -> Settings:
        if self._settings is None:
            from paperflow.settings import load_settings

            self._settings = load_settings(self.config)
        return self._settings


def settings_from(ctx: typer.Context) -> Settings:
    state = ctx.find_root().obj
    if not isinstance(state, CliState):  # invoked without the root callback (tests calling a command)
        state = CliState()
        ctx.find_root().obj = state
    return state.settings()


def parse_day(value: str | None, settings: Settings, option: str = "--date") -> date:
    """YYYY-MM-DD (or YYYY.M.D) from the command line, else today in the configured time zone.

    The one date parser of the CLI: refuses what is not a date, and days before 1991 or more than a
    year ahead (UsageError, one line)."""
    if not value:
        return settings.today()
    day = None
    for fmt in ("%Y-%m-%d", "%Y.%m.%d"):
        try:
            day = datetime.strptime(value.strip(), fmt).date()
            break
        except ValueError:
            continue
    if day is None:
        raise UsageError(f"{option}: {value!r} is not a date like 2024-01-03")
    latest = settings.today() + timedelta(days=DAYS_AHEAD)
    if not EARLIEST_DAY <= day <= latest:
        raise UsageError(f"{option}: {day.isoformat()} is outside {EARLIEST_DAY.isoformat()} .. {latest.isoformat()}")
    return day


def log_path(settings: Settings, given: Path | None, *, create: bool | None = None,
             option: str | None = "--log FILE", reads_only: bool = False) -> Path:
    """The log a command works on: `given` (from `option`), else `[log] path`; never a guess.

    Checks it is a regular file (LogFormatError naming the path otherwise). A missing file is an
    error, or, with `create` True, a new log with the `# pending list` skeleton. `create` False means
    the command offers --create (its error says so); None, that it does not. `option` names how the
    command takes a log (None: only from the settings). A reading list ([[sources.lists]]) is never a log to
    write: a command that writes refuses it in one line (`reads_only` commands describe it themselves)."""
    from paperflow.log import storage

    path = given if given is not None else settings.log.path
    if path is None:
        how = f"pass {option}, or set [log] path in paperflow.toml" if option else "set [log] path in paperflow.toml"
        raise storage.NoLogConfiguredError(f"no log configured: {how}", stage="log")
    path = path.expanduser()
    listed = None if reads_only else settings.sources.list_of(path)
    if listed is not None:
        raise storage.LogFormatError(f"{path} is the reading list {listed.name or listed.path.name} "
                                     "([[sources.lists]]), not a log: paperflow reads it as a source (see "
                                     "`paperflow sources`) and never writes it", stage="log")
    if create and storage.create_log(path):
        typer.echo(f"created a new log at {path}", err=True)
    try:
        storage.check_regular_file(path)
    except storage.LogMissingError as exc:
        hint = "" if create is None else "; pass --create to start a new log there"
        raise storage.LogMissingError(exc.message + hint, stage="log") from None
    return path


def print_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
