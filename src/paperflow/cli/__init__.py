"""The `paperflow` command. Each group of commands lives in its own module and calls the same
stage functions the Prefect flows call."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from paperflow.cli import common
from paperflow.errors import PaperflowError
from paperflow.settings import SettingsError

app = typer.Typer(
    name="paperflow",
    help="Draft summaries of the papers you want to read into your weekly paper log.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root(
    ctx: typer.Context,
    config: Optional[Path] = typer.Option(
        None, "--config", "-c", help="paperflow.toml to read (default: $PAPERFLOW_CONFIG or ./paperflow.toml)"
    ),
) -> None:
    ctx.obj = common.CliState(config=config)


def _register_all() -> None:
    # Imported here so each module registers its commands on the one app.
    from paperflow.cli import log_cmds

    log_cmds.register(app)
    for name in ("arxiv_cmds", "extract_cmds", "summarize_cmds", "flow_cmds", "review_cmds"):
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
    except (PaperflowError, SettingsError) as exc:
        typer.echo(f"paperflow: {exc}", err=True)
        sys.exit(2)
