"""A second process for the work of a build that the page engine does not wait for.

MkDocs renders pages on one processor. Beside it, this worker writes the files that are no
page (workbooks, exports, open data) and reads each page as soon as it is written, so that the
check of the finished site (outputs/sitecheck.py) only has to compare, not to parse again.

The worker is a fork of the build: it starts with the plans already loaded, and shares their
memory until it writes. Where fork is not available (or not wanted: `mkdocs serve` runs
threads), the same work runs in the build's own process, at the same moments.
"""

from __future__ import annotations

import ctypes
import json
import os
import pickle
import queue
import signal
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import IO

from plan_ouvert.outputs.sitecheck import ParsedPage, page_digest, parse_html

Task = Callable[[], list[str]]  # returns French messages, one per failure
Collected = dict[str, tuple[str, ParsedPage]]  # site path → (hash of the bytes read, what they hold)

# The environment variable `plan-ouvert construire` sets: where the pages read during the build go.
CHECK_ENV = "PLAN_OUVERT_CONTROLE_PAGES"
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def read_page(site: Path, rel: str) -> tuple[str, ParsedPage]:
    data = (site / rel).read_bytes()
    return page_digest(data), parse_html(data.decode("utf-8", errors="replace"))


def load_collected(path: Path) -> Collected:
    """The pages a build read as it wrote them; empty when the file is missing or unreadable."""
    try:
        with path.open("rb") as stream:
            loaded = pickle.load(stream)  # noqa: S301 (written by this build's own worker, in a private file)
    except (OSError, EOFError, pickle.UnpicklingError):
        return {}
    return loaded if isinstance(loaded, dict) else {}


def _failure(what: str, error: BaseException) -> str:
    last = traceback.extract_tb(error.__traceback__)[-1:] if error.__traceback__ else []
    where = f" ({last[0].filename.rsplit('/', 1)[-1]}:{last[0].lineno})" if last else ""
    return f"{what} : {type(error).__name__} : {error}{where}"


class Worker:
    """Writes the build's other files and reads its pages, in a second process when it can."""

    def __init__(self, site_dir: Path, check_to: Path | None, fork: bool = True):
        self.site_dir = site_dir
        self.check_to = check_to
        self.fork = fork and hasattr(os, "fork")
        self.pid: int | None = None
        self._pages: IO[str] | None = None
        self._results: IO[str] | None = None
        self._inline: Collected = {}
        self._messages: list[str] = []
        self._outputs_done = False

    # --- in the build's process ------------------------------------------------------------

    def start(self, task: Task) -> None:
        if not self.fork:
            self._messages = _run(task)
            self._outputs_done = True
            return
        pages_read, pages_write = os.pipe()
        results_read, results_write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the worker: never returns into the build's code
            status = 1
            try:
                _stop_with_parent()
                os.close(pages_write)
                os.close(results_read)
                with os.fdopen(results_write, "w", encoding="utf-8") as results:
                    _child(task, os.fdopen(pages_read, encoding="utf-8"), results, self.site_dir, self.check_to)
                status = 0
            finally:
                os._exit(status)
        os.close(pages_read)
        os.close(results_write)
        self.pid = pid
        self._pages = os.fdopen(pages_write, "w", encoding="utf-8")
        self._results = os.fdopen(results_read, encoding="utf-8")

    def page_written(self, path: str) -> None:
        """`path` (under the site folder) is written whole: read it now, or have the worker read it."""
        if self.check_to is None:
            return
        rel = Path(path).relative_to(self.site_dir).as_posix()
        if self._pages is not None:
            self._pages.write(rel + "\n")
        elif self.pid is None:
            self._inline[rel] = read_page(self.site_dir, rel)

    def wait_outputs(self) -> list[str]:
        """Wait until the other files are written; the failures, in French."""
        if not self._outputs_done and self._results is not None:
            line = self._results.readline()
            self._messages = json.loads(line) if line else ["le processus d'écriture des fichiers s'est arrêté."]
            self._outputs_done = True
        return self._messages

    def finish(self) -> list[str]:
        """Wait for the worker to read the last pages and stop; the failures wait_outputs did not give."""
        self.wait_outputs()
        messages: list[str] = []
        if self._pages is not None:
            self._pages.close()
            self._pages = None
        if self._results is not None:
            self._results.read()
            self._results.close()
            self._results = None
        if self.pid is not None:
            _pid, status = os.waitpid(self.pid, 0)
            self.pid = None
            if os.waitstatus_to_exitcode(status) != 0:
                messages.append("le processus qui lit les pages construites s'est arrêté avant la fin.")
        elif self.check_to is not None:
            _save(self._inline, self.check_to)
        return messages

    def abandon(self) -> None:
        """Stop the worker without waiting for its work (the build failed)."""
        if self._pages is not None:
            self._pages.close()
            self._pages = None
        if self.pid is not None:
            try:
                os.kill(self.pid, signal.SIGTERM)
                os.waitpid(self.pid, 0)
            except OSError:
                pass
            self.pid = None


def _stop_with_parent() -> None:
    """Linux: the worker is stopped when the build is (killed, or stopped by construire), so
    that it never writes into a folder that the build's failure has removed."""
    if not sys.platform.startswith("linux"):
        return
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        return


def _run(task: Task) -> list[str]:
    try:
        return task()
    except Exception as error:  # reported as a build error, in French, never a traceback
        return [_failure("l'écriture des fichiers du site a échoué", error)]


def _save(collected: Collected, path: Path) -> None:
    scratch = path.with_name(path.name + ".ecriture")
    with scratch.open("wb") as stream:
        pickle.dump(collected, stream, protocol=pickle.HIGHEST_PROTOCOL)
    scratch.replace(path)


def _child(task: Task, pages: IO[str], results: IO[str], site_dir: Path, check_to: Path | None) -> None:
    # The pipe of page names is drained while the files are written: the build never waits
    # on a full pipe.
    names: queue.SimpleQueue[str | None] = queue.SimpleQueue()

    def drain() -> None:
        for line in pages:
            names.put(line.rstrip("\n"))
        names.put(None)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    results.write(json.dumps(_run(task), ensure_ascii=False) + "\n")
    results.flush()
    collected: Collected = {}
    while (rel := names.get()) is not None:
        if check_to is None:
            continue
        try:
            collected[rel] = read_page(site_dir, rel)
        except OSError:
            continue  # the final check reads it again, and says what is wrong
    if check_to is not None:
        _save(collected, check_to)
