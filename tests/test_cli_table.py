"""The command line: one table of commands, each handing typed arguments to a plain function,
and argparse's messages in French through the one replacement cli.py makes."""

from __future__ import annotations

import argparse
import ast
import inspect
from pathlib import Path

import pytest

from plan_ouvert import cli


def _gettext_messages() -> set[str]:
    """Every string the running Python's argparse asks gettext to translate: `_('…')`."""
    found = set()
    for node in ast.walk(ast.parse(inspect.getsource(argparse))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "_"):
            continue
        if node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
            found.add(node.args[0].value)
    return found


def test_canary_argparse_still_asks_for_every_translated_message() -> None:
    """cli.py replaces argparse's private `_` (its gettext): when an upgrade of Python renames a
    message or stops asking gettext, this fails instead of a user meeting English."""
    assert argparse._ is cli._french  # type: ignore[attr-defined]
    missing = sorted(set(cli.FRENCH_MESSAGES) - _gettext_messages())
    assert missing == []


def test_a_wrong_call_is_answered_in_french(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        cli.main(["rapport"])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("utilisation : plan-ouvert rapport")
    assert "plan-ouvert rapport : erreur : arguments obligatoires manquants : PLAN, --annee" in err


def _dest(arg: cli.Arg) -> str:
    """argparse's documented destination: `dest=`, else the first long flag or the positional name."""
    if "dest" in arg.options:
        return str(arg.options["dest"])
    name = next((f for f in arg.flags if f.startswith("--")), arg.flags[0])
    return name.lstrip("-").replace("-", "_")


def test_each_command_of_the_table_reaches_a_function_taking_its_arguments() -> None:
    """Every argument a command parses is a parameter of its function, and every parameter
    without a default is an argument: no Namespace travels beyond cli.py."""
    for command in cli.COMMANDS:
        args = [a for item in command.args for a in (item.args if isinstance(item, cli.Exclusive) else (item,))]
        dests = {_dest(a) for a in args}
        parameters = inspect.signature(command.target()).parameters
        assert dests == set(parameters), command.name
        required = {n for n, p in parameters.items() if p.default is inspect.Parameter.empty}
        assert required <= dests, command.name


def test_a_command_runs_in_process_with_its_typed_arguments(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`schema --plans DOSSIER -` reaches `schema(sortie="-", plans=...)`: the JSON Schema on stdout."""
    assert cli.main(["schema", "--plans", str(tmp_path), "-"]) == 0
    assert '"$schema"' in capsys.readouterr().out
