"""Plan kinds: what a plan of a kind is made of, read from a data file.

A kind file names the levels of the plan's hierarchy with their French words, the fields of
each level (from the fixed vocabulary of FIELD_TYPES, which the code knows how to validate,
show and export), the overview table's columns, the browse views and the program's own rule
sets. The pydantic model of a plan of that kind, and so its JSON Schema, is built from it: a
new kind of plan needs a YAML file, not code.

Built-in kinds ship with the package (types/); a repository adds or overrides kinds in
plans/types/, next to the référentiels.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, Field, create_model, model_validator

from plan_ouvert.source.model import (
    ID_PATTERN,
    AnciensIds,
    Echeance,
    Id,
    Indicateur,
    Nombre,
    PlanBase,
    Record,
    Ressource,
    Suivi,
    TempsImparti,
    Texte,
    Textes,
    Url,
)

KEY_PATTERN = r"^[a-z][a-z0-9_]*$"
Cle = Annotated[str, Field(pattern=KEY_PATTERN, max_length=40, description="Clé YAML : minuscules et _.")]
TYPES_DIR = "types"


class Financement(Record):
    """One funding source of an element: who pays, how much, as the plan words it."""

    source: Texte = Field(description="Source de financement, dans les mots du plan (ex. « FRR volet 2 »).")
    partenaire: Id | None = Field(
        default=None, description="Identifiant du partenaire qui finance, s'il est au registre."
    )
    montant: Nombre | None = Field(default=None, description="Montant en dollars, s'il est donné.")
    texte: Texte | None = Field(default=None, description="Le montant ou la précision dans les mots du plan.")


# The vocabulary of field types: what each accepts in a plan file (annotation, default).
FIELD_TYPES: dict[str, tuple[Any, Any]] = {
    "texte": (Texte | None, None),
    "textes": (Textes, list),
    "entier": (int | None, None),
    "nombre": (Nombre | None, None),
    "montant": (Nombre | Texte | None, None),
    "date": (dt.date | None, None),
    "echeance": (Echeance, None),
    "partenaires": (list[Id], list),
    "reference": (list[int], list),
    "indicateurs": (list[Indicateur], list),
    "temps_imparti": (TempsImparti | None, None),
    "financement": (list[Financement], list),
    "lien": (Url | None, None),
    "suivi": (Suivi | None, None),
    # A yes-or-no fact the plan states (an enjeu covering the convention's obligations); absent
    # means the plan does not say it.
    "oui_non": (bool | None, None),
}
TypeChamp = Literal[
    "texte",
    "textes",
    "entier",
    "nombre",
    "montant",
    "date",
    "echeance",
    "partenaires",
    "reference",
    "indicateurs",
    "temps_imparti",
    "financement",
    "lien",
    "suivi",
    "oui_non",
]
# Field types whose value the page shows as a list, a table or a sentence of its own.
LIST_TYPES = {"textes", "partenaires", "reference", "indicateurs", "financement"}


class Champ(Record):
    """A field of a level: its YAML key, its type, its French words."""

    cle: Cle
    type: TypeChamp = Field(description="Type du champ : " + ", ".join(FIELD_TYPES) + ".")
    libelle: Texte = Field(description="Nom du champ sur les pages (ex. « Porteur »).")
    aide: Texte | None = Field(default=None, description="Explication affichée dans l'éditeur (VS Code).")
    obligatoire: bool = Field(
        default=False, description="Sans ce champ, le fichier est ambigu : erreur de lecture (rare)."
    )
    attendu: bool = Field(
        default=False,
        description="Le gabarit attend ce champ : son absence est une non-conformité signalée, pas une erreur.",
    )
    manque: Texte | None = Field(default=None, description="Ce que la page dit quand le champ est absent.")
    referentiel: Cle | None = Field(
        default=None, description="Pour le type reference : la liste du référentiel visée (ex. axes)."
    )
    vue: Cle | None = Field(
        default=None,
        description="Pour le type textes : dossier d'une vue qui regroupe les éléments par valeur (ex. clienteles).",
    )
    vue_titre: Texte | None = Field(default=None, description="Titre de cette vue (ex. « Clientèles visées »).")
    vue_nom: Texte | None = Field(
        default=None, description="Nom d'une valeur, dans le titre de sa page (ex. « Clientèle »)."
    )
    vue_feminin: bool = Field(
        default=False, description="Le nom d'une valeur est féminin (« cette clientèle », « telles que »)."
    )
    role: Texte | None = Field(
        default=None, description="Pour le type partenaires : le rôle du partenaire (ex. « porteur »)."
    )
    colonne: Texte | None = Field(
        default=None,
        description="En-tête de sa colonne dans les données ouvertes (CSV, XLSX), s'il diffère du libellé.",
    )
    annees_plan: bool = Field(
        default=False,
        description="Pour le type echeance : l'échéance se donne en années du plan (« An 1 (2022-2023) ») ; les "
        "données ouvertes ajoutent la colonne des années visées.",
    )
    dispense: list[Cle] = Field(
        default_factory=list,
        description="Pour le type oui_non : champs que l'élément n'a pas à donner quand ce champ vaut true (ex. "
        "[objectifs_generaux, axes] pour les obligations de la convention, hors des objectifs du programme).",
    )

    @property
    def valeur_nom(self) -> str:
        """« Clientèle » in « Clientèle : Personnes immigrantes »."""
        return self.vue_nom or self.libelle.split(" ")[0]

    @model_validator(mode="after")
    def _type_options(self) -> Champ:
        if self.type == "reference" and not self.referentiel:
            raise ValueError("un champ de type reference nomme sa liste du référentiel (referentiel: axes).")
        if self.vue and self.type != "textes":
            raise ValueError("seul un champ de type textes peut avoir une vue.")
        if self.annees_plan and self.type != "echeance":
            raise ValueError("seul un champ de type echeance peut se donner en années du plan (annees_plan).")
        if self.dispense and self.type != "oui_non":
            raise ValueError("seul un champ de type oui_non peut dispenser d'autres champs (dispense).")
        return self


class Attendu(Record):
    """A piece of information the programme's gabarit expects of each element of a level."""

    cle: Cle = Field(description="Champ attendu, ou clé de la liste du niveau en dessous (ex. actions).")
    mots: Texte = Field(description="Ce qu'« État du plan » dit qui manque (ex. « indicateurs de performance »).")


