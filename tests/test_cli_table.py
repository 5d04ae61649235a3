"""The command line: one table of commands, each handing typed arguments to a plain function,
and argparse's messages in French through the one replacement cli.py makes."""

from __future__ import annotations

import argparse
import ast
import inspect

import pytest

from plan_ouvert import cli


def _gettext_messages() -> set[str]:
    """Every string the running Python's argparse asks gettext to translate: `_('…')`."""
    found = set()
    for node in ast.walk(ast.parse(inspect.getsource(argparse))):
        called = isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "_"
        if called and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
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


def test_each_command_of_the_table_reaches_a_function_taking_its_arguments() -> None:
    """Every argument a command parses is a parameter of its function, and every parameter
    without a default is an argument: no Namespace travels beyond cli.py."""
    commands = {a.dest: a for a in cli.parser()._subparsers._group_actions}  # type: ignore[union-attr]
    choices = commands["commande"].choices
    assert sorted(choices) == sorted(c.name for c in cli.COMMANDS)
    for command in cli.COMMANDS:
        sub = choices[command.name]
        dests = {a.dest for a in sub._actions if a.dest != "help"}
        parameters = inspect.signature(command.target()).parameters
        assert dests == set(parameters), command.name
        required = {n for n, p in parameters.items() if p.default is inspect.Parameter.empty}
        assert required <= dests, command.name
