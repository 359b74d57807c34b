"""Run a command in a child process and measure its wall time and peak memory."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["MeasureError", "Measured", "process_tree", "run_measured"]

_PAGE = os.sysconf("SC_PAGE_SIZE")
_SAMPLE_SECONDS = 0.2


class MeasureError(RuntimeError):
    """A measured command failed."""


@dataclass(frozen=True)
class Measured:
    """What one measured child process cost, and the JSON it printed last (if any).

    ``peak_rss_mb`` is the larger of the kernel's peak resident set of the child (and of its
    own children, one at a time) and a 0.2 s sampling of the summed RSS of its process tree,
    which counts worker processes running side by side (pages they share count once each).
    ``cpu_seconds`` is user + system time of the child and of every descendant it waited for
    (worker processes included), from ``wait4``.
    """

    seconds: float
    peak_rss_mb: float
    result: dict[str, Any] = field(default_factory=dict)
    cpu_seconds: float = 0.0


def process_tree(root: int) -> list[int]:
    """Return ``root`` and the pids of its descendants (as /proc shows them now)."""
    parents: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    tree, frontier = [root], [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent and pid not in tree]
        tree += children
        frontier += children
    return tree


def _tree_rss(root: int) -> int:
    """Return the summed resident bytes of ``root`` and its descendants (0 once ``root`` is gone)."""
    total = 0
    for pid in process_tree(root):
        with contextlib.suppress(OSError):
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * _PAGE
    return total


class _TreeSampler(threading.Thread):
    """Samples the process tree's RSS; kills the tree (its own session) past ``timeout`` seconds."""

    def __init__(self, pid: int, timeout: float) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0
        self.deadline = time.monotonic() + timeout
        self.timed_out = False
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(_SAMPLE_SECONDS):
            self.peak = max(self.peak, _tree_rss(self.pid))
            if time.monotonic() > self.deadline and not self.timed_out:
                self.timed_out = True
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.pid, signal.SIGKILL)


def _last_json(text: str) -> dict[str, Any]:
    for line in reversed(text.strip().splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    return {}


def run_measured(
    command: Sequence[str],
    *,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 3600.0,
) -> Measured:
    """Run ``command`` to completion; return its wall time, peak RSS and last JSON line.

    Raises
    ------
    MeasureError
        The command exited with a non-zero status (the message holds the end of its stderr),
        or ran past ``timeout`` seconds and was killed.
    """
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(
            list(command),
            stdout=out,
            stderr=err,
            stdin=subprocess.DEVNULL,
            env=env,
            cwd=cwd,
            start_new_session=True,  # its own process group, so a timeout can end the whole tree
        )
        sampler = _TreeSampler(proc.pid, timeout)
        sampler.start()
        # wait4 reaps the child and returns the resources of that child alone.
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        sampler.done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if sampler.timed_out:
        raise MeasureError(f"{' '.join(command)} ran past {timeout:.0f} s and was killed")
    if proc.returncode != 0:
        raise MeasureError(f"{' '.join(command)} exited with {proc.returncode}:\n{stderr[-3000:]}")
    peak = max(usage.ru_maxrss * 1024, sampler.peak)  # ru_maxrss is in KiB on Linux
    return Measured(
        seconds=seconds,
        peak_rss_mb=peak / 1e6,
        result=_last_json(stdout),
        cpu_seconds=usage.ru_utime + usage.ru_stime,
    )
