"""The log file on disk: which files paperflow may touch, the lock its writers share, the atomic replace.

- Only a regular file (or a symlink to one) is a log. A folder, a device node, a FIFO or a socket is
  refused before anything is opened for reading or writing (a FIFO is opened non-blocking, so a race
  cannot make paperflow hang on it either). A read-only or immutable log is refused, never replaced.
- A missing log is an error; `create_log` starts a new one with the `# pending list` skeleton.
- The lock belongs to the file, not to the process: it lives in the git directory of the repository
  holding the log (where `git status` never shows it), or beside the log otherwise, so writers with
  different temporary folders (cron, systemd PrivateTmp, containers) still take turns.
- A write goes to a temp file beside the log, which is then swapped with the log in one step
  (Linux `renameat2(RENAME_EXCHANGE)`). What was swapped out is checked: if it is not what paperflow
  read (an editor saved in that moment), it is swapped back, so the editor's bytes stay. The temp file
  keeps the log's mode and owner.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import hashlib
import os
import secrets
import stat
from contextlib import contextmanager
from collections.abc import Iterator
from pathlib import Path

from filelock import FileLock, Timeout

from paperflow.errors import LogChangedError, LogFormatError

SKELETON = b"# pending list\n\n"
STAGE = "log"


class LogMissingError(LogFormatError):
    """The log file does not exist (and was not asked to be created)."""


class NoLogConfiguredError(LogFormatError):
    """Neither `--log` nor `[log] path` says which file the log is."""


def _error(message: str, stage: str = STAGE) -> LogFormatError:
    return LogFormatError(message, stage=stage)


# ------------------------------------------------------------------------------------------- checks


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _refuse_kind(path: Path, mode: int, stage: str = STAGE) -> LogFormatError:
    return _error(f"{path} is {_kind(mode)}, not a regular file; paperflow reads and writes only regular files",
                  stage)


def _missing(path: Path) -> LogFormatError:
    """Why `path` cannot be found, in one line: a dangling link, a missing folder, or no file."""
    if os.path.islink(path):
        return _error(f"{path} is a symbolic link to {os.readlink(path)}, which does not exist")
    parent = path.parent
    if not parent.exists():
        return _error(f"{path}: the folder {parent} does not exist")
    if not parent.is_dir():
        return _error(f"{path}: {parent} is not a folder")
    return LogMissingError(f"{path} does not exist", stage=STAGE)


def check_regular_file(path: Path | str, *, writable: bool = False, stage: str = STAGE) -> Path:
    """The real path of the file at `path` (a log, a summary, a PDF; symlinks resolved) after checking
    it is a regular file (and, with `writable`, that paperflow may replace it). Raises LogFormatError (LogMissingError
    when it does not exist) with one line naming the path; nothing is opened."""
    path = Path(path)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise _missing(path) from None
    except NotADirectoryError:
        raise _error(f"{path}: a part of the path is a file, not a folder") from None
    except OSError as exc:
        raise _error(f"cannot read {path}: {exc.strerror}") from None
    if not stat.S_ISREG(info.st_mode):
        raise _refuse_kind(path, info.st_mode, stage)
    real = Path(os.path.realpath(path))
    if writable:
        # Root may write a 0444 file: the mode bits, not access(), say whether the person wants it changed.
        # access() is still asked: it reports immutable files (chattr +i) and read-only mounts.
        if not info.st_mode & 0o222 or not os.access(real, os.W_OK):
            raise _error(f"{path} is read-only (or immutable); nothing was written")
        if not os.access(real.parent, os.W_OK | os.X_OK):
            raise _error(f"the folder {real.parent} is not writable: paperflow writes the new log beside "
                         "the old one and swaps them; nothing was written")
    return real


def read_bytes(path: Path | str, max_bytes: int | None = None) -> bytes:
    """The bytes of the regular file at `path` (a log, a summary file), checked before and after
    opening, so a FIFO swapped in between never blocks. With `max_bytes`, a larger file is refused."""
    path = Path(path)
    size = os.stat(check_regular_file(path)).st_size
    if max_bytes is not None and size > max_bytes:
        raise _error(f"{path} is larger than {max_bytes:,} bytes")
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise _missing(path) from None
    except OSError as exc:
        raise _error(f"cannot read {path}: {exc.strerror}") from None
    with os.fdopen(fd, "rb") as handle:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise _refuse_kind(path, mode)
        try:
            return handle.read()
        except OSError as exc:
            raise _error(f"cannot read {path}: {exc.strerror}") from None


def create_log(path: Path | str) -> bool:
    """Start a new log at `path` with the `# pending list` skeleton. False when a file is already there
    (it is left as it is). The folder must exist. The file appears whole or not at all."""
    path = Path(path)
    if os.path.lexists(path):
        check_regular_file(path)
        return False
    if not path.parent.is_dir():
        raise _missing(path)
    tmp = _write_temp(path, SKELETON, mode=None)
    try:
        os.link(tmp, path)  # fails when another process created the file meanwhile: theirs is kept
    except FileExistsError:
        return False
    except OSError as exc:
        raise _error(f"cannot create {path}: {exc.strerror}") from None
    finally:
        _unlink_quietly(tmp)
    _fsync_dir(path.parent)
    return True


# --------------------------------------------------------------------------------------------- lock


def _git_dir(folder: Path) -> Path | None:
    """The git directory of the repository (or worktree) holding `folder`, if any."""
    for candidate in (folder, *folder.parents):
        dot_git = candidate / ".git"
        if dot_git.is_dir():
            return dot_git
        if dot_git.is_file():
            try:
                first = dot_git.read_text(encoding="utf-8", errors="replace").splitlines()[0]
            except (OSError, IndexError):
                return None
            if first.startswith("gitdir:"):
                target = Path(first[len("gitdir:") :].strip())
                target = target if target.is_absolute() else candidate / target
                return target if target.is_dir() else None
            return None
    return None


def lock_path(real: Path) -> Path:
    """The lock of the log whose real path is `real`: in the repository's git directory when the log
    is in one (named after the log's path inside the repository), else beside the log."""
    git_dir = _git_dir(real.parent)
    if git_dir is not None and os.access(git_dir, os.W_OK | os.X_OK):
        work_tree = git_dir.parent if git_dir.name == ".git" else None
        inside = str(real.relative_to(work_tree)) if work_tree and real.is_relative_to(work_tree) else str(real)
        digest = hashlib.sha256(inside.encode("utf-8", "surrogateescape")).hexdigest()[:16]
        return git_dir / f"paperflow-log-{digest}.lock"
    return real.parent / f".{real.name}.paperflow-lock"


# How long an insert waits for another paperflow process's insert into the same log: it holds the lock for
# milliseconds on an idle machine, for long seconds on a busy one; waiting is right, failing is not.
LOCK_WAIT_SECONDS = 600.0


@contextmanager
def log_lock(real: Path, timeout: float = LOCK_WAIT_SECONDS, shown: Path | None = None) -> Iterator[None]:
    """Hold the log's inter-process lock. Raises LogChangedError after `timeout` seconds of waiting,
    LogFormatError when the lock file cannot be used (a folder in its place, no permission)."""
    where = lock_path(real)
    shown = shown or real
    if where.is_dir():
        raise _error(f"{where}, the lock file paperflow uses for {shown}, is a folder; remove it")
    try:
        with FileLock(where, mode=0o664).acquire(timeout=timeout):
            yield
    except Timeout:
        raise LogChangedError(f"{shown} is locked by another paperflow process; nothing was written",
                              stage=STAGE) from None
    except IsADirectoryError:
        raise _error(f"{where}, the lock file paperflow uses for {shown}, is a folder; remove it") from None
    except PermissionError as exc:
        raise _error(f"cannot use the lock file {where} for {shown}: {exc.strerror}") from None


# ------------------------------------------------------------------------------------- atomic write


def _temp_prefix(path: Path) -> str:
    return f".{path.name}.paperflow-tmp-"


def remove_stale_temps(path: Path) -> None:
    # A writer killed mid-write leaves its temp file; the log itself is intact. Tidy up after it.
    for leftover in path.parent.glob(_temp_prefix(path) + "*"):
        pid = leftover.name.rsplit("-", 2)[-2] if leftover.name.count("-") >= 2 else ""
        if pid.isdigit() and _pid_alive(int(pid)):
            continue
        _unlink_quietly(leftover)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _write_temp(path: Path, data: bytes, *, mode: int | None, owner: tuple[int, int] | None = None) -> str:
    """A temp file beside `path` holding `data` (fsynced), with `mode` and `owner` (uid, gid).
    With mode None the file gets the default permissions of a new file (0666 less the umask)."""
    tmp = str(path.parent / f"{_temp_prefix(path)}{os.getpid()}-{secrets.token_hex(6)}")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0),
                     0o666 if mode is None else 0o600)
    except OSError as exc:
        raise _error(f"cannot write beside {path}: {exc.strerror}; nothing was written") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if owner is not None and owner != (os.getuid(), os.getgid()):
                try:
                    os.fchown(handle.fileno(), *owner)
                except PermissionError:
                    raise _error(f"{path} belongs to another user (uid {owner[0]}, gid {owner[1]}): paperflow "
                                 "cannot replace it and keep its owner; nothing was written") from None
            if mode is not None:
                os.fchmod(handle.fileno(), mode)  # after chown, which clears setuid/setgid bits
            os.fsync(handle.fileno())
    except BaseException as exc:
        _unlink_quietly(tmp)
        if isinstance(exc, OSError):
            raise _error(f"cannot write beside {path}: {exc.strerror}; nothing was written") from None
        raise
    return tmp


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
_SYS_RENAMEAT2 = {"x86_64": 316, "aarch64": 276, "arm64": 276}


