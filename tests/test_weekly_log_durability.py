"""Writes that survive being killed, concurrent writers, edits made behind paperflow's back, permissions.

Real processes: the writers run in separate Python processes and are killed with SIGKILL.
"""

from __future__ import annotations

import hashlib
import os
import random
import signal
import stat
import subprocess
import sys
import textwrap
import time
from datetime import date
from pathlib import Path

import pytest
from logs.builder import Day, Entry, Item, Log, Month, sample_log

from paperflow.errors import LogChangedError, LogFormatError
from paperflow.log.weekly_log import (
    DraftEntry,
    LogMissingError,
    _lock_for,
    create_log,
    insert_entries,
    parse_log,
    plan_insert,
    read_log,
    write_atomic,
)

DAY = date(2024, 1, 3)
TEMP_MARK = ".paperflow-tmp-"


def big_log() -> bytes:
    """A log of a few hundred kB: 30 months, 4 days each, 3 entries a day, long bodies."""
    months = []
    for i in range(30):
        year, month = 2024 - i // 12, 12 - i % 12
        days = [Day(date(year, month, d), [Entry(f"P{i}-{d}-{j}", body=["长正文 " + "x" * 200] * 2) for j in range(3)]) for d in (28, 20, 10, 3)]
        months.append(Month(year, month, days))
    return Log(pending=[Item("a paper"), Item("another", done=True)], months=months).build().data


def draft(i: int) -> DraftEntry:
    return DraftEntry(f"Killed Writer Paper {i}", f"《Killed Writer Paper {i}》\n\n2024.1 一篇文章，要点：\n\n1. 背景：{i}\n\n总体上，{i}\n")


WRITER = textwrap.dedent(
    """
    import sys
    from datetime import date
    from paperflow.log.weekly_log import DraftEntry, insert_entries, write_atomic

    mode, path = sys.argv[1], sys.argv[2]
    if mode == "insert":
        i = int(sys.argv[3])
        while True:
            i += 1
            entry = DraftEntry(f"Killed Writer Paper {i}", f"《Killed Writer Paper {i}》\\n\\n2024.1 一篇文章，要点：\\n\\n1. 背景：{i}\\n\\n总体上，{i}\\n")
            insert_entries(path, [entry], date(2024, 1, 3))
            print(i, flush=True)
    elif mode == "atomic":
        contents = [open(p, "rb").read() for p in sys.argv[3:]]
        n = 0
        while True:
            write_atomic(path, contents[n % len(contents)])
            n += 1
            print(n, flush=True)
    elif mode == "many":
        # insert many entries one by one, titles prefixed by argv[3], waiting for the go file first
        import os, time
        prefix, count, go = sys.argv[3], int(sys.argv[4]), sys.argv[5]
        while not os.path.exists(go):
            time.sleep(0.005)
        for i in range(count):
            day = date(2024, 1, 1 + i % 5)
            entry = DraftEntry(f"{prefix} {i}", f"《{prefix} {i}》\\n\\n总体上，{i}\\n")
            result = insert_entries(path, [entry], day)
            assert result.inserted == [f"{prefix} {i}"], result
    """
)


