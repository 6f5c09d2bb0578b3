"""Which file paperflow writes into, and how: no default log, only regular files, read-only and immutable
logs refused, mode and owner kept, the lock tied to the log, and a save landing in the instant between
paperflow's check and its swap never overwritten.

Each refusal is checked through the command (`paperflow log insert`): one line, exit 2, the log's bytes
unchanged."""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest
from logs.builder import sample_log

from cli_helpers import one_line_error, run, summary_file
from paperflow.errors import LogChangedError
from paperflow.log import storage
from paperflow.log.weekly_log import DraftEntry, insert_entries, parse_log, read_log, write_atomic

PAPERFLOW = Path(sys.executable).parent / "paperflow"
DAY = date(2024, 1, 3)
LOG = sample_log().build().data


def make_log(tmp_path: Path, name: str = "README.md") -> Path:
    path = tmp_path / name
    path.write_bytes(LOG)
    return path


def insert_cli(tmp_path: Path, log: Path | str, *extra: str):
    return run("log", "insert", str(summary_file(tmp_path, "Brand New Paper")), "--log", str(log),
               "--date", "2024-01-03", *extra)


def draft(title: str = "Brand New Paper") -> DraftEntry:
    return DraftEntry(title, f"《{title}》\n\n总体上，好。\n")


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".paperflow-tmp-" in p.name)


# ------------------------------------------------------------------------------------- which file


