"""The run's watchdog (tests/support/watchdog.py) ends a test that pytest-timeout cannot stop."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO_ROOT

STUCK = '''
import signal, time

def test_fine():
    pass

def test_stuck_where_the_alarm_cannot_reach():
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})  # pytest-timeout's alarm never arrives
    time.sleep(120)

def test_never_reached():
    pass
'''


def test_a_test_stuck_beyond_the_alarm_ends_the_run_with_its_stack(tmp_path):
    (tmp_path / "test_stuck.py").write_text(STUCK, encoding="utf-8")
    (tmp_path / "pytest.ini").write_text("[pytest]\ntimeout = 1\nwatchdog_seconds = 3\n", encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "tests.support.watchdog", "-q",
         str(tmp_path / "test_stuck.py")],
        cwd=tmp_path, env={"PYTHONPATH": str(REPO_ROOT), "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, timeout=110)  # ended by the watchdog, before the test's own 120 s
    assert run.returncode != 0
    assert "Timeout (0:00:03)!" in run.stderr
    assert "in test_stuck_where_the_alarm_cannot_reach" in run.stderr
    assert "never_reached" not in run.stdout + run.stderr
