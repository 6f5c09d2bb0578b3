"""paperflow as a person installs it: the wheel in a fresh virtualenv, never the checkout's folders.

scripts/test.sh builds that virtualenv once (scripts/check_wheel.sh) and passes it as
$PAPERFLOW_WHEEL_VENV; a test run on its own builds it the same way (about a minute).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def wheel_venv(folder: Path) -> Path:
    """A virtualenv with paperflow's wheel installed (and its pinned dependencies)."""
    given = os.environ.get("PAPERFLOW_WHEEL_VENV")
    if given and (Path(given) / "bin" / "paperflow").is_file():
        return Path(given)
    venv = folder / "wheel-venv"
    subprocess.run(["bash", str(REPO / "scripts" / "check_wheel.sh"), str(venv)], check=True, timeout=900,
                   stdout=subprocess.DEVNULL)
    return venv


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment of a person's shell: no PAPERFLOW_/PREFECT_ settings, no virtualenv or PYTHONPATH
    pointing at the checkout, telemetry off, Prefect's home in `home`."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PAPERFLOW_", "PREFECT_")) and k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(DO_NOT_TRACK="1", PREFECT_SERVER_ANALYTICS_ENABLED="false", PREFECT_HOME=str(home))
    env.update(extra)
    return env
