"""`plan-ouvert apercu`: its server answers only its own address (no DNS rebinding)."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator

import pytest

from plan_ouvert.outputs import apercu

from .conftest import CLI, copy_project

pytestmark = pytest.mark.slow

PLAN = "plans/mrc-etchemins-pac-2022.yml"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(port: int, host: str | None, path: str = "/") -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.putrequest("GET", path, skip_host=True)
        if host is not None:
            connection.putheader("Host", host)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


@pytest.fixture(scope="module")
def preview(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    project = copy_project(tmp_path_factory.mktemp("apercu") / "projet")
    port = _free_port()
    log = (project / "apercu.log").open("wb")
    process = subprocess.Popen(
        [*CLI, "apercu", PLAN, "--port", str(port)],
        cwd=project,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            try:
                if _get(port, f"127.0.0.1:{port}")[0] == 200:
                    break
            except OSError:
                pass
            assert process.poll() is None, (project / "apercu.log").read_text(encoding="utf-8", errors="replace")
            time.sleep(0.5)
        else:
            pytest.fail("l'aperçu n'a pas répondu")
        yield port
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        log.close()


def test_the_preview_answers_its_own_address(preview: int) -> None:
    for host in (f"127.0.0.1:{preview}", f"localhost:{preview}", f"LOCALHOST:{preview}"):
        status, body = _get(preview, host)
        assert status == 200, host
        assert "<html" in body


@pytest.mark.parametrize("host", ["attaquant.example:{port}", "attaquant.example", "127.0.0.1:1", None, ""])
def test_a_foreign_host_is_refused_in_french(preview: int, host: str | None) -> None:
    status, body = _get(preview, host.format(port=preview) if host is not None else None)
    assert status == 421
    assert body == (
        f"Requête refusée : cet aperçu ne répond qu'à l'adresse http://127.0.0.1:{preview}/ "
        f"(ou http://localhost:{preview}/).\n"
    )
    # The pages and the live reload alike.
    assert _get(preview, "attaquant.example", "/livereload/1/1")[0] == 421


def test_the_guard_names_only_the_bound_address() -> None:
    assert apercu.allowed_hosts("127.0.0.1", 8000) == {"127.0.0.1:8000", "localhost:8000", "[::1]:8000"}
    assert apercu.allowed_hosts("192.0.2.5", 8080) == {"192.0.2.5:8080"}
