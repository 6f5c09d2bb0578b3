"""`paperflow serve` and `paperflow nightly`: the Prefect side of the CLI.

Prefect is imported only inside these commands, after `apply_prefect_environment` (telemetry off,
PREFECT_API_URL from `[prefect] api_url`), so every other command starts without it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

import typer

from paperflow.cli.common import log_path, parse_day, settings_from

if TYPE_CHECKING:
    from paperflow.settings import Settings

def _config_path(ctx: typer.Context) -> str | None:
    from paperflow.settings import find_config_file

    state = ctx.find_root().obj
    path = find_config_file(getattr(state, "config", None))
    return str(path.resolve()) if path else None


def deployments(settings: Settings, config: str | None) -> list[Any]:
    """The two deployments: `nightly` on schedule.cron in schedule.timezone (else the top-level
    timezone, else UTC), and `summarize` on demand; both read `config`."""
    from prefect.schedules import Cron

    from flows.nightly import nightly
    from flows.summarize import summarize

    zone = settings.schedule.timezone or settings.timezone or "UTC"
    params = {"config": config} if config else {}
    return [
        nightly.to_deployment(
            name="nightly", schedules=[Cron(settings.schedule.cron, timezone=zone)], parameters=params,
            description="Tonight's papers drafted into the log and proposed for review.",
        ),
        summarize.to_deployment(
            name="summarize", parameters=params,
            description="Summarize the given arXiv ids, URLs or local PDFs into the log.",
        ),
    ]


def require_reachable_server(settings, command: str) -> None:
    """Exit 2 with one line when the configured Prefect server does not answer."""
    from paperflow.prefect_env import api_url, server_problem

    problem = server_problem(api_url(settings), settings.prefect.health_timeout_seconds)
    if problem:
        typer.echo(f"paperflow {command}: {problem}", err=True)
        raise typer.Exit(2)


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve_cmd(ctx: typer.Context) -> None:
        """Serve the `nightly` (scheduled) and `summarize` (on demand) deployments; needs `prefect server start`."""
        from paperflow.prefect_env import api_url, apply_prefect_environment, server_configured

        settings = settings_from(ctx)
        if not server_configured(settings):
            typer.echo("paperflow serve: no Prefect server configured: start one with `prefect server start` and set "
                       "[prefect] api_url = \"http://127.0.0.1:4200/api\"", err=True)
            raise typer.Exit(2)
        require_reachable_server(settings, "serve")
        log_path(settings, None, option=None)
        apply_prefect_environment(settings)
        from prefect import serve

        typer.echo(f"serving nightly ({settings.schedule.cron}) and summarize on {api_url(settings)}; Ctrl-C stops")
        serve(*deployments(settings, _config_path(ctx)), print_starting_message=False)

    @app.command("nightly")
    def nightly_cmd(
        ctx: typer.Context,
        ids: Optional[list[str]] = typer.Argument(None, help="extra arXiv ids, URLs or local PDFs for tonight"),
        dry_run: bool = typer.Option(False, "--dry-run", help="make and print the drafts; change neither log nor PRs"),
        day: Optional[str] = typer.Option(None, "--date", metavar="YYYY-MM-DD", help="day to file the drafts under"),
    ) -> None:
        """Run the nightly flow once, now (on the configured Prefect server, or a temporary one).

        Exit 1 when a whole source (the pending list, a query, the arXiv API) could not be read, or when drafts
        got no pull request (review on: the line says why)."""
        from paperflow.prefect_env import apply_prefect_environment, server_configured

        settings = settings_from(ctx)
        when = parse_day(day, settings) if day else None
        log_path(settings, None, option=None)
        if server_configured(settings):
            require_reachable_server(settings, "nightly")
        apply_prefect_environment(settings)
        if not server_configured(settings):
            # Started here, with the settings' patience and a retry: a busy machine needs minutes.
            from flows.server import start_temporary_server

            start_temporary_server(settings, lambda line: typer.echo(f"paperflow nightly: {line}", err=True))
        from flows.nightly import nightly

        # Each paper's failure is one warning line of the flow's log; the report lists them all.
        result = nightly(ids=list(ids or []), dry_run=dry_run, day=when, config=_config_path(ctx))
        typer.echo(result["headline"])
        for what in result["unreadable"]:
            typer.echo(f"paperflow nightly: could not read {what}", err=True)
        typer.echo(f"report: {result['report']}")
        if dry_run:
            typer.echo("dry run: nothing was written to the log and no pull request was made")
        if result.get("review_problem"):
            typer.echo(f"paperflow nightly: {result['review_problem']}", err=True)
        if result["unreadable"] or result.get("review_problem"):
            raise typer.Exit(1)
