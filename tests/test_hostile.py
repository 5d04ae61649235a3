"""Hostile and broken input: nothing breaks, nothing runs, nothing escapes site/."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plan_ouvert.cli import main
from plan_ouvert.source.load import load_file

from .conftest import copy_project, run_cli
from .helpers import PETIT, petit, plans_folder

PAYLOADS = [
    "<script>window.__xss='script'</script>",
    "<img src=x onerror=\"window.__xss='img'\">",
    "<a href=\"javascript:window.__xss='lien'\">clic</a>",
    "[lien](javascript:window.__xss='md')",
    "{{ config.site_name }} {% include 'base.html' %} {# commentaire #}",
    '" onmouseover="window.__xss=\'attr\'" x="',
    "</textarea><svg onload=\"window.__xss='svg'\">",
    "<iframe src=\"data:text/html,<script>parent.__xss='data'</script>\"></iframe>",
    "{{ '' .__class__.__mro__ }}",
    "<style>body{display:none}</style>",
]
FREE_TEXT = {
    "texte",
    "enonce",
    "titre",
    "nom",
    "sigle",
    "role",
    "commentaires",
    "resume",
    "source",
    "unite",
    "realise",
    "commentaire",
    "instance",
    "resolution",
}
TEXT_LISTS = {"resultats_attendus", "clientele", "objectifs"}


def poison(data: Any, counter: list[int]) -> Any:
    """Every free-text value of a plan replaced by a payload, in turn."""
    if isinstance(data, dict):
        result = {}
        for key, value in data.items():
            if key in FREE_TEXT and isinstance(value, str):
                counter[0] += 1
                result[key] = f"Texte {counter[0]} {PAYLOADS[counter[0] % len(PAYLOADS)]}"
            elif key in TEXT_LISTS and isinstance(value, list):
                result[key] = []
                for _ in value:
                    counter[0] += 1
                    result[key].append(f"Texte {counter[0]} {PAYLOADS[counter[0] % len(PAYLOADS)]}")
            else:
                result[key] = poison(value, counter)
        return result
    if isinstance(data, list):
        return [poison(item, counter) for item in data]
    return data


@pytest.fixture(scope="module")
def poisoned_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("xss") / "projet")
    for name in ("petit-piar", "petit-pac"):
        data = poison(yaml.safe_load(petit(name)), [0])
        data["suivi_exemple"] = None
        del data["suivi_exemple"]
        (project / "plans" / f"{name}.yml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = run_cli("construire", cwd=project)
    assert result.returncode == 0, result.stderr
    return project / "site"


def test_payloads_are_shown_as_text_in_the_html(poisoned_site: Path) -> None:
    pages = list((poisoned_site / "plans" / "petit-pac").rglob("index.html"))
    pages += list((poisoned_site / "plans" / "petit-piar").rglob("index.html"))
    assert len(pages) > 20
    html = "\n".join(p.read_text(encoding="utf-8") for p in pages)
    for marker in (
        "<script>window.__xss",
        "<img src=x onerror",
        "<svg onload",
        '<iframe src="data:',
        "<style>body{display:none}",
    ):
        assert marker not in html, marker
    # A quote inside escaped text (a title's « &lt;a href="javascript:… ») is text, not an attribute.
    assert not re.search(r"<a\s[^>]*href=\"javascript:", html)
    assert "&lt;script&gt;window.__xss" in html
    assert "{{ config.site_name }}" in html  # template syntax stays text: never evaluated
    assert "__mro__" in html and "&lt;class" not in html


def test_template_syntax_in_a_title_is_not_evaluated(poisoned_site: Path) -> None:
    titles = [
        p.read_text(encoding="utf-8").split("<title>", 1)[1].split("</title>", 1)[0]
        for p in (poisoned_site / "plans").rglob("index.html")
    ]
    assert any("{{ config.site_name }}" in t or "&lt;script&gt;" in t for t in titles)


@pytest.mark.parametrize("bad_id", ["../../etc", "a/b", "1 1", "1‐1", "аxe", "Moyen-1", "1--1", "-1", ""])
def test_ids_that_could_escape_or_collide_are_refused(tmp_path: Path, bad_id: str) -> None:
    text = petit("petit-pac").replace("id: 2-1", f"id: '{bad_id}'")
    loaded = load_file(plans_folder(tmp_path, {"petit-pac.yml": text}) / "petit-pac.yml")
    assert [f.code for f in loaded.findings] == ["SCHEMA-E004"]


def test_fifty_megabyte_file(tmp_path: Path) -> None:
    path = tmp_path / "enorme.yml"
    with path.open("w", encoding="utf-8") as out:
        out.write("id: x\n")
        out.write(("# " + "x" * 97 + "\n") * 500_000)
    loaded = load_file(path)
    assert [f.code for f in loaded.findings] == ["YAML-E010"]
    assert "fichier trop volumineux (50,0 Mo)" in loaded.findings[0].message


# --- Property: any mutation of a real plan gives findings or a plan, never an exception ---

SEED = yaml.safe_load((PETIT / "petit-pac.yml").read_text(encoding="utf-8"))
VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 10**12),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _paths(value, (*prefix, index))
    return found


PATHS = _paths(SEED)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    mutations=st.lists(
        st.tuples(st.sampled_from(PATHS), st.one_of(st.just("supprimer"), VALUES)), min_size=1, max_size=4
    )
)
def test_mutated_plans_never_raise(tmp_path: Path, mutations: list[tuple[tuple[Any, ...], Any]]) -> None:
    data = copy.deepcopy(SEED)
    for path, value in mutations:
        parent = data
        try:
            for part in path[:-1]:
                parent = parent[part]
            if value == "supprimer":
                del parent[path[-1]]
            else:
                parent[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue
    folder = plans_folder(tmp_path / "h", {"petit-pac.yml": yaml.safe_dump(data, allow_unicode=True)})
    code = main(["verifier", str(folder), "--format", "json"])
    assert code in (0, 1, 2)


def test_huge_string_is_refused_with_its_place(tmp_path: Path) -> None:
    text = petit("petit-pac").replace("texte: 5 activités", "texte: " + "x" * 200_000)
    loaded = load_file(plans_folder(tmp_path, {"petit-pac.yml": text}) / "petit-pac.yml")
    assert [f.code for f in loaded.findings] == ["SCHEMA-E007"]
    assert "texte trop long" in loaded.findings[0].message and "5000 au plus" in loaded.findings[0].message
    assert loaded.findings[0].line == text[: text.index("xxxx")].count("\n") + 1


# --- Files that are not plans: links, names, paths given as ids (issue 11) -------------------

OUTSIDE = "SENTINELLE-HORS-DEPOT-91c2"


def _outside_file(tmp_path: Path) -> Path:
    """A file outside the plans folder whose first line must never reach a message."""
    path = tmp_path / "ailleurs" / "secret.yml"
    path.parent.mkdir(parents=True)
    path.write_text(f"{OUTSIDE}:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    return path


def test_symbolic_links_are_refused_without_being_read(tmp_path: Path) -> None:
    folder = plans_folder(tmp_path / "depot", {})
    (folder / "mrc-lien.yml").symlink_to(_outside_file(tmp_path))
    valid = tmp_path / "ailleurs" / "petit-pac.yml"
    valid.write_text(petit("petit-pac"), encoding="utf-8")
    (folder / "petit-pac.yml").symlink_to(valid)  # a valid plan, but from outside: not published
    (folder / "referentiels" / "autre.yml").symlink_to(_outside_file(tmp_path / "2"))
    (folder / "casse.yml").symlink_to(tmp_path / "absent.yml")
    for args in (["verifier", str(folder)], ["verifier", str(folder), "--format", "github"]):
        result = run_cli(*args, cwd=tmp_path)
        assert result.returncode == 2, result.stdout + result.stderr
        output = result.stdout + result.stderr
        assert OUTSIDE not in output and "Traceback" not in output
        assert output.count("YAML-E014") == 4, output
        for name in ("mrc-lien.yml", "petit-pac.yml", "referentiels/autre.yml", "casse.yml"):
            assert name in output, name
        assert "lien symbolique refusé" in output
    assert "0 plan vérifié" in run_cli("verifier", str(folder), cwd=tmp_path).stderr
    explicit = run_cli("verifier", str(folder / "mrc-lien.yml"), cwd=tmp_path)
    assert explicit.returncode == 2 and "YAML-E014" in explicit.stdout and OUTSIDE not in explicit.stdout


def test_symbolic_link_is_not_published(project: Path, tmp_path: Path) -> None:
    outside = tmp_path / "ailleurs.yml"
    outside.write_text(petit("petit-pac"), encoding="utf-8")
    (project / "plans" / "petit-pac.yml").symlink_to(outside)
    result = run_cli("construire", cwd=project)
    assert result.returncode in (1, 2), result.stdout + result.stderr
    assert "YAML-E014" in result.stdout + result.stderr
    assert not (project / "site" / "plans" / "petit-pac").exists()


@pytest.mark.parametrize("name", ["Plan MRC.yml", "PETIT.YML", "été.yml", "a_b.yaml", "x.yml.yml", "-x.yml"])
def test_plan_file_names_outside_the_id_alphabet_are_refused(tmp_path: Path, name: str) -> None:
    outside = f"{OUTSIDE}: 1\n"
    folder = plans_folder(tmp_path, {name: outside, ".#petit-pac.yml": outside})
    result = run_cli("verifier", str(folder), cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert [line.split(": ")[1] for line in result.stdout.splitlines()] == ["erreur YAML-E015"]
    assert name in result.stdout and "nom de fichier refusé" in result.stdout
    assert OUTSIDE not in result.stdout + result.stderr  # not read, and hidden files are skipped


def test_non_plan_content_is_never_quoted(tmp_path: Path) -> None:
    # Given explicitly with a plan-like name, a file that is not a plan is described, never quoted.
    path = tmp_path / "passwd.yml"
    path.write_text(f"{OUTSIDE}:x:0:0:root:/root:/bin/bash\nautre ligne\n", encoding="utf-8")
    result = run_cli("verifier", str(path), cwd=tmp_path)
    assert result.returncode == 1 and "SCHEMA-E010" in result.stdout
    assert "et non par un texte" in result.stdout and OUTSIDE not in result.stdout + result.stderr
    report = run_cli("rapport", str(path), "--annee", "1", cwd=tmp_path)
    assert report.returncode == 2 and OUTSIDE not in report.stdout + report.stderr


@pytest.mark.parametrize("bad", ["../x", "a/b", "/tmp/x", "..", "X"])
def test_nouveau_and_rapport_refuse_ids_that_are_paths(tmp_path: Path, bad: str) -> None:
    work = tmp_path / "travail"
    plans_folder(work, {"petit-pac.yml": petit("petit-pac")})
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    for args in (["nouveau", "piar", bad], ["nouveau", bad, "mrc-x"], ["rapport", bad, "--annee", "1"]):
        result = run_cli(*args, cwd=work)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert "invalide" in result.stderr or "n'est ni un identifiant" in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before


# --- Nesting bombs: refused in bounded time, never a crash ------------------------------------


@pytest.mark.parametrize(
    "content",
    ["[" * 25_625 + "]" * 25_625 + "\n", "- " * 25_625 + "x\n", "id: " + "{a: " * 25_000 + "1" + "}" * 25_000],
    ids=["crochets", "tirets", "accolades"],
)
def test_nesting_bomb_is_refused_with_its_place(tmp_path: Path, content: str) -> None:
    import subprocess
    import sys

    folder = plans_folder(tmp_path, {"bombe.yml": content})
    result = subprocess.run(
        [sys.executable, "-m", "plan_ouvert.cli", "verifier", str(folder / "bombe.yml")],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 2, (result.returncode, result.stderr[-500:])
    assert "Traceback" not in result.stdout + result.stderr
    [finding] = result.stdout.splitlines()
    place, message = finding.split(": erreur YAML-E004: ")
    line, column = (int(x) for x in place.rsplit(":", 2)[1:])
    assert place.endswith("bombe.yml" + f":{line}:{column}") and line == 1 and column > 40
    assert message.startswith("imbrication trop profonde (plus de 40 niveaux)")


def test_nesting_bomb_does_not_crash_the_build(project: Path) -> None:
    (project / "plans" / "bombe.yml").write_text("[" * 25_625 + "]" * 25_625 + "\n", encoding="utf-8")
    result = run_cli("construire", cwd=project)
    assert result.returncode in (1, 2), (result.returncode, result.stderr[-500:])  # not -11: no crash
    assert "imbrication trop profonde" in result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr


# --- Private text written as a plain string never reaches a message ---------------------------

PRIVATE = "SENTINELLE-PRIVEE-TEXTE-5d1e"


def test_private_plain_string_is_never_quoted(tmp_path: Path) -> None:
    base = plans_folder(tmp_path / "base", {"petit-pac.yml": petit("petit-pac")})
    text = petit("petit-pac").replace("licence: CC-BY-4.0\n", f"licence: CC-BY-4.0\nprive: {PRIVATE} Mme Tremblay\n")
    text = text.replace(
        "    nom: Carrefour jeunesse-emploi de Petite-Rivière\n",
        f"    nom: Carrefour jeunesse-emploi de Petite-Rivière\n    prive: [{PRIVATE} liste]\n",
    )
    head = plans_folder(tmp_path / "head", {"petit-pac.yml": text})
    for fmt in ("texte", "github", "json"):
        result = run_cli("verifier", str(head), "--format", fmt, cwd=tmp_path)
        assert result.returncode == 1, result.stdout + result.stderr
        assert "SCHEMA-E008" in result.stdout and "prive" in result.stdout
        assert PRIVATE not in result.stdout + result.stderr, fmt
    compared = run_cli("comparer", str(base), str(head), cwd=tmp_path)
    assert "type inattendu en « prive »" in compared.stdout, compared.stdout + compared.stderr
    assert PRIVATE not in compared.stdout + compared.stderr


# --- Numbers: .inf and .nan are refused, the JSON export stays strict ------------------------


def _strict_json(text: str) -> Any:
    import json

    def refuse(constant: str) -> Any:
        raise ValueError(f"JSON non standard : {constant}")

    return json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("                texte: 5 activités\n", "                texte: 5 activités\n                valeur: .inf\n"),
        ("                texte: 5 activités\n", "                texte: 5 activités\n                valeur: -.Inf\n"),
        (
            "                texte: 8 activités\n",
            "                texte: 8 activités\n                valeur_realisee: .nan\n",
        ),
    ],
)
def test_infinite_numbers_are_refused_and_json_stays_strict(tmp_path: Path, old: str, new: str) -> None:
    text = petit("petit-pac").replace(old, new, 1)
    assert text.count(".inf") + text.count(".Inf") + text.count(".nan") == 1
    folder = plans_folder(tmp_path, {"petit-pac.yml": text})
    result = run_cli("verifier", str(folder), cwd=tmp_path)
    assert result.returncode == 1
    [finding] = [line for line in result.stdout.splitlines() if "erreur" in line]
    assert "SCHEMA-E006" in finding and "nombre infini ou indéterminé" in finding
    assert f":{text[: text.index(new.strip().split(chr(10))[-1].strip())].count(chr(10)) + 1}:" in finding
    exported = run_cli("exporter", str(folder), "--sortie", str(tmp_path / "donnees"), cwd=tmp_path)
    assert exported.returncode == 1 and "SCHEMA-E006" in exported.stderr
    if (tmp_path / "donnees" / "plans.json").exists():  # what the export wrote must be strict JSON
        _strict_json((tmp_path / "donnees" / "plans.json").read_text(encoding="utf-8"))


def test_json_export_of_valid_plans_is_strict(tmp_path: Path) -> None:
    text = petit("petit-pac").replace(
        "                texte: 5 activités\n", "                texte: 5 activités\n                valeur: -5.5\n"
    )
    folder = plans_folder(tmp_path, {"petit-pac.yml": text})
    exported = run_cli("exporter", str(folder), "--sortie", str(tmp_path / "donnees"), cwd=tmp_path)
    assert exported.returncode == 0, exported.stderr
    data = _strict_json((tmp_path / "donnees" / "plans.json").read_text(encoding="utf-8"))
    assert data[0]["objectifs_specifiques"][0]["moyens"][0]["indicateurs"][0]["cibles"][0]["valeur"] == -5.5
