"""The pull-request workflow: the proposed change cannot write the summary reviewers trust.

A pull request can hold any code: the job that reads its plans must run the base branch's
code only, with a read-only token that is not left on disk, and the job allowed to comment
must run nothing from the change.
"""

from __future__ import annotations

import re
import shlex
from typing import Any

import yaml

from .helpers import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"
PR = WORKFLOWS / "pr.yml"
BASE_REF = "${{ github.event.pull_request.base.sha }}"


def _jobs() -> dict[str, dict[str, Any]]:
    jobs: dict[str, dict[str, Any]] = yaml.safe_load(PR.read_text(encoding="utf-8"))["jobs"]
    return jobs


def _runs(job: dict[str, Any]) -> list[str]:
    """Each shell command of the job, one per line, comments and continuations removed."""
    commands = []
    for step in job.get("steps", []):
        script = step.get("run", "").replace("\\\n", " ")
        commands += [line.strip() for line in script.splitlines() if line.strip() and not line.strip().startswith("#")]
    return commands


def _uses(job: dict[str, Any], action: str) -> list[dict[str, Any]]:
    return [step for step in job.get("steps", []) if step.get("uses", "").startswith(f"{action}@")]


def _writes(permissions: Any) -> bool:
    if isinstance(permissions, str):
        return permissions == "write-all"
    return any(value == "write" for value in (permissions or {}).values())


def _runs_plan_ouvert(job: dict[str, Any]) -> bool:
    return any("plan-ouvert" in command or "plan_ouvert" in command for command in _runs(job))


def test_the_job_reading_the_plans_runs_the_base_code_read_only() -> None:
    readers = [job for job in _jobs().values() if _runs_plan_ouvert(job)]
    assert len(readers) == 1
    job = readers[0]
    assert job.get("permissions") == {"contents": "read"}
    checkouts = _uses(job, "actions/checkout")
    assert len(checkouts) == 2
    assert all(step["with"]["persist-credentials"] is False for step in checkouts)
    base = [step["with"]["path"] for step in checkouts if step["with"].get("ref") == BASE_REF]
    proposed = [step["with"]["path"] for step in checkouts if step["with"].get("ref") != BASE_REF]
    assert len(base) == len(proposed) == 1
    assert base != proposed

    commands = [shlex.split(command) for command in _runs(job) if not command.startswith(("if ", "fi", "exit"))]
    venvs = [words[-1] for words in commands if words[1:3] == ["-m", "venv"]]
    assert len(venvs) == 1
    installs = [words for words in commands if "pip" in words and "install" in words]
    assert installs and all(words[0] == f"{venvs[0]}/bin/python" for words in installs)
    # What gets installed: the locked requirements and the package, both from the base checkout.
    installed = [word for words in installs for word in words[words.index("install") + 1 :] if not word.startswith("-")]
    assert installed and all(re.match(rf"(\./)?{base[0]}(/|$)", word) for word in installed), installed
    assert not any(proposed[0] in word for words in installs for word in words)

    # plan-ouvert is only ever the base's, by its full path (never `python -m` from the PR tree),
    # and nothing else runs but the shell's own tools.
    calls = [line for line in _runs(job) if "plan-ouvert" in line]
    assert calls and all(f'"{venvs[0]}/bin/plan-ouvert"' in line for line in calls)
    allowed = {f"{venvs[0]}/bin/python", f"{venvs[0]}/bin/plan-ouvert", "mkdir", "printf", "echo", "[", "fi", "exit"}
    for words in (shlex.split(line) for line in _runs(job)):
        program = next(word for word in words if word not in ("if", "!"))
        assert program in allowed or words[:3] == ["python", "-m", "venv"], words
    comparer = [line for line in calls if " comparer " in line]
    assert len(comparer) == 1 and "--revisions" in comparer[0]


def test_the_job_allowed_to_comment_runs_nothing_from_the_change() -> None:
    jobs = _jobs()
    writers = [job for job in jobs.values() if _writes(job.get("permissions"))]
    assert len(writers) == 1
    job = writers[0]
    assert job["permissions"] == {"pull-requests": "write"}
    assert _uses(job, "actions/checkout") == []
    assert _uses(job, "actions/download-artifact")
    assert not any(re.search(r"\b(python|pip|make|npm|node|plan-ouvert|bash|sh|source)\b", c) for c in _runs(job))
    # The summary goes file to file: printed to the log, a line could read as a workflow command.
    assert not any(re.match(r"cat \S+$", command) for command in _runs(job))
    reader = jobs[job["needs"]]
    assert _uses(reader, "actions/upload-artifact")


def test_the_workflow_grants_no_write_by_default_and_pins_every_action() -> None:
    for path in sorted(WORKFLOWS.glob("*.yml")):
        workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert not _writes(workflow.get("permissions")), path.name
        for job in workflow["jobs"].values():
            for step in job.get("steps", []):
                if "uses" in step:
                    assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", step["uses"]), (path.name, step["uses"])
    for job in _jobs().values():
        assert "permissions" in job  # no job inherits the workflow's default by accident


def test_no_checkout_leaves_a_credential_in_the_working_copy() -> None:
    """Nothing in these workflows pushes: a token left in .git/config could be read by the build
    (or published by a link followed into .git)."""
    checkouts = []
    for path in sorted(WORKFLOWS.glob("*.yml")):
        for name, job in yaml.safe_load(path.read_text(encoding="utf-8"))["jobs"].items():
            checkouts += [(path.name, name, step) for step in _uses(job, "actions/checkout")]
    assert {workflow for workflow, _job, _step in checkouts} == {"deploy.yml", "pr.yml"}
    kept = [
        (workflow, job)
        for workflow, job, step in checkouts
        if step.get("with", {}).get("persist-credentials") is not False
    ]
    assert kept == []