class Niveau(Record):
    """A level of the hierarchy: enjeu, action, orientation, objectif, moyen d'action…"""

    cle: Cle = Field(description="Clé de la liste dans le niveau au-dessus (ex. actions).")
    type: Annotated[str, Field(pattern=ID_PATTERN, max_length=40)] = Field(
        description="Nom court du niveau (ex. action) : il nomme ses pages et ses données."
    )
    dossier: Annotated[str, Field(pattern=ID_PATTERN, max_length=40)] = Field(
        description="Dossier des adresses de ses pages (ex. actions)."
    )
    singulier: Texte = Field(description="Nom au singulier, tel qu'on l'écrit avant un numéro (ex. « Action »).")
    pluriel: Texte = Field(description="Nom au pluriel (ex. « Actions »).")
    feminin: bool = Field(default=False, description="Le nom est féminin (« Aucune action »).")
    numerotation: Literal["id", "champ", "position"] = Field(
        default="position",
        description="D'où vient le numéro : id (« 1-2 » donne 1.2), champ (le champ numero) ou position "
        "(1, 2, 3… sous le parent, préfixé du numéro du parent).",
    )
    texte: Cle | None = Field(default=None, description="Champ du texte principal (ex. texte, enonce).")
    titre: Cle | None = Field(default=None, description="Champ d'un libellé facultatif ajouté au titre.")
    page: Annotated[str, Field(pattern=r"^[a-z_]+$")] = Field(
        default="element", description="Gabarit de page sous overrides/plan/ (element par défaut)."
    )
    champs: list[Champ] = Field(default_factory=list, description="Champs du niveau, dans l'ordre des pages.")
    completude: list[Attendu] = Field(
        default_factory=list,
        description="Ce que le gabarit du programme attend de chaque élément, en plus des champs marqués "
        "attendu, pour la complétude qu'affiche « État du plan ».",
    )

    def champ(self, cle: str) -> Champ | None:
        return next((c for c in self.champs if c.cle == cle), None)

    def dispenses(self, record: Any) -> set[str]:
        """The fields `record` need not give: those its true oui_non fields dispense it from."""
        return {cle for c in self.champs if c.dispense and getattr(record, c.cle, None) is True for cle in c.dispense}

    @property
    def aucun(self) -> str:
        return "Aucune" if self.feminin else "Aucun"


