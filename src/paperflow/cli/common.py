"""What every command shares: the settings, loaded once, and printing helpers."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import typer

from paperflow.settings import Settings, load_settings


@dataclass
class CliState:
    config: Path | None = None
    _settings: Settings | None = field(default=None, repr=False)

    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings(self.config)
        return self._settings


def settings_from(ctx: typer.Context) -> Settings:
    state = ctx.find_root().obj
    if not isinstance(state, CliState):  # invoked without the root callback (tests calling a command)
        state = CliState()
        ctx.find_root().obj = state
    return state.settings()


def print_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