def start_writer(tmp_path: Path, *args: str) -> subprocess.Popen:
    script = tmp_path / "writer.py"
    if not script.exists():
        script.write_text(WRITER)
    return subprocess.Popen([sys.executable, str(script), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def kill_after_first_write(proc: subprocess.Popen, rng: random.Random) -> None:
    """Wait until the writer has completed one write, let it run a random moment longer, SIGKILL it."""
    first = proc.stdout.readline()
    assert first.strip(), f"writer died before writing: {proc.stderr.read()}"
    time.sleep(rng.uniform(0, 0.08))
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stdout.close()
    proc.stderr.close()


def temp_files(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if TEMP_MARK in p.name]


def test_a_writer_killed_mid_insert_leaves_the_old_or_a_new_complete_log(tmp_path):
    log = tmp_path / "README.md"
    log.write_bytes(big_log())
    versions = [log.read_bytes()]  # versions[k]: the log after k inserts, computed here independently

    def version(k: int) -> bytes:
        while len(versions) <= k:
            data, _ = plan_insert(versions[-1], [draft(len(versions))], DAY)
            versions.append(data)
        return versions[k]

    rng = random.Random(20240103)
    current, rounds_with_leftover_temp = 0, 0
    for _ in range(25):
        kill_after_first_write(start_writer(tmp_path, "insert", str(log), str(current)), rng)
        data = log.read_bytes()
        inserted = data.count("《Killed Writer Paper ".encode())
        assert inserted > current, "the writer wrote at least once before it was killed"
        assert data == version(inserted), "the log is not a complete version"
        current = inserted
        rounds_with_leftover_temp += bool(temp_files(tmp_path))
    print(f"\n{current} inserts over 25 kills; {rounds_with_leftover_temp} kills left a temp file behind")

    # Stale temp files of the killed writers do not break the next write, which tidies them up.
    result = insert_entries(log, [draft(current + 1)], DAY)
    assert result.inserted == [draft(current + 1).title]
    assert log.read_bytes() == version(current + 1)
    assert temp_files(tmp_path) == []
    titles = [e.title for e in parse_log(log.read_bytes()).entries if e.day == DAY]
    assert titles[-(current + 1) :] == [f"Killed Writer Paper {i}" for i in range(1, current + 2)]


def test_a_writer_killed_mid_write_atomic_leaves_one_of_the_versions(tmp_path):
    rng = random.Random(7)
    contents = [bytes([65 + n]) * (1_000_000 + n * 500_003) for n in range(3)]
    sources = []
    for n, data in enumerate(contents):
        src = tmp_path / f"content{n}.bin"
        src.write_bytes(data)
        sources.append(str(src))
    target = tmp_path / "log" / "README.md"
    target.parent.mkdir()
    target.write_bytes(b"original")
    allowed = {hashlib.sha256(c).hexdigest() for c in contents}
    for _ in range(30):
        kill_after_first_write(start_writer(tmp_path, "atomic", str(target), *sources), rng)
        assert hashlib.sha256(target.read_bytes()).hexdigest() in allowed
    write_atomic(target, b"after the kills\n")
    assert target.read_bytes() == b"after the kills\n"
    assert temp_files(target.parent) == []


def test_stale_temp_files_of_dead_processes_are_removed_live_ones_kept(tmp_path):
    log = tmp_path / "README.md"
    log.write_bytes(b"# 2024.1\n")
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f".README.md{TEMP_MARK}{dead.pid}-abc123"
    stale.write_bytes(b"half a log")
    live = tmp_path / f".README.md{TEMP_MARK}{os.getpid()}-def456"
    live.write_bytes(b"someone else's write in progress")
    insert_entries(log, [draft(1)], DAY)
    assert not stale.exists()
    assert live.exists()
    assert b"Killed Writer Paper 1" in log.read_bytes()


def test_two_processes_inserting_at_once_both_land(tmp_path):
    log = tmp_path / "README.md"
    log.write_bytes(sample_log().build().data)
    go = tmp_path / "go"
    writers = [start_writer(tmp_path, "many", str(log), prefix, "15", str(go)) for prefix in ("Alpha", "Beta")]
    go.touch()
    for proc in writers:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    parsed = parse_log(log.read_bytes())
    titles = {e.title for e in parsed.entries}
    for prefix in ("Alpha", "Beta"):
        assert {f"{prefix} {i}" for i in range(15)} <= titles
    assert parsed.counts()["entries"] == sample_log().build().counts["entries"] + 30


def test_a_held_lock_makes_the_insert_wait_then_refuse(tmp_path):
    log = tmp_path / "README.md"
    log.write_bytes(b"")
    with _lock_for(log).acquire():
        with pytest.raises(LogChangedError, match="locked by another paperflow process"):
            insert_entries(log, [draft(1)], DAY, lock_timeout=0.1)
    assert log.read_bytes() == b""
    insert_entries(log, [draft(1)], DAY)
    assert b"Killed Writer Paper 1" in log.read_bytes()


def test_a_file_changed_after_reading_is_refused(tmp_path):
    log = tmp_path / "README.md"
    log.write_bytes(sample_log().build().data)
    snapshot = read_log(log)
    edited = snapshot.data.replace("《Mixtral of Experts》".encode(), "《Mixtral of Experts (edited)》".encode())
    log.write_bytes(edited)
    with pytest.raises(LogChangedError, match="changed on disk since it was read") as info:
        insert_entries(log, [draft(1)], DAY, expected_sha256=snapshot.sha256)
    assert "\n" not in str(info.value)
    assert log.read_bytes() == edited
    assert temp_files(tmp_path) == []
    # With the right hash it goes through.
    result = insert_entries(log, [draft(1)], DAY, expected_sha256=hashlib.sha256(edited).hexdigest())
    assert result.inserted == [draft(1).title]


def test_write_atomic_refuses_when_the_file_is_not_what_was_read(tmp_path):
    log = tmp_path / "README.md"
    log.write_bytes(b"mine")
    with pytest.raises(LogChangedError):
        write_atomic(log, b"new", expected_sha256=hashlib.sha256(b"something else").hexdigest())
    assert log.read_bytes() == b"mine"
    assert temp_files(tmp_path) == []
    write_atomic(log, b"new", expected_sha256=hashlib.sha256(b"mine").hexdigest())
    assert log.read_bytes() == b"new"


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o664, 0o755])
def test_permissions_are_kept(tmp_path, mode):
    log = tmp_path / "README.md"
    log.write_bytes(sample_log().build().data)
    log.chmod(mode)
    insert_entries(log, [draft(1)], DAY)
    assert stat.S_IMODE(log.stat().st_mode) == mode
    assert b"Killed Writer Paper 1" in log.read_bytes()


