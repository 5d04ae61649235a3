"""`verifier --format github`: one annotation per finding, whatever the plan files are named.

GitHub Actions reads workflow commands from the job's output line by line: a file name or a
message that breaks the line could forge commands (« ::stop-commands:: » silences every later
annotation). The output is parsed here as the runner parses it.
"""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import run_cli
from .helpers import petit, plans_folder

UNESCAPE_DATA = (("%0D", "\r"), ("%0A", "\n"), ("%25", "%"))
UNESCAPE_PROPERTY = (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%"))


def _unescape(text: str, table: tuple[tuple[str, str], ...]) -> str:
    for escaped, char in table:
        text = text.replace(escaped, char)
    return text


def _commands(output: str) -> list[tuple[str, dict[str, str], str]]:
    """Workflow commands in `output` as the runner reads them: (command, properties, message)."""
    commands = []
    for line in output.splitlines():
        if not line.startswith("::") or line.find("::", 2) < 0:
            continue
        end = line.find("::", 2)
        name, _, listed = line[2:end].partition(" ")
        properties = {}
        for pair in filter(None, listed.split(",")):
            key, _, value = pair.partition("=")
            properties[key] = _unescape(value, UNESCAPE_PROPERTY)
        commands.append((name, properties, _unescape(line[end + 2 :], UNESCAPE_DATA)))
    return commands


def test_file_names_cannot_forge_or_stop_annotations(tmp_path: Path) -> None:
    hostile = "a\n::stop-commands::jeton\n::error file=faux.yml::faux, title=x:y 100%.yml"
    # A valid plan under names that are not its id: each file gets findings naming it.
    plan = petit("petit-pac")
    folder = plans_folder(tmp_path, {hostile: plan, "z-dernier.yml": plan})
    expected = json.loads(run_cli("verifier", str(folder), "--format", "json", cwd=tmp_path).stdout)
    assert {Path(f["file"]).name for f in expected} == {hostile, "z-dernier.yml"}

    result = run_cli("verifier", str(folder), "--format", "github", cwd=tmp_path)
    lines = result.stdout.splitlines()
    commands = _commands(result.stdout)
    assert len(lines) == len(commands) == len(expected)
    levels = {"erreur": "error", "avertissement": "warning"}
    assert [name for name, _, _ in commands] == [levels[f["severity"]] for f in expected]
    assert [(p["file"], p["line"], p["col"]) for _, p, _ in commands] == [
        (f["file"], str(f["line"]), str(f["column"])) for f in expected
    ]
    assert [p["title"] for _, p, _ in commands] == [f"{f['code']} ({f['severity']})" for f in expected]
    assert [message for _, _, message in commands] == [f["message"] for f in expected]
