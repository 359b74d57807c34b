"""Atomic file output: write beside the destination, then rename, so no half-written file shows."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from .._errors import OutputError

__all__ = ["OutputError", "atomic_write", "check_output_path", "probe_directory"]


def _read_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# Read once at import: os.umask can only be read by setting it, which is not thread-safe.
_UMASK = _read_umask()


def _is_special(path: str | os.PathLike[str]) -> bool:
    # /dev/stdout, /dev/null, /proc/self/fd/N...: streams and devices, never renamed over.
    return os.path.abspath(path).startswith(("/dev/", "/proc/"))


def check_output_path(
    path: str | os.PathLike[str], *, inputs: tuple[str | os.PathLike[str], ...] = ()
) -> Path:
    """Fail early, before any long work, if ``path`` cannot receive an output file.

    Refuses a missing or unwritable directory, a path that is a directory, and a path that is
    one of ``inputs`` (writing over the input while reading it would destroy it). Returns the
    path with symbolic links resolved: output goes where a link points, not over the link.
    """
    if _is_special(path):
        special = Path(os.path.abspath(path))
        if not special.exists() and not special.parent.is_dir():
            raise OutputError(f"{path}: cannot write there: directory {special.parent} does not exist")
        return Path(path)
    try:
        target = Path(os.path.realpath(path, strict=Path(path).is_symlink()))
    except OSError as exc:  # a symbolic link loop, or a dangling link
        raise OutputError(f"{path}: cannot write there: {exc.strerror or exc}") from None
    parent = target.parent
    if target.is_dir():
        raise OutputError(f"{path}: is a directory; give a file name to write to")
    if not parent.is_dir():
        raise OutputError(f"{path}: cannot write there: directory {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise OutputError(f"{path}: cannot write there: directory {parent} is not writable")
    for source in inputs:
        if str(source) != "-" and target.exists() and Path(source).exists() and target.samefile(source):
            raise OutputError(f"{path}: is also the input; write the output to another file")
    if not (target.exists() and not target.is_file()):  # a FIFO is written directly
        probe_directory(parent, what=str(path))
    return target


def probe_directory(directory: str | os.PathLike[str], *, what: str) -> None:
    """Create and remove a temporary file in ``directory``: the one sure test that files can go there.

    ``os.access`` says yes to root everywhere, and knows nothing of read-only file systems
    (``/sys``, a read-only mount) or quotas; creating a file does.

    Raises
    ------
    OutputError
        The file cannot be created; the message starts with ``what`` and says why.
    """
    try:
        fd, name = tempfile.mkstemp(dir=directory, prefix=".newsclf-probe.", suffix=".tmp")
    except OSError as exc:
        raise OutputError(
            f"{what}: cannot write there: cannot create a file in {directory} ({exc.strerror or exc})"
        ) from None
    os.close(fd)
    with contextlib.suppress(OSError):
        os.unlink(name)


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike[str], mode: str = "wb", **kwargs: Any) -> Iterator[IO[Any]]:
    """Open a temporary file beside ``path``; on success fsync and rename it onto ``path``.

    A crash or an exception leaves ``path`` untouched (and removes the temporary file), so a
    half-written file never sits at the destination looking complete. A symbolic link is
    followed; a target under ``/dev`` or ``/proc`` (``/dev/stdout``, ``/dev/null``) or that
    exists and is not a regular file (a FIFO) is written directly, since renaming over it
    would replace the device or the stream's file itself.
    """
    target = check_output_path(path)
    if _is_special(target) or (target.exists() and not target.is_file()):
        with open(target, mode, **kwargs) as handle:
            yield handle
        return
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o666 & ~_UMASK)  # mkstemp makes 0600; give the file normal permissions
        with os.fdopen(fd, mode, **kwargs) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
