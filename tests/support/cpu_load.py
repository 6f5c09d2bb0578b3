"""CPU-bound processes beside a test, as a local LLM (llama.cpp, Ollama) takes every core while it works.

`cpu_load()` starts twice as many busy-looping Python processes as the machine has cores, each ending
by itself after `seconds` (so none outlives a killed test run), and kills them all in a finally.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

# Each process stops by itself at its deadline; the loop checks the clock rarely to stay CPU-bound.
_BUSY = (
    "import time, sys\n"
    "end = time.monotonic() + float(sys.argv[1])\n"
    "while time.monotonic() < end:\n"
    "    sum(i * i for i in range(20000))\n"
)


def load_processes(per_core: int = 2) -> int:
    return per_core * (os.cpu_count() or 1)


@contextmanager
def cpu_load(seconds: float, processes: int | None = None) -> Iterator[list[subprocess.Popen]]:
    """`processes` (default 2x the cores) CPU-bound processes for at most `seconds`, killed on exit."""
    started: list[subprocess.Popen] = []
    try:
        for _ in range(processes or load_processes()):
            started.append(subprocess.Popen([sys.executable, "-c", _BUSY, str(seconds)],
                                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        yield started
    finally:
        for process in started:
            if process.poll() is None:
                process.kill()
        for process in started:
            process.wait()
