"""Hostile and broken input: nothing breaks, nothing runs, nothing escapes site/."""

from __future__ import annotations

import copy
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plan_ouvert.cli import main
from plan_ouvert.source.load import load_file

from .conftest import copy_project, run_cli, shared_site
from .helpers import PETIT, petit, plans_folder, position

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


def poison_small_plans(project: Path) -> None:
    """The small PIAR and PAC of tests/data with every text replaced by a payload."""
    for name in ("petit-piar", "petit-pac"):
        data = poison(yaml.safe_load(petit(name)), [0])
        (project / "plans" / f"{name}.yml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


@pytest.fixture(scope="session")
def poisoned_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shared_site(tmp_path_factory, "xss", poison_small_plans) / "site"


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


# --- Issue 20: numbers, control and invisible characters, private keys ----------------------
#
# Each attack runs through the commands a contributor's change meets: `verifier` (terminal and
# GitHub annotations), `comparer` (the pull request's summary) and `construire`.

# Raw control characters, as a terminal or a CI log would receive them (tab and line feed aside).
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
CIBLE = "                texte: 5 activités\n"


def _with_value(line: str) -> str:
    """petit-pac with `line` added under the first cible (line 36, the value at column 34)."""
    return petit("petit-pac").replace(CIBLE, CIBLE + f"                {line}\n", 1)


def _all_commands(tmp_path: Path, text: str) -> dict[str, subprocess.CompletedProcess[str]]:
    """`verifier`, `verifier --format github`, `comparer` and `construire` on a plan file."""
    base = plans_folder(tmp_path / "base", {"petit-pac.yml": petit("petit-pac")})
    head = plans_folder(tmp_path / "head", {"petit-pac.yml": text})
    project = copy_project(tmp_path / "projet")
    (project / "plans" / "petit-pac.yml").write_text(text, encoding="utf-8")
    results = {
        "verifier": run_cli("verifier", str(head), cwd=tmp_path),
        "github": run_cli("verifier", str(head), "--format", "github", cwd=tmp_path),
        "comparer": run_cli("comparer", str(base), str(head), "--fichiers", cwd=tmp_path),
        "construire": run_cli("construire", cwd=project),
    }
    for name, result in results.items():
        output = result.stdout + result.stderr
        assert "Traceback" not in output and "Error:" not in output, (name, output[-2000:])
        assert not RAW_CONTROL.search(output), (name, repr(RAW_CONTROL.search(output)))
    assert not (project / "site").exists()  # refused: nothing published
    return results


def _check_refusal(results: dict[str, subprocess.CompletedProcess[str]], code: str, place: str, words: str) -> None:
    verifier, github = results["verifier"], results["github"]
    assert verifier.returncode == 1 and github.returncode == 1
    assert f"petit-pac.yml:{place}: erreur {code}: {words}" in verifier.stdout, verifier.stdout
    line, column = place.split(":")
    assert f"line={line},col={column},title={code} (erreur)::{words}" in github.stdout, github.stdout
    compared = results["comparer"]
    assert compared.returncode == 0 and f"erreur {code.replace('-', chr(92) + '-')}" in compared.stdout
    built = results["construire"]
    assert built.returncode == 1 and f"plans/petit-pac.yml:{place}: erreur {code}: {words}" in built.stderr


@pytest.mark.parametrize(
    "number",
    [
        "9" * 400,  # more than 308 digits: OverflowError when made a float
        "-" + "9" * 309,
        "0x" + "f" * 300,  # 1,200 bits: short, but beyond a float
        "0b" + "1" * 1100,
        "0" + "7" * 500,  # octal, YAML 1.1
        "1" + ":59" * 300,  # sexagesimal, YAML 1.1
        "1" + ":59" * 180 + ".5",  # sexagesimal float
        "1.0e+400",  # a float literal that overflows to infinity
        "9" * 5000,  # beyond Python's int-string conversion limit (4,300 digits)
        "1_" * 300 + "0",
    ],
    ids=["decimal", "negatif", "hex", "binaire", "octal", "sexagesimal", "sexagesimal-reel", "exposant", "limite", "_"],
)
def test_numbers_beyond_a_float_are_refused_before_conversion(tmp_path: Path, number: str) -> None:
    results = _all_commands(tmp_path, _with_value(f"valeur_realisee: {number}"))
    _check_refusal(results, "YAML-E016", "36:34", "nombre trop grand (plus de 308 chiffres")


def test_a_long_number_in_a_text_is_never_converted_whole(tmp_path: Path) -> None:
    # A plan year of 4,400 digits, and a target of 400: texts, read without a ValueError.
    text = petit("petit-pac").replace("echeance: [An 1 (2022-2023)]", "echeance: An " + "9" * 4400)
    text = text.replace("texte: 5 activités", "texte: " + "9" * 400 + " activités")
    folder = plans_folder(tmp_path, {"petit-pac.yml": text})
    result = run_cli("verifier", str(folder), "--infos", cwd=tmp_path)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr[-2000:]
    assert "info COM-I004: échéance « An 999" in result.stdout
    exported = run_cli("exporter", str(folder), "--sortie", str(tmp_path / "donnees"), cwd=tmp_path)
    assert exported.returncode == 0, exported.stderr[-2000:]
    _strict_json((tmp_path / "donnees" / "plans.json").read_text(encoding="utf-8"))  # no Infinity


@pytest.mark.parametrize(
    ("old", "new", "needle", "shown"),
    [
        (CIBLE.strip(), 'texte: "5 activités \\e[31mROUGE\\a"', "\\e", "U+001B (échappement)"),
        (CIBLE.strip(), 'texte: "5 activités \\x07 sonne"', "\\x07", "U+0007 (sonnerie)"),
        (CIBLE.strip(), 'texte: "5 activités \\u009b31m"', "\\u009b", "U+009B (introducteur de séquence"),
        (CIBLE.strip(), 'texte: "5 activités \\x7f"', "\\x7f", "U+007F (suppression)"),
        (CIBLE.strip(), 'texte: "5 activités\\rfausse ligne"', "\\r", "U+000D (retour chariot)"),
        (CIBLE.strip(), "texte: 5 activités \x1b[31mROUGE\x07", "\x1b", "U+001B (échappement)"),
        (CIBLE.strip(), "texte: 5 activités \x85", "\x85", "U+0085 (passage à la ligne)"),
        ("titre: Programmation des", 'titre: "Programmation \\x1b[2J\\x07" # des', "\\x1b", "U+001B (échappement)"),
        ("licence: CC-BY-4.0", 'licence: CC-BY-4.0\n"cle\\e]0;titre\\a": x', "\\e", "U+001B (échappement)"),
    ],
    ids=["esc", "bel", "csi", "del", "cr", "esc-brut", "nel-brut", "titre", "cle"],
)
def test_control_characters_are_refused_and_never_echoed(
    tmp_path: Path, old: str, new: str, needle: str, shown: str
) -> None:
    text = petit("petit-pac").replace(old, new, 1)
    assert text != petit("petit-pac")
    results = _all_commands(tmp_path, text)
    line, column = position(text, needle)
    _check_refusal(results, "YAML-E017", f"{line}:{column}", f"caractère de contrôle {shown}")
    assert "lxml" not in results["construire"].stderr


def test_control_characters_in_a_file_name_are_shown_as_code_points(tmp_path: Path) -> None:
    # A contributor can commit a file whose name holds an escape sequence: it is named, never run.
    base = plans_folder(tmp_path / "base", {})
    folder = plans_folder(tmp_path / "head", {"\x1b]0;pirate\x07.yml": "id: x\n"})
    results = [run_cli("verifier", str(folder), "--format", fmt, cwd=tmp_path) for fmt in ("texte", "github", "json")]
    results.append(run_cli("comparer", str(base), str(folder), "--fichiers", cwd=tmp_path))
    for result in results:
        shown = result.stdout.replace("\\", "")  # Markdown escapes in the review summary
        assert "YAML-E015" in shown and "Traceback" not in result.stderr, result.stdout + result.stderr
        assert not RAW_CONTROL.search(result.stdout.replace("\n", "") + result.stderr.replace("\n", ""))
        assert "[U+001B]]0;pirate[U+0007].yml" in shown, result.stdout


def test_escaped_tab_and_line_break_stay_text(tmp_path: Path) -> None:
    text = petit("petit-pac").replace(CIBLE.strip(), 'texte: "5 activités\\tau moins\\nla première année"')
    result = run_cli("verifier", str(plans_folder(tmp_path, {"petit-pac.yml": text})), cwd=tmp_path)
    assert result.returncode == 0 and "YAML-E017" not in result.stdout, result.stdout


INVISIBLE_ATTACKS = {
    "\u200e": "marque gauche-à-droite",
    "\u200f": "marque droite-à-gauche",
    "\u061c": "marque de lettre arabe",
    "\U000e0041": "caractère d'étiquette",  # the tag block (« ASCII smuggling »)
    "\U000e0001": "étiquette de langue",
    "\u3164": "remplissage hangeul",
    "\u115f": "remplissage hangeul",
    "\uffa0": "remplissage hangeul demi-chasse",
    "\u2800": "caractère braille vide",
    "\u034f": "gluon de graphèmes",
    "\u180e": "séparateur de voyelle mongol",
    "\u00ad": "trait d'union conditionnel",
    "\u2062": "opérateur mathématique invisible",
    "\ufe01": "sélecteur de variante",  # after a Latin letter, it selects nothing
    "\U000e0100": "sélecteur de variante",
}


@pytest.mark.parametrize(
    ("char", "name"), INVISIBLE_ATTACKS.items(), ids=[f"U+{ord(c):04X}" for c in INVISIBLE_ATTACKS]
)
def test_invisible_characters_are_reported_with_their_place(tmp_path: Path, char: str, name: str) -> None:
    text = petit("petit-pac").replace("Accueillir les nouveaux", f"Accueillir les{char} nouveaux")
    folder = plans_folder(tmp_path, {"petit-pac.yml": text})
    line, column = position(text, char)
    code = f"U+{ord(char):04X}"
    expected = f"caractère invisible {code} ({name}) dans « texte »"
    result = run_cli("verifier", str(folder), cwd=tmp_path)
    assert f"petit-pac.yml:{line}:{column}: avertissement COM-W002: {expected}" in result.stdout, result.stdout
    github = run_cli("verifier", str(folder), "--format", "github", cwd=tmp_path)
    assert f"line={line},col={column},title=COM-W002 (avertissement)::{expected}" in github.stdout, github.stdout
    assert expected in github.stdout and "Traceback" not in result.stderr + github.stderr


def test_emoji_variation_selector_is_not_reported(tmp_path: Path) -> None:
    text = petit("petit-pac").replace("Accueillir les nouveaux", "Accueillir ❤️ les 1️⃣ nouveaux")
    result = run_cli("verifier", str(plans_folder(tmp_path, {"petit-pac.yml": text})), cwd=tmp_path)
    assert result.returncode == 0 and "COM-W002" not in result.stdout, result.stdout


PRIVATE_KEY_NAME = "Entreprise-Secrete-Tremblay-7f3a"


def test_duplicate_private_key_is_reported_without_its_name(tmp_path: Path) -> None:
    text = petit("petit-pac").replace(
        "licence: CC-BY-4.0\n", f"licence: CC-BY-4.0\nprive:\n  {PRIVATE_KEY_NAME}: a\n  {PRIVATE_KEY_NAME}: b\n"
    )
    results = _all_commands(tmp_path, text)
    words = "clé en double dans le bloc « prive » (déjà à la ligne 12) : gardez-en une seule."
    _check_refusal(results, "YAML-E002", "13:3", words)
    for name, result in results.items():
        assert PRIVATE_KEY_NAME not in result.stdout + result.stderr, name
    as_json = run_cli("verifier", str(tmp_path / "head" / "plans"), "--format", "json", cwd=tmp_path)
    assert "YAML-E002" in as_json.stdout and PRIVATE_KEY_NAME not in as_json.stdout
