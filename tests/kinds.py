"""The small plan kinds the tests write as data under plans/types/, in one place.

Each is a kind file's text; `write_kind` puts one in a plans folder, named after its id.
"""

from __future__ import annotations

from pathlib import Path

import yaml


def write_kind(plans: Path, text: str) -> Path:
    """Write the kind `text` as plans/types/<its id>.yml and return the file's path."""
    folder = plans / "types"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{yaml.safe_load(text)['id']}.yml"
    path.write_text(text, encoding="utf-8")
    return path


# « chantiers » of a Pacte rural work plan: chantiers, then projets with a budget and an échéance.
PACTE_RURAL = """\
id: chantiers
nom: Plan de travail du Pacte rural
sigle: Plan de travail
annee: Année
rapport: Bilan annuel
niveaux:
  - cle: chantiers
    type: chantier
    dossier: chantiers
    singulier: Chantier
    pluriel: Chantiers
    texte: nom
    champs:
      - {cle: nom, type: texte, libelle: Chantier, attendu: true}
  - cle: projets
    type: projet
    dossier: projets
    singulier: Projet
    pluriel: Projets
    texte: texte
    champs:
      - {cle: texte, type: texte, libelle: Projet, attendu: true}
      - {cle: responsable, type: partenaires, role: responsable, libelle: Responsable, attendu: true}
      - {cle: budget, type: montant, libelle: Budget}
      - {cle: quand, type: echeance, libelle: Échéance}
"""


# « chantiers » of a revitalisation plan: axes, then chantiers with indicators and a follow-up.
REVITALISATION = """\
id: chantiers
nom: Plan de revitalisation
sigle: Revitalisation
annee: Année
rapport: Bilan annuel
niveaux:
  - cle: axes
    type: axe
    dossier: axes
    singulier: Axe
    pluriel: Axes
    texte: texte
    champs:
      - {cle: texte, type: texte, libelle: Axe}
      - {cle: indicateurs, type: indicateurs, libelle: Indicateurs}
  - cle: chantiers
    type: chantier
    dossier: chantiers
    singulier: Chantier
    pluriel: Chantiers
    texte: texte
    champs:
      - {cle: texte, type: texte, libelle: Chantier, attendu: true}
      - {cle: responsables, type: partenaires, role: responsable, libelle: Responsable, attendu: true}
      - {cle: echeance, type: echeance, libelle: Échéancier}
      - {cle: indicateurs, type: indicateurs, libelle: Indicateurs et cibles}
      - {cle: avancement, type: suivi, libelle: Avancement}
"""


# « pdza »: chantiers, then mesures with every type of field the exports write.
PDZA = """\
id: pdza
nom: Plan de développement de la zone agricole
sigle: PDZA
niveaux:
  - cle: chantiers
    type: chantier
    dossier: chantiers
    singulier: Chantier
    pluriel: Chantiers
    texte: nom
    champs:
      - {cle: nom, type: texte, libelle: Chantier, attendu: true}
  - cle: mesures
    type: mesure
    dossier: mesures
    singulier: Mesure
    pluriel: Mesures
    feminin: true
    texte: texte
    champs:
      - {cle: texte, type: texte, libelle: Mesure, attendu: true}
      - {cle: responsables, type: partenaires, role: responsable, libelle: Responsable, attendu: true}
      - {cle: quand, type: echeance, libelle: Échéance, annees_plan: true}
      - {cle: budget, type: montant, libelle: Budget, colonne: Budget prévu}
      - {cle: priorite, type: entier, libelle: Priorité}
      - {cle: debut, type: date, libelle: Début}
      - {cle: indicateurs, type: indicateurs, libelle: Indicateurs et cibles}
      - {cle: suivi, type: suivi, libelle: Suivi}
"""


# « plan-rh »: a kind of one's own that keeps resources (orientations, then actions).
PLAN_RH = """\
id: plan-rh
nom: Plan des ressources humaines
sigle: PRH
ressources: true
niveaux:
  - cle: orientations
    type: orientation
    dossier: orientations
    singulier: Orientation
    pluriel: Orientations
    feminin: true
    texte: texte
    champs:
      - {cle: texte, type: texte, libelle: Orientation, obligatoire: true}
  - cle: actions
    type: action
    dossier: actions
    singulier: Action
    pluriel: Actions
    feminin: true
    texte: texte
    champs:
      - {cle: texte, type: texte, libelle: Action, obligatoire: true}
      - {cle: temps_imparti, type: temps_imparti, libelle: Temps imparti}
"""


# « plan-climat »: its own views, words and overview columns (axes, then chantiers).
PLAN_CLIMAT = """\
id: plan-climat
nom: Plan d'adaptation aux changements climatiques
sigle: Plan climat
document: le plan climat
annee: Année
rapport: Bilan annuel
vues:
  programme: Axes et chantiers
  partenaires:
  echeances:
  suivi:
  etat:
  historique:
niveaux:
  - cle: axes
    type: axe
    dossier: axes
    singulier: Axe
    pluriel: Axes
    texte: texte
    champs:
      - {cle: texte, type: texte, libelle: Axe, attendu: true}
  - cle: chantiers
    type: chantier
    dossier: chantiers
    singulier: Chantier
    pluriel: Chantiers
    texte: texte
    champs:
      - {cle: texte, type: texte, libelle: Chantier, attendu: true}
      - {cle: porteurs, type: partenaires, role: porteur, libelle: Porteur, attendu: true, manque: Non précisé}
      - {cle: appuis, type: partenaires, role: partenaire, libelle: Partenaires}
      - {cle: echeancier, type: echeance, libelle: Échéancier, attendu: true, manque: Non précisé}
      - {cle: budget, type: montant, libelle: Budget}
      - {cle: secteurs, type: textes, libelle: Secteur visé, vue: secteurs, vue_titre: Secteurs visés,
         vue_nom: Secteur}
      - {cle: suivi, type: suivi, libelle: Suivi}
colonnes:
  - {libelle: Chantier, niveau: chantier, champs: [texte]}
  - {libelle: Porteur et partenaires, niveau: chantier, champs: [porteurs, appuis]}
  - {libelle: Échéancier, niveau: chantier, champs: [echeancier]}
  - {libelle: Budget, niveau: chantier, champs: [budget]}
"""