def test_without_log_and_without_log_path_nothing_is_guessed(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    readme = make_log(tmp_path)  # a README.md right here is not taken for the log
    line = one_line_error(run("log", "insert", str(summary_file(tmp_path, "X")), "--date", "2024-01-03"))
    assert line == "paperflow: log: no log configured: pass --log FILE, or set [log] path in paperflow.toml"
    assert readme.read_bytes() == LOG
    assert one_line_error(run("log", "check")) == (
        "paperflow: log: no log configured: pass FILE, or set [log] path in paperflow.toml")


def test_a_mistyped_log_is_an_error_naming_it_and_nothing_is_created(tmp_path):
    make_log(tmp_path)
    typo = tmp_path / "READEM.md"
    line = one_line_error(insert_cli(tmp_path, typo))
    assert line == f"paperflow: log: {typo} does not exist; pass --create to start a new log there"
    assert not typo.exists()


def test_log_path_with_a_tilde_is_the_home_folder(tmp_path, monkeypatch):
    home = tmp_path / "home"
    (home / "papers").mkdir(parents=True)
    log = make_log(home / "papers")
    monkeypatch.setenv("HOME", str(home))
    conf = tmp_path / "paperflow.toml"
    conf.write_text('[log]\npath = "~/papers/README.md"\n')
    result = run("--config", str(conf), "log", "insert", str(summary_file(tmp_path, "Tilde Paper")), "--date",
                 "2024-01-03")
    assert result.exit_code == 0, result.output
    assert "《Tilde Paper》" in log.read_text("utf-8")
    assert not (tmp_path / "~").exists()


@pytest.mark.parametrize("case", ["missing folder", "dangling symlink", "folder", "path through a file"])
def test_a_log_that_cannot_be_one_is_named_in_one_line(tmp_path, case):
    if case == "missing folder":
        target, expected = tmp_path / "nowhere" / "README.md", f"the folder {tmp_path / 'nowhere'} does not exist"
    elif case == "dangling symlink":
        target = tmp_path / "README.md"
        target.symlink_to(tmp_path / "moved-away.md")
        expected = f"{target} is a symbolic link to {tmp_path / 'moved-away.md'}, which does not exist"
    elif case == "folder":
        target, expected = tmp_path, f"{tmp_path} is a folder, not a regular file"
    else:
        (tmp_path / "file").write_text("x")
        target, expected = tmp_path / "file" / "README.md", "a part of the path is a file, not a folder"
    line = one_line_error(insert_cli(tmp_path, target))
    assert line.startswith("paperflow: log: ") and expected in line
    assert not (tmp_path / "moved-away.md").exists()


# --------------------------------------------------------------------------------- not regular files


def test_a_device_node_is_refused_and_stays_a_device(tmp_path):
    device = tmp_path / "null"
    try:
        os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # the same device as /dev/null
    except PermissionError:
        pytest.skip("creating a device node needs root")
    line = one_line_error(insert_cli(tmp_path, device))
    assert line == (f"paperflow: log: {device} is a character device, not a regular file; "
                    "paperflow reads and writes only regular files")
    assert stat.S_ISCHR(os.lstat(device).st_mode)
    assert one_line_error(run("log", "check", str(device))).endswith("not a regular file; paperflow reads and "
                                                                      "writes only regular files")


def test_a_fifo_is_refused_at_once_never_read(tmp_path):
    fifo = tmp_path / "README.md"
    os.mkfifo(fifo)
    summary = summary_file(tmp_path, "Brand New Paper")
    for args in (["log", "check", str(fifo)], ["pending", str(fifo)],
                 ["log", "insert", str(summary), "--log", str(fifo), "--date", "2024-01-03"],
                 ["log", "insert", str(fifo), "--log", str(make_log(tmp_path, "real.md"))]):  # a FIFO as summary file
        proc = subprocess.run([str(PAPERFLOW), *args], capture_output=True, text=True, timeout=60, cwd=tmp_path)
        assert proc.returncode == 2, (args, proc.stderr)
        assert proc.stdout == "" and proc.stderr.count("\n") == 1
        assert f"{fifo} is a FIFO (named pipe), not a regular file" in proc.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert (tmp_path / "real.md").read_bytes() == LOG


def test_a_fifo_swapped_in_after_the_check_does_not_block_the_read(tmp_path, monkeypatch):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    monkeypatch.setattr(storage, "check_regular_file", lambda path, writable=False: Path(path))  # the race: check passed
    with pytest.raises(storage.LogFormatError, match="is a FIFO"):
        storage.read_bytes(fifo)


def test_a_symlink_to_a_regular_file_is_fine_and_stays_a_link(tmp_path):
    (tmp_path / "repo").mkdir()
    real = make_log(tmp_path / "repo")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    result = insert_cli(tmp_path, link)
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and "《Brand New Paper》" in real.read_text("utf-8")


# ----------------------------------------------------------------------------- read-only, immutable


def test_a_read_only_log_is_refused_not_replaced(tmp_path):
    log = make_log(tmp_path)
    log.chmod(0o444)
    before = os.stat(log)
    line = one_line_error(insert_cli(tmp_path, log))
    assert line == f"paperflow: log: {log} is read-only (or immutable); nothing was written"
    after = os.stat(log)
    assert log.read_bytes() == LOG and after.st_ino == before.st_ino and stat.S_IMODE(after.st_mode) == 0o444


@pytest.fixture
def immutable(tmp_path):
    """chattr +i on a path (root and a file system that supports it), undone afterwards."""
    marked: list[Path] = []

    def mark(path: Path) -> None:
        if shutil.which("chattr") is None:
            pytest.skip("chattr is not installed")
        proc = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True)
        if proc.returncode != 0:
            pytest.skip(f"cannot make a file immutable here: {proc.stderr.strip()}")
        marked.append(path)

    yield mark
    for path in marked:
        subprocess.run(["chattr", "-i", str(path)], check=False)


def test_an_immutable_log_is_refused(tmp_path, immutable):
    log = make_log(tmp_path)
    immutable(log)
    line = one_line_error(insert_cli(tmp_path, log))
    assert line == f"paperflow: log: {log} is read-only (or immutable); nothing was written"
    assert log.read_bytes() == LOG


