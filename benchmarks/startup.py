"""What a person waits for before a command does anything: `paperflow --help` and `paperflow log
check` (a small log, its path from paperflow.toml) against `python -c pass`, the interpreter's own
start, all with this virtualenv's Python.

The three are run interleaved (one of each per round, the order rotated each round) so that load
from other work on the machine falls on all of them alike; the figures are medians. Goal: both within
6x of `python -c pass`.

Run from the repository root: .venv/bin/python -m benchmarks.startup [--repeats 15]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOAL_RATIO = 6.0
LOG = "# papers\n\n# pending list\n\n- [ ] a paper\n\n# 2024.1\n\n## 2024.1.3\n\n《X》\n\n总体上，好。\n"
PAPERFLOW = [sys.executable, "-c", "from paperflow.cli import main; main()"]


def commands() -> dict[str, list[str]]:
    return {
        "python -c pass": [sys.executable, "-c", "pass"],
        "paperflow --help": [*PAPERFLOW, "--help"],
        "paperflow log check": [*PAPERFLOW, "log", "check"],
    }


def timed(argv: list[str], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERFLOW_")}
    runs = commands()
    times: dict[str, list[float]] = {name: [] for name in runs}
    with tempfile.TemporaryDirectory(prefix="paperflow-startup-") as tmp:
        folder = Path(tmp)
        (folder / "log.md").write_text(LOG, encoding="utf-8")
        (folder / "paperflow.toml").write_text('output_dir = "out"\n[log]\npath = "log.md"\n', encoding="utf-8")
        names = list(runs)
        for name in names:  # once each first: files into the page cache, .pyc written
            timed(runs[name], folder, env)
        for round_ in range(args.repeats):
            shift = round_ % len(names)
            for name in names[shift:] + names[:shift]:
                times[name].append(timed(runs[name], folder, env))
    base = statistics.median(times["python -c pass"])
    print(f"{args.repeats} interleaved rounds, medians (s), {os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.1f}")
    print(f"{'command':<22} {'median':>8} {'min':>8} {'ratio':>7}")
    for name, values in times.items():
        median = statistics.median(values)
        ratio = median / base
        goal = "" if name == "python -c pass" else ("  within goal" if ratio <= GOAL_RATIO else f"  over {GOAL_RATIO:g}x")
        print(f"{name:<22} {median:8.3f} {min(values):8.3f} {ratio:6.1f}x{goal}")


if __name__ == "__main__":
    main()
