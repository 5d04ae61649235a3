"""`plan-ouvert` as a shell runs it: the installed command, in a process of its own.

Most tests call the CLI in the test's process (conftest.run_cli); these check what only a real
process shows: the console script installed by the package, its exit status and its output
streams, and that a mistake gets a French message, never a traceback.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .conftest import run_cli
from .helpers import petit, plans_folder

COMMAND = Path(sys.executable).parent / "plan-ouvert"


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(COMMAND), *args], cwd=cwd, capture_output=True, text=True, check=False)


def test_the_console_script_checks_plans_and_says_so_in_french(tmp_path: Path) -> None:
    plans_folder(tmp_path, {"petit-pac.yml": petit("petit-pac")})
    result = _run("verifier", "plans", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 plan vérifié : 0 erreur" in result.stderr
    # The process and the in-process runner the other tests use say the same.
    same = run_cli("verifier", "plans", cwd=tmp_path)
    assert (same.returncode, same.stdout, same.stderr) == (result.returncode, result.stdout, result.stderr)


def test_the_console_script_exits_1_on_an_erreur_and_2_on_a_usage_mistake(tmp_path: Path) -> None:
    text = petit("petit-pac").replace("id: petit-pac\n", "id: petit-pac\nid: encore\n", 1)
    folder = plans_folder(tmp_path, {"petit-pac.yml": text})
    result = _run("verifier", str(folder), cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "petit-pac.yml:4:1: erreur YAML-E002: clé « id » en double (déjà à la ligne 3)" in result.stdout
    usage = _run("verifier", "--format", "inconnu", cwd=tmp_path)
    assert usage.returncode == 2
    assert "plan-ouvert verifier : erreur : argument --format : choix invalide" in usage.stderr
    for output in (result, usage):
        assert "Traceback" not in output.stdout + output.stderr
