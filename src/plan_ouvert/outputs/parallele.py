"""A second process for the work of a build that the page engine does not wait for.

MkDocs renders pages on one processor. Beside it, this worker writes the files that are no
page (workbooks, exports, open data) and reads each page as soon as it is written, so that the
check of the finished site (outputs/sitecheck.py) only has to compare, not to parse again.

The worker is a fork of the build: it starts with the plans already loaded, and shares their
memory until it writes. Where fork is not available (or not wanted: `mkdocs serve` runs
threads), the same work runs in the build's own process, at the same moments.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import pickle
import signal
import sys
import threading
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from plan_ouvert.outputs.sitecheck import ParsedPage, page_digest, parse_html

Task = Callable[[], list[str]]  # returns French messages, one per failure
Handler = Callable[[Any], Any]  # a job submitted during the build, run in the second process
Collected = dict[str, tuple[str, ParsedPage]]  # site path → (hash of the bytes read, what they hold)

# The environment variable `plan-ouvert construire` sets: where the pages read during the build go.
CHECK_ENV = "PLAN_OUVERT_CONTROLE_PAGES"
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
NICE = 5  # the second process's lower priority (see Worker.start)


def read_page(site: Path, rel: str) -> tuple[str, ParsedPage]:
    data = (site / rel).read_bytes()
    return page_digest(data), parse_html(data.decode("utf-8", errors="replace"))


def load_collected(path: Path) -> Collected:
    """The pages a build read as it wrote them (one record per page); what could be read of them."""
    collected: Collected = {}
    try:
        with path.open("rb") as stream:
            while True:
                # Written by this build's own worker, in a private file.
                rel, digest, page = pickle.load(stream)  # noqa: S301
                collected[rel] = (digest, page)
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError):
        pass
    return collected


def _failure(what: str, error: BaseException) -> str:
    last = traceback.extract_tb(error.__traceback__)[-1:] if error.__traceback__ else []
    where = f" ({last[0].filename.rsplit('/', 1)[-1]}:{last[0].lineno})" if last else ""
    return f"{what} : {type(error).__name__} : {error}{where}"


class Worker:
    """Writes the build's other files and reads its pages, in a second process when it can.

    Jobs (`submit`) are handed to the `handler` given at start, in the second process, in the
    order they were submitted; `collect` returns their results in that order.
    """

    def __init__(self, site_dir: Path, check_to: Path | None, fork: bool = True):
        self.site_dir = site_dir
        self.check_to = check_to
        self.fork = fork and hasattr(os, "fork")
        self.pid: int | None = None
        self._to_worker: Connection | None = None
        self._from_worker: Connection | None = None
        self._handler: Handler | None = None
        self._inline: Collected = {}
        self._results: list[Any] = []
        self._messages: list[str] = []
        self._outputs_done = False

    @property
    def forked(self) -> bool:
        return self.pid is not None

    # --- in the build's process ------------------------------------------------------------

    def start(self, task: Task, handler: Handler | None = None) -> None:
        self._handler = handler
        if not self.fork:
            self._messages = _run(task)
            self._outputs_done = True
            return
        to_read, to_write = os.pipe()
        from_read, from_write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the worker: never returns into the build's code
            status = 1
            try:
                _stop_with_parent()
                # MkDocs renders the pages on one processor: it is the longest task of the build,
                # so the worker yields the processor to it whenever both want the same one.
                os.nice(NICE)
                os.close(to_write)
                os.close(from_read)
                inbox, outbox = Connection(to_read, writable=False), Connection(from_write, readable=False)
                _child(task, handler, inbox, outbox, self.site_dir, self.check_to)
                status = 0
            finally:
                os._exit(status)
        os.close(to_read)
        os.close(from_write)
        self.pid = pid
        self._to_worker = Connection(to_write, readable=False)
        self._from_worker = Connection(from_read, writable=False)

    def page_written(self, path: str) -> None:
        """`path` (under the site folder) is written whole: read it now, or have the worker read it."""
        if self.check_to is None:
            return
        rel = Path(path).relative_to(self.site_dir).as_posix()
        if self._to_worker is not None:
            self._to_worker.send(("page", rel))
        elif self.pid is None:
            self._inline[rel] = read_page(self.site_dir, rel)

    def submit(self, job: Any) -> None:
        """A job for the handler (in the second process if there is one)."""
        if self._to_worker is not None:
            self._to_worker.send(("job", job))
        elif self._handler is not None:
            self._results.append(self._handler(job))

    def collect(self) -> tuple[list[Any], list[str]]:
        """The results of the jobs submitted so far, in order, and the failures, in French."""
        if self._to_worker is None or self._from_worker is None:
            results, self._results = self._results, []
            return results, []
        self.wait_outputs()
        self._to_worker.send(("collect", None))
        try:
            _kind, results, errors = self._from_worker.recv()
        except (EOFError, OSError):
            return [], ["le processus qui prépare l'index de recherche s'est arrêté."]
        return list(results), list(errors)

    def wait_outputs(self) -> list[str]:
        """Wait until the other files are written; the failures, in French."""
        if not self._outputs_done and self._from_worker is not None:
            try:
                _kind, messages = self._from_worker.recv()
                self._messages = list(messages)
            except (EOFError, OSError):
                self._messages = ["le processus d'écriture des fichiers s'est arrêté."]
            self._outputs_done = True
        return self._messages

    def finish(self) -> list[str]:
        """Wait for the worker to read the last pages and stop; the failures wait_outputs did not give."""
        self.wait_outputs()
        messages: list[str] = []
        if self._to_worker is not None:
            self._to_worker.close()
            self._to_worker = None
        if self._from_worker is not None:
            self._from_worker.close()
            self._from_worker = None
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
        if self._to_worker is not None:
            self._to_worker.close()
            self._to_worker = None
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
    with path.open("wb") as stream:
        for rel, (digest, page) in collected.items():
            pickle.dump((rel, digest, page), stream, protocol=pickle.HIGHEST_PROTOCOL)


def _child(
    task: Task, handler: Handler | None, inbox: Connection, outbox: Connection, site_dir: Path, check_to: Path | None
) -> None:
    # The files are written by a thread while this one reads the pages and runs the jobs as
    # they come: nothing piles up in memory waiting for the files to be done.
    sending = threading.Lock()

    def outputs() -> None:
        messages = _run(task)
        with sending:
            outbox.send(("sorties", messages))

    writer = threading.Thread(target=outputs)
    writer.start()
    results: list[Any] = []
    errors: list[str] = []
    with contextlib.ExitStack() as stack:
        # Pages read are written to the file at once, one record each (see load_collected).
        pages = stack.enter_context(check_to.open("wb")) if check_to is not None else None
        while True:
            try:
                kind, payload = inbox.recv()
            except (EOFError, OSError):
                break
            if kind == "page" and pages is not None:
                try:
                    digest, page = read_page(site_dir, payload)
                except OSError:
                    continue  # the final check reads it again, and says what is wrong
                pickle.dump((payload, digest, page), pages, protocol=pickle.HIGHEST_PROTOCOL)
            elif kind == "job" and handler is not None:
                try:
                    results.append(handler(payload))
                except Exception as error:  # reported by the build, in French
                    errors.append(_failure("la préparation de l'index de recherche a échoué", error))
                    results.append(None)
            elif kind == "collect":
                writer.join()
                with sending:
                    outbox.send(("collecte", results, errors))
                results, errors = [], []
    writer.join()
