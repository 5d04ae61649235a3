"""The plan schema: one source of truth for plan files, référentiels and their JSON Schema.

Field descriptions are French on purpose: they become the hover help that editors show in
VS Code through the generated JSON Schema.

Records stay plain data. Derived facts (parsed échéances, numeric targets) are computed in
their own modules so that the YAML never has to repeat what its wording already says.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr

ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


def _int_to_str(value: Any) -> Any:
    # `id: 1` is natural to type; it is the same id as "1".
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


Id = Annotated[
    str,
    BeforeValidator(_int_to_str),
    Field(
        pattern=ID_PATTERN,
        max_length=60,
        description="Identifiant stable : minuscules sans accents, chiffres et traits d'union "
        "(il fait l'adresse de la page).",
    ),
]


def _number_to_text(value: Any) -> Any:
    # `texte: 12` (a target « 12 ») is text to the editor, a number to YAML: take it as its text.
    # A decimal stays as YAML read it (2.5 gives « 2.5 », not « 2,5 »): the loader cannot know
    # the wording the plan used, and quoting the value keeps it exactly as typed.
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


def _int_to_float(value: Any) -> Any:
    # Lets a whole number match a number-or-text field (montant) as a number, before the text
    # reading of _number_to_text can claim it.
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) <= sys.float_info.max:
        return float(value)  # beyond a float (not from a YAML file: its reader refuses it), a schema error
    return value


Texte = Annotated[str, Field(max_length=5000), BeforeValidator(_number_to_text)]
# A finite number: .inf and .nan would make invalid JSON in the open data.
Nombre = Annotated[float, BeforeValidator(_int_to_float), Field(allow_inf_nan=False)]
URL_PATTERN = r"^https?://[^\s<>\"'`]+$"
# A plain address, local@domain: no « ? », space or comma, so that a mailto: link cannot
# carry extra recipients or headers (?cc=, ?bcc=, ?body=).
COURRIEL_PATTERN = (
    r"^[A-Za-z0-9._+'-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$"
)
Courriel = Annotated[
    str,
    Field(
        pattern=COURRIEL_PATTERN,
        max_length=254,
        description="Adresse courriel simple (nom@domaine.qc.ca), sans « ? », espace ni virgule.",
    ),
]
Url = Annotated[
    str,
    Field(
        pattern=URL_PATTERN,
        max_length=500,
        description="Adresse Web complète, commençant par https:// (ou http://).",
    ),
]
Textes = Annotated[list[Texte], Field(max_length=200)]
AnciensIds = Annotated[
    list[Annotated[str, Field(pattern=ID_PATTERN, max_length=60)]],
    Field(
        description="Identifiants précédents de cet élément : leurs anciennes adresses redirigent ici.",
        max_length=20,
    ),
]
Prive = Annotated[
    dict[str, Any] | None,
    Field(
        description="Renseignements réservés au ministère (entreprises accompagnées, noms de "
        "personnes) : jamais publiés ni exportés publiquement.",
    ),
]
Echeance = Annotated[
    Texte | list[Texte] | None,
    Field(
        description="Échéance dans les mots de la source : « 31 janvier 2021 », « Juin 2021 », "
        "« En continu », « Dès juin 2021 », « An 1 (2022-2023) » ; une liste pour plusieurs "
        "années du plan.",
    ),
]


class Record(BaseModel):
    """Base of every record: unknown keys are refused, `prive` is allowed everywhere."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    prive: Prive = None
    # Path of this record in its file (keys and list indexes), set by the loader so that
    # findings can point at a line.
    _path: tuple[str | int, ...] = PrivateAttr(default=())


PRIVATE = "prive"  # the key of facts for the ministry only, allowed on every record


def public_fields(record: BaseModel) -> Iterator[tuple[str, Any]]:
    """(name, value) of each field of `record` that may leave the plan file: all but `prive`."""
    for name in type(record).model_fields:
        if name != PRIVATE:
            yield name, getattr(record, name)


def strip_private(value: Any) -> Any:
    """Plain data (a record dumped) without any `prive` mapping, at any depth."""
    if isinstance(value, dict):
        return {k: strip_private(v) for k, v in value.items() if k != PRIVATE}
    if isinstance(value, list):
        return [strip_private(v) for v in value]
    return value


# --- Shared records --------------------------------------------------------------------------


def _region_code(value: Any) -> Any:
    # `region: 14` (or `region: 01`, which YAML reads as 1) is the code « 14 », « 01 ».
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:02d}"
    return value


def _code_text(value: Any) -> Any:
    # `code_geographique: 52007` is a code, not a number: keep its digits as text.
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


