"""Public consultation of a draft plan: the consultation file, the import of a form's responses,
the site's banner and links, what was heard, what changed at adoption, and privacy (Loi 25)."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import urllib.parse
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from openpyxl import Workbook

from plan_ouvert.checks import consultation as checks
from plan_ouvert.checks.catalogue import load_catalogue
from plan_ouvert.source import consultation as source
from plan_ouvert.source.tree import PlanTree
from plan_ouvert.views import consultation as views

from .conftest import CLI, copy_project
from .helpers import ROOT, files_containing, position

DATA = ROOT / "tests" / "data" / "consultation"
PLAN_ID = "mrc-riviere-pdza-2026"
PLAN_TEXT = (DATA / f"{PLAN_ID}.yml").read_text(encoding="utf-8")
CONSULTATION_TEXT = (DATA / "consultations" / f"{PLAN_ID}.yml").read_text(encoding="utf-8")
LIMESURVEY = DATA / "limesurvey.csv"
COURRIEL_PLAN = "mrc-lac-pdza-2026"
DEPOT_PLAN = "mrc-mont-pdza-2026"
ORGANISMES = {PLAN_ID: "MRC de la Rivière", COURRIEL_PLAN: "MRC du Lac", DEPOT_PLAN: "MRC du Mont"}

# Every personal datum the fixtures' respondents typed, in columns or inside their comments.
PERSONAL = [
    # LimeSurvey export (limesurvey.csv)
    "Ginette",
    "Lapointe-Bérubé",
    "ginette.lapointe@exemple.ca",
    "rbouchard@courriel.example",
    "Réjean",
    "Bouchard",
    "450 555-0199",
    "555-1234",
    "rue des Érables",
    "Lac-Vert",
    "G0R 2A0",
    "J3B 4K7",
    "Tremblay",
    "TEXTE-SANS-CONSENTEMENT",
    # Microsoft Forms export (forms_export below)
    "Marie-Ève",
    "Côté-Gagnon",
    "mecote@exemple.qc.ca",
    "418-555-0142",
    "G5V 1K3",
    "boulevard Saint-Joseph",
    "Normand Ouellet",
    "n.ouellet@exemple.org",
    "AUTRE-TEXTE-SANS-CONSENTEMENT",
]


def forms_export(path: Path, plan: str = PLAN_ID) -> Path:
    """The shape Microsoft Forms exports (French interface): its own columns, then the questions."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(
        [
            "ID",
            "Heure de début",
            "Heure de fin",
            "Adresse de messagerie",
            "Nom",
            "Élément du plan",
            "Titre de l'élément",
            "Votre avis",
            "Thème",
            "J'accepte que mon commentaire soit publié, sans mon nom",
        ]
    )
    start = dt.datetime(2026, 2, 10, 9, 30)
    sheet.append(
        [
            1,
            start,
            start,
            "mecote@exemple.qc.ca",
            "Marie-Ève Côté-Gagnon",
            "Action 2.1.1",
            "Planter des arbustes le long des cours d'eau",
            "Très bonne action pour l'eau.\nMarie-Ève Côté-Gagnon, 1205, boulevard Saint-Joseph, G5V 1K3\n"
            "Tél. : 418-555-0142 — mecote@exemple.qc.ca",
            "Eau et environnement",
            "Oui",
        ]
    )
    sheet.append(
        [
            2,
            start,
            start,
            "n.ouellet@exemple.org",
            "Normand Ouellet",
            "action 2.1.1 — Planter des arbustes",
            "Planter des arbustes le long des cours d'eau",
            "AUTRE-TEXTE-SANS-CONSENTEMENT : les arbustes coûtent cher.",
            "Eau et environnement;Relève agricole",
            "Non",
        ]
    )
    sheet.append([3, start, start, "", "", "Orientation 1", "", "Pensez aux jeunes familles agricoles.", "", "Oui"])
    book.save(path)
    return path


def run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    return subprocess.run([*CLI, *args], cwd=cwd, capture_output=True, text=True, check=False, env=full)


def draft_project(target: Path, plans: dict[str, str] | None = None) -> Path:
    """A copy of the project with draft plans under consultation (id → consultation file text)."""
    project = copy_project(target)
    for plan_id, consultation in (plans or {PLAN_ID: CONSULTATION_TEXT}).items():
        text = PLAN_TEXT.replace(PLAN_ID, plan_id).replace("MRC de la Rivière", ORGANISMES[plan_id])
        (project / "plans" / f"{plan_id}.yml").write_text(text, encoding="utf-8")
        folder = project / "plans" / "consultations"
        folder.mkdir(exist_ok=True)
        (folder / f"{plan_id}.yml").write_text(consultation.replace(PLAN_ID, plan_id), encoding="utf-8")
    return project


