"""Rules for every gabarit: identifiers, references, empty text, plan metadata."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel

from ..findings import Severity
from ..model import Record
from . import Context, Hit, rule

# Text fields that the schema requires and that must say something.
REQUIRED_TEXT = ("titre", "enonce", "texte", "nom", "role", "libelle")


def walk(record: BaseModel) -> Iterator[BaseModel]:
    """Every record of a plan, depth first, in file order."""
    yield record
    for name in type(record).model_fields:
        if name == "prive":
            continue
        value = getattr(record, name)
        if isinstance(value, BaseModel):
            yield from walk(value)
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, BaseModel):
                    yield from walk(item)


def path_of(record: BaseModel) -> tuple[str | int, ...]:
    return record._path if isinstance(record, Record) else ()


@rule("COM-E001", Severity.ERREUR, "Identifiant en double")
def duplicate_ids(ctx: Context) -> Iterator[Hit]:
    # Ids make URLs: two records of the same kind with one id would share a page.
    seen: dict[tuple[str, str], tuple[str | int, ...]] = {}
    for record in walk(ctx.plan):
        record_id = getattr(record, "id", None)
        if record is ctx.plan or not isinstance(record_id, str):
            continue
        key = (type(record).__name__, record_id)
        if key in seen:
            line = ctx.source.locate(seen[key])[0]
            yield Hit(
                (*path_of(record), "id"),
                f"identifiant « {record_id} » déjà utilisé à la ligne {line} : chaque élément doit avoir le sien.",
            )
        else:
            seen[key] = path_of(record)


@rule("COM-E002", Severity.ERREUR, "Texte obligatoire vide")
def empty_text(ctx: Context) -> Iterator[Hit]:
    for record in walk(ctx.plan):
        for name in REQUIRED_TEXT:
            value = getattr(record, name, None)
            if isinstance(value, str) and not value.strip() and name in type(record).model_fields:
                required = type(record).model_fields[name].is_required()
                if required:
                    yield Hit((*path_of(record), name), f"« {name} » est vide : écrivez le texte de la source.")


@rule("COM-E003", Severity.ERREUR, "Ressource inconnue")
def unknown_resource(ctx: Context) -> Iterator[Hit]:
    known = {r.id for r in getattr(ctx.plan, "ressources", [])}
    for record in walk(ctx.plan):
        ressource = getattr(record, "ressource", None)
        if isinstance(ressource, str) and ressource not in known:
            choices = ", ".join(sorted(known)) or "aucune"
            yield Hit(
                (*path_of(record), "ressource"),
                f"ressource « {ressource} » absente du registre « ressources » (connues : {choices}).",
            )


@rule("COM-E004", Severity.ERREUR, "Gabarit différent de celui du programme")
def gabarit_matches(ctx: Context) -> Iterator[Hit]:
    if ctx.referentiel and ctx.referentiel.gabarit != ctx.plan.gabarit:
        yield Hit(
            ("gabarit",),
            f"le programme « {ctx.referentiel.nom} » utilise le gabarit « {ctx.referentiel.gabarit} », "
            f"pas « {ctx.plan.gabarit} ».",
        )


@rule("COM-I001", Severity.INFO, "Statut du plan non précisé")
def plan_status(ctx: Context) -> Iterator[Hit]:
    if ctx.plan.statut is None:
        yield Hit((), "statut du plan non précisé : ajoutez « statut: » (projet, adopte, en_vigueur ou echu).")


@rule("COM-I002", Severity.INFO, "Licence des données non précisée")
def plan_licence(ctx: Context) -> Iterator[Hit]:
    if ctx.plan.licence is None:
        yield Hit(
            (),
            "licence des données non précisée : ajoutez « licence: » (ex. CC-BY-4.0) pour "
            "que les données ouvertes puissent être réutilisées.",
        )


@rule("COM-I003", Severity.INFO, "Partenaire sans nom complet")
def partner_name(ctx: Context) -> Iterator[Hit]:
    for partenaire in ctx.plan.partenaires:
        if not partenaire.nom:
            yield Hit(
                path_of(partenaire),
                f"partenaire « {partenaire.sigle or partenaire.id} » sans nom complet : ajoutez "
                "« nom: » pour que les citoyens sachent de qui il s'agit.",
            )


@rule("COM-I004", Severity.INFO, "Échéance non reconnue")
def unparsed_deadline(ctx: Context) -> Iterator[Hit]:
    from ..echeance import parse

    for record in walk(ctx.plan):
        value = getattr(record, "echeance", None)
        for terme in parse(value):
            if terme.genre == "inconnu":
                yield Hit(
                    (*path_of(record), "echeance"),
                    f"échéance « {terme.texte} » non reconnue : elle sera affichée telle quelle mais "
                    "n'entre pas dans le calendrier (formes reconnues : « 31 janvier 2021 », "
                    "« juin 2021 », « automne 2021 », « En continu », « Dès juin 2021 », « An 1 (2022-2023) »).",
                )


@rule("COM-E007", Severity.ERREUR, "Ancien identifiant encore utilisé")
def old_id_reused(ctx: Context) -> Iterator[Hit]:
    # An old id keeps a redirect; if a record of the same kind uses it again, the two would
    # claim one address.
    current: dict[str, set[str]] = {}
    for record in walk(ctx.plan):
        if record is not ctx.plan and isinstance(getattr(record, "id", None), str):
            current.setdefault(type(record).__name__, set()).add(record.id)  # type: ignore[attr-defined]
    for record in walk(ctx.plan):
        for index, old in enumerate(getattr(record, "anciens_ids", [])):
            if old in current.get(type(record).__name__, set()):
                yield Hit(
                    (*path_of(record), "anciens_ids", index),
                    f"l'ancien identifiant « {old} » est repris par un autre élément : retirez-le de "
                    "« anciens_ids » ou choisissez un autre identifiant.",
                )