def _renameat2():
    libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
    function = getattr(libc, "renameat2", None)
    if function is not None:
        return lambda a, b: function(_AT_FDCWD, a, _AT_FDCWD, b, _RENAME_EXCHANGE)
    number = _SYS_RENAMEAT2.get(os.uname().machine)
    if number is None:
        return None
    return lambda a, b: libc.syscall(number, _AT_FDCWD, a, _AT_FDCWD, b, _RENAME_EXCHANGE)


_EXCHANGE = _renameat2() if os.uname().sysname == "Linux" else None


def exchange(a: str | Path, b: str | Path) -> bool:
    """Swap the files at `a` and `b` in one step. False when the system or file system cannot."""
    if _EXCHANGE is None:
        return False
    if _EXCHANGE(os.fsencode(a), os.fsencode(b)) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _sha256_of(path: str | Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _changed(path: Path, *, conflict: str | None = None) -> LogChangedError:
    kept = f"; the other version is kept in {conflict}" if conflict else ""
    return LogChangedError(f"{path} changed on disk since it was read; nothing was written{kept}", stage=STAGE)


def write_atomic(path: Path | str, data: bytes, expected_sha256: str | None = None) -> None:
    """Replace the log at `path` with `data` all at once: a reader sees the old file or the new one.

    The file must exist and be a writable regular file (a symlink is written through: the target is
    replaced, the link stays); its mode and owner are kept. With `expected_sha256`, refuses
    (LogChangedError) when the file is not that content, and guarantees it: the content swapped out
    is checked after the swap, and swapped back when someone changed it in the meantime.
    """
    shown = Path(path)
    real = check_regular_file(shown, writable=True)
    remove_stale_temps(real)
    info = os.stat(real)
    tmp = _write_temp(real, data, mode=stat.S_IMODE(info.st_mode), owner=(info.st_uid, info.st_gid))
    try:
        ours = _identity(tmp)
        if expected_sha256 is not None and _sha256_of(real) != expected_sha256:
            raise _changed(shown)
        swapped = exchange(tmp, real)
        if not swapped:
            # No atomic swap on this file system: the check above and this rename are two steps.
            os.replace(tmp, real)
    except OSError as exc:
        _unlink_quietly(tmp)
        raise _error(f"cannot replace {shown}: {exc.strerror}; nothing was written") from None
    except BaseException:
        _unlink_quietly(tmp)
        raise
    _fsync_dir(real.parent)
    if swapped:
        _settle_swap(shown, real, tmp, ours, expected_sha256)
    _confirm_written(shown, real, ours, hashlib.sha256(data).hexdigest())


def _identity(path: str | Path) -> tuple[int, int]:
    info = os.stat(path)
    return info.st_dev, info.st_ino


def _settle_swap(shown: Path, real: Path, tmp: str, ours: tuple[int, int], expected_sha256: str | None) -> None:
    """After the swap, `tmp` names the file that was the log a moment ago. If it is not what was read,
    someone saved in between: swap back so their bytes are the log again, and refuse. A file is only
    ever deleted when it is known: the content that was read, or paperflow's own new file."""
    if expected_sha256 is None or _sha256_of(tmp) == expected_sha256:
        _unlink_quietly(tmp)
        return
    exchange(tmp, real)
    _fsync_dir(real.parent)
    if _identity(tmp) == ours:
        _unlink_quietly(tmp)
        raise _changed(shown)
    # The log was saved once more while paperflow swapped back: `tmp` holds that latest save and the log
    # the one before. Make the latest the log again, keep the other under a name no clean-up removes.
    exchange(tmp, real)
    kept = real.parent / f".{real.name}.paperflow-conflict-{os.getpid()}-{secrets.token_hex(4)}"
    os.rename(tmp, kept)
    _fsync_dir(real.parent)
    raise _changed(shown, conflict=str(kept))


def _confirm_written(shown: Path, real: Path, ours: tuple[int, int], sha256: str) -> None:
    """The log is paperflow's new file with paperflow's bytes; else another program saved over it
    right after the swap: its version stays, and the write is reported as not done."""
    try:
        same = _identity(real) == ours and _sha256_of(real) == sha256
    except OSError:
        same = False
    if not same:
        raise LogChangedError(f"{shown} was saved by another program while paperflow wrote it; that version "
                              "is kept and paperflow's entries are not in it", stage=STAGE)


def _fsync_dir(folder: Path) -> None:
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def _unlink_quietly(path: str | Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