def tree_of(text: str = PLAN_TEXT, tmp: Path | None = None) -> PlanTree:
    assert tmp is not None
    path = tmp / f"{PLAN_ID}.yml"
    path.write_text(text, encoding="utf-8")
    catalogue = load_catalogue([path])
    assert catalogue.errors() == []
    return catalogue.entries[0].tree


# --- Personal information -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "gone", "kept"),
    [
        ("Écrivez à ginette.lapointe@exemple.ca demain.", "ginette.lapointe@exemple.ca", "demain"),
        ("Mon numéro : (819) 555-1234 poste 22.", "555-1234", "Mon numéro"),
        ("Appelez le 450 555-0199.", "555-0199", "Appelez"),
        ("Code postal G0R 2A0, merci.", "G0R 2A0", "merci"),
        ("J'habite au 123, rue des Érables, à Saint-Jean.", "rue des Érables", "Saint-Jean"),
        ("Voyez 45 chemin du Lac-Vert pour le fossé.", "Lac-Vert", "pour le fossé"),
        ("Bonjour, je m'appelle Ginette Lapointe et j'aime le plan.", "Ginette", "j'aime le plan"),
        ("Merci à Mme Tremblay de la coop.", "Tremblay", "de la coop"),
        ("Bon plan.\nCordialement,\nRéjean Bouchard", "Réjean", "Bon plan"),
        ("Sainte-Marie et les rives de la Chaudière, 12 km en 2027.", "[", "Sainte-Marie et les rives"),
    ],
)
def test_personal_information_is_removed_from_a_comment(text: str, gone: str, kept: str) -> None:
    scrubbed = views.anonymise(text)
    assert gone not in scrubbed
    assert kept in scrubbed


def test_the_names_the_form_collected_are_removed_wherever_a_comment_names_them() -> None:
    scrubbed = views.anonymise(
        "Normand et Marie-Ève ont raison ; Sainte-Marie aussi.", ["Marie-Ève Côté", "Normand Ouellet"]
    )
    assert scrubbed == "[nom retiré] et [nom retiré] ont raison ; Sainte-Marie aussi."


# --- References, channels and the build date ------------------------------------------------------------


def test_a_reference_finds_its_element_however_it_is_typed(tmp_path: Path) -> None:
    tree = tree_of(tmp=tmp_path)
    found = {
        text: (e.type, e.id) if (e := source.find_element(tree, text)) else None
        for text in [
            "Action 1.1.1",
            "action 1.1.1 — Créer une banque",
            "ACTION 1.1.2",
            "action:plantation",
            "Action 1.1.10",
            "Action 1.1",
            "Objectif 1.1",
            "",
        ]
    }
    assert found == {
        "Action 1.1.1": ("action", "banque-terres"),
        "action 1.1.1 — Créer une banque": ("action", "banque-terres"),
        "ACTION 1.1.2": ("action", "mentorat"),
        "action:plantation": ("action", "plantation"),
        "Action 1.1.10": None,
        "Action 1.1": None,
        "Objectif 1.1": ("objectif", "transfert"),
        "": None,
    }


def _consultation(tmp_path: Path, text: str = CONSULTATION_TEXT) -> source.Consultation:
    path = tmp_path / "consultations" / f"{PLAN_ID}.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    loaded = source.load(path)
    assert loaded.consultation is not None, [f.format() for f in loaded.findings]
    return loaded.consultation


def _pc(
    tmp_path: Path, today: dt.date, canal: source.Canal | None = None, depot: str | None = None
) -> views.PlanConsultation:
    consultation = _consultation(tmp_path)
    return views.PlanConsultation(tree_of(tmp=tmp_path), consultation, today, canal or consultation.canal, depot)


def test_the_form_link_prefills_the_element_reference_and_title_in_the_parameters_the_file_names(
    tmp_path: Path,
) -> None:
    pc = _pc(tmp_path, dt.date(2026, 2, 20))
    element = pc.tree.element("action", "banque-terres")
    lien = pc.avis(element)
    assert lien is not None
    parts = urllib.parse.urlsplit(lien.url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "forms.office.com", "/r/AbCdEf123")
    assert urllib.parse.parse_qs(parts.query) == {
        "lang": ["fr-CA"],
        "r5f1": ["Action 1.1.1"],
        "r7a2": ["Créer une banque de terres agricoles"],
    }
    assert lien.texte == "Donner votre avis sur cet élément"


def test_the_mail_link_names_the_element_in_its_subject_and_body(tmp_path: Path) -> None:
    canal = source.Canal(type="courriel", courriel="consultation@mrc-riviere.example")
    pc = _pc(tmp_path, dt.date(2026, 2, 20), canal)
    lien = pc.avis(pc.tree.element("action", "plantation"))
    assert lien is not None
    address, _, query = lien.url.partition("?")
    assert address == "mailto:consultation@mrc-riviere.example"
    fields = urllib.parse.parse_qs(query)
    assert fields["subject"] == [
        "Avis sur le projet de plan « Plan de développement de la zone agricole (Plan d'action), MRC de la Rivière, "
        "2026 » : Action 2.1.1"
    ]
    assert fields["body"] == [
        "Référence : Action 2.1.1\nÉlément : Planter des arbustes le long des cours d'eau\n\nMon avis :\n"
    ]
    assert "+" not in query  # spaces as %20: mail programs show a « + » literally


