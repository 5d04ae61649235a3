"""The consultation file of a draft plan: plans/consultations/<plan-id>.yml.

A draft plan (`statut: projet`) is submitted to the public for a period. Its consultation file
says when (ouverture, cloture), how to take part (participation, rencontres), where opinions go
(canal: a form, an e-mail address or the repository's issues), and, once the form's export is
imported, one record per response: the element it is about, its themes and, only when its
author consented to publication, its quote with personal information already removed. The file
holds nothing else of a response (Loi 25): no name, no address, no text without consent.

The file is read like a plan file (safe YAML, every value's line and column kept), so that a
finding points at the line an editor must fix.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError

from plan_ouvert.source.findings import Finding, Severity
from plan_ouvert.source.load import FILE_NAME, _schema_findings, assign_paths
from plan_ouvert.source.model import Courriel, Id, Record, Texte, Url
from plan_ouvert.source.tree import Element, PlanTree
from plan_ouvert.source.yamlsource import ReadError, Source, read_yaml

FOLDER = "consultations"  # under plans/: never read as plans (only plans/*.yml are)


class Rencontre(Record):
    date: dt.date = Field(description="Date de la rencontre publique (AAAA-MM-JJ).")
    heure: Texte | None = Field(default=None, description="Heure, dans vos mots (« 19 h »).")
    lieu: Texte | None = Field(default=None, description="Lieu de la rencontre (salle, adresse publique).")
    description: Texte | None = Field(default=None, description="Ce qui s'y fera, qui y est invité.")


class Canal(Record):
    """Where the « Donner votre avis » links lead: one of a form, an e-mail address, the issues."""

    type: Literal["formulaire", "courriel", "depot"] = Field(
        description="formulaire (l'adresse de votre formulaire), courriel (un message prérempli) ou depot "
        "(les « issues » du dépôt du site)."
    )
    adresse: Url | None = Field(
        default=None, description="Adresse du formulaire (Microsoft Forms, LimeSurvey, formulaire municipal…)."
    )
    parametre_reference: Texte | None = Field(
        default=None,
        max_length=60,
        description="Nom du paramètre d'adresse qui préremplit la référence de l'élément dans le formulaire.",
    )
    parametre_titre: Texte | None = Field(
        default=None,
        max_length=60,
        description="Nom du paramètre d'adresse qui préremplit le titre de l'élément dans le formulaire.",
    )
    courriel: Courriel | None = Field(default=None, description="Adresse qui reçoit les avis (type courriel).")


class Theme(Record):
    id: Id
    libelle: Texte = Field(description="Nom du thème, tel qu'il s'affiche.")


class Reponse(Record):
    numero: int = Field(ge=1, description="Numéro de la réponse dans l'export du formulaire.")
    element: Texte | None = Field(
        default=None,
        description="Référence de l'élément visé (« Action 1.2 ») ; vide pour le plan dans son ensemble.",
    )
    themes: list[Id] = Field(default_factory=list, max_length=20, description="Thèmes de la réponse.")
    citation: Texte | None = Field(
        default=None,
        description="Extrait publiable, seulement si la personne y a consenti, sans renseignement personnel.",
    )


class Consultation(Record):
    plan: Id = Field(description="Identifiant du plan soumis à la consultation.")
    ouverture: dt.date = Field(description="Premier jour de la consultation (AAAA-MM-JJ).")
    cloture: dt.date = Field(description="Dernier jour de la consultation (AAAA-MM-JJ).")
    participation: Texte | None = Field(default=None, description="Comment participer, en quelques phrases.")
    rencontres: list[Rencontre] = Field(default_factory=list, max_length=50)
    canal: Canal | None = None
    themes: list[Theme] = Field(default_factory=list, max_length=100)
    version_projet: Texte | None = Field(
        default=None,
        max_length=64,
        description="Révision git du projet soumis à la consultation (par défaut : la dernière version du fichier "
        "du plan dont le statut était « projet »).",
    )
    reponses: list[Reponse] = Field(default_factory=list, max_length=100_000)


@dataclass
class LoadedConsultation:
    path: Path
    source: Source | None
    consultation: Consultation | None
    findings: list[Finding] = field(default_factory=list)


def folder(plans: Path) -> Path:
    return plans / FOLDER


def file_for(plans: Path, plan_id: str) -> Path:
    return folder(plans) / f"{plan_id}.yml"


def load(path: Path, display: str | None = None) -> LoadedConsultation:
    """A consultation file, or the findings that say why it cannot be read; never raises."""
    shown = display or str(path)
    if path.is_symlink() or not FILE_NAME.fullmatch(path.name):
        message = "fichier de consultation refusé : un vrai fichier nommé comme le plan (« <id-du-plan>.yml »)."
        return LoadedConsultation(path, None, None, [Finding(shown, 1, 1, "CONS-E001", Severity.ERREUR, message)])
    try:
        source = read_yaml(path, shown)
    except ReadError as exc:
        return LoadedConsultation(path, None, None, exc.findings)
    if not isinstance(source.data, dict):
        message = "une consultation commence par des clés (« plan: … », « ouverture: … »)."
        return LoadedConsultation(path, source, None, [Finding(shown, 1, 1, "CONS-E002", Severity.ERREUR, message)])
    try:
        record = Consultation.model_validate(source.data)
    except ValidationError as exc:
        return LoadedConsultation(path, source, None, _schema_findings(source, exc, Consultation))
    assign_paths(record)
    return LoadedConsultation(path, source, record)


def load_all(plans: Path, display: str = "plans") -> list[LoadedConsultation]:
    """Every consultation file under plans/consultations/ (none when the folder is absent)."""
    where = folder(plans)
    if not where.is_dir() or where.is_symlink():
        return []
    files = sorted(p for p in where.iterdir() if p.suffix in (".yml", ".yaml") and not p.name.startswith("."))
    return [load(p, f"{display}/{FOLDER}/{p.name}") for p in files]


# --- Element references ------------------------------------------------------------------------
# A response names its element by the reference the « Donner votre avis » link prefilled: the
# element's label, « Action 1.2 ». People retype it, so case, accents, spaces and a title after
# it do not matter; the id form « action:plantation » is read too.


def reference(element: Element) -> str:
    """« Action 1.2 »: what the form is prefilled with, and what the import reads back."""
    return element.libelle


def title(element: Element) -> str:
    """« Action 1.2 : Planter des arbustes… »: the label and the element's own words."""
    if element.titre == element.libelle and element.texte:
        return f"{element.libelle} : {element.texte}"
    return element.titre


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'"))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return " ".join(bare.split())


def find_element(tree: PlanTree, text: str | None) -> Element | None:
    """The element a response's reference names, or None (the plan as a whole, or unknown)."""
    wanted = _folded(text or "")
    if not wanted:
        return None
    best: Element | None = None
    for element in tree.elements:
        if wanted == _folded(f"{element.type}:{element.id}"):
            return element
        label = _folded(reference(element))
        # « Action 1.2 — Planter… », « action 1.2 : titre »: the label, then anything but a digit.
        rest = wanted[len(label) :]
        longer = best is None or len(label) > len(_folded(reference(best)))
        if wanted.startswith(label) and not re.match(r"\w|[.,]\d", rest) and longer:
            best = element
    return best