def test_a_log_in_an_immutable_folder_is_refused(tmp_path, immutable):
    folder = tmp_path / "locked"
    folder.mkdir()
    log = make_log(folder)
    immutable(folder)
    line = one_line_error(insert_cli(tmp_path, log))
    assert line.startswith(f"paperflow: log: the folder {folder} is not writable")
    assert log.read_bytes() == LOG


def test_mode_and_owner_are_kept_when_the_log_is_replaced(tmp_path):
    log = make_log(tmp_path)
    log.chmod(0o640)
    try:
        os.chown(log, 4321, 4322)
    except PermissionError:
        pytest.skip("changing a file's owner needs root")
    result = insert_cli(tmp_path, log)
    assert result.exit_code == 0, result.output
    info = os.stat(log)
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (4321, 4322, 0o640)
    assert "《Brand New Paper》" in log.read_text("utf-8")


# ------------------------------------------------------------------------------------------- the lock


def test_the_lock_is_in_the_repositorys_git_folder_or_beside_the_log(tmp_path):
    plain = make_log(tmp_path)
    assert storage.lock_path(plain) == tmp_path / ".README.md.paperflow-lock"
    repo = tmp_path / "repo"
    (repo / "notes").mkdir(parents=True)
    subprocess.run(["git", "init", "--quiet", str(repo)], check=True)
    in_repo = make_log(repo / "notes")
    where = storage.lock_path(in_repo)
    assert where.parent == repo / ".git" and where.name.startswith("paperflow-log-")
    insert_entries(in_repo, [draft()], DAY)
    status = subprocess.run(["git", "status", "--porcelain", "--ignored"], cwd=repo, capture_output=True, text=True)
    assert "lock" not in status.stdout  # the person's `git status` shows only their log


def test_a_folder_where_the_lock_belongs_is_one_line(tmp_path):
    log = make_log(tmp_path)
    storage.lock_path(log).mkdir()
    line = one_line_error(insert_cli(tmp_path, log))
    assert line == (f"paperflow: log: {storage.lock_path(log)}, the lock file paperflow uses for {log}, "
                    "is a folder; remove it")
    assert log.read_bytes() == LOG


WRITER = textwrap.dedent(
    """
    import os, sys, tempfile, time
    from datetime import date
    from paperflow.log.weekly_log import DraftEntry, insert_entries

    path, prefix, count, go = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    assert tempfile.gettempdir() == os.environ["TMPDIR"]
    while not os.path.exists(go):
        time.sleep(0.005)
    for i in range(count):
        title = f"{prefix} {i}"
        result = insert_entries(path, [DraftEntry(title, f"《{title}》\\n\\n总体上，{i}\\n")], date(2024, 1, 3))
        assert result.inserted == [title], result
    """
)


