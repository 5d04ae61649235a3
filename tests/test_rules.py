"""One test per rule: a small valid plan, one mutation, the exact finding at the exact place."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from plan_ouvert.checks.rules import REGISTRY
from plan_ouvert.source.findings import Severity

from .helpers import check_text, petit, position


@dataclass(frozen=True)
class Case:
    code: str
    plan: str  # petit-piar or petit-pac
    old: str
    new: str
    anchor: str  # text whose start is where the finding must point (in the mutated text)
    message: str  # a fragment of the French message
    occurrence: int = 1
    offset: int = 0


CASES = [
    # PIAR
    Case(
        "PIAR-E001",
        "petit-piar",
        "objectifs_generaux: [4]",
        "objectifs_generaux: []",
        "objectifs_generaux: []",
        "l'enjeu 2 n'est associé à aucun objectif général",
    ),
    Case("PIAR-E002", "petit-piar", "axes: [6]", "axes: []", "axes: []", "aucun axe d'intervention"),
    Case(
        "PIAR-E003",
        "petit-piar",
        "axes: [6]",
        "axes: [6, 8]",
        "axes: [6, 8]",
        "axe 8 inexistant dans Accès entreprise Québec : choisissez parmi 1, 2, 3, 4, 5, 6, 7",
        offset=10,
    ),
    Case(
        "PIAR-E004", "petit-piar", "        echeance: 30 juin 2022\n", "", "id: 1-2", "l'action 1-2 n'a pas d'échéance"
    ),
    Case(
        "PIAR-E005",
        "petit-piar",
        "part: 40",
        "part: 70",
        "id: conseillere",
        "affectée à 130 % de son temps : 60 % (enjeu 1) + 70 % (enjeu 2)",
    ),
    Case("PIAR-W001", "petit-piar", "", "", "enjeux:", "le plan compte 3 enjeux"),
    Case(
        "PIAR-W002",
        "petit-piar",
        "    objectifs:\n      - Relancer le mentorat\n",
        "",
        'id: "4"',
        "l'enjeu 4 n'a pas d'objectif à atteindre",
    ),
    Case(
        "PIAR-W003",
        "petit-piar",
        "    indicateurs:\n      - texte: Nombre de jumelages\n",
        "",
        'id: "4"',
        "l'enjeu 4 n'a pas d'indicateur",
    ),
    Case("PIAR-W004", "petit-piar", "    statut: existante\n", "", "id: agent", "nouvelle, existante ou issue"),
    Case(
        "PIAR-W005",
        "petit-piar",
        "date_convention: 2022-01-15",
        "date_convention: 2021-10-01",
        "date_plan:",
        "plan daté du 1er mars 2022, plus de 3 mois après la convention du 1er octobre 2021",
    ),
    Case(
        "PIAR-W006",
        "petit-piar",
        "echeance: 30 juin 2022",
        "echeance: 31 janvier 2022",
        "echeance: 31 janvier 2022",
        "l'échéance « 31 janvier 2022 » de l'action 1-2 précède la date du plan",
    ),
    Case(
        "PIAR-W007",
        "petit-piar",
        "echeance: Juin 2023",
        "echeance: Juin 2025",
        "echeance: Juin 2025",
        "tombe après la fin du plan (31 décembre 2024)",
    ),
    Case(
        "PIAR-W008",
        "petit-piar",
        "    actions:\n      - id: 4-1\n        texte: Recruter des mentors\n        echeance: Juin 2023\n",
        "",
        'id: "4"',
        "l'enjeu 4 n'a aucune action",
    ),
    Case(
        "PIAR-W009",
        "petit-piar",
        "texte: 60 % de la tâche de la conseillère",
        "texte: 65 % de la tâche de la conseillère",
        "temps_imparti:",
        "le texte du temps imparti (enjeu 1) donne 65\u00a0% à la ressource « conseillere », alors que ses parts "
        "chiffrées (allocations) lui donnent 60\u00a0%",
    ),
    Case(
        "PIAR-I001",
        "petit-piar",
        "date_convention: 2022-01-15\n",
        "",
        "id: petit-piar",
        "date de la convention absente",
    ),
    # Common
    Case(
        "COM-E001",
        "petit-piar",
        "id: 1-2",
        "id: 1-1",
        "id: 1-1",
        "identifiant « 1-1 » déjà utilisé à la ligne",
        occurrence=2,
    ),
    Case(
        "COM-E002",
        "petit-piar",
        "texte: Visiter les entreprises du territoire",
        'texte: ""',
        'texte: ""',
        "« texte » est vide",
    ),
    Case(
        "COM-E003",
        "petit-piar",
        "ressource: agent",
        "ressource: agente",
        "ressource: agente",
        "ressource « agente » absente du registre",
    ),
    Case(
        "COM-E004",
        "petit-piar",
        "programme: acces-entreprise-quebec",
        "programme: mifi-pac",
        "gabarit: piar",
        "utilise le gabarit « pac », pas « piar »",
    ),
    Case(
        "COM-E005",
        "petit-piar",
        "programme: acces-entreprise-quebec",
        "programme: aeq",
        "programme: aeq",
        "programme « aeq » inconnu",
    ),
    Case(
        "COM-E007",
        "petit-pac",
        "      - id: 2-1\n",
        "      - id: 2-1\n        anciens_ids: [1-1]\n",
        "anciens_ids: [1-1]",
        "l'ancien identifiant « 1-1 » est repris par un autre élément",
        offset=14,
    ),
    Case("COM-I001", "petit-piar", "statut: adopte\n", "", "id: petit-piar", "statut du plan non précisé"),
    Case("COM-I002", "petit-piar", "licence: CC-BY-4.0\n", "", "id: petit-piar", "licence des données non précisée"),
    Case(
        "COM-W004",
        "petit-piar",
        "licence: CC-BY-4.0",
        "licence: CC BY",
        "licence: CC BY",
        "licence « CC BY » inconnue : écrivez l'identifiant d'une licence reconnue (CC-BY-4.0,",
    ),
    Case(
        "COM-E010",
        "petit-piar",
        "  nom: MRC de Petite-Rivière\n",
        "  nom: MRC de Petite-Rivière\n  region: Lanaudiere-Nord\n",
        "region: Lanaudiere-Nord",
        "région « Lanaudiere-Nord » inconnue en « organisme.region »",
    ),
    Case(
        "COM-W005",
        "petit-piar",
        "  nom: MRC de Petite-Rivière\n",
        "  nom: MRC de Petite-Rivière\n  code_geographique: 52-A\n",
        "code_geographique: 52-A",
        "code géographique « 52-A » mal formé",
    ),
    Case(
        "SAISIE-E001",
        "petit-piar",
        "  nom: MRC de Petite-Rivière\n",
        '  nom: "MRC de XXX"\n',
        'nom: "MRC de XXX"',
        "« XXX » est encore à remplacer en « organisme.nom »",
    ),
    Case(
        "IMPORT-W001",
        "petit-piar",
        "statut: adopte\n",
        'statut: adopte\nprive:\n  a_verifier:\n    - "tableau 1, rangée 3 : Budget 25 000 $"\n',
        '"tableau 1',
        "texte importé non placé (1 sur 1, bloc « prive », partie « a_verifier »)",
    ),
    Case(
        "COM-I003",
        "petit-pac",
        "    nom: Carrefour jeunesse-emploi de Petite-Rivière\n",
        "",
        "id: cjee",
        "partenaire « CJEE » sans nom complet",
    ),
    Case(
        "COM-I004",
        "petit-piar",
        "echeance: automne 2022",
        "echeance: bientôt",
        "echeance: bientôt",
        "échéance « bientôt » non reconnue",
    ),
    Case(
        "COM-E008",
        "petit-piar",
        "texte: Visiter les entreprises du territoire",
        "texte: Visiter les entreprises \u202edu territoire",
        "\u202e",
        "caractère de contrôle de direction U+202E dans « texte »",
    ),
    Case(
        "COM-W002",
        "petit-piar",
        "role: Agent de financement",
        "role: Agent de\u200b financement",
        "\u200b",
        "caractère invisible U+200B (espace sans chasse) dans « role »",
    ),
    Case(
        "COM-W003",
        "petit-piar",
        "enonce: Le mentorat est peu connu.",
        "enonce: Le mentorat est peu \u0441onnu.",  # Cyrillic « с »
        "\u0441onnu",
        "le mot « \u0441onnu » dans « enonce » mêle des lettres latines et cyrilliques (« \u0441 », U+0441)",
    ),
    Case(
        "COM-E009",
        "petit-pac",
        "          - Personnes immigrantes\n",
        "          - \u0422\u043e\u0443\u0441\n          - \u0412\u0435\u0435\n",  # « Тоус », « Вее »: Cyrillic
        "\u0412\u0435\u0435",
        "clientèle « \u0412\u0435\u0435 » : même page « plans/petit-pac/clienteles/x/ » que clientèle "
        "« \u0422\u043e\u0443\u0441 » (ligne ",
    ),
    # PAC
    Case(
        "PAC-E001",
        "petit-pac",
        "echeance: [An 1 (2022-2023)]",
        "echeance: [An 1 (2022-2023), An 4]",
        "echeance: [An 1 (2022-2023), An 4]",
        "« An 4 » : le plan n'a pas d'An 4",
    ),
    Case(
        "PAC-W001",
        "petit-pac",
        "porteurs: [mrc]\n        resultats_attendus:\n          - Des employeurs",
        "resultats_attendus:\n          - Des employeurs",
        "id: 2-1",
        "le moyen 2.1 n'a pas de porteur",
    ),
    Case(
        "PAC-W002",
        "petit-pac",
        "        resultats_attendus:\n          - Des employeurs informés\n",
        "",
        "id: 2-1",
        "le moyen 2.1 n'a pas de résultat attendu",
    ),
    Case(
        "PAC-W003",
        "petit-pac",
        "        indicateurs:\n          - texte: Nombre de rencontres\n            cibles:\n"
        "              - annee: 1\n                texte: 2 rencontres\n",
        "",
        "id: 2-1",
        "le moyen 2.1 n'a pas d'indicateur de performance",
    ),
    Case(
        "PAC-W004",
        "petit-pac",
        "              - annee: 2\n                texte: 8 activités\n",
        "",
        "texte: Nombre d'activités",
        "l'indicateur « Nombre d'activités » du moyen 1.1 n'a pas de cible pour An 2",
    ),
    Case(
        "PAC-W005",
        "petit-pac",
        "        echeance: [An 1 (2022-2023)]\n",
        "",
        "id: 2-1",
        "le moyen 2.1 n'a pas d'échéance",
    ),
    Case(
        "PAC-W006",
        "petit-pac",
        "echeance: [An 1 (2022-2023)]",
        "echeance: [An 1 (2023-2024)]",
        "echeance: [An 1 (2023-2024)]",
        "l'An 1 du plan est 2022-2023, pas 2023-2024",
    ),
    Case(
        "PAC-W007",
        "petit-pac",
        "texte: 5 activités",
        "texte: 5oo activités",
        "texte: 5oo activités",
        "« 5oo » mêle chiffres et lettres",
    ),
    Case(
        "PAC-W008",
        "petit-pac",
        "collaborateurs: [cjee]",
        "collaborateurs: [cje]",
        "collaborateurs: [cje]",
        "« cje » (moyen 1.1) n'est pas dans le registre des partenaires. Vouliez-vous dire « cjee » (CJEE) ?",
        offset=17,
    ),
    Case(
        "PAC-W009",
        "petit-pac",
        "              - annee: 1\n                texte: 2 rencontres",
        "              - annee: 2\n                texte: 2 rencontres",
        "annee: 2\n                texte: 2 rencontres",
        "cible « 2 rencontres » pour An 2, hors de l'échéance du moyen 2.1",
    ),
    Case(
        "PAC-W010",
        "petit-pac",
        "annees:\n  - {numero: 1, debut: 2022, fin: 2023}\n  - {numero: 2, debut: 2023, fin: 2024}\n",
        "",
        "id: petit-pac",
        "le plan ne définit pas ses années",
    ),
    Case(
        "PAC-I001",
        "petit-pac",
        "        clientele:\n          - Entreprises de la MRC\n",
        "",
        "id: 2-1",
        "le moyen 2.1 n'a pas de clientèle visée",
    ),
    # Rules that follow from a kind's declarations (here the generic kind, plan-action)
    Case(
        "TYPE-W001",
        "petit-plan-action",
        "            porteurs: [mrc]\n",
        "",
        "id: plantation",
        "l'action 1.1.1 ne précise pas « Porteur », que le gabarit attend",
    ),
    Case(
        "TYPE-W002",
        "petit-plan-action",
        "partenaires: [obv]",
        "partenaires: [upa]",
        "upa]",
        "« upa » (partenaires de l'action 1.1.1) n'est pas au registre",
    ),
    Case(
        "TYPE-W003",
        "petit-plan-action",
        "echeance: Été 2025",
        "echeance: Automne 2023",
        "id: plantation",
        "l'échéance « Automne 2023 » de l'action 1.1.1 précède le début du plan (1er janvier 2024)",
    ),
    Case(
        "TYPE-I001",
        "petit-plan-action",
        "            cibles:\n              - {annee: 2, texte: 5 km}\n",
        "",
        "- texte: Kilomètres",
        "l'indicateur « Kilomètres de rives restaurées » de l'objectif 1.1 n'a pas de cible",
        offset=2,
    ),
]


def _mutate(case: Case) -> str:
    text = petit(case.plan)
    if case.code == "PIAR-W001":
        return text[: text.index('  - id: "4"')]
    assert case.old in text, f"the mutation of {case.code} no longer applies to {case.plan}.yml"
    return text.replace(case.old, case.new, 1)


@pytest.mark.parametrize("case", CASES, ids=[c.code for c in CASES])
def test_rule_reports_exact_finding(case: Case, tmp_path: Path) -> None:
    text = _mutate(case)
    findings = [f for f in check_text(tmp_path, case.plan, text) if f.code == case.code]
    assert len(findings) == 1, findings
    finding = findings[0]
    assert case.message in finding.message
    assert (finding.line, finding.column) == position(text, case.anchor, case.occurrence, case.offset)
    assert finding.file.endswith(f"{case.plan}.yml")


def test_small_plans_have_no_finding_above_info(tmp_path: Path) -> None:
    for name in ("petit-piar", "petit-pac", "petit-plan-action"):
        findings = check_text(tmp_path / name, name, petit(name))
        assert [f for f in findings if f.severity is not Severity.INFO] == []


def test_every_rule_has_a_case() -> None:
    tested = {c.code for c in CASES}
    assert set(REGISTRY) - tested == set()


def test_plan_level_cross_file_rules(tmp_path: Path) -> None:
    from plan_ouvert.checks.catalogue import load_catalogue

    from .helpers import plans_folder

    text = petit("petit-piar")
    folder = plans_folder(tmp_path, {"petit-piar.yml": text, "copie.yml": text})
    findings = load_catalogue([folder]).findings
    codes = {(f.code, Path(f.file).name) for f in findings}
    assert ("COM-E006", "petit-piar.yml") in codes or ("COM-E006", "copie.yml") in codes
    assert ("COM-W001", "copie.yml") in codes


# The nature of each programme rule under the publication policy: an erreur only for what makes
# a plan unreadable or ambiguous, a non-conformité for a departure from the gabarit.
NATURES = {
    "PIAR-E001": Severity.NON_CONFORMITE,
    "PIAR-E002": Severity.NON_CONFORMITE,
    "PIAR-E003": Severity.ERREUR,
    "PIAR-E004": Severity.NON_CONFORMITE,
    "PIAR-E005": Severity.NON_CONFORMITE,
    "PIAR-W002": Severity.NON_CONFORMITE,
    "PIAR-W003": Severity.NON_CONFORMITE,
    "PIAR-W008": Severity.NON_CONFORMITE,
    "PAC-W001": Severity.NON_CONFORMITE,
    "PAC-W002": Severity.NON_CONFORMITE,
    "PAC-W003": Severity.NON_CONFORMITE,
    "PAC-W004": Severity.NON_CONFORMITE,
    "PAC-W005": Severity.NON_CONFORMITE,
    "PAC-E001": Severity.ERREUR,
    "PIAR-W001": Severity.AVERTISSEMENT,
    "PIAR-W009": Severity.AVERTISSEMENT,
}


@pytest.mark.parametrize("case", [c for c in CASES if c.code in NATURES], ids=lambda c: c.code)
def test_rule_nature(case: Case, tmp_path: Path) -> None:
    findings = [f for f in check_text(tmp_path, case.plan, _mutate(case)) if f.code == case.code]
    assert [f.severity for f in findings] == [NATURES[case.code]]
    if NATURES[case.code] is Severity.NON_CONFORMITE:
        # What a user reads: the plan is published as adopted, and no value is suggested.
        message = findings[0].message
        assert "publié tel qu'adopté" in message or "plan adopté" in message, message
        assert "ajoutez" not in message and "« echeance:" not in message, message


@pytest.mark.parametrize("case", CASES, ids=[c.code for c in CASES])
def test_no_message_suggests_a_missing_value(case: Case, tmp_path: Path) -> None:
    """A message never proposes typing a value the adopted plan does not have (an info that lists
    the recognised forms of an échéance the plan does give only helps fix its typing)."""
    for finding in check_text(tmp_path, case.plan, _mutate(case)):
        if finding.severity is Severity.INFO:
            continue
        assert "En continu" not in finding.message, finding.message
        assert "An 1 (2022-2023)" not in finding.message, finding.message
        assert "annee: " not in finding.message, finding.message


def test_non_conformite_is_a_warning_annotation(tmp_path: Path) -> None:
    case = next(c for c in CASES if c.code == "PIAR-E004")
    finding = next(f for f in check_text(tmp_path, case.plan, _mutate(case)) if f.code == "PIAR-E004")
    assert finding.format_github().startswith("::warning ")
    assert "PIAR-E004 (non-conformité)" in finding.format_github().replace("%3A", ":")


def test_verifier_strict_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from plan_ouvert.cli import main

    from .helpers import plans_folder

    case = next(c for c in CASES if c.code == "PIAR-E004")
    folder = plans_folder(tmp_path, {"petit-piar.yml": _mutate(case)})
    assert main(["verifier", str(folder)]) == 0
    out = capsys.readouterr()
    assert "non-conformité PIAR-E004" in out.out
    assert "1 non-conformité," in out.err
    assert main(["verifier", "--strict", str(folder)]) == 1
    assert "Mode strict : les non-conformités au gabarit font échouer la vérification." in capsys.readouterr().err
    # An avertissement alone never fails, strict or not.
    warned = next(c for c in CASES if c.code == "PIAR-W001")
    other = plans_folder(tmp_path / "w", {"petit-piar.yml": _mutate(warned)})
    assert main(["verifier", "--strict", str(other)]) == 0


# --- Resources: time outside the programme, text and shares of a temps imparti ----------------


def test_time_outside_the_programme_counts_in_the_total(tmp_path: Path) -> None:
    # 60 % + 40 % of the conseillère is within 100 %; 20 % outside the programme takes her over.
    text = petit("petit-piar").replace("    temps: plein\n", "    temps: plein\n    hors_programme: 20\n", 1)
    [finding] = [f for f in check_text(tmp_path, "petit-piar", text) if f.code == "PIAR-E005"]
    assert finding.severity is Severity.NON_CONFORMITE
    assert "affectée à 120 % de son temps : 60 % (enjeu 1) + 40 % (enjeu 2) + 20 % (hors programme)" in finding.message
    assert "temps hors programme compris" in finding.message
    assert (finding.line, finding.column) == position(text, "id: conseillere")
    within = text.replace("hors_programme: 20", "hors_programme: 0")
    assert [f for f in check_text(tmp_path / "ok", "petit-piar", within) if f.code == "PIAR-E005"] == []


def _temps_enjeu_2(texte: str) -> str:
    """petit-piar whose enjeu 2 (conseillère 40 %, agent 50 %) words its temps imparti `texte`."""
    return petit("petit-piar").replace(
        "    temps_imparti:\n      allocations:\n        - ressource: conseillere\n          part: 40\n",
        f"    temps_imparti:\n      texte: {texte}\n      allocations:\n        - ressource: conseillere\n"
        "          part: 40\n",
    )


@pytest.mark.parametrize(
    "texte",
    [
        '"Conseillère : 40 %, agent : 50 %"',
        '"40 % de la tâche de la conseillère et 50 % de celle de l\'agent"',
        '"CONSEILLERE (40%) ; AGENT (50%)"',
        # Not tied one to one: nothing is compared.
        '"Conseillère et agent : 40 % et 50 %"',
        '"40 % la première année, 60 % ensuite"',
        '"Deux jours par semaine"',
    ],
)
def test_text_and_shares_that_agree_or_cannot_be_compared_are_silent(tmp_path: Path, texte: str) -> None:
    text = _temps_enjeu_2(texte)
    assert "texte: " + texte in text
    assert [f for f in check_text(tmp_path, "petit-piar", text) if f.code == "PIAR-W009"] == []


def test_each_disagreeing_share_is_reported_at_its_temps_imparti(tmp_path: Path) -> None:
    text = _temps_enjeu_2('"Conseillère : 45 %, agent : 50 %, R9 : 10 %"').replace(
        "ressources:\n", "ressources:\n  - {id: r9, role: Technicienne}\n", 1
    )
    found = [f for f in check_text(tmp_path, "petit-piar", text) if f.code == "PIAR-W009"]
    assert [f.message for f in found] == [
        "le texte du temps imparti (enjeu 2) donne 45\u00a0% à la ressource « conseillere », alors que ses parts "
        "chiffrées (allocations) lui donnent 40\u00a0% : vérifiez lequel des deux suit le plan adopté.",
        "le texte du temps imparti (enjeu 2) donne 10\u00a0% à la ressource « r9 », alors que ses parts "
        "chiffrées (allocations) n'en donnent aucune à « r9 » : vérifiez lequel des deux suit le plan adopté.",
    ]
    assert {(f.line, f.column) for f in found} == {position(text, "temps_imparti:", 2)}
    assert {f.severity for f in found} == {Severity.AVERTISSEMENT}


def test_disagreement_is_shown_on_the_page_of_its_enjeu(tmp_path: Path) -> None:
    import re

    from bs4 import BeautifulSoup

    from plan_ouvert.checks.catalogue import load_catalogue
    from plan_ouvert.outputs.render import Renderer, Settings
    from plan_ouvert.views.site import build_site

    from .helpers import ROOT, plans_folder

    def enjeu_2(texte: str) -> str:
        folder = plans_folder(tmp_path / str(len(texte)), {"petit-piar.yml": _temps_enjeu_2(texte)})
        settings = Settings(root=ROOT, plans=folder, templates=ROOT / "overrides" / "plan", extra={})
        html = Renderer(settings).page(build_site(load_catalogue([folder])), "plans/petit-piar/enjeux/2/")
        article: Any = BeautifulSoup(html, "html.parser").select_one("article")
        return re.sub(r"\s+", " ", article.get_text(" ").replace("\u00a0", " "))

    shown = enjeu_2('"Agent : 55 %"')
    # An avertissement asks the editors to check their file: it is on the editors' page (État des
    # données) and in `verifier`, never on the citizens' page of the enjeu.
    assert "Point à vérifier" not in shown and "vérifiez" not in shown
    assert "Temps imparti" in shown or "temps imparti" in shown
    # « R » names no resource and the enjeu gives two shares: nothing is compared, nothing shown.
    assert "allocations" not in enjeu_2('"R : 45 %"')