def test_without_a_channel_the_link_opens_an_issue_in_the_repository(tmp_path: Path) -> None:
    pc = _pc(tmp_path, dt.date(2026, 2, 20), depot="https://github.com/mrc/plans")
    pc.canal = None
    lien = pc.avis(None)
    assert lien is not None
    parts = urllib.parse.urlsplit(lien.url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://github.com/mrc/plans/issues/new"
    assert urllib.parse.parse_qs(parts.query)["title"] == [f"Avis : Le plan dans son ensemble ({PLAN_ID})"]


@pytest.mark.parametrize(
    ("today", "banner", "link"),
    [
        ("2026-01-20", "Projet de plan soumis à la consultation publique du 1er février 2026 au 15 mars 2026.", False),
        ("2026-02-01", "Projet de plan soumis à la consultation publique jusqu'au 15 mars 2026.", True),
        ("2026-03-15", "Projet de plan soumis à la consultation publique jusqu'au 15 mars 2026.", True),
        ("2026-03-16", "Consultation terminée le 15 mars 2026. Ce projet de plan n'est pas encore adopté.", False),
    ],
)
def test_the_banner_follows_the_build_date(tmp_path: Path, today: str, banner: str, link: bool) -> None:
    date = views.build_date({views.DATE_ENV: today})
    pc = _pc(tmp_path, date)
    assert pc.banniere == banner
    assert (pc.avis(None) is not None) is link


def test_a_bad_build_date_is_refused_in_french() -> None:
    with pytest.raises(ValueError, match="PLAN_OUVERT_DATE_CONSTRUCTION : date invalide « 15/03/2026 »"):
        views.build_date({views.DATE_ENV: "15/03/2026"})


# --- Checks of the consultation file -------------------------------------------------------------------


def _findings(tmp_path: Path, text: str, name: str = PLAN_ID) -> list[str]:
    tree = tree_of(tmp=tmp_path)
    path = tmp_path / "consultations" / f"{name}.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return [f.format() for f in checks.check(source.load(path, f"consultations/{name}.yml"), {PLAN_ID: tree})]


def test_a_consultation_file_for_another_plan_is_an_error_at_its_line(tmp_path: Path) -> None:
    text = CONSULTATION_TEXT.replace(f"plan: {PLAN_ID}", "plan: mrc-autre-pdza-2026")
    line, column = position(text, "plan: mrc-autre")  # a finding points at the key of its value
    found = _findings(tmp_path, text, "mrc-autre-pdza-2026")
    assert found == [
        f"consultations/mrc-autre-pdza-2026.yml:{line}:{column}: erreur CONS-E004: aucun plan « mrc-autre-pdza-2026 » "
        "dans le dépôt : le fichier de consultation nomme le plan consulté par son identifiant (« id: » du plan)."
    ]


def test_dates_in_the_wrong_order_and_an_unknown_element_are_reported_where_they_are(tmp_path: Path) -> None:
    text = CONSULTATION_TEXT.replace("cloture: 2026-03-15", "cloture: 2026-01-15").replace(
        "reponses: []", 'reponses:\n  - {numero: 1, element: "Action 9.9"}\n  - {numero: 2, element: "Action 1.1.1"}'
    )
    cloture = position(text, "cloture: 2026-01-15")
    ref = position(text, 'element: "Action 9.9"')
    assert _findings(tmp_path, text) == [
        f"consultations/{PLAN_ID}.yml:{cloture[0]}:{cloture[1]}: erreur CONS-E005: la date de clôture précède la "
        "date d'ouverture : vérifiez « ouverture » et « cloture ».",
        f"consultations/{PLAN_ID}.yml:{ref[0]}:{ref[1]}: avertissement CONS-W001: la réponse 1 vise « Action 9.9 », "
        "qui n'est pas un élément du plan : elle compte pour le plan dans son ensemble. Corrigez la référence "
        "(ex. « Action 1.2 ») ou retirez-la.",
    ]


def test_a_misspelled_key_is_a_schema_error_with_its_line(tmp_path: Path) -> None:
    text = CONSULTATION_TEXT.replace("cloture:", "fermeture:")
    line, column = position(text, "fermeture")
    found = _findings(tmp_path, text)
    assert any(f.startswith(f"consultations/{PLAN_ID}.yml:{line}:{column}: erreur SCHEMA-E002") for f in found), found


# --- Import of the responses ------------------------------------------------------------------------------


@pytest.fixture
def import_project(tmp_path: Path) -> Path:
    project = tmp_path / "projet"
    (project / "plans" / "consultations").mkdir(parents=True)
    shutil.copytree(ROOT / "plans" / "referentiels", project / "plans" / "referentiels")
    (project / "plans" / f"{PLAN_ID}.yml").write_text(PLAN_TEXT, encoding="utf-8")
    (project / "plans" / "consultations" / f"{PLAN_ID}.yml").write_text(CONSULTATION_TEXT, encoding="utf-8")
    return project


def _written(project: Path) -> str:
    return (project / "plans" / "consultations" / f"{PLAN_ID}.yml").read_text(encoding="utf-8")


def test_a_limesurvey_export_ties_each_response_to_its_element_and_keeps_nothing_personal(import_project: Path) -> None:
    result = run("consultation", "importer", str(LIMESURVEY), "--plan", PLAN_ID, cwd=import_project)
    assert result.returncode == 0, result.stderr
    assert "4 réponses lues (export LimeSurvey), 3 citations publiables (avec consentement)." in result.stdout
    line = 5  # the third response: the first one's comment spans two lines of the file
    assert (
        f"{LIMESURVEY}:{line}:6 : référence inconnue « Action 9.9 » (ligne {line}) : la réponse 3 compte pour le "
        "plan dans son ensemble." in result.stderr
    )
    text = _written(import_project)
    assert text.startswith(CONSULTATION_TEXT.removesuffix("reponses: []\n"))  # the editor's part, comments included
    loaded = source.load(import_project / "plans" / "consultations" / f"{PLAN_ID}.yml")
    assert loaded.consultation is not None
    reponses = [(r.numero, r.element, r.themes, r.citation) for r in loaded.consultation.reponses]
    assert reponses == [
        (
            1,
            "Action 1.1.1",
            ["releve"],
            "Excellente idée ; je m'appelle [nom retiré] et j'habite au [adresse retirée]."
            "\nÉcrivez-moi : [courriel retiré] ou [téléphone retiré].",
        ),
        (2, "Action 1.1.1", ["releve"], None),  # no consent: no text at all
        (3, "Action 9.9", ["eau"], "Et les routes de campagne? Appelez [nom retiré] au [téléphone retiré]."),
        (
            4,
            None,
            [],
            "Le plan oublie les bleuets ; merci à Mme [nom retiré] de la coop. Code postal [code postal retiré].",
        ),
    ]
    assert [d for d in PERSONAL if d in text] == []


def test_a_forms_export_with_line_breaks_and_a_new_theme(import_project: Path, tmp_path: Path) -> None:
    export = forms_export(tmp_path / "Consultation PDZA(1-3).xlsx")
    result = run("consultation", "importer", str(export), "--plan", PLAN_ID, cwd=import_project)
    assert result.returncode == 0, result.stderr
    assert "(export Microsoft Forms)" in result.stdout
    loaded = source.load(import_project / "plans" / "consultations" / f"{PLAN_ID}.yml")
    assert loaded.consultation is not None
    reponses = [(r.numero, r.element, r.themes, r.citation) for r in loaded.consultation.reponses]
    assert reponses == [
        (
            1,
            "Action 2.1.1",
            ["eau"],
            "Très bonne action pour l'eau.\n[nom retiré], [adresse retirée], [code postal "
            "retiré]\nTél. : [téléphone retiré] — [courriel retiré]",
        ),
        (2, "Action 2.1.1", ["eau", "releve"], None),
        (3, "Orientation 1", [], "Pensez aux jeunes familles agricoles."),
    ]
    assert [d for d in PERSONAL if d in _written(import_project)] == []


def _refused(result: subprocess.CompletedProcess[str], message: str) -> None:
    assert result.returncode == 2
    assert message in result.stderr, result.stderr
    assert "Rien n'a été écrit." in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_an_export_without_a_comment_column_is_refused(import_project: Path, tmp_path: Path) -> None:
    export = tmp_path / "reponses.csv"
    export.write_text("id;Nom;Courriel;Note\n1;Ginette;g@exemple.ca;5\n", encoding="utf-8")
    result = run("consultation", "importer", str(export), "--plan", PLAN_ID, cwd=import_project)
    _refused(
        result, f"{export}:1 : aucune colonne d'avis (commentaire) parmi les en-têtes : « id », « Nom », « Courriel »"
    )
    assert _written(import_project) == CONSULTATION_TEXT


def test_an_empty_export_is_refused(import_project: Path, tmp_path: Path) -> None:
    export = tmp_path / "reponses.csv"
    export.write_text("", encoding="utf-8")
    result = run("consultation", "importer", str(export), "--plan", PLAN_ID, cwd=import_project)
    _refused(result, f"{export} : fichier vide ; attendu une ligne d'en-têtes puis une ligne par réponse")
    assert _written(import_project) == CONSULTATION_TEXT


def test_the_responses_of_another_plans_consultation_are_refused(import_project: Path, tmp_path: Path) -> None:
    export = tmp_path / "autre.csv"
    export.write_text(
        "id,submitdate,lastpage,startlanguage,element,titre,avis,consentement\n"
        "1,2026-02-03,2,fr,Action 1.1.1,Réaménager le parc industriel,Bien,Y\n"
        "2,2026-02-04,2,fr,Action 1.1.2,Attirer des entreprises,Non,Y\n",
        encoding="utf-8",
    )
    result = run("consultation", "importer", str(export), "--plan", PLAN_ID, cwd=import_project)
    _refused(result, f"aucune réponse ne correspond aux éléments du plan « {PLAN_ID} »")
    assert _written(import_project) == CONSULTATION_TEXT


def test_a_column_naming_another_plan_is_refused_at_its_line(import_project: Path, tmp_path: Path) -> None:
    export = tmp_path / "autre.csv"
    export.write_text("Plan,Élément,Votre avis\nmrc-autre-plan-2026,Action 1.1.1,Bien\n", encoding="utf-8")
    result = run("consultation", "importer", str(export), "--plan", PLAN_ID, cwd=import_project)
    _refused(result, f"{export}:2 : cette réponse vise le plan « mrc-autre-plan-2026 », pas « {PLAN_ID} »")


def test_a_mapping_names_the_columns_of_any_form(import_project: Path, tmp_path: Path) -> None:
    export = tmp_path / "municipal.csv"
    export.write_text("Q1,Q2,Q3\nAction 1.1.2,Plus de mentors,oui\n", encoding="utf-8")
    result = run(
        "consultation",
        "importer",
        str(export),
        "--plan",
        PLAN_ID,
        "--colonnes",
        "Q1=element,Q2=avis,Q3=consentement",
        cwd=import_project,
    )
    assert result.returncode == 0, result.stderr
    loaded = source.load(import_project / "plans" / "consultations" / f"{PLAN_ID}.yml")
    assert loaded.consultation is not None
    assert [(r.element, r.citation) for r in loaded.consultation.reponses] == [("Action 1.1.2", "Plus de mentors")]


def test_a_bad_mapping_and_an_unknown_plan_are_refused_in_french(import_project: Path) -> None:
    bad = run("consultation", "importer", str(LIMESURVEY), "--plan", PLAN_ID, "--colonnes", "avis", cwd=import_project)
    _refused(bad, "--colonnes : « avis » ne se lit pas ; écrivez « En-tête=champ »")
    unknown = run("consultation", "importer", str(LIMESURVEY), "--plan", "mrc-inconnue", cwd=import_project)
    _refused(unknown, "--plan : aucun plan « mrc-inconnue »")


# --- The site -------------------------------------------------------------------------------------------------

COURRIEL_CONSULTATION = CONSULTATION_TEXT.replace(
    """canal:
  type: formulaire
  adresse: https://forms.office.com/r/AbCdEf123?lang=fr-CA
  parametre_reference: r5f1
  parametre_titre: r7a2
""",
    """canal:
  type: courriel
  courriel: consultation@mrc-riviere.example
""",
)
SANS_CANAL = CONSULTATION_TEXT.replace(
    """canal:
  type: formulaire
  adresse: https://forms.office.com/r/AbCdEf123?lang=fr-CA
  parametre_reference: r5f1
  parametre_titre: r7a2
""",
    "",
)


def _build(project: Path, today: str) -> Path:
    result = run("construire", cwd=project, env={views.DATE_ENV: today})
    assert result.returncode == 0, result.stderr
    return project / "site"


@pytest.fixture(scope="module")
def draft_sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Three drafts under consultation, one per channel, with the responses of both exports
    imported; built while the consultation is open, then after it closed."""
    root = tmp_path_factory.mktemp("consultation")
    project = draft_project(
        root / "projet",
        {PLAN_ID: CONSULTATION_TEXT, COURRIEL_PLAN: COURRIEL_CONSULTATION, DEPOT_PLAN: SANS_CANAL},
    )
    export = forms_export(root / "forms.xlsx")
    for plan_id, responses in ((PLAN_ID, export), (COURRIEL_PLAN, LIMESURVEY)):
        result = run("consultation", "importer", str(responses), "--plan", plan_id, cwd=project)
        assert result.returncode == 0, result.stderr
    sites = {"ouverte": _build(project, "2026-02-20")}
    shutil.move(project / "site", root / "site-ouverte")
    sites["ouverte"] = root / "site-ouverte"
    sites["terminee"] = _build(project, "2026-03-16")
    return sites


def _soup(site: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup((site / url / "index.html").read_text(encoding="utf-8"), "html.parser")


def _plan_pages(site: Path, plan_id: str) -> list[Path]:
    return sorted((site / "plans" / plan_id).rglob("index.html"))


def test_every_page_of_a_draft_carries_the_banner(draft_sites: dict[str, Path]) -> None:
    site = draft_sites["ouverte"]
    pages = _plan_pages(site, PLAN_ID)
    assert len(pages) > 10
    for page in pages:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        banner = soup.select_one(".po-consultation .admonition-title")
        assert banner is not None, page
        assert banner.get_text() == "Projet de plan soumis à la consultation publique jusqu'au 15\u00a0mars 2026." or (
            banner.get_text() == "Projet de plan soumis à la consultation publique jusqu'au 15 mars 2026."
        ), page
    other = _soup(site, "plans/demo-mrc-fictive-pac-2024/")
    assert other.select(".po-consultation") == []


def test_home_page_and_portal_list_the_open_consultations_with_their_closing_dates(
    draft_sites: dict[str, Path],
) -> None:
    site = draft_sites["ouverte"]
    for url, prefix in (("", "plans/"), ("plans/", "")):
        section = _soup(site, url).select_one(".po-consultations")
        assert section is not None, url
        assert section.h2 is not None and section.h2.get_text() == "Consultations en cours"
        items = [(li.get_text(" ", strip=True), li.a["href"]) for li in section.select("li") if li.a]
        assert items == [
            (
                f"Plan de développement de la zone agricole (Plan d'action), {ORGANISMES[plan_id]}, 2026 : jusqu'au "
                "15 mars 2026",
                f"{prefix}{plan_id}/",
            )
            for plan_id in sorted([PLAN_ID, COURRIEL_PLAN, DEPOT_PLAN])
        ]


def _avis(site: Path, url: str) -> str:
    links = [a["href"] for a in _soup(site, url).select(".po-consultation-avis a.md-button")]
    assert len(links) == 1, url
    return str(links[0])


def test_each_element_page_links_to_the_plans_channel_prefilled(draft_sites: dict[str, Path]) -> None:
    site = draft_sites["ouverte"]
    form = urllib.parse.urlsplit(_avis(site, f"plans/{PLAN_ID}/actions/plantation/"))
    assert urllib.parse.parse_qs(form.query)["r5f1"] == ["Action 2.1.1"]
    assert urllib.parse.parse_qs(form.query)["r7a2"] == ["Planter des arbustes le long des cours d'eau"]
    mail = _avis(site, f"plans/{COURRIEL_PLAN}/orientations/eau/")
    assert mail.startswith("mailto:consultation@mrc-riviere.example?subject=")
    assert "Orientation%202" in mail
    issue = _avis(site, f"plans/{DEPOT_PLAN}/")
    assert issue.startswith("https://github.com/plan-ouvert/plan-ouvert/issues/new?title=Avis%20%3A%20Le%20plan")
    for element_page in _plan_pages(site, PLAN_ID):
        relative = element_page.parent.relative_to(site).as_posix() + "/"
        if "/actions/" in relative or "/objectifs/" in relative or "/orientations/" in relative:
            assert _avis(site, relative).startswith("https://forms.office.com/r/AbCdEf123?lang=fr-CA&r5f1=")


def test_no_third_party_script_frame_or_cookie_comes_with_the_links(draft_sites: dict[str, Path]) -> None:
    site = draft_sites["ouverte"]
    for page in _plan_pages(site, PLAN_ID):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        scripts = [s["src"] for s in soup.find_all("script", src=True)]
        assert [s for s in scripts if "//" in s] == [], page
        assert [f["src"] for f in soup.find_all("iframe") if "//" in f["src"]] == [], page


def test_after_the_closing_date_the_build_says_the_consultation_is_over(draft_sites: dict[str, Path]) -> None:
    site = draft_sites["terminee"]
    for page in _plan_pages(site, PLAN_ID):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        banner = soup.select_one(".po-consultation .admonition-title")
        assert banner is not None and banner.get_text().replace("\u00a0", " ") == (
            "Consultation terminée le 15 mars 2026. Ce projet de plan n'est pas encore adopté."
        ), page
        assert soup.select("a.md-button") == [] or all("forms.office" not in a["href"] for a in soup.select("a")), page
    assert _soup(site, "").select(".po-consultations") == []
    element = _soup(site, f"plans/{PLAN_ID}/actions/plantation/").select_one(".po-consultation-avis")
    assert element is not None
    assert element.get_text(" ", strip=True).startswith("Consultation publique 2 avis reçus sur cet élément")
    assert element.a is not None and element.a["href"] == "../../consultation/#avis-action-plantation"


def test_what_was_heard_counts_per_element_and_theme_and_quotes_only_with_consent(draft_sites: dict[str, Path]) -> None:
    soup = _soup(draft_sites["terminee"], f"plans/{PLAN_ID}/consultation/")
    assert soup.h1 is not None and soup.h1.get_text() == "Ce que nous avons entendu"
    tables = soup.find_all("table")
    rows = [
        [c.get_text(" ", strip=True) for c in tr.find_all(["th", "td"])]
        for t in tables
        for tr in t.tbody.find_all("tr")
    ]
    assert rows == [
        ["Eau et environnement", "2"],
        ["Relève agricole", "1"],
        ["Orientation 1 : Soutenir la relève agricole", "1", "1"],
        ["Action 2.1.1 : Planter des arbustes le long des cours d'eau", "2", "1"],
    ]
    quotes = [q.get_text("\n", strip=True) for q in soup.find_all("blockquote")]
    assert quotes == [
        "Pensez aux jeunes familles agricoles.",
        "Très bonne action pour l'eau.\n[nom retiré], [adresse retirée], [code postal retiré]\n"
        "Tél. : [téléphone retiré] — [courriel retiré]",
    ]


def test_no_personal_information_in_any_file_of_the_site(draft_sites: dict[str, Path]) -> None:
    for site in draft_sites.values():
        assert (site / "search" / "search_index.json").is_file()
        leaks = {datum: files_containing(site, datum) for datum in PERSONAL}
        assert {d: f for d, f in leaks.items() if f} == {}


def test_the_open_data_holds_the_counts_only(draft_sites: dict[str, Path]) -> None:
    folder = draft_sites["terminee"] / "plans" / COURRIEL_PLAN / "consultation"
    elements = (folder / "avis-par-element.csv").read_text(encoding="utf-8-sig").splitlines()
    assert elements == [
        "plan,reference,type,id,titre,nombre_avis,nombre_citations",
        f"{COURRIEL_PLAN},,,,Le plan dans son ensemble,2,2",
        f"{COURRIEL_PLAN},Action 1.1.1,action,banque-terres,Action 1.1.1 : Créer une banque de terres agricoles,2,1",
    ]
    themes = (folder / "avis-par-theme.csv").read_text(encoding="utf-8-sig").splitlines()
    assert themes == [
        "plan,theme,libelle,nombre_avis",
        f"{COURRIEL_PLAN},releve,Relève agricole,2",
        f"{COURRIEL_PLAN},eau,Eau et environnement,1",
    ]
    dataset = (draft_sites["terminee"] / "donnees" / COURRIEL_PLAN / "dataset.jsonld").read_text(encoding="utf-8")
    assert f"plans/{COURRIEL_PLAN}/consultation/avis-par-element.csv" in dataset


# --- Draft, then adopted plan, in one repository --------------------------------------------------------------


def _git(project: Path, *args: str) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "MRC",
        "GIT_AUTHOR_EMAIL": "mrc@exemple.ca",
        "GIT_COMMITTER_NAME": "MRC",
        "GIT_COMMITTER_EMAIL": "mrc@exemple.ca",
    }
    subprocess.run(["git", *args], cwd=project, check=True, capture_output=True, env=env)


ADOPTED = (
    PLAN_TEXT.replace("statut: projet", "statut: adopte")
    .replace("Créer une banque de terres agricoles", "Créer une banque de terres agricoles et de fermes à céder")
    .replace("echeance: 2027\n", "echeance: Printemps 2027\n")
    .replace(
        "            echeance: Été 2027\n",
        "            echeance: Été 2027\n"
        "          - id: fosses\n"
        "            texte: Aménager les fossés des routes de campagne\n"
        "            porteurs: [mrc]\n"
        "            echeance: 2028\n",
    )
)


@pytest.fixture(scope="module")
def adopted_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = draft_project(tmp_path_factory.mktemp("adoption") / "projet")
    result = run("consultation", "importer", str(LIMESURVEY), "--plan", PLAN_ID, cwd=project)
    assert result.returncode == 0, result.stderr
    _git(project, "init", "-q")
    _git(project, "add", "-A")
    _git(project, "commit", "-qm", "Projet soumis à la consultation", "--date=2026-01-20T10:00:00")
    (project / "plans" / f"{PLAN_ID}.yml").write_text(ADOPTED, encoding="utf-8")
    _git(project, "commit", "-qam", "Plan adopté")
    return _build(project, "2026-04-20")


def test_the_adopted_plan_lists_exactly_what_changed_since_the_draft(adopted_site: Path) -> None:
    soup = _soup(adopted_site, f"plans/{PLAN_ID}/consultation/changements/")
    assert soup.h1 is not None and soup.h1.get_text() == "Ce qui a changé depuis le projet"
    found = [
        (
            s.h2.get_text(strip=True),
            s.p.get_text(" ", strip=True).split(" Lire")[0],
            [li.get_text() for li in s.find_all("li")],
        )
        for s in soup.select("article section")
        if s.h2 is not None and s.p is not None
    ]
    assert found == [
        (
            "Action 1.1.1 : Créer une banque de terres agricoles et de fermes à céder",
            "2 avis sur cet élément pendant la consultation.",
            [
                "Reformulée : « Créer une banque de terres agricoles » → « Créer une banque de terres agricoles et de "
                "fermes à céder »"
            ],
        ),
        (
            "Action 1.1.2 : Offrir du mentorat aux nouveaux agriculteurs",
            "Aucun avis sur cet élément pendant la consultation.",
            ["Échéance déplacée : « 2027 » → « Printemps 2027 »"],
        ),
        (
            "Action 2.1.2 : Aménager les fossés des routes de campagne",
            "Aucun avis sur cet élément pendant la consultation.",
            ["Ajoutée : « Aménager les fossés des routes de campagne »"],
        ),
        (
            "Le plan dans son ensemble",
            "2 avis sur le plan dans son ensemble pendant la consultation.",
            ["Statut : Projet → Adopté"],
        ),
    ]
    draft = soup.find("a", string="Télécharger le projet soumis à la consultation (YAML)")
    assert draft is not None
    text = (adopted_site / "plans" / PLAN_ID / "consultation" / "changements" / str(draft["href"])).read_text(
        encoding="utf-8"
    )
    assert "statut: projet" in text and "Créer une banque de terres agricoles\n" in text


def test_the_adopted_plans_pages_link_to_what_was_heard_and_what_changed(adopted_site: Path) -> None:
    soup = _soup(adopted_site, f"plans/{PLAN_ID}/")
    banner = soup.select_one(".po-consultation")
    assert banner is not None
    assert banner.p is not None
    assert banner.p.get_text().replace("\u00a0", " ") == (
        "Ce plan a été adopté après une consultation publique terminée le 15 mars 2026."
    )
    assert [a["href"] for a in banner.find_all("a")] == ["consultation/", "consultation/changements/"]
    assert soup.select("a.md-button") == []


def test_the_repository_keeps_no_personal_information_either(adopted_site: Path) -> None:
    project = adopted_site.parent
    leaks = {d: files_containing(project / "plans", d) for d in PERSONAL}
    assert {d: f for d, f in leaks.items() if f} == {}


def test_the_guide_explains_every_consultation_code_with_its_severity() -> None:
    guide = (ROOT / "docs" / "guide" / "codes.md").read_text(encoding="utf-8")
    documented = dict(re.findall(r"^\| (CONS-[EW]\d{3}) \| ([\w-]+) \|", guide, flags=re.MULTILINE))
    sources = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "src" / "plan_ouvert").rglob("*.py"))
    codes = set(re.findall(r"\"(CONS-[EW]\d{3})\"", sources))
    assert set(documented) == codes
    assert {c: s for c, s in documented.items() if s != ("erreur" if "-E" in c else "avertissement")} == {}


def test_the_consultation_pages_are_valid_html(draft_sites: dict[str, Path], adopted_site: Path) -> None:
    from .test_html_validity import MATERIAL_KNOWN, VNU

    if shutil.which("java") is None or not VNU.is_file():
        pytest.fail("Java ou vnu.jar absent : lancez « make test », qui les installe.")
    pages = [
        draft_sites["ouverte"] / "index.html",
        draft_sites["ouverte"] / "plans" / "index.html",
        *_plan_pages(draft_sites["ouverte"], PLAN_ID),
        *_plan_pages(draft_sites["terminee"], COURRIEL_PLAN),
        *_plan_pages(adopted_site, PLAN_ID),
    ]
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--format", "json", "--errors-only", *map(str, pages)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    messages = json.loads(result.stderr)["messages"]
    assert [(m["url"], m["message"]) for m in messages if not m["message"].startswith(MATERIAL_KNOWN)] == []


def test_verifier_checks_the_consultation_files_beside_the_plans(import_project: Path) -> None:
    stray = import_project / "plans" / "consultations" / "mrc-autre-pdza-2026.yml"
    stray.write_text(CONSULTATION_TEXT.replace(PLAN_ID, "mrc-autre-pdza-2026"), encoding="utf-8")
    result = run("verifier", "plans", cwd=import_project)
    assert result.returncode == 1
    line, column = position(stray.read_text(encoding="utf-8"), "plan: ")
    assert f"plans/consultations/mrc-autre-pdza-2026.yml:{line}:{column}: erreur CONS-E004" in result.stdout
    stray.unlink()
    assert run("verifier", "plans", cwd=import_project).returncode == 0


def test_the_sites_default_channel_comes_from_mkdocs_yml(tmp_path: Path) -> None:
    extra = {"consultation": {"canal": {"type": "courriel", "courriel": "avis@mrc-exemple.qc.ca"}}}
    canal = views.channel_from_settings(extra)
    pc = _pc(tmp_path, dt.date(2026, 2, 20), canal)
    lien = pc.avis(None)
    assert lien is not None and lien.url.startswith("mailto:avis@mrc-exemple.qc.ca?subject=")
    assert views.channel_from_settings({}) is None