def test_two_writers_with_different_temporary_folders_both_land(tmp_path):
    log = make_log(tmp_path)
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    go = tmp_path / "go"
    writers = []
    for prefix in ("Cron", "Shell"):
        tmpdir = tmp_path / f"tmp-{prefix}"
        tmpdir.mkdir()
        env = {**os.environ, "TMPDIR": str(tmpdir)}
        writers.append(subprocess.Popen([sys.executable, str(script), str(log), prefix, "20", str(go)], env=env,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    go.touch()
    for proc in writers:
        _, err = proc.communicate(timeout=180)
        assert proc.returncode == 0, err
    titles = {e.title for e in parse_log(log.read_bytes()).entries}
    for prefix in ("Cron", "Shell"):
        assert {f"{prefix} {i}" for i in range(20)} <= titles
    assert parse_log(log.read_bytes()).counts()["entries"] == sample_log().build().counts["entries"] + 40
    assert leftovers(tmp_path) == []


# ------------------------------------------------------------------- a save between check and swap


EDITOR_BYTES = LOG.replace("《Mixtral of Experts》".encode(), "《Mixtral of Experts》 edited by hand".encode())


def editor_save(log: Path, data: bytes, how: str) -> None:
    """Save `data` over the log as editors do: write a new file and rename it over, or rewrite in place."""
    if how == "rename":
        swap = log.with_name(".README.md.swp")
        swap.write_bytes(data)
        os.replace(swap, log)
    else:
        with open(log, "r+b") as handle:
            handle.truncate(0)
            handle.write(data)


def save_before_nth_exchange(monkeypatch, log: Path, saves: dict[int, tuple[bytes, str]], after: bool = False):
    """Make an editor save land right before (or right after) paperflow's n-th swap of the log."""
    real_exchange = storage.exchange
    calls = {"n": 0}

    def exchange(a, b):
        calls["n"] += 1
        save = saves.get(calls["n"])
        if save and not after:
            editor_save(log, *save)
        swapped = real_exchange(a, b)
        if save and after:
            editor_save(log, *save)
        return swapped

    monkeypatch.setattr(storage, "exchange", exchange)
    return calls


@pytest.mark.parametrize("how", ["rename", "in place"])
def test_a_save_between_the_check_and_the_swap_is_swapped_back_and_kept(tmp_path, monkeypatch, how):
    log = make_log(tmp_path)
    if not storage.exchange(make_log(tmp_path, "a"), make_log(tmp_path, "b")):
        pytest.skip("this file system cannot swap two files atomically")
    calls = save_before_nth_exchange(monkeypatch, log, {1: (EDITOR_BYTES, how)})
    with pytest.raises(LogChangedError, match="changed on disk since it was read; nothing was written$"):
        insert_entries(log, [draft()], DAY)
    assert calls["n"] == 2  # the swap, and the swap back
    assert log.read_bytes() == EDITOR_BYTES
    assert leftovers(tmp_path) == []
    # Through the command: one line, exit 2, the editor's bytes.
    log.write_bytes(LOG)
    save_before_nth_exchange(monkeypatch, log, {1: (EDITOR_BYTES, how)})
    line = one_line_error(insert_cli(tmp_path, log))
    assert line == f"paperflow: log: {log} changed on disk since it was read; nothing was written"
    assert log.read_bytes() == EDITOR_BYTES


def test_a_save_right_after_the_swap_is_kept_and_the_write_reported_as_not_done(tmp_path, monkeypatch):
    log = make_log(tmp_path)
    save_before_nth_exchange(monkeypatch, log, {1: (EDITOR_BYTES, "rename")}, after=True)
    with pytest.raises(LogChangedError, match="saved by another program while paperflow wrote it"):
        insert_entries(log, [draft()], DAY)
    assert log.read_bytes() == EDITOR_BYTES
    assert leftovers(tmp_path) == []


def test_two_saves_around_the_swap_back_lose_neither(tmp_path, monkeypatch):
    log = make_log(tmp_path)
    second = EDITOR_BYTES + b"\nand a second save\n"
    save_before_nth_exchange(monkeypatch, log, {1: (EDITOR_BYTES, "rename"), 2: (second, "rename")})
    with pytest.raises(LogChangedError, match="the other version is kept in") as caught:
        insert_entries(log, [draft()], DAY)
    kept = Path(str(caught.value).rsplit("kept in ", 1)[1])
    assert log.read_bytes() == second  # the latest save is the log
    assert kept.read_bytes() == EDITOR_BYTES  # the one before it is kept beside it
    assert leftovers(tmp_path) == []


def test_without_an_atomic_swap_the_write_still_checks_before_replacing(tmp_path, monkeypatch):
    log = make_log(tmp_path)
    monkeypatch.setattr(storage, "exchange", lambda a, b: False)
    snapshot = read_log(log)
    log.write_bytes(EDITOR_BYTES)
    with pytest.raises(LogChangedError):
        write_atomic(log, b"new", expected_sha256=snapshot.sha256)
    assert log.read_bytes() == EDITOR_BYTES
    write_atomic(log, b"new", expected_sha256=hashlib.sha256(EDITOR_BYTES).hexdigest())
    assert log.read_bytes() == b"new" and leftovers(tmp_path) == []