class Organisme(Record):
    nom: Texte = Field(description="Nom de l'organisme municipal (la MRC).")
    id: Id | None = Field(
        default=None,
        description="Identifiant stable de l'organisme (adresse de sa page « organisations/… ») ; par défaut, "
        "tiré de son nom. À donner quand le nom change ou pour réunir les plans d'un même organisme.",
    )
    region: Annotated[str | None, BeforeValidator(_region_code)] = Field(
        default=None,
        max_length=60,
        description="Région administrative du Québec : son code (« 14 ») ou son nom (« Lanaudière »).",
        examples=["14", "Lanaudière"],
    )
    code_geographique: Annotated[str | None, BeforeValidator(_code_text)] = Field(
        default=None,
        max_length=10,
        description="Code géographique officiel du Répertoire des municipalités du Québec : 3 chiffres pour une "
        "MRC, 5 pour une municipalité (facultatif).",
    )
    delegataire: Texte | None = Field(default=None, description="Organisme délégataire, s'il y en a un (ex. CieNOV).")
    site_web: Url | None = Field(default=None, description="Adresse du site Web.")


class AnneePlan(Record):
    numero: int = Field(ge=1, le=20, description="Numéro de l'année du plan (1 pour « An 1 »).")
    debut: int = Field(ge=1900, le=2200, description="Année civile de début (2022 pour 2022-2023).")
    fin: int = Field(ge=1900, le=2200, description="Année civile de fin (2023 pour 2022-2023).")


class Periode(Record):
    debut: dt.date = Field(description="Premier jour couvert par le plan (AAAA-MM-JJ).")
    fin: dt.date = Field(description="Dernier jour couvert par le plan (AAAA-MM-JJ).")


class MiseAJour(Record):
    date: dt.date = Field(description="Date de la mise à jour (AAAA-MM-JJ).")
    resume: Texte | None = Field(default=None, description="Ce qui a changé.")
    resolution: Texte | None = Field(default=None, description="Numéro de résolution, s'il y a lieu.")


class Adoption(Record):
    instance: Texte = Field(description="Instance qui a adopté le plan (ex. conseil de la MRC).")
    date: dt.date = Field(description="Date d'adoption (AAAA-MM-JJ).")
    resolution: Texte | None = Field(default=None, description="Numéro de résolution.")


class Contact(Record):
    nom: Texte | None = Field(default=None, description="Service ou personne à joindre.")
    courriel: Courriel | None = None
    telephone: Texte | None = Field(default=None, description="Numéro de téléphone.")
    site_web: Url | None = Field(default=None, description="Adresse du site Web.")


class Partenaire(Record):
    id: Id
    anciens_ids: AnciensIds = Field(default_factory=list)
    sigle: Texte | None = Field(default=None, description="Sigle tel qu'écrit dans le plan (ex. TCIE).")
    nom: Texte | None = Field(default=None, description="Nom complet du partenaire.")
    site_web: Url | None = Field(default=None, description="Adresse du site Web du partenaire.")


class Suivi(Record):
    statut: Literal["a_venir", "en_cours", "realise", "reporte", "abandonne"] = Field(
        description="État d'avancement : a_venir, en_cours, realise, reporte ou abandonne."
    )
    date: dt.date | None = Field(default=None, description="Date de ce statut (AAAA-MM-JJ).")
    commentaire: Texte | None = Field(default=None, description="Précision sur l'avancement.")


class Cible(Record):
    annee: int | list[int] | None = Field(
        default=None,
        description="Année(s) du plan visée(s) par la cible (1 pour An 1) ; une liste si la "
        "cible vaut pour plusieurs années.",
    )
    texte: Texte = Field(description="La cible dans les mots de la source (ex. « 8 rencontres »).")
    valeur: Nombre | None = Field(
        default=None,
        description="Valeur numérique, seulement si le texte ne la donne pas déjà lisiblement.",
    )
    unite: Texte | None = Field(default=None, description="Unité de la valeur (ex. « entreprises / année »).")
    echeance: Echeance = None
    realise: Texte | None = Field(default=None, description="Résultat obtenu, dans les mots du suivi.")
    valeur_realisee: Nombre | None = Field(default=None, description="Résultat obtenu, en nombre.")


class Indicateur(Record):
    id: Id | None = Field(default=None, description="Identifiant stable de l'indicateur (facultatif).")
    texte: Texte = Field(description="L'indicateur de performance dans les mots de la source.")
    cibles: list[Cible] = Field(default_factory=list, description="Cibles, par année du plan s'il y a lieu.")


class Allocation(Record):
    ressource: Id = Field(description="Identifiant d'une ressource du registre `ressources`.")
    part: Nombre = Field(ge=0, le=1000, description="Part du temps de la ressource, en pour cent (50 pour 50 %).")