class ColonneApercu(Record):
    """A column of the overview table: fields of one level shown together."""

    libelle: Texte = Field(description="Titre de la colonne (celui du gabarit du ministère s'il y en a un).")
    niveau: Annotated[str, Field(pattern=ID_PATTERN)] = Field(description="Type du niveau dont les champs s'affichent.")
    champs: list[Cle] = Field(description="Champs affichés dans la colonne.")


# How a Word table cell lays out the items of its column (see the guide, « Le tableau Word du
# ministère »): the importer reads a cell this way, the Word export writes it this way.
Disposition = Literal[
    "texte", "numeros", "lignes", "liste", "intitule", "partenaires", "cibles", "annees", "ressources"
]


class ColonneWord(Record):
    """A column of the ministry's Word table: its header, the level and fields it holds, its layout."""

    entete: Texte = Field(description="En-tête de la colonne, exactement comme dans le tableau du ministère.")
    variantes: Textes = Field(
        default_factory=list,
        description="Autres en-têtes acceptés à l'import (la formulation longue du gabarit, celle des plans).",
    )
    niveau: Annotated[str, Field(pattern=ID_PATTERN)] = Field(description="Type du niveau que tient la colonne.")
    champs: list[Cle] = Field(
        default_factory=list, description="Champs du niveau que tient la colonne (vide : colonne hors du modèle)."
    )
    disposition: Disposition = Field(
        default="texte",
        description="Disposition des éléments dans la cellule : texte (un seul texte), numeros (« 1 & 7 »), lignes "
        "(un élément par ligne), liste (liste numérotée, le n-ième élément va au n-ième élément du niveau), "
        "intitule (« Moyen d'action 1.1 : » suivi du texte), partenaires (lignes « Porteur : » et "
        "« Collaborateur(s) : »), cibles (une cible par ligne, pour chaque année puis chaque indicateur), annees "
        "(« An 1 (2022-2023) », une année par ligne), ressources (le rôle de chaque ressource du temps imparti, "
        "une par ligne, tel que le registre des ressources le donne).",
    )
    intitule: Texte | None = Field(
        default=None,
        description="Pour la disposition intitule : le mot qui précède le numéro (« Moyen d'action »).",
    )
    facultative: bool = Field(default=False, description="Le plan peut omettre cette colonne.")


class DateWord(Record):
    """A cell of the dates table above the plan (« Date du plan », « Dates de mise à jour »)."""

    entete: Texte = Field(description="Texte de la cellule d'en-tête, exactement comme dans le gabarit.")
    champ: Literal["date_plan", "mises_a_jour", "date_convention"] = Field(
        description="Champ du plan que donne la cellule voisine : date_plan, mises_a_jour ou date_convention."
    )


class RangeeFusionnee(Record):
    """A row merged across the table that starts a new element of a higher level."""

    niveau: Annotated[str, Field(pattern=ID_PATTERN)] = Field(description="Type du niveau qu'elle commence.")
    intitule: Texte = Field(description="Le mot qui précède le numéro (« Objectif spécifique »).")
    champ: Cle | None = Field(default=None, description="Champ qui reçoit le libellé après le numéro (« titre »).")


