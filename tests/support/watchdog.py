"""A last-resort per-test watchdog, a pytest plugin loaded by tests/conftest.py (`pytest_plugins`).

pytest-timeout's alarm (pyproject: `timeout`) cannot stop a test stuck where no Python code runs, or
where SIGALRM is blocked. This watchdog is faulthandler's C thread: after `watchdog_seconds` in one
test it prints every thread's stack to the run's own stderr (duplicated before any test captures it)
and ends the run. A hang then costs minutes and says where it was, instead of silently using up CI's
whole budget.
"""

from __future__ import annotations

import faulthandler
import os
import sys

import pytest

_out = None


def pytest_addoption(parser):
    parser.addini("watchdog_seconds", "end the run, printing every stack, after a test takes this long "
                  "(0: off)", default="1500")


def pytest_configure(config):
    global _out
    _out = os.fdopen(os.dup(sys.__stderr__.fileno()), "w")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    seconds = float(item.config.getini("watchdog_seconds"))
    if seconds > 0:
        faulthandler.dump_traceback_later(seconds, exit=True, file=_out)
    try:
        yield
    finally:
        faulthandler.cancel_dump_traceback_later()
