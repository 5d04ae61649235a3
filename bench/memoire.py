"""Peak memory of a whole process tree, sampled from /proc.

`ru_maxrss` (what os.wait4 gives) is the peak of the single largest process: a build that
forks a second process, or starts workers, looks smaller than it is. The runner pays for every
process at once, so the benchmark's memory figure is the peak over time of the SUM of the
resident sizes (VmRSS) of the command and all its descendants, sampled every 50 ms. Pages
shared after a fork are counted in each process that maps them, as `ps` and the kernel's
out-of-memory accounting do; a peak shorter than the period can be missed (the largest
process's exact peak, ru_maxrss, is reported beside it).
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

PERIOD_S = 0.05
PAGE = os.sysconf("SC_PAGE_SIZE")
PROC = Path("/proc")


def _parent(pid: int) -> int | None:
    try:
        stat = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    # « pid (command) state ppid … »: the command may hold spaces and parentheses.
    return int(stat.rsplit(")", 1)[1].split()[1])


def _resident(pid: int) -> int:
    try:
        return int((PROC / str(pid) / "statm").read_text().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0


@dataclass
class TreeSampler:
    """Samples, in a thread, the summed RSS of `root` and its descendants until stopped."""

    root: int
    peak_sum: int = 0
    peak_processes: int = 0  # processes alive at the peak
    samples: int = 0
    _members: set[int] = field(default_factory=set)
    _parents: dict[int, int | None] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> TreeSampler:
        self._members.add(self.root)
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(PERIOD_S)

    def sample(self) -> None:
        alive = {int(entry.name) for entry in PROC.iterdir() if entry.name.isdigit()}
        # A pid, once seen, keeps its parent: only new pids are read. A descendant stays a
        # member even if its parent exits (it is then re-parented outside the tree).
        for pid in sorted(alive - self._parents.keys()):
            self._parents[pid] = _parent(pid)
        changed = True
        while changed:
            changed = False
            for pid in alive - self._members:
                if self._parents.get(pid) in self._members:
                    self._members.add(pid)
                    changed = True
        living = self._members & alive
        total = sum(_resident(pid) for pid in living)
        self.samples += 1
        if total > self.peak_sum:
            self.peak_sum, self.peak_processes = total, len(living)