class GabaritWord(Record):
    """The ministry's Word table of a kind: what `importer` reads and `exporter --format docx` writes."""

    titres: Textes = Field(default_factory=list, description="Titre(s) du document au-dessus du tableau, dans l'ordre.")
    dates: list[DateWord] = Field(default_factory=list, description="Le tableau des dates au-dessus du plan.")
    rangee: Annotated[str, Field(pattern=ID_PATTERN)] = Field(
        description="Type du niveau dont chaque rangée du tableau est un élément (enjeu, moyen, action)."
    )
    rangees_fusionnees: list[RangeeFusionnee] = Field(
        default_factory=list,
        description="Rangées fusionnées sur toute la largeur qui commencent un élément d'un niveau supérieur.",
    )
    paysage: bool = Field(default=True, description="Le document est en orientation paysage.")
    colonnes: list[ColonneWord] = Field(min_length=1, description="Colonnes du tableau, dans l'ordre du gabarit.")


Vue = Literal["programme", "partenaires", "echeances", "suivi", "etat", "historique"]
# Each view's page title when the kind gives none.
VIEW_TITLES: dict[str, str] = {
    "partenaires": "Partenaires",
    "programme": "Objectifs et axes du programme",
    "echeances": "Échéances",
    "etat": "État du plan",
    "suivi": "Suivi du plan",
    "historique": "Historique des versions",
}
DEFAULT_VIEWS: tuple[Vue, ...] = ("partenaires", "echeances", "suivi", "etat", "historique")


