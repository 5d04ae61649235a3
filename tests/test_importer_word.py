"""`plan-ouvert importer FICHIER.docx`: the seed plans come back from their Word form.

The Word files are written by the tests (tests/word_fixtures.py) from the seed plans, in the
styles MRC files use; one goes through LibreOffice to catch what another word processor writes.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docx
import pytest
import yaml
from bs4 import BeautifulSoup

from plan_ouvert.office.import_word import Options, import_word
from plan_ouvert.office.resultat import ImportFailure, ImportResult
from plan_ouvert.source.kinds import Kinds

from .conftest import copy_project, run_cli
from .helpers import REFERENTIELS
from .word_fixtures import PAC, PIAR, Style, pac_docx, piar_docx, seed, visible_pieces

STYLES = {
    "tape-paragraphes": Style(),
    "auto-sauts": Style(numbering="auto", lines="sauts"),
    "tape-sauts-fusion": Style(lines="sauts", merged=True),
    "auto-fusion-gabarit": Style(numbering="auto", merged=True, gabarit=True),
}
CONSIGNES = (
    "Tableau aux en-têtes du plan placé avant le titre du plan : lu comme les consignes du gabarit, "
    "il n'est pas importé."
)
PIAR_ORG = "MRC de L'Assomption"
PAC_ORG = "MRC des Etchemins"


@pytest.fixture(scope="module")
def word_file(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str, Style], Path]:
    """The Word form of a seed in a style, written once per module (python-docx is slow at tables)."""
    folder = tmp_path_factory.mktemp("word")
    made: dict[tuple[str, Style], Path] = {}

    def make(which: str, style: Style) -> Path:
        if (which, style) not in made:
            path = folder / f"{which}-{len(made)}.docx"
            made[(which, style)] = (piar_docx if which == "piar" else pac_docx)(path, style)
        return made[(which, style)]

    return make


def _import(path: Path, **options: Any) -> ImportResult:
    return import_word(path, Kinds.builtin(), Options(referentiels=REFERENTIELS, **options))


def _piar_view(data: dict[str, Any]) -> list[Any]:
    """What the Word table of a PIAR shows, per enjeu."""
    return [
        (
            e["enonce"],
            e["objectifs_generaux"],
            e["axes"],
            e["objectifs"],
            [(a["texte"], a["echeance"]) for a in e["actions"]],
            [i["texte"] for i in e["indicateurs"]],
            e["temps_imparti"]["texte"],
        )
        for e in data["enjeux"]
    ]


def _pac_view(data: dict[str, Any]) -> list[Any]:
    """What the Word table of a PAC shows, per moyen, with partners by name."""
    names = {p["id"]: p.get("sigle") or p.get("nom") for p in data["partenaires"]}
    names.setdefault("cje", "CJE")
    return [
        (
            o["id"],
            o.get("titre"),
            m["id"],
            m["texte"],
            [names[p] for p in m.get("porteurs", [])],
            [names[p] for p in m.get("collaborateurs", [])],
            m.get("resultats_attendus", []),
            [i["texte"] for i in m.get("indicateurs", [])],
            m.get("echeance"),
            m.get("clientele", []),
            m.get("commentaires"),
        )
        for o in data["objectifs_specifiques"]
        for m in o["moyens"]
    ]


@pytest.mark.parametrize("name", sorted(STYLES))
def test_piar_word_form_gives_the_seed_table_back(word_file: Callable[[str, Style], Path], name: str) -> None:
    result = _import(word_file("piar", STYLES[name]), organisme=PIAR_ORG)
    expected = seed(PIAR)
    assert _piar_view(result.data) == _piar_view(expected)
    assert result.data["date_plan"] == expected["date_plan"]
    assert result.data["mises_a_jour"] == [{"date": m["date"]} for m in expected["mises_a_jour"]]
    assert result.data["programme"] == "acces-entreprise-quebec"
    assert result.data["titre"] == expected["titre"]
    # The gabarit's instructions table is said, with its text, and nothing else is left over.
    assert [n.message for n in result.report.non_places] == ([CONSIGNES] if STYLES[name].gabarit else [])


@pytest.mark.parametrize("name", sorted(STYLES))
def test_pac_word_form_gives_the_seed_table_back(word_file: Callable[[str, Style], Path], name: str) -> None:
    result = _import(word_file("pac", STYLES[name]), organisme=PAC_ORG)
    expected = seed(PAC)
    assert _pac_view(result.data) == _pac_view(expected)
    assert result.data["titre"] == expected["titre"]
    assert result.data["annees"] == expected["annees"]
    # Targets: one per line, for each year then each indicator, where the counts line up.
    moyens = {m["id"]: m for o in result.data["objectifs_specifiques"] for m in o["moyens"]}
    seed_moyens = {m["id"]: m for o in expected["objectifs_specifiques"] for m in o["moyens"]}
    for key in ("1-1", "1-2", "1-3", "2-1", "4-1", "4-2", "7-4"):
        assert moyens[key]["indicateurs"] == seed_moyens[key]["indicateurs"], key
    assert not result.report.non_places


def _messages(result: ImportResult) -> list[str]:
    return [f"{n.ou} : {n.message} {n.texte or ''}" for n in result.report.devinettes]


def test_report_lists_the_seeds_oddities_rather_than_fixing_them(word_file: Callable[[str, Style], Path]) -> None:
    piar = _import(word_file("piar", Style()), organisme=PIAR_ORG)
    messages = _messages(piar)
    split = [m for m in messages if "suite de la rangée 4" in m]
    assert split and "tableau 2, rangée 5" in split[0] and "entreprises lourdement affectée" in split[0]
    assert any("« 1 & 7 » lu comme les numéros 1 et 7" in m and "rangée 2" in m for m in messages)
    pac = _import(word_file("pac", Style()), organisme=PAC_ORG)
    messages = _messages(pac)
    # « An 2 (2024-2025) » (moyen 3.1) is kept as written, and reported.
    assert any("An 2 est (2023-2024) le plus souvent, mais aussi (2024-2025)" in m for m in messages)
    moyen = next(m for o in pac.data["objectifs_specifiques"] for m in o["moyens"] if m["id"] == "3-1")
    assert moyen["echeance"] == ["An 2 (2024-2025)"]
    # Moyen 2.3 gives 4 targets for 2 indicators over 3 years: shared in order, and said so.
    assert any("4 cibles pour 2 indicateurs et 3 année(s)" in m and "rangée 9" in m for m in messages)


def test_superscripts_italics_and_line_breaks_read_as_plain_text(word_file: Callable[[str, Style], Path]) -> None:
    result = _import(word_file("piar", STYLES["auto-sauts"]), organisme=PIAR_ORG)
    enjeu3 = result.data["enjeux"][2]
    assert enjeu3["actions"][0]["texte"].startswith("Embaucher temporairement un 2e Conseiller")
    assert enjeu3["temps_imparti"]["texte"] == "50% de la tâche de la ressource (Promotion d'une ressource à l'interne)"
    assert result.data["enjeux"][4]["actions"][0]["echeance"] == "1er avril 2021"


# --- One file through LibreOffice -------------------------------------------------------------


@pytest.fixture(scope="module")
def libreoffice_piar(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The PIAR's Word form, opened and saved again by LibreOffice (once per session)."""
    # make test installs LibreOffice: its absence is a failure, never a skip.
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice is not None, "LibreOffice (soffice) manque : lancez make outils-systeme"
    folder = tmp_path_factory.mktemp("libreoffice")
    source = piar_docx(folder / "piar.docx", Style(numbering="auto", merged=True, gabarit=True))
    out = folder / "converti"
    subprocess.run(
        [soffice, "--headless", "--norestore", f"-env:UserInstallation=file://{folder}/profil",
         "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out), str(source)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    converted = out / "piar.docx"
    assert converted.read_bytes() != source.read_bytes()
    return converted


def test_a_file_saved_by_libreoffice_imports_the_same(libreoffice_piar: Path) -> None:
    result = _import(libreoffice_piar, organisme=PIAR_ORG)
    assert _piar_view(result.data) == _piar_view(seed(PIAR))
    assert any("suite de la rangée" in m for m in _messages(result))


# --- The CLI: files written, files kept --------------------------------------------------------


def _cli_project(tmp_path: Path) -> Path:
    project = tmp_path / "projet"
    (project / "plans").mkdir(parents=True)
    shutil.copytree(REFERENTIELS, project / "plans" / "referentiels")
    return project


def test_cli_writes_a_quoted_plan_and_a_french_report(tmp_path: Path) -> None:
    project = _cli_project(tmp_path)
    source = piar_docx(tmp_path / "mon-plan.docx", Style())
    result = run_cli("importer", str(source), "--organisme", PIAR_ORG, cwd=project)
    assert result.returncode == 0, result.stderr
    plan = project / "plans" / "mrc-de-l-assomption-piar-2021.yml"
    report = plan.with_suffix(".md")
    assert f"plan écrit : {Path('plans') / plan.name}" in result.stdout
    text = plan.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../docs/schema/plan.schema.json\n")
    # Every text is quoted: a French « : » or « # » can never turn into YAML syntax.
    for line in text.splitlines():
        match = re.match(r"^\s*(?:- )?(?:[a-z_]+:(?: |$))?(.*)$", line)
        value = match.group(1) if match else ""
        if value and not line.lstrip().startswith("#") and not re.fullmatch(r"\[[\d, ]*\]|\d[\d-]*|true|false", value):
            assert value.startswith('"'), line
    assert "# deviné : « 1 & 7 » lu comme les numéros 1 et 7." in text
    assert yaml.safe_load(text)["enjeux"][0]["axes"] == [1, 7]
    rapport = report.read_text(encoding="utf-8")
    assert rapport.startswith("# Rapport d'import : mon-plan.docx")
    assert "## Lectures à vérifier" in rapport and "tableau 2, rangée 5" in rapport
    checked = run_cli("verifier", "plans", cwd=project)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    # A second import of the same document updates the same plan: no second plan, nothing changed.
    before = plan.read_bytes()
    again = run_cli("importer", str(source), "--organisme", PIAR_ORG, cwd=project)
    assert again.returncode == 0, again.stderr
    assert "## Changements dans les plans" in again.stdout
    assert sorted(p.name for p in (project / "plans").glob("*.yml")) == [plan.name]
    assert yaml.safe_load(plan.read_bytes()) == yaml.safe_load(before)
    # Another file for the same plan is written only where asked, never over it.
    other = run_cli("importer", str(source), "--organisme", PIAR_ORG, "--sortie", "plans/autre.yml", cwd=project)
    assert other.returncode == 0, other.stderr


def test_cli_options_name_the_plan_and_its_files(tmp_path: Path) -> None:
    project = _cli_project(tmp_path)
    source = pac_docx(tmp_path / "programmation.docx", Style())
    result = run_cli(
        "importer", str(source), "--organisme", PAC_ORG, "--id", "mrc-etchemins-pac-2022",
        "--sortie", "ailleurs/pac.yml", "--rapport", "rapports/import.md", cwd=project,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    data = yaml.safe_load((project / "ailleurs" / "pac.yml").read_text(encoding="utf-8"))
    assert data["id"] == "mrc-etchemins-pac-2022" and data["organisme"] == {"nom": PAC_ORG}
    assert (project / "rapports" / "import.md").is_file()
    assert not list((project / "plans").glob("*.yml"))


# --- Bad input: a French message, exit code 2, nothing written ---------------------------------


def _not_a_plan(path: Path) -> Path:
    document = docx.Document()
    document.add_paragraph("Procès-verbal de la séance du conseil")
    document.save(str(path))
    return path


def _unknown_headers(path: Path) -> Path:
    document = docx.Document()
    table = document.add_table(rows=2, cols=3)
    for i, text in enumerate(["Mesure", "Qui", "Quand"]):
        table.cell(0, i).text = text
        table.cell(1, i).text = f"valeur {i}"
    document.save(str(path))
    return path


def _corrupted(path: Path) -> Path:
    good = _not_a_plan(path.with_name("bon.docx")).read_bytes()
    path.write_bytes(good[: len(good) // 2])
    return path


def _encrypted(path: Path) -> Path:
    # What Word writes for a password-protected .docx: an OLE compound file holding the
    # encrypted package and its « EncryptionInfo » stream.
    header = bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 504
    path.write_bytes(header + "EncryptionInfo".encode("utf-16-le") + b"\0" * 2048)
    return path


def _long(path: Path) -> Path:
    document = docx.Document()
    for page in range(200):
        document.add_paragraph(f"Annexe, page {page + 1}")
        document.add_page_break()
    document.save(str(path))
    return path


BAD = {
    "pas-un-plan": (_not_a_plan, "pas-un-plan.docx : aucun tableau de plan reconnu"),
    "zip-endommage": (_corrupted, "n'est pas un document Word lisible"),
    "mot-de-passe": (_encrypted, "protégé par un mot de passe"),
    "200-pages": (_long, "environ 201 pages"),
    "en-tetes-inconnus": (_unknown_headers, "« Mesure », « Qui », « Quand »"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_input_says_why_in_french_and_writes_nothing(tmp_path: Path, name: str) -> None:
    project = _cli_project(tmp_path)
    make, expected = BAD[name]
    source = make(tmp_path / f"{name}.docx")
    before = sorted(p.name for p in (project / "plans").rglob("*"))
    result = run_cli("importer", str(source), "--organisme", "MRC X", cwd=project)
    assert result.returncode == 2, result.stdout + result.stderr
    assert expected in result.stderr
    assert "Rien n'a été écrit." in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in (project / "plans").rglob("*")) == before
    if name == "en-tetes-inconnus":
        assert "--colonnes" in result.stderr


# --- Other tables: --colonnes, the generic kind, unknown columns -------------------------------


def _generic(path: Path, headers: list[str], rows: list[list[str]], merge_first: bool = False) -> Path:
    document = docx.Document()
    table = document.add_table(rows=1 + len(rows), cols=len(headers))
    for i, text in enumerate(headers):
        table.cell(0, i).text = text
    for r, row in enumerate(rows, 1):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    if merge_first:
        top = table.cell(1, 0)
        text = top.text
        top.merge(table.cell(len(rows), 0)).text = text
    document.save(str(path))
    return path


def test_colonnes_maps_any_table_to_the_generic_kind(tmp_path: Path) -> None:
    path = _generic(
        tmp_path / "pdza.docx",
        ["Mesure", "Responsable", "Quand", "Remarque libre"],
        [
            ["Créer une table agricole", "MRC\nUPA", "Printemps 2025", "à revoir"],
            ["Publier le portrait", "MRC", "2026", ""],
        ],
    )
    result = _import(
        path, organisme="MRC X", kind="plan-action", colonnes="Mesure=texte,Responsable=porteurs,Quand=echeance"
    )
    actions = result.data["orientations"][0]["objectifs"][0]["actions"]
    assert [(a["texte"], a["porteurs"], a["echeance"]) for a in actions] == [
        ("Créer une table agricole", ["mrc", "upa"], "Printemps 2025"),
        ("Publier le portrait", ["mrc"], "2026"),
    ]
    # The column nobody mapped is kept, private, with where it came from: never on a public page.
    assert "notes" not in result.data
    assert result.data["prive"] == {"a_verifier": ["tableau 1, rangée 2, colonne « Remarque libre » : à revoir"]}
    assert result.report.non_places[0].texte == "à revoir"


def test_the_generic_kind_is_recognised_with_merged_parent_cells(tmp_path: Path) -> None:
    path = _generic(
        tmp_path / "plan.docx",
        ["Orientation", "Objectif", "Action", "Échéancier"],
        [
            ["Agriculture durable", "Soutenir la relève", "Créer un programme de mentorat", "2025"],
            ["", "Soutenir la relève", "Offrir des stages", "2026"],
            ["", "Protéger les terres", "Mettre à jour le portrait", "En continu"],
        ],
        merge_first=True,
    )
    result = _import(path, organisme="MRC X")
    assert result.data["gabarit"] == "plan-action"
    [orientation] = result.data["orientations"]
    assert orientation["texte"] == "Agriculture durable"
    assert [(o["texte"], [a["texte"] for a in o["actions"]]) for o in orientation["objectifs"]] == [
        ("Soutenir la relève", ["Créer un programme de mentorat", "Offrir des stages"]),
        ("Protéger les terres", ["Mettre à jour le portrait"]),
    ]


def test_a_document_of_its_own_shape_keeps_its_first_line_as_title(tmp_path: Path) -> None:
    path = _generic(tmp_path / "mada.docx", ["Action", "Échéance"], [["Aménager trois bancs", "Automne 2025"]])
    document = docx.Document(str(path))
    title = "Politique MADA — Plan d'action 2025-2027"
    document.add_paragraph(title)
    body = document.element.body
    body.insert(0, body[-2])  # moved above the table, as an MRC writes it (the last child is sectPr)
    document.save(str(path))
    result = _import(path, organisme="Ville X", kind="plan-action", colonnes="Action=texte,Échéance=echeance")
    assert result.data["titre"] == title
    assert [n.texte for n in result.report.devinettes if n.ou == "titre du document"] == [title]


def test_colonnes_naming_an_unknown_field_is_refused_in_french(tmp_path: Path) -> None:
    path = _generic(tmp_path / "x.docx", ["Mesure"], [["A"]])
    with pytest.raises(ImportFailure, match="n'a pas de champ « budjet »"):
        _import(path, organisme="MRC X", kind="plan-action", colonnes="Mesure=budjet")


# --- Embedded data: a Plan ouvert export comes back whole ---------------------------------------


def _embed(path: Path, data: dict[str, Any]) -> Path:
    payload = json.dumps(data, ensure_ascii=False, default=str)
    root = '<plan-ouvert xmlns="urn:plan-ouvert:plan:1">'
    xml = f'<?xml version="1.0" encoding="UTF-8"?>{root}{_xml_text(payload)}</plan-ouvert>'
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("customXml/item9.xml", xml)
    return path


def _xml_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def test_embedded_data_fills_what_the_table_cannot_carry(tmp_path: Path) -> None:
    expected = seed(PIAR)
    path = piar_docx(tmp_path / "export.docx", Style())
    document = docx.Document(str(path))
    cell = document.tables[-1].cell(1, 0)
    cell.text = "Exode d'entreprises hors du territoire"  # edited in Word after the export
    document.save(str(path))
    result = _import(_embed(path, expected), plan_id=expected["id"])  # an existing plan: --id says it is this one
    data = result.data
    assert data["id"] == expected["id"] and data["organisme"] == expected["organisme"]
    assert data["ressources"] == expected["ressources"]
    assert data["enjeux"][0]["temps_imparti"]["allocations"] == expected["enjeux"][0]["temps_imparti"]["allocations"]
    assert data["enjeux"][1]["indicateurs"][1]["cibles"] == expected["enjeux"][1]["indicateurs"][1]["cibles"]
    assert data["enjeux"][0]["enonce"] == "Exode d'entreprises hors du territoire"
    changed = [n for n in result.report.devinettes if n.message == "modifié dans le document Word"]
    assert [n.ou for n in changed] == ["enjeux > 1 > enonce"]
    hidden = {n.ou: n.texte for n in result.report.devinettes if n.ou.startswith("données cachées du fichier")}
    assert hidden["données cachées du fichier, organisme"] == "region : 14"  # Word shows the name, not the region


# --- A long plan (its import time is a figure of the benchmark, never a timed test) -----------------


def test_a_fifty_page_plan_imports_every_row(tmp_path: Path) -> None:
    path = pac_docx(tmp_path / "pac.docx", Style(numbering="auto"))
    document = docx.Document(str(path))
    table = document.tables[-1]
    body = [row._tr for row in table.rows[1:]]
    for _ in range(7):  # 8 times the seed's rows: about 50 landscape pages
        for tr in body:
            table._tbl.append(copy.deepcopy(tr))
    document.save(str(path))
    result = _import(path, organisme=PAC_ORG)
    moyens = sum(len(o["moyens"]) for o in seed(PAC)["objectifs_specifiques"])
    assert sum(len(o["moyens"]) for o in result.data["objectifs_specifiques"]) == 8 * moyens


# --- From the Word form to the published site ----------------------------------------------------


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Path]]:
    """Both seeds replaced by their import from Word, checked and built once."""
    root = tmp_path_factory.mktemp("importer-site")
    project = copy_project(root / "projet")
    sources = {
        "mrc-lassomption-piar-2021": piar_docx(root / "piar.docx", Style(numbering="auto", merged=True, gabarit=True)),
        "mrc-etchemins-pac-2022": pac_docx(root / "pac.docx", Style(lines="sauts", merged=True)),
    }
    organismes = {"mrc-lassomption-piar-2021": PIAR_ORG, "mrc-etchemins-pac-2022": PAC_ORG}
    for plan_id, source in sources.items():
        (project / "plans" / f"{plan_id}.yml").unlink()
        result = run_cli("importer", str(source), "--organisme", organismes[plan_id], "--id", plan_id, cwd=project)
        assert result.returncode == 0, result.stderr
        assert (project / "plans" / f"{plan_id}.md").is_file()  # the report stays: the build ignores it
    checked = run_cli("verifier", cwd=project)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    built = run_cli("construire", cwd=project)
    assert built.returncode == 0, built.stderr
    return project / "site", sources


def _site_text(site: Path, plan_id: str) -> str:
    texts = []
    for page in sorted((site / "plans" / plan_id).rglob("index.html")):
        article = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").select_one("article")
        if article is not None:
            texts.append(article.get_text(" "))
    return re.sub(r"\s+", " ", " ".join(texts)).replace("’", "'")


@pytest.mark.slow
@pytest.mark.parametrize("plan_id", ["mrc-lassomption-piar-2021", "mrc-etchemins-pac-2022"])
def test_imported_seed_is_published_with_every_piece_of_its_text(
    published: tuple[Path, dict[str, Path]], plan_id: str
) -> None:
    site, sources = published
    text = _site_text(site, plan_id)
    pieces = visible_pieces(sources[plan_id])
    assert len(pieces) > 50
    missing = [p for p in pieces if re.sub(r"\s+", " ", p).replace("’", "'") not in text]
    assert not missing, missing[:5]


def test_title_rows_and_parent_rows_of_a_generic_table(tmp_path: Path) -> None:
    document = docx.Document()
    table = document.add_table(rows=5, cols=3)
    for i, text in enumerate(["Objectif", "Action", "Échéancier"]):
        table.cell(0, i).text = text
    title = table.cell(1, 0).merge(table.cell(1, 2))
    title.text = "Axe 1 : Une agriculture dynamique"
    table.cell(2, 0).text = "Attirer la relève"
    table.cell(3, 1).text = "Tenir une journée portes ouvertes"
    table.cell(3, 2).text = "Automne 2025"
    table.cell(4, 1).text = "Publier un répertoire"
    path = tmp_path / "axes.docx"
    document.save(str(path))
    result = _import(path, organisme="MRC X")
    [orientation] = result.data["orientations"]
    assert orientation["texte"] == "Axe 1 : Une agriculture dynamique"
    [objectif] = orientation["objectifs"]
    assert objectif["texte"] == "Attirer la relève"
    assert [(a["texte"], a.get("echeance")) for a in objectif["actions"]] == [
        ("Tenir une journée portes ouvertes", "Automne 2025"),
        ("Publier un répertoire", None),
    ]
    assert any("Rangée fusionnée lue comme un élément « Orientation »" in m for m in _messages(result))


def test_targets_side_by_side_on_one_line_are_separate(tmp_path: Path) -> None:
    # Moyen 1.2 of the seed: « 4 actions déployées               2 outils de développé ».
    document = docx.Document()
    table = document.add_table(rows=2, cols=4)
    for i, text in enumerate(["Activité(s) et projets", "Indicateur(s) de performance", "Cible(s)", "Échéance"]):
        table.cell(0, i).text = text
    table.cell(1, 0).text = "Moyen d’action 1.2 :\nMise en œuvre des activités"
    table.cell(1, 1).text = "Nombre d’actions déployées\nNombres d’outils"
    table.cell(
        1, 2
    ).text = "4 actions déployées               2 outils de développé\n6 actions déployées\t4 outils développé"
    table.cell(1, 3).text = "An 2\n(2023-2024)\nAn 3\n(2024-2025)"
    path = tmp_path / "cibles.docx"
    document.save(str(path))
    moyen = _import(path, organisme="MRC X", kind="pac").data["objectifs_specifiques"][0]["moyens"][0]
    assert moyen["id"] == "1-2" and moyen["echeance"] == ["An 2 (2023-2024)", "An 3 (2024-2025)"]
    assert [i["cibles"] for i in moyen["indicateurs"]] == [
        [{"annee": 2, "texte": "4 actions déployées"}, {"annee": 3, "texte": "6 actions déployées"}],
        [{"annee": 2, "texte": "2 outils de développé"}, {"annee": 3, "texte": "4 outils développé"}],
    ]


def test_a_plan_table_split_in_two_tables_goes_on_across_them(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("PLAN D'INTERVENTION ET D'AFFECTATION DES RESSOURCES")
    rows = [
        [
            "Exode d'entreprises",
            "4",
            "1 & 7",
            "Retenir les entreprises",
            "1. Embaucher une ressource qui",
            "1. Juin 2021",
        ],
        ["", "", "", "", "supportera les entreprises\n2. Recenser les locaux", "2. En continu"],
    ]
    headers = ["Enjeux à travailler par la MRC", "Objectifs d'AEQ", "Axes d'intervention d'AEQ"]
    headers += ["Objectifs à atteindre", "Actions mises en place", "Échéances"]
    for row in rows:  # each table repeats the header, as Word does when a table is cut in two
        table = document.add_table(rows=2, cols=len(headers))
        for i, text in enumerate(headers):
            table.cell(0, i).text = text
        for i, text in enumerate(row):
            table.cell(1, i).text = text
    path = tmp_path / "coupe.docx"
    document.save(str(path))
    result = _import(path, organisme="MRC X")
    [enjeu] = result.data["enjeux"]
    assert [(a["texte"], a["echeance"]) for a in enjeu["actions"]] == [
        ("Embaucher une ressource qui supportera les entreprises", "Juin 2021"),
        ("Recenser les locaux", "En continu"),
    ]
    assert any("suite de la rangée 2 du tableau 1" in m for m in _messages(result))


def test_an_enjeu_added_in_word_keeps_the_others_data(tmp_path: Path) -> None:
    expected = seed(PIAR)
    path = piar_docx(tmp_path / "export.docx", Style())
    document = docx.Document(str(path))
    row = document.tables[-1].add_row().cells
    row[0].text = "Un nouvel enjeu ajouté dans Word"
    row[4].text = "1. Une action nouvelle"
    document.save(str(path))
    result = _import(_embed(path, expected))
    enjeux = result.data["enjeux"]
    assert [e["id"] for e in enjeux] == ["1", "2", "3", "4", "5", "6", "7"]
    assert enjeux[6]["enonce"] == "Un nouvel enjeu ajouté dans Word"
    assert enjeux[0]["temps_imparti"]["allocations"] == expected["enjeux"][0]["temps_imparti"]["allocations"]
    assert any(n.message == "modifié dans le document Word : ajouté(s) : 7" for n in result.report.devinettes)


def test_numbers_typed_in_one_line_dashes_and_bullets(tmp_path: Path) -> None:
    path = _generic(
        tmp_path / "piar.docx",
        [
            "Enjeux à travailler par la MRC",
            "Objectifs d'AEQ",
            "Axes d'intervention d'AEQ",
            "Actions mises en place",
            "Échéances",
        ],
        [
            [
                "Exode",
                "4",
                "1",
                "1. Embaucher une ressource en 2021. 2. Recenser les locaux",
                "• Juin 2021\n• En continu",
            ]
        ],
    )
    [enjeu] = _import(path, organisme="MRC X").data["enjeux"]
    assert [(a["texte"], a["echeance"]) for a in enjeu["actions"]] == [
        ("Embaucher une ressource en 2021.", "Juin 2021"),
        ("Recenser les locaux", "En continu"),
    ]