class TempsImparti(Record):
    texte: Texte | None = Field(default=None, description="Le temps imparti dans les mots de la source.")
    allocations: list[Allocation] = Field(default_factory=list, description="Part de chaque ressource.")


class PlanBase(Record):
    id: Id
    anciens_ids: AnciensIds = Field(default_factory=list)
    titre: Texte = Field(description="Titre du plan.")
    programme: Id | None = Field(
        default=None, description="Identifiant du référentiel du programme (plans/referentiels/), s'il y a lieu."
    )
    organisme: Organisme
    statut: Literal["projet", "adopte", "en_vigueur", "echu"] | None = Field(
        default=None, description="Statut du plan : projet, adopte, en_vigueur ou echu."
    )
    date_plan: dt.date | None = Field(default=None, description="Date du plan (AAAA-MM-JJ).")
    date_convention: dt.date | None = Field(
        default=None, description="Date de signature de la convention d'aide financière (AAAA-MM-JJ)."
    )
    periode: Periode | None = Field(default=None, description="Période couverte par le plan.")
    annees: list[AnneePlan] = Field(
        default_factory=list, description="Années du plan (An 1, An 2, An 3) et leurs années civiles."
    )
    mises_a_jour: list[MiseAJour] = Field(default_factory=list, description="Mises à jour du plan.")
    adoption: Adoption | None = None
    contact: Contact | None = None
    licence: Texte | None = Field(default=None, description="Licence des données (ex. CC-BY-4.0).")
    source: Texte | None = Field(default=None, description="Document d'où le plan a été transcrit.")
    fictif: bool = Field(default=False, description="Plan de démonstration : chaque page le dit fictif.")
    partenaires: list[Partenaire] = Field(
        default_factory=list, description="Registre des partenaires cités dans le plan."
    )
    notes: Textes = Field(
        default_factory=list,
        description="Textes du document importé que l'import n'a pas su placer, avec leur provenance (tableau, "
        "rangée, colonne) : à replacer à la main, puis à retirer.",
    )


# --- Registries a kind may hold -------------------------------------------------------------


class Ressource(Record):
    id: Id
    role: Texte = Field(description="Rôle de la ressource, dans les mots du plan.")
    statut: Literal["nouvelle", "existante", "promotion_interne"] | None = Field(
        default=None,
        description="nouvelle (embauche), existante ou promotion_interne.",
    )
    temps: Literal["plein", "partiel"] | None = Field(default=None, description="Temps plein ou temps partiel.")
    embauche: Texte | None = Field(
        default=None,
        description="Moment de l'embauche, dans les mots du plan (par exemple « automne 2021 »), affiché tel quel.",
    )
    hors_programme: float | None = Field(
        default=None,
        ge=0,
        le=100,
        allow_inf_nan=False,
        description="Part du temps de la ressource hors du programme, en pour cent (0 à 100).",
    )


# --- Référentiel of a programme --------------------------------------------------------------


class ElementReferentiel(Record):
    numero: int = Field(ge=1, le=99)
    libelle: Texte = Field(description="Libellé officiel.")


class Colonne(Record):
    cle: Id = Field(description="Identifiant de la colonne.")
    libelle: Texte = Field(description="Titre de la colonne dans le gabarit du ministère.")
    aide: Textes = Field(default_factory=list, description="Consigne du gabarit pour cette colonne.")


class Referentiel(Record):
    id: Id
    nom: Texte = Field(description="Nom du programme.")
    ministere: Texte = Field(description="Ministère responsable.")
    gabarit: Annotated[str, Field(pattern=ID_PATTERN, max_length=40)] = Field(
        description="Type des plans de ce programme (piar, pac ou un type de plans/types/)."
    )
    titre_gabarit: Texte | None = Field(default=None, description="Titre du gabarit du ministère.")
    consignes: Textes = Field(default_factory=list, description="Consignes générales du gabarit.")
    colonnes: list[Colonne] = Field(default_factory=list, description="Colonnes du gabarit.")
    objectifs_generaux: list[ElementReferentiel] = Field(default_factory=list)
    axes: list[ElementReferentiel] = Field(default_factory=list)
    enjeux_min: int | None = Field(default=None, description="Nombre d'enjeux généralement attendu, au moins.")
    enjeux_max: int | None = Field(default=None, description="Nombre d'enjeux généralement attendu, au plus.")
    delai_depot_mois: int | None = Field(
        default=None, description="Délai de dépôt du plan après la signature de la convention, en mois."
    )


# Every plan is a PlanBase; its kind's generated class adds the levels (kinds.py).
AnyPlan = PlanBase