def test_a_missing_log_is_refused_and_create_log_starts_one_with_default_permissions(tmp_path):
    log = tmp_path / "new" / "README.md"
    log.parent.mkdir()
    with pytest.raises(LogMissingError, match="README.md does not exist"):
        read_log(log)
    with pytest.raises(LogMissingError, match="README.md does not exist"):
        insert_entries(log, [draft(1)], DAY)
    assert not log.exists()
    old_umask = os.umask(0o022)
    try:
        assert create_log(log) is True
    finally:
        os.umask(old_umask)
    assert create_log(log) is False  # already there: left alone
    assert log.read_bytes() == b"# pending list\n\n"
    insert_entries(log, [draft(1)], DAY)
    assert stat.S_IMODE(log.stat().st_mode) == 0o644
    assert parse_log(log.read_bytes()).entries[0].day == DAY


def test_nothing_to_insert_does_not_rewrite_the_file(tmp_path):
    log = tmp_path / "README.md"
    log.write_bytes(sample_log().build().data)
    before = log.stat()
    result = insert_entries(log, [DraftEntry("Mixtral of Experts", "《Mixtral of Experts》\n")], DAY)
    assert result.skipped == ["Mixtral of Experts"] and not result.changed
    assert log.stat().st_ino == before.st_ino and log.stat().st_mtime_ns == before.st_mtime_ns


def test_reading_a_folder_is_a_clear_error(tmp_path):
    with pytest.raises(LogFormatError, match="is a folder"):
        read_log(tmp_path)


def test_a_symlinked_log_is_written_through_the_link(tmp_path):
    real = tmp_path / "repo" / "README.md"
    real.parent.mkdir()
    real.write_bytes(sample_log().build().data)
    real.chmod(0o640)
    link = tmp_path / "README.md"
    link.symlink_to(real)
    insert_entries(link, [draft(1)], DAY)
    assert link.is_symlink() and link.resolve() == real.resolve()
    assert b"Killed Writer Paper 1" in real.read_bytes()
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    assert temp_files(tmp_path) == [] and temp_files(real.parent) == []
