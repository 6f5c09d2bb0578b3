"""The `paperflow` command. Each group of commands lives in its own module and calls the same
stage functions the Prefect flows call.

Start-up is paid on every command a person types (`paperflow show ID`, `log check`, `pending`), so
importing this package loads only typer and the command modules, which import what each command
needs when it runs (never openai, Prefect, pypdfium2, bm25s, the pipeline or the settings here;
tests/test_startup.py checks it, benchmarks/startup.py measures it).

Every error a person can cause (a bad setting, a bad option value, a log paperflow must not touch)
ends the command with one line on stderr and exit code 2, never a traceback."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Optional

import typer
from typer.core import TyperGroup

from paperflow.cli import common
from paperflow.errors import PaperflowError


# typer ships its own copy of click (or uses click itself, by version): take its exception classes
# from where typer's BadParameter lives.
_CLICK_ERRORS = sys.modules[typer.BadParameter.__module__]
_USAGE_ERROR = _CLICK_ERRORS.UsageError
_HELP_REQUEST = getattr(_CLICK_ERRORS, "NoArgsIsHelpError", ())  # `paperflow log` alone prints help


def fail(message: str, prefix: str = "paperflow: ") -> typer.Exit:
    """Print `paperflow: <message>` as one line on stderr; returns the exit (code 2) to raise."""
    typer.echo(prefix + " ".join(message.split()), err=True)
    return typer.Exit(2)


def _is_one_line_error(exc: BaseException) -> bool:
    """paperflow's own errors and a bad setting. The settings module is loaded by then whenever a
    SettingsError can have been raised, so it is looked up, not imported here."""
    if isinstance(exc, PaperflowError):
        return True
    settings_module = sys.modules.get("paperflow.settings")
    return settings_module is not None and isinstance(exc, settings_module.SettingsError)


def _usage_line(exc: Any) -> str:
    ctx = getattr(exc, "ctx", None)
    where = ctx.command_path if ctx is not None else "paperflow"
    return f"{where}: {exc.format_message()} (see {where} --help)"


class _OneLineErrors(TyperGroup):
    """The root group: paperflow's own errors and usage errors end as one line, exit 2."""

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().make_context(*args, **kwargs)
        except _HELP_REQUEST:
            raise
        except _USAGE_ERROR as exc:
            raise fail(_usage_line(exc), prefix="") from None

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except _HELP_REQUEST:
            raise
        except _USAGE_ERROR as exc:
            raise fail(_usage_line(exc), prefix="") from None
        except Exception as exc:
            if _is_one_line_error(exc):
                raise fail(str(exc)) from None
            raise


app = typer.Typer(
    name="paperflow",
    help="Draft summaries of the papers you want to read into your weekly paper log.",
    cls=_OneLineErrors,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain click help: flags without a `<bool>` type, defaults never cut off by a table column.
    rich_markup_mode=None,
)


def _print_version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            typer.echo(f"paperflow {version('paperflow')}")
        except PackageNotFoundError:  # run from a checkout that was never installed
            typer.echo("paperflow (not installed: no version)")
        raise typer.Exit(0)


@app.callback()
def _root(
    ctx: typer.Context,
    config: Optional[Path] = typer.Option(
        None, "--config", "-c", help="paperflow.toml to read (default: $PAPERFLOW_CONFIG or ./paperflow.toml)"
    ),
    version: bool = typer.Option(False, "--version", is_eager=True, callback=_print_version,
                                 help="print paperflow's version and exit"),
) -> None:
    ctx.obj = common.CliState(config=config)


def _register_all() -> None:
    # Imported here so each module registers its commands on the one app.
    from paperflow.cli import log_cmds

    log_cmds.register(app)
    for name in ("arxiv_cmds", "extract_cmds", "summarize_cmds", "flow_cmds", "review_cmds", "stats_cmds"):
        try:
            module = __import__(f"paperflow.cli.{name}", fromlist=["register"])
        except ModuleNotFoundError as exc:
            if exc.name != f"paperflow.cli.{name}":
                raise
            continue
        module.register(app)


_register_all()


def main() -> None:
    try:
        app()
    except Exception as exc:  # raised outside a command (rare): same one line
        if not _is_one_line_error(exc):
            raise
        typer.echo(f"paperflow: {exc}", err=True)
        sys.exit(2)
