"""`comparer` on real edits of the seed plans, committed in a git repository.

The summary is Markdown shown to reviewers: tests read it as they do, rendered to HTML.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import markdown
import markdown_it
import pytest
from bs4 import BeautifulSoup, Comment

from plan_ouvert.checks.catalogue import load_catalogue
from plan_ouvert.source.findings import Severity

from .conftest import CLI, run_cli
from .helpers import ROOT

PAC = "plans/mrc-etchemins-pac-2022.yml"
PIAR = "plans/mrc-lassomption-piar-2021.yml"


def _git(repo: Path, *args: str, stdin: str | None = None) -> str:
    result = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        cwd=repo,
        check=True,
        capture_output=True,
        text=True,
        input=stdin,
    )
    return result.stdout.strip()


def _html(summary: str) -> BeautifulSoup:
    """The summary as a reviewer sees it: Markdown rendered, tables included."""
    return BeautifulSoup(markdown.markdown(summary, extensions=["tables"]), "html.parser")


def _items(summary: str) -> list[str]:
    """The text of each bullet of the rendered summary."""
    return [" ".join(li.get_text().split()) for li in _html(summary).find_all("li")]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = tmp_path / "depot"
    shutil.copytree(ROOT / "plans", repo / "plans")
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "seeds")
    return repo


def _replace(repo: Path, name: str, old: str, new: str) -> None:
    path = repo / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= 1, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _commit_and_compare(repo: Path) -> str:
    _git(repo, "commit", "-q", "-am", "edit")
    result = run_cli("comparer", "HEAD~1", "HEAD", cwd=repo)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_targets_of_moyen_2_1_and_a_moved_deadline(repo: Path) -> None:
    _replace(repo, PAC, "texte: 5 activités", "texte: 6 activités")
    _replace(repo, PAC, "texte: 70 personnes immigrantes", "texte: 75 personnes immigrantes")
    _replace(repo, PIAR, "echeance: Septembre 2021", "echeance: Décembre 2021")
    summary = _commit_and_compare(repo)
    html = _html(summary)
    assert [h.get_text() for h in html.find_all("h2")] == ["Changements dans les plans", "Vérification"]
    assert [h.get_text() for h in html.find_all("h3")] == [
        # Each plan by its own title and organisation.
        "Programmation des activités ou projets à réaliser… (Programmation PAC), MRC des Etchemins, 2022 "
        "(mrc-etchemins-pac-2022)",
        "Plan d'intervention et d'affectation des ressources (PIAR), MRC de L'Assomption, 2021 "
        "(mrc-lassomption-piar-2021)",
    ]
    items = _items(summary)
    assert (
        "Moyen d'action 2.1, indicateur 1 « Nombre d’activités », cible 1 (An 1) : « 5 activités » → « 6 activités »"
    ) in items
    assert (
        "Moyen d'action 2.1, indicateur 2 « Nombre de personnes immigrantes », cible 3 (An 3) : "
        "« 70 personnes immigrantes » → « 75 personnes immigrantes »"
    ) in items
    assert "Action 4.1 : échéance déplacée : « Septembre 2021 » → « Décembre 2021 »" in items
    assert "Aucun problème introduit ni corrigé." in html.get_text()


def test_added_removed_reworded_and_reallocated(repo: Path) -> None:
    _replace(repo, PAC, "Faire le suivi de l’entente", "Faire le suivi de l’entente avec le MIFI")
    _replace(repo, PIAR, "part: 50", "part: 40")
    path = repo / PIAR
    text = path.read_text(encoding="utf-8")
    start = text.index("      - id: 1-2")
    end = text.index("    indicateurs:", start)
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    items = _items(_commit_and_compare(repo))
    assert any(
        i.startswith("Action 1.2 retirée : « Établir des relations avec les promoteurs immobiliers") for i in items
    )
    assert (
        "Moyen d'action 7.1 : résultats attendus : Faire le suivi de l’entente → Faire le suivi de "
        "l’entente avec le MIFI"
    ) in items
    assert "Ressource « conseiller-financement-2 », enjeu 3 : 50 % → 40 %" in items


def test_findings_introduced_and_fixed(repo: Path) -> None:
    _replace(repo, PAC, "texte: 5oo vues", "texte: 500 vues")
    _replace(repo, PAC, "collaborateurs: [tcie, idee, cjee]", "collaborateurs: [tcie, idee, cjjee]")
    html = _html(_commit_and_compare(repo))
    corrected = html.find("strong", string="Problèmes corrigés").find_next("ul").find_all("li")
    assert [li.get_text().startswith("PAC-W007 : cible « 5oo vues » (moyen 3.3)") for li in corrected] == [True]
    new = html.find("strong", string="Nouveaux problèmes").find_next("ul").find_all("li")
    assert [li.get_text().startswith("avertissement PAC-W008 (mrc-etchemins-pac-2022.yml, ligne") for li in new] == [
        True
    ]


def test_changes_of_form_only_say_nothing(repo: Path) -> None:
    path = repo / PAC
    text = path.read_text(encoding="utf-8")
    text = "# Un commentaire ajouté\n" + text.replace("texte: 8 rencontres", 'texte: "8 rencontres"')
    text = text.replace("id: mrc-etchemins-pac-2022\ngabarit: pac\n", "gabarit: pac\nid: mrc-etchemins-pac-2022\n")
    path.write_text(text, encoding="utf-8")
    text = _html(_commit_and_compare(repo)).get_text()
    assert "Aucun changement de contenu dans les plans" in text
    assert "Aucun problème introduit ni corrigé." in text


def test_unknown_revision_is_a_clear_error(repo: Path) -> None:
    result = run_cli("comparer", "inexistante", "HEAD", cwd=repo)
    assert result.returncode == 2
    assert "« inexistante » n'est ni un fichier, ni un dossier, ni une révision git connue." in result.stderr


# --- Which side is a revision, which a folder -------------------------------------------------


def test_a_folder_named_like_a_revision_cannot_stand_for_it(repo: Path) -> None:
    # A change that also adds the old plans under a folder named HEAD must not read as « no change ».
    _replace(repo, PAC, "texte: 5 activités", "texte: 6 activités")
    shutil.copytree(ROOT / "plans", repo / "HEAD")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "edit")
    ambiguous = run_cli("comparer", "HEAD~1", "HEAD", cwd=repo)
    assert ambiguous.returncode == 2
    assert ambiguous.stdout == ""
    assert (
        "plan-ouvert : erreur : « HEAD » est à la fois une révision git et un fichier ou dossier : écrivez "
        "« ./HEAD » pour le dossier, ou ajoutez --revisions pour la révision."
    ) in ambiguous.stderr
    assert "Traceback" not in ambiguous.stderr
    revisions = run_cli("comparer", "--revisions", "HEAD~1", "HEAD", cwd=repo)
    assert revisions.returncode == 0, revisions.stderr
    change = (
        "Moyen d'action 2.1, indicateur 1 « Nombre d’activités », cible 1 (An 1) : « 5 activités » → « 6 activités »"
    )
    assert change in _items(revisions.stdout)
    folder = run_cli("comparer", "HEAD~1", "./HEAD", cwd=repo)
    assert folder.returncode == 0, folder.stderr
    assert "Aucun changement de contenu dans les plans" in _html(folder.stdout).get_text()


def test_a_plain_name_is_a_revision_even_when_only_a_folder_has_it(repo: Path) -> None:
    shutil.copytree(ROOT / "plans", repo / "avant")
    result = run_cli("comparer", "avant", "HEAD", cwd=repo)
    assert result.returncode == 2
    assert result.stdout == ""
    assert (
        "« avant » n'est pas une révision git : pour comparer le fichier ou dossier de ce nom, écrivez "
        "« ./avant » (ou ajoutez --fichiers)."
    ) in result.stderr


def test_folders_given_as_paths_or_with_the_option(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "plans", tmp_path / "avant")
    shutil.copytree(ROOT / "plans", tmp_path / "apres")
    _replace(tmp_path, "apres/mrc-lassomption-piar-2021.yml", "echeance: Septembre 2021", "echeance: Décembre 2021")
    change = "Action 4.1 : échéance déplacée : « Septembre 2021 » → « Décembre 2021 »"
    for args in (("./avant", "./apres"), ("--fichiers", "avant", "apres"), (str(tmp_path / "avant"), "./apres")):
        result = run_cli("comparer", *args, cwd=tmp_path)
        assert result.returncode == 0, (args, result.stderr)
        assert change in _items(result.stdout), args


def test_revisions_option_refuses_a_folder(repo: Path) -> None:
    result = run_cli("comparer", "--revisions", "HEAD", "./plans", cwd=repo)
    assert result.returncode == 2
    assert "« ./plans » n'est pas une révision git connue." in result.stderr


# --- What a revision may hold ----------------------------------------------------------------


def _commit_with_plans_entry(repo: Path, entry: str) -> str:
    """A commit whose plans/ tree also holds `entry` (a `git mktree` line), as a crafted push can."""
    entries = _git(repo, "ls-tree", "HEAD:plans") + "\n" + entry + "\n"
    plans = _git(repo, "mktree", stdin=entries)
    root = _git(repo, "mktree", stdin=f"040000 tree {plans}\tplans\n")
    return _git(repo, "commit-tree", root, "-p", "HEAD", "-m", "piège")


def _climbing(repo: Path, depth: int, leaf: str, blob: str) -> str:
    """A tree holding `leaf` under `depth` folders named `..`."""
    tree = _git(repo, "mktree", stdin=f"100644 blob {blob}\t{leaf}\n")
    for _ in range(depth):
        tree = _git(repo, "mktree", stdin=f"040000 tree {tree}\t..\n")
    return tree


def _files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if ".git" not in p.parts}


def test_a_path_climbing_out_of_plans_is_refused_and_nothing_written(repo: Path, tmp_path: Path) -> None:
    blob = _git(repo, "hash-object", "-w", "--stdin", stdin="id: evade\n")
    climb = [".."] * 7
    commit = _commit_with_plans_entry(repo, f"040000 tree {_climbing(repo, 6, 'evade.yml', blob)}\t..")
    assert f"plans/{'/'.join(climb)}/evade.yml" in _git(repo, "ls-tree", "-r", "--name-only", commit)
    scratch_root = tmp_path / "a" / "b" / "c" / "d"
    scratch_root.mkdir(parents=True)
    before = _files(tmp_path)
    result = subprocess.run(
        [*CLI, "comparer", "HEAD", commit],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "TMPDIR": str(scratch_root)},
    )
    assert _files(tmp_path) == before
    assert result.returncode == 2
    assert result.stdout == ""
    assert (
        f"plan-ouvert : erreur : la révision « {commit} » contient le chemin « plans/{'/'.join(climb)}/evade.yml », "
        "qui n'est pas un chemin de fichier accepté (ni « .. », ni « . », ni chemin absolu) ; rien n'a été comparé."
    ) in result.stderr


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            "100644 blob {blob}\tMauvais_Nom.yml",
            "« plans/Mauvais_Nom.yml », qui n'a pas un nom de fichier de plan accepté (lettres minuscules sans "
            "accents, chiffres et traits d'union, puis .yml ou .yaml)",
        ),
        (
            "120000 blob {link}\tlien.yml",
            "« plans/lien.yml », qui n'est pas un fichier ordinaire (lien symbolique ou sous-module)",
        ),
    ],
)
def test_odd_plan_files_in_a_revision_are_refused(repo: Path, entry: str, message: str) -> None:
    blob = _git(repo, "hash-object", "-w", "--stdin", stdin="id: x\n")
    link = _git(repo, "hash-object", "-w", "--stdin", stdin="/etc/passwd")
    commit = _commit_with_plans_entry(repo, entry.format(blob=blob, link=link))
    result = run_cli("comparer", "HEAD", commit, cwd=repo)
    assert result.returncode == 2
    assert result.stdout == ""
    assert f"plan-ouvert : erreur : la révision « {commit} » contient {message}" in result.stderr


def test_kind_files_of_a_revision_are_read_and_checked_like_plan_files(repo: Path) -> None:
    # plans/types/ is read from each revision: a link or an odd name there is refused too.
    blob = _git(repo, "hash-object", "-w", "--stdin", stdin="/etc/passwd")
    types = _git(repo, "mktree", stdin=f"120000 blob {blob}\tlien.yml\n")
    commit = _commit_with_plans_entry(repo, f"040000 tree {types}\ttypes")
    result = run_cli("comparer", "HEAD", commit, cwd=repo)
    assert result.returncode == 2
    assert result.stdout == ""
    assert (
        f"plan-ouvert : erreur : la révision « {commit} » contient « plans/types/lien.yml », qui n'est pas un "
        "fichier ordinaire (lien symbolique ou sous-module)"
    ) in result.stderr


# --- Plan text is shown as text -----------------------------------------------------------


def test_plan_text_cannot_inject_markdown_or_html(repo: Path) -> None:
    hostile = (
        "Soutenir <!-- le milieu ![i](https://x/y.png) [l](https://x) | a | b | <img src=https://x/z.png> "
        "&lt;b&gt; \\\\* _souligné_ `code`"
    )
    _replace(
        repo,
        PAC,
        "texte: \"Soutenir le milieu (exemple : municipalités, écoles, organismes) dans l'organisation "
        "d'activités d’accueil des nouveaux arrivants.\"",
        f"texte: '{hostile}'",
    )
    _replace(
        repo,
        PAC,
        "resultats_attendus:\n          - Avoir des activités pour les nouveaux arrivants dans les municipalités",
        'resultats_attendus:\n          - "Avoir\\n# Titre\\n\\n| a | b |\\n|---|---|\\n| c | d |\\n\\n- [x](https://x)"',
    )
    # A mistyped target: the finding that quotes it is listed too.
    _replace(repo, PAC, "texte: 5 activités", "texte: '5oo activités <!-- ![c](https://x/c.png)'")
    html = _html(_commit_and_compare(repo))
    assert html.find_all("img") == []
    assert html.find_all("a") == []
    assert html.find_all("table") == []
    assert html.find_all(string=lambda s: isinstance(s, Comment)) == []
    assert [h.get_text() for h in html.find_all("h2")] == ["Changements dans les plans", "Vérification"]
    assert [h.get_text() for h in html.find_all("h1")] == []
    items = [" ".join(li.get_text().split()) for li in html.find_all("li")]
    expected_text = " ".join(hostile.split())
    assert any(item.endswith(f"→ « {expected_text} »") for item in items), items
    assert any(
        item.startswith("Moyen d'action 2.1 : résultats attendus :")
        and item.endswith("→ Avoir # Titre | a | b | |---|---| | c | d | - [x](https://x)")
        for item in items
    ), items
    new = html.find("strong", string="Nouveaux problèmes").find_next("ul").find_all("li")
    assert [" cible « 5oo activités <!-- ![c](https://x/c.png) » (moyen 2.1)" in li.get_text() for li in new] == [True]


def test_plan_fields_in_french_pointing_at_the_changed_item(repo: Path) -> None:
    _replace(repo, PIAR, "  - date: 2021-08-27\n", "  - date: 2021-08-28\n    resume: Cibles revues\n")
    _replace(repo, PIAR, "date_plan: 2021-06-30", "date_plan: 2021-07-02")
    _replace(repo, PIAR, "  delegataire: CieNOV", "  delegataire: CieNOV inc.")
    items = _items(_commit_and_compare(repo))
    assert "Mise à jour 1, date : 2021-08-27 → 2021-08-28" in items
    assert "Mise à jour 1, résumé : (rien) → Cibles revues" in items
    assert "Date du plan : 2021-06-30 → 2021-07-02" in items
    assert "Organisme, délégataire : CieNOV → CieNOV inc." in items
    # No YAML key shown raw to a reviewer.
    assert not [i for i in items if "date_plan" in i or "mises a jour" in i or "resume :" in i]


def test_warnings_are_counted_for_the_changed_plans_only(repo: Path) -> None:
    catalogue = load_catalogue([repo / "plans"])
    piar_id = Path(PIAR).stem
    mine = sum(1 for f in catalogue.findings if f.plan == piar_id and f.severity is Severity.AVERTISSEMENT)
    others = sum(1 for f in catalogue.findings if f.plan != piar_id and f.severity is Severity.AVERTISSEMENT)
    assert others > 0  # otherwise the test could not tell the two counts apart
    _replace(repo, PIAR, "echeance: Septembre 2021", "echeance: Décembre 2021")
    text = _html(_commit_and_compare(repo)).get_text()
    assert f"dans les plans modifiés : 0 erreur(s), {mine} avertissement(s)." in text


def test_echec_si_erreurs_fails_only_when_the_change_brings_errors(repo: Path) -> None:
    _replace(repo, PAC, "collaborateurs: [tcie, idee, cjee]", "collaborateurs: [tcie, idee, cjjee]")
    _git(repo, "commit", "-q", "-am", "warning only")
    warned = run_cli("comparer", "HEAD~1", "HEAD", "--echec-si-erreurs", cwd=repo)
    assert warned.returncode == 0, warned.stdout + warned.stderr
    _replace(repo, PIAR, "echeance: Septembre 2021", "echeanse: Septembre 2021")
    _git(repo, "commit", "-q", "-am", "error")
    plain = run_cli("comparer", "HEAD~1", "HEAD", cwd=repo)
    failed = run_cli("comparer", "HEAD~1", "HEAD", "--echec-si-erreurs", cwd=repo)
    assert plain.returncode == 0
    assert failed.returncode == 1 and failed.stdout == plain.stdout
    assert any(i.startswith("erreur SCHEMA-E002") for i in _items(failed.stdout))


def test_a_target_change_is_reported_once_even_when_the_indicator_words_it(repo: Path) -> None:
    # The PIAR's indicator says its target (« les quelques 125 entreprises »): one change, once.
    path = repo / PIAR
    path.write_text(path.read_text(encoding="utf-8").replace("quelques 125 entreprises", "quelques 150 entreprises"))
    items = _items(_commit_and_compare(repo))
    about = [i for i in items if "150 entreprises" in i]
    assert about == [
        "Enjeu 3, indicateur 2 « Accompagner les quelques 150 entreprises ayant obtenu un financement "
        "PAUPME-AERAM », cible 1 : « quelques 125 entreprises » → « quelques 150 entreprises »"
    ]
    assert not [i for i in items if "reformulé" in i]


def test_mentions_and_email_addresses_from_plan_text_stay_inert(repo: Path) -> None:
    """GitHub makes @user and @org/team mentions, and bare addresses mailto: links, after the
    Markdown is rendered, whatever backslash or entity precedes them: only a code span keeps
    them as text. The exact Markdown is checked, then that no @ is left outside code."""
    hostile = "Écrire à info@mrc-x.qc.ca, @mrc-x et @mrc-x/comite-equipe (voir a.b+c@d.org)."
    _replace(
        repo,
        PAC,
        "texte: \"Soutenir le milieu (exemple : municipalités, écoles, organismes) dans l'organisation "
        "d'activités d’accueil des nouveaux arrivants.\"",
        f"texte: '{hostile}'",
    )
    summary = _commit_and_compare(repo)
    expected = "Écrire à `info@mrc-x.qc.ca`, `@mrc-x` et `@mrc-x/comite-equipe` \\(voir `a.b+c@d.org`\\)\\. »"
    assert expected in summary, summary
    # CommonMark as GitHub parses it; its mentions and e-mail links are made afterwards, from
    # text outside code: no @ may be left there.
    rendered = markdown_it.MarkdownIt("commonmark").render(summary)
    html = BeautifulSoup(rendered, "html.parser")
    assert html.find_all("a") == []
    outside_code = [s for s in html.find_all(string=True) if "@" in s and s.parent.name != "code"]
    assert outside_code == []
    codes = [c.get_text() for c in html.find_all("code")]
    assert {"info@mrc-x.qc.ca", "@mrc-x", "@mrc-x/comite-equipe", "a.b+c@d.org"} <= set(codes)
    item = next(i for i in _items(summary) if "Écrire" in i)
    assert item.endswith(f"→ « {hostile} »")  # the reader sees the plan's text, unchanged


def test_a_committed_cache_is_named_at_the_top_of_the_summary(repo: Path) -> None:
    entry = repo / ".cache" / "plan-ouvert" / "gabarits" / "c0ffee.jinja"
    entry.parent.mkdir(parents=True)
    entry.write_bytes(b"\x80\x04crafted")
    _git(repo, "add", "-f", ".cache")
    _git(repo, "commit", "-q", "-m", "cache")
    result = run_cli("comparer", "HEAD~1", "HEAD", cwd=repo)
    assert result.returncode == 0, result.stderr
    text = _html(result.stdout).get_text()
    assert "Attention : ce changement contient 1 fichier(s) sous .cache/" in text
    assert "« .cache/plan-ouvert/gabarits/c0ffee.jinja »" in text
    assert "git rm -r --cached .cache" in text
    clean = run_cli("comparer", "HEAD~1", "HEAD~1", cwd=repo)
    assert ".cache" not in clean.stdout