class TypePlan(Record):
    """A kind of plan: its levels, fields, words, overview columns and views."""

    id: Annotated[str, Field(pattern=ID_PATTERN, max_length=40)] = Field(
        description="Identifiant du type : la valeur de « gabarit: » dans les plans."
    )
    nom: Texte = Field(description="Nom du type de plan (ex. « Plan de développement de la zone agricole »).")
    sigle: Texte = Field(description="Nom court dans les titres (ex. « PDZA »).")
    description: Texte | None = Field(default=None, description="À quoi sert ce type de plan.")
    niveaux: list[Niveau] = Field(min_length=1, max_length=4, description="Niveaux, du plus haut au plus bas.")
    ressources: bool = Field(default=False, description="Le plan tient un registre des ressources (PIAR).")
    programme: bool = Field(
        default=False,
        description="Le plan nomme obligatoirement le référentiel de son programme (clé « programme »).",
    )
    document: Texte = Field(
        default="le plan",
        description="Le document avec son article, dans les phrases des pages (« la programmation », "
        "« le plan d'intervention »).",
    )
    annee: Texte = Field(default="An", description="Mot d'une année du plan (« An » donne « An 1 (2024-2025) »).")
    rapport: Texte = Field(default="Reddition de compte", description="Nom du rapport annuel.")
    colonnes: list[ColonneApercu] = Field(default_factory=list, description="Colonnes du tableau d'ensemble.")
    vues: dict[Vue, Texte | None] = Field(
        default_factory=lambda: dict.fromkeys(DEFAULT_VIEWS),
        description="Vues offertes et leur titre (vide : titre par défaut) : programme (le plan par niveau, ou la "
        "couverture du référentiel), partenaires, echeances, suivi, etat, historique.",
    )
    regles: list[Annotated[str, Field(pattern=ID_PATTERN)]] = Field(
        default_factory=list, description="Règles propres au programme (ex. piar, pac)."
    )
    apercu: Annotated[str, Field(pattern=r"^[a-z_]+$")] = Field(
        default="apercu", description="Gabarit du tableau d'ensemble sous overrides/plan/ (_apercu.html par défaut)."
    )
    modele: Texte | None = Field(default=None, description="Plan modèle que « plan-ouvert nouveau » recopie.")
    programme_defaut: Annotated[str, Field(pattern=ID_PATTERN, max_length=60)] | None = Field(
        default=None,
        description="Référentiel du programme qu'un nouveau plan de ce type nomme (ex. acces-entreprise-quebec).",
    )
    cibles_annuelles: bool = Field(
        default=False,
        description="Le gabarit du programme demande une cible par indicateur et par année du plan : la complétude "
        "les compte (sinon, une cible pour toute la période suffit).",
    )
    generique: bool = Field(
        default=False,
        description="Le type d'un plan qui ne suit aucun gabarit de programme : l'import le choisit quand un "
        "document ne ressemble à aucun autre type.",
    )
    gabarit_word: GabaritWord | None = Field(
        default=None,
        description="Le tableau Word du ministère : en-têtes, niveau de chaque rangée et disposition de chaque "
        "colonne (import et export Word).",
    )

    @model_validator(mode="after")
    def _consistent(self) -> TypePlan:
        seen: set[str] = set()
        for niveau in self.niveaux:
            if niveau.type in seen or niveau.dossier in {n.dossier for n in self.niveaux if n is not niveau}:
                raise ValueError(f"niveau « {niveau.type} » en double (type ou dossier).")
            seen.add(niveau.type)
            keys = [c.cle for c in niveau.champs]
            if len(keys) != len(set(keys)):
                raise ValueError(f"champ en double dans le niveau « {niveau.type} ».")
        for colonne in self.colonnes:
            if colonne.niveau not in seen:
                raise ValueError(f"la colonne « {colonne.libelle} » nomme un niveau inconnu : « {colonne.niveau} ».")
        if self.gabarit_word is not None:
            self._check_word(self.gabarit_word)
        return self

    def _check_word(self, word: GabaritWord) -> None:
        # Every level and field the Word table names exists, so that import and export never guess.
        levels = {n.type: n for n in self.niveaux}
        for type_ in [word.rangee, *(r.niveau for r in word.rangees_fusionnees)]:
            if type_ not in levels:
                raise ValueError(f"gabarit_word nomme un niveau inconnu : « {type_} ».")
        for fusion in word.rangees_fusionnees:
            if fusion.champ and levels[fusion.niveau].champ(fusion.champ) is None:
                raise ValueError(
                    f"la rangée fusionnée « {fusion.intitule} » nomme un champ inconnu : « {fusion.champ} »."
                )
        for colonne in word.colonnes:
            niveau = levels.get(colonne.niveau)
            if niveau is None:
                raise ValueError(
                    f"la colonne Word « {colonne.entete} » nomme un niveau inconnu : « {colonne.niveau} »."
                )
            for cle in colonne.champs:
                if niveau.champ(cle) is None:
                    raise ValueError(f"la colonne Word « {colonne.entete} » nomme un champ inconnu : « {cle} ».")

    def niveau(self, type_: str) -> Niveau:
        return next(n for n in self.niveaux if n.type == type_)

    def depth(self, type_: str) -> int:
        return next(i for i, n in enumerate(self.niveaux) if n.type == type_)

    def champs(self) -> Iterator[tuple[Niveau, Champ]]:
        for niveau in self.niveaux:
            for champ in niveau.champs:
                yield niveau, champ

    def has_field_type(self, type_: str) -> bool:
        return any(c.type == type_ for _, c in self.champs())

    def view_title(self, vue: str) -> str:
        return self.vues.get(vue) or VIEW_TITLES[vue]  # type: ignore[call-overload]

    def value_views(self) -> list[tuple[Niveau, Champ]]:
        return [(n, c) for n, c in self.champs() if c.vue]


# --- The plan model of a kind -----------------------------------------------------------------

_RESERVED = {"id", "anciens_ids", "prive", "numero"}


def _field(champ: Champ) -> tuple[Any, Any]:
    annotation, default = FIELD_TYPES[champ.type]
    description = champ.aide or champ.libelle
    if champ.obligatoire and default is None:
        return annotation, Field(description=description)
    if default is list:
        return annotation, Field(default_factory=list, description=description)
    return annotation, Field(default=None, description=description)


