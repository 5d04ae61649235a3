"""What a programme expects is declared in its kind file, never in code: the completeness a
level's gabarit expects, the fields a yes/no field dispenses from, the programme a new plan
names and the kind a plan following no gabarit takes."""

from __future__ import annotations

from pathlib import Path

import yaml

from plan_ouvert.checks.catalogue import load_catalogue
from plan_ouvert.source.kinds import Kinds
from plan_ouvert.views.completude import completude

from .helpers import plans_folder

KIND = """\
id: travaux
nom: Plan de travaux
sigle: Travaux
niveaux:
  - cle: projets
    type: projet
    dossier: projets
    singulier: Projet
    pluriel: Projets
    texte: texte
    champs:
      - {cle: texte, type: texte, libelle: Projet}
      - {cle: budget, type: montant, libelle: Budget}
      - {cle: quand, type: echeance, libelle: Échéance}
      - {cle: benevole, type: oui_non, libelle: Projet bénévole, dispense: [budget]}
    completude:
      - {cle: budget, mots: budget prévu}
      - {cle: quand, mots: échéance prévue}
"""

PLAN = """\
id: mrc-x-travaux-2025
gabarit: travaux
titre: Travaux 2025
organisme: {nom: MRC X}
statut: adopte
licence: CC-BY-4.0
projets:
  - {id: sentier, texte: Aménager un sentier, budget: 15000, quand: Été 2025}
  - {id: patinoire, texte: Rénover la patinoire}
  - {id: corvee, texte: Corvée de nettoyage, benevole: true}
"""


def test_a_kind_file_declares_what_its_gabarit_expects_and_what_a_field_dispenses_from(tmp_path: Path) -> None:
    folder = plans_folder(tmp_path, {"mrc-x-travaux-2025.yml": PLAN})
    (folder / "types").mkdir()
    (folder / "types" / "travaux.yml").write_text(KIND, encoding="utf-8")
    catalogue = load_catalogue([folder])
    assert catalogue.errors() == []
    result = completude(catalogue.entry("mrc-x-travaux-2025").tree)
    assert [(m.where, m.what) for m in result.manques] == [
        ("Projet 2", "budget prévu"),
        ("Projet 2", "échéance prévue"),
        ("Projet 3", "échéance prévue"),  # a volunteer project is not expected to have a budget
    ]


def test_a_dispense_on_a_field_that_is_not_yes_no_is_refused_in_french(tmp_path: Path) -> None:
    kind = KIND.replace(
        "{cle: budget, type: montant, libelle: Budget}",
        "{cle: budget, type: montant, libelle: Budget, dispense: [quand]}",
    )
    folder = plans_folder(tmp_path, {"mrc-x-travaux-2025.yml": PLAN})
    (folder / "types").mkdir()
    (folder / "types" / "travaux.yml").write_text(kind, encoding="utf-8")
    messages = [f.message for f in load_catalogue([folder]).findings if f.file.endswith("travaux.yml")]
    assert messages == ["valeur invalide en élément 1 de « niveaux », élément 2 de « champs » (des clés et valeurs)."]


def test_the_shipped_kinds_declare_their_programme_and_the_generic_kind() -> None:
    kinds = Kinds.builtin()
    generic = kinds.generic()
    assert generic is not None and generic.spec.nom == "Plan d'action municipal"
    defaults = {k.spec.sigle: k.spec.programme_defaut for k in kinds}
    assert defaults == {"PIAR": "acces-entreprise-quebec", "Programmation PAC": "mifi-pac", "Plan d'action": None}
    referentiels = Path(__file__).resolve().parents[1] / "plans" / "referentiels"
    for programme in filter(None, defaults.values()):
        assert yaml.safe_load((referentiels / f"{programme}.yml").read_text(encoding="utf-8"))["id"] == programme