def _class_name(text: str) -> str:
    return "".join(part.capitalize() for part in text.replace("-", "_").split("_"))


def build_models(kind: TypePlan) -> type[PlanBase]:
    """The pydantic class of a plan of this kind, built bottom-up from its levels."""
    child: tuple[str, type[BaseModel], Niveau] | None = None
    for niveau in reversed(kind.niveaux):
        fields: dict[str, Any] = {
            "id": (Id, ...),
            "anciens_ids": (AnciensIds, Field(default_factory=list)),
        }
        if niveau.numerotation == "champ":
            fields["numero"] = (int, Field(ge=0, le=999, description=f"Numéro de l'élément ({niveau.singulier})."))
        for champ in niveau.champs:
            if champ.cle in _RESERVED:
                raise ValueError(f"le champ « {champ.cle} » est réservé.")
            fields[champ.cle] = _field(champ)
        if child is not None:
            key, model, below = child
            fields[key] = (list[model], Field(default_factory=list, description=below.pluriel))  # type: ignore[valid-type]
        model_cls = create_model(
            f"{_class_name(kind.id)}{_class_name(niveau.type)}", __base__=Record, __doc__=niveau.singulier, **fields
        )
        child = (niveau.cle, model_cls, niveau)
    if child is None:  # a kind has at least one level (min_length)
        raise ValueError("type de plan sans niveau")
    key, top, niveau = child
    plan_fields: dict[str, Any] = {
        "gabarit": (Literal[kind.id], Field(description=f"Type du plan : {kind.id} ({kind.nom}).")),
        key: (list[top], Field(default_factory=list, description=niveau.pluriel)),  # type: ignore[valid-type]
    }
    if kind.programme:
        plan_fields["programme"] = (
            Id,
            Field(description="Identifiant du référentiel du programme (plans/referentiels/)."),
        )
    if kind.ressources:
        plan_fields["ressources"] = (
            list[Ressource],
            Field(default_factory=list, description="Registre des ressources."),
        )
    return create_model(f"Plan{_class_name(kind.id)}", __base__=PlanBase, __doc__=kind.nom, **plan_fields)


# --- The kinds known to a build --------------------------------------------------------------


@dataclass
class Kind:
    """A kind with its generated plan class."""

    spec: TypePlan
    model: type[PlanBase]
    origin: str  # file the kind came from, for messages

    @property
    def id(self) -> str:
        return self.spec.id


@dataclass
class Kinds:
    by_id: dict[str, Kind] = field(default_factory=dict)

    def get(self, kind_id: str) -> Kind | None:
        return self.by_id.get(kind_id)

    def __iter__(self) -> Iterator[Kind]:
        return iter(self.by_id.values())

    def add(self, spec: TypePlan, origin: str) -> Kind:
        kind = Kind(spec, build_models(spec), origin)
        self.by_id[spec.id] = kind
        return kind

    def of(self, plan: PlanBase) -> Kind:
        return self.by_id[str(getattr(plan, "gabarit"))]  # noqa: B009 (generated field)

    def generic(self) -> Kind | None:
        """The kind a plan following no programme's gabarit takes (`generique: true`)."""
        return next((k for k in self.by_id.values() if k.spec.generique), None)

    def copy(self) -> Kinds:
        return Kinds(dict(self.by_id))

    @classmethod
    def builtin(cls) -> Kinds:
        """The kinds shipped with Plan ouvert (trusted files: a problem there is a bug)."""
        if not _BUILTIN.by_id:
            for name, text in builtin_files():
                _BUILTIN.add(TypePlan.model_validate(yaml.safe_load(text)), name)
        return _BUILTIN.copy()


_BUILTIN = Kinds()


def builtin_files() -> list[tuple[str, str]]:
    """(name, text) of the kinds shipped with Plan ouvert."""
    folder = resources.files("plan_ouvert").joinpath(TYPES_DIR)
    return sorted((entry.name, entry.read_text("utf-8")) for entry in folder.iterdir() if entry.name.endswith(".yml"))
